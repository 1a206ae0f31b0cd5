#pragma once
// What the stores of core/data share to read and write rows: JSON columns,
// one-statement changes, and rows collected into values. Internal to core/data.
#include "data/projectstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <functional>
#include <string>
#include <vector>

namespace tandem::rows {

inline QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

inline QJsonObject jsonObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

inline Status execute(ProjectStore &store, const char *sql, const std::function<void(sql::Statement &)> &bind)
{
    auto stmt = store.database().prepare(sql);
    if (!stmt)
        return stmt.error();
    bind(*stmt);
    return stmt->exec();
}

// Rows of `sql` (bound by `bind`) read by `read`; a store error if stepping fails.
template <typename T>
inline Expected<std::vector<T>> collect(ProjectStore &store, const std::string &sql,
                                 const std::function<void(sql::Statement &)> &bind,
                                 const std::function<T(sql::Statement &)> &read)
{
    auto stmt = store.database().prepare(sql);
    if (!stmt)
        return stmt.error();
    bind(*stmt);
    std::vector<T> rows;
    while (stmt->step())
        rows.push_back(read(*stmt));
    if (!stmt->error().isEmpty())
        return Error::store(stmt->error());
    return rows;
}

} // namespace tandem::rows
