#pragma once
// Value-or-error for tandem_ml. The core's Expected carries a QString; this
// library stays free of Qt, so it has its own, with a plain std::string message.
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace tandem::ml {

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    static Result failure(std::string message) { return Result(Tag{}, std::move(message)); }

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() & { return std::get<0>(m_data); }
    const T &value() const & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    const std::string &error() const { return std::get<1>(m_data); }

private:
    struct Tag {};
    Result(Tag, std::string message) : m_data(std::in_place_index<1>, std::move(message)) {}
    std::variant<T, std::string> m_data;
};

// Success carries nothing; failure a message naming what went wrong.
class [[nodiscard]] Outcome {
public:
    Outcome() = default;
    static Outcome failure(std::string message) { return Outcome(std::move(message)); }
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const std::string &error() const { return *m_error; }

private:
    explicit Outcome(std::string message) : m_error(std::move(message)) {}
    std::optional<std::string> m_error;
};

} // namespace tandem::ml
