#pragma once
#include "data/sqlite.h"

#include <vector>

namespace tandem::schema {

constexpr int currentVersion = 4;

// Brings a project to currentVersion through the numbered migrations, each in
// its own transaction; PRAGMA user_version records how far it got. A project
// written by a newer Tandem is refused rather than damaged.
Status migrate(sql::Database &db);

// The FTS rowid packs the source table into the low two bits.
enum class SearchKind : int { Caption = 0, Question = 1, Answer = 2 };
inline int64_t searchRowId(int64_t id, SearchKind kind) { return id * 4 + int64_t(kind); }

// For bulk inserts inside one transaction: stops the per-row search-index
// triggers, and finish() indexes every row added since in one statement per
// table (unless they were indexed on a second thread) and restores the triggers. If the transaction rolls back, so does this.
class BulkSearchIndexing {
public:
    explicit BulkSearchIndexing(sql::Database &db);
    const Status &begun() const { return m_status; }
    // `alreadyIndexed`: the new rows' texts are in the index (a
    // ParallelSearchIndex copied them): only the triggers come back.
    Status finish(bool alreadyIndexed = false);

private:
    sql::Database &m_db;
    std::vector<int64_t> m_lastIds; // captions, questions, answers
    Status m_status;
};

} // namespace tandem::schema
