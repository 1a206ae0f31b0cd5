#pragma once
// A thin RAII layer over SQLite's C API: prepared statements bound with UTF-8
// std::string_view (no QVariant boxing on the bulk-import path) and errors
// turned into tandem::Error.
#include "util/expected.h"

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace tandem::sql {

class Statement {
public:
    Statement() = default;
    Statement(sqlite3_stmt *stmt) : m_stmt(stmt) {}
    Statement(Statement &&other) noexcept : m_stmt(other.m_stmt) { other.m_stmt = nullptr; }
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement();

    // Binding is 1-based, as in SQLite.
    Statement &bind(int index, std::string_view text); // copies the text
    // No copy: the text must stay alive until the statement is stepped and reset
    // (bulk imports bind millions of strings that outlive the step anyway).
    Statement &bindStatic(int index, std::string_view text);
    Statement &bind(int index, const QString &text) { return bind(index, std::string_view(text.toUtf8().toStdString())); }
    template <typename Integer, typename = std::enable_if_t<std::is_integral_v<Integer>>>
    Statement &bind(int index, Integer value) { return bindInt64(index, static_cast<int64_t>(value)); }
    Statement &bindInt64(int index, int64_t value);
    Statement &bind(int index, double value);
    Statement &bindBlob(int index, const void *data, int bytes);
    Statement &bindNull(int index);

    // step(): true while a row is available; false when done. Errors go to error().
    bool step();
    // Runs to completion; for INSERT/UPDATE/DELETE.
    Status exec();
    void reset();

    int64_t int64(int column) const;
    int integer(int column) const { return int(int64(column)); }
    double real(int column) const;
    std::string text(int column) const;
    QString qtext(int column) const;
    QByteArray blob(int column) const;
    bool isNull(int column) const;

    const QString &error() const { return m_error; }
    sqlite3_stmt *handle() const { return m_stmt; }

private:
    sqlite3_stmt *m_stmt = nullptr;
    QString m_error;
};

class Database {
public:
    Database() = default;
    Database(Database &&other) noexcept : m_db(other.m_db) { other.m_db = nullptr; }
    Database &operator=(Database &&other) noexcept;
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;
    ~Database();

    static Expected<Database> open(const QString &path, bool create);

    Status exec(std::string_view sql);           // one or more statements, no results
    Expected<Statement> prepare(std::string_view sql);
    Expected<int64_t> scalar(std::string_view sql); // first column of the first row, 0 if none
    int64_t lastInsertId() const;
    int changes() const;
    QString errorMessage() const;
    sqlite3 *handle() const { return m_db; }

private:
    sqlite3 *m_db = nullptr;
};

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit()ed:
// an early return or an exception leaves the database as it was.
class Transaction {
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    const Status &begun() const { return m_begun; }
    Status commit();

private:
    Database &m_db;
    Status m_begun;
    bool m_open = false;
};

} // namespace tandem::sql
