#include "searchbuild.h"

#include <sqlite3.h>

namespace tandem::schema {

namespace {

constexpr const char *kAttached = "tandem_import_search";
constexpr const char *kShadowTables[] = {"search_data", "search_idx", "search_docsize"};

} // namespace

std::unique_ptr<ParallelSearchIndex> ParallelSearchIndex::start(sql::Database &project, std::vector<SearchText> texts,
                                                                std::vector<NewIds> ids)
{
    if (texts.size() < kMinTexts)
        return nullptr;
    auto empty = project.scalar("SELECT NOT EXISTS (SELECT 1 FROM search_docsize)");
    auto create = project.prepare("SELECT sql FROM sqlite_schema WHERE name = 'search'");
    if (!empty || !*empty || !create || !create->step())
        return nullptr;
    std::string createSql = create->text(0);
    if (!project.exec(std::string("ATTACH ':memory:' AS ") + kAttached))
        return nullptr;
    std::unique_ptr<ParallelSearchIndex> build(new ParallelSearchIndex(project, std::move(texts), std::move(ids)));
    build->m_attached = true;
    build->m_thread = std::thread([raw = build.get(), createSql = std::move(createSql)]() mutable {
        raw->build(std::move(createSql));
    });
    return build;
}

ParallelSearchIndex::ParallelSearchIndex(sql::Database &project, std::vector<SearchText> texts, std::vector<NewIds> ids)
    : m_project(project), m_texts(std::move(texts)), m_ids(std::move(ids))
{
}

ParallelSearchIndex::~ParallelSearchIndex()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    if (m_attached)
        (void)m_project.exec(std::string("DETACH ") + kAttached);
}

// On the thread: its own connection, nothing shared with the project's.
void ParallelSearchIndex::build(std::string createSql)
{
    auto memory = sql::Database::open(QStringLiteral(":memory:"), true);
    if (!memory) {
        m_built = memory.error();
        return;
    }
    m_memory = std::move(*memory);
    // A 16 MB term buffer: as fast as 64 MB here, and a quarter of the memory.
    m_built = m_memory.exec(createSql + "; INSERT INTO search(search, rank) VALUES ('hashsize', 16777216); BEGIN");
    // One row per statement: a 64-row VALUES list took twice as long (FTS5).
    auto insert = m_memory.prepare("INSERT INTO search(rowid, text) VALUES (?1, ?2)");
    if (m_built && !insert)
        m_built = insert.error();
    for (size_t i = 0; m_built && i < m_texts.size(); ++i) {
        if (i % 4096 == 0 && m_stop)
            m_built = Error::cancelled();
        else
            m_built = insert->bind(1, m_texts[i].rowid).bindStatic(2, m_texts[i].text).exec();
    }
    if (m_built)
        m_built = m_memory.exec("COMMIT");
    std::vector<SearchText>().swap(m_texts);
}

// The project's index is still empty and every table's new rows got the ids the thread used.
Expected<bool> ParallelSearchIndex::stillFits()
{
    auto empty = m_project.scalar("SELECT NOT EXISTS (SELECT 1 FROM main.search_docsize)");
    if (!empty)
        return empty.error();
    if (!*empty)
        return false;
    for (const NewIds &ids : m_ids) {
        auto range = m_project.prepare(std::string("SELECT coalesce(min(id), 0), count(*), coalesce(max(id), 0) FROM main.")
                                       + ids.table + " WHERE id >= ?1");
        if (!range)
            return range.error();
        if (!range->bind(1, ids.first).step())
            return Error::store(range->error());
        const bool asPredicted = ids.count == 0 ? range->int64(1) == 0
                                                : range->int64(0) == ids.first && range->int64(1) == ids.count
                                                      && range->int64(2) == ids.first + ids.count - 1;
        if (!asPredicted)
            return false;
    }
    return true;
}

Expected<bool> ParallelSearchIndex::copyInto()
{
    if (m_thread.joinable())
        m_thread.join();
    if (!m_built)
        return false;
    auto fits = stillFits();
    if (!fits || !*fits)
        return fits;
    // A copy of the thread's database, handed to SQLite (freed on DETACH).
    sqlite3_int64 size = 0;
    unsigned char *bytes = sqlite3_serialize(m_memory.handle(), "main", &size, 0);
    m_memory = sql::Database(); // the copy is all that is needed now
    if (!bytes)
        return false;
    const int rc = sqlite3_deserialize(m_project.handle(), kAttached, bytes, size, size,
                                       SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK)
        return false; // SQLite has freed the buffer
    std::string copy;
    for (const char *table : kShadowTables)
        copy += std::string("DELETE FROM main.") + table + "; INSERT INTO main." + table + " SELECT * FROM "
                + kAttached + "." + table + ";";
    if (auto s = m_project.exec(copy); !s)
        return s.error();
    return true;
}

} // namespace tandem::schema
