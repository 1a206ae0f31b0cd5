#pragma once
#include "data/sqlite.h"

namespace tandem::schema {

constexpr int currentVersion = 1;

// Brings a project to currentVersion through the numbered migrations, each in
// its own transaction; PRAGMA user_version records how far it got. A project
// written by a newer Tandem is refused rather than damaged.
Status migrate(sql::Database &db);

// The FTS rowid packs the source table into the low two bits.
enum class SearchKind : int { Caption = 0, Question = 1, Answer = 2 };
inline int64_t searchRowId(int64_t id, SearchKind kind) { return id * 4 + int64_t(kind); }

} // namespace tandem::schema
