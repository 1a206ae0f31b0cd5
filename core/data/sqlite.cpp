#include "sqlite.h"

#include <sqlite3.h>

#include <mutex>

namespace tandem::sql {

static QString describe(sqlite3 *db, int rc)
{
    QString message = QString::fromUtf8(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (rc == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)
        message += QStringLiteral(" (is the disk full?)");
    else if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        message += QStringLiteral(" (another program is writing to this project)");
    return message;
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    std::swap(m_stmt, other.m_stmt);
    return *this;
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement &Statement::bind(int index, std::string_view text)
{
    sqlite3_bind_text(m_stmt, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindStatic(int index, std::string_view text)
{
    sqlite3_bind_text(m_stmt, index, text.data(), int(text.size()), SQLITE_STATIC);
    return *this;
}

Statement &Statement::bindInt64(int index, int64_t value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement &Statement::bindBlob(int index, const void *data, int bytes)
{
    sqlite3_bind_blob(m_stmt, index, data, bytes, SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        m_error = describe(sqlite3_db_handle(m_stmt), rc);
    return false;
}

Status Statement::exec()
{
    m_error.clear();
    while (step()) {
    }
    const QString error = m_error;
    reset();
    if (!error.isEmpty())
        return Error::store(error);
    return {};
}

void Statement::reset()
{
    m_error.clear();
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

int64_t Statement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

std::string Statement::text(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return p ? std::string(p, size_t(sqlite3_column_bytes(m_stmt, column))) : std::string();
}

QString Statement::qtext(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, column)) : QString();
}

QByteArray Statement::blob(int column) const
{
    const auto *p = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    return p ? QByteArray(p, sqlite3_column_bytes(m_stmt, column)) : QByteArray();
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

Database &Database::operator=(Database &&other) noexcept
{
    std::swap(m_db, other.m_db);
    return *this;
}

Database::~Database()
{
    sqlite3_close_v2(m_db);
}

// Once per process, before the first connection: no global memory statistics
// (each allocation took a mutex: 10% of a bulk import) and no per-connection
// mutexes (each connection is used by one thread only, as DESIGN.md says).
// If SQLite was already initialised by someone else, these calls fail harmlessly.
static void configureSqlite()
{
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        sqlite3_initialize();
    });
}

Expected<Database> Database::open(const QString &path, bool create)
{
    configureSqlite();
    Database db;
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db.m_db, flags, nullptr);
    if (rc != SQLITE_OK)
        return Error::store(QStringLiteral("cannot open project %1: %2").arg(path, describe(db.m_db, rc)));
    sqlite3_extended_result_codes(db.m_db, 1);
    sqlite3_busy_timeout(db.m_db, 5000);
    return db;
}

Status Database::exec(std::string_view sql)
{
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK)
        return {};
    QString text = message ? QString::fromUtf8(message) : describe(m_db, rc);
    if (rc == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)
        text = describe(m_db, rc);
    sqlite3_free(message);
    return Error::store(text);
}

Expected<Statement> Database::prepare(std::string_view sql)
{
    sqlite3_stmt *stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql.data(), int(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK)
        return Error::store(describe(m_db, rc) + QStringLiteral(" in: ") + QString::fromUtf8(sql.data(), int(sql.size())));
    return Statement(stmt);
}

Expected<int64_t> Database::scalar(std::string_view sql)
{
    auto stmt = prepare(sql);
    if (!stmt)
        return stmt.error();
    const int64_t value = stmt->step() ? stmt->int64(0) : 0;
    if (!stmt->error().isEmpty())
        return Error::store(stmt->error());
    return value;
}

int64_t Database::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const
{
    return sqlite3_changes(m_db);
}

QString Database::errorMessage() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

Transaction::Transaction(Database &db) : m_db(db)
{
    m_begun = m_db.exec("BEGIN IMMEDIATE");
    m_open = m_begun.ok();
}

Transaction::~Transaction()
{
    if (m_open)
        (void)m_db.exec("ROLLBACK");
}

Status Transaction::commit()
{
    if (!m_open)
        return m_begun.ok() ? Status(Error::store(QStringLiteral("transaction already finished"))) : m_begun;
    m_open = false;
    Status status = m_db.exec("COMMIT");
    if (!status)
        (void)m_db.exec("ROLLBACK");
    return status;
}

} // namespace tandem::sql
