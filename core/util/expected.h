#pragma once
// Value-or-error for core APIs (C++17 has no std::expected). Errors carry a
// message a user can act on, plus the file/line/column when input was at fault.
#include <QMetaType>
#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace tandem {

enum class ErrorKind {
    Usage,      // the caller asked for something impossible (bad option, unknown format)
    Input,      // an input file is malformed or unreadable
    Store,      // the project database failed (locked, full disk, corrupt)
    Io,         // writing output failed
    Cancelled,  // the user cancelled; nothing was changed
};

struct Error {
    ErrorKind kind = ErrorKind::Input;
    QString message;
    QString file;
    int line = 0;    // 1-based; 0 when not known
    int column = 0;  // 1-based; 0 when not known

    // "file:line:column: message", the form compilers use and editors can jump to.
    QString toString() const;

    static Error input(QString message, QString file = {}, int line = 0, int column = 0)
    {
        return {ErrorKind::Input, std::move(message), std::move(file), line, column};
    }
    static Error store(QString message) { return {ErrorKind::Store, std::move(message), {}, 0, 0}; }
    static Error io(QString message, QString file = {}) { return {ErrorKind::Io, std::move(message), std::move(file), 0, 0}; }
    static Error usage(QString message) { return {ErrorKind::Usage, std::move(message), {}, 0, 0}; }
    static Error cancelled() { return {ErrorKind::Cancelled, QStringLiteral("cancelled"), {}, 0, 0}; }
};

template <typename T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : m_data(std::in_place_index<0>, std::move(value)) {}
    Expected(Error error) : m_data(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() & { return std::get<0>(m_data); }
    const T &value() const & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

// Expected<void>: success carries nothing.
template <>
class [[nodiscard]] Expected<void> {
public:
    Expected() = default;
    Expected(Error error) : m_error(std::move(error)) {}
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Expected<void>;

} // namespace tandem

// Errors travel in queued signals from workers to the GUI thread.
Q_DECLARE_METATYPE(tandem::Error)
