#pragma once
// The full-text index of a first import, built on a second core while the
// project's connection writes the rows. Tokenising 600k captions took as long
// as writing them (0.6 s each for a COCO-sized file); now the two overlap.
//
// The thread indexes the texts into a private in-memory database made with
// the project's own CREATE statement (same tokenizer, same options), under the
// rowids the rows will get (data/schema.h searchRowId: ids follow on from the
// largest in one transaction). When the rows are written, the finished index
// replaces the project's FTS5 shadow tables in one INSERT ... SELECT each.
// That is only right when the project's index held no document, so
// copyInto() checks it, and that the ids came out as predicted, and otherwise
// says no: the caller then indexes the rows in place as before.
#include "data/sqlite.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <thread>
#include <vector>

namespace tandem::schema {

struct SearchText {
    int64_t rowid;
    std::string_view text; // owned by the caller until the build is gone
};

// The ids the new rows of one table will get: first .. first + count - 1.
struct NewIds {
    const char *table; // captions, questions or answers
    int64_t first = 0;
    int64_t count = 0;
};

class ParallelSearchIndex {
public:
    // Below this many texts a thread is not worth starting.
    static constexpr size_t kMinTexts = 20000;

    // Called before the import's transaction (ATTACH cannot run inside one).
    // Null when the project's index already holds documents or there are few
    // texts: then nothing was changed.
    static std::unique_ptr<ParallelSearchIndex> start(sql::Database &project, std::vector<SearchText> texts,
                                                      std::vector<NewIds> ids);
    ~ParallelSearchIndex(); // stops the thread if it runs, detaches the copy
    ParallelSearchIndex(const ParallelSearchIndex &) = delete;
    ParallelSearchIndex &operator=(const ParallelSearchIndex &) = delete;

    // Inside the transaction, after every row was written: waits for the
    // thread and copies its index into the project's. False when it cannot
    // stand in for indexing in place (the project gained documents or ids
    // meanwhile, or the thread failed); nothing is then changed.
    Expected<bool> copyInto();

private:
    ParallelSearchIndex(sql::Database &project, std::vector<SearchText> texts, std::vector<NewIds> ids);
    void build(std::string createSql);
    Expected<bool> stillFits();

    sql::Database &m_project;
    std::vector<SearchText> m_texts;
    std::vector<NewIds> m_ids;
    sql::Database m_memory;   // the thread's database; read by copyInto once it is joined
    Status m_built;           // the thread's outcome
    std::atomic_bool m_stop{false};
    std::thread m_thread;
    bool m_attached = false;
};

} // namespace tandem::schema
