#include "projectstore.h"

#include "data/schema.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace tandem {

QString flagName(ImageFlag flag)
{
    switch (flag) {
    case ImageFlag::Unchecked: return QStringLiteral("unchecked");
    case ImageFlag::Ok: return QStringLiteral("ok");
    case ImageFlag::Missing: return QStringLiteral("missing");
    case ImageFlag::Empty: return QStringLiteral("empty");
    case ImageFlag::Truncated: return QStringLiteral("truncated");
    case ImageFlag::NotImage: return QStringLiteral("not-image");
    case ImageFlag::UnsafePath: return QStringLiteral("unsafe-path");
    }
    return QStringLiteral("unknown");
}

static const char *const statusNames[] = {"unlabeled", "predicted", "verified", "rejected"};

QString statusName(ReviewStatus status)
{
    const int i = int(status);
    return i >= 0 && i < 4 ? QString::fromLatin1(statusNames[i]) : QStringLiteral("unknown");
}

bool parseStatus(const QString &name, ReviewStatus *status)
{
    for (int i = 0; i < 4; ++i) {
        if (name.compare(QLatin1String(statusNames[i]), Qt::CaseInsensitive) == 0) {
            *status = ReviewStatus(i);
            return true;
        }
    }
    return false;
}

Expected<ProjectStore> ProjectStore::create(const QString &path)
{
    if (QFileInfo::exists(path))
        return Error::usage(QStringLiteral("%1 already exists; open it, or choose another name").arg(path));
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error::io(QStringLiteral("cannot create the folder for %1").arg(path));
    return openWith(path, true);
}

Expected<ProjectStore> ProjectStore::open(const QString &path)
{
    if (!QFileInfo(path).isFile())
        return Error::usage(QStringLiteral("no project at %1 (create one with `tandem-cli demo` or `tandem-cli import`)").arg(path));
    return openWith(path, false);
}

Expected<ProjectStore> ProjectStore::openWith(const QString &path, bool create)
{
    auto db = sql::Database::open(path, create);
    if (!db)
        return db.error();
    // 16 KB pages: a quarter of the page writes of the default 4 KB on bulk
    // imports (every write is a syscall, expensive in VMs). Only takes effect
    // on a new file, before WAL is switched on.
    if (create)
        (void)db->exec("PRAGMA page_size = 16384");
    // A file that is not SQLite fails on the first read, here, not later.
    // temp_store=MEMORY: statement journals and sorts stay off the disk.
    if (auto s = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                          "PRAGMA temp_store=MEMORY;"); !s)
        return Error::store(QStringLiteral("%1 is not a Tandem project: %2").arg(path, s.error().message));
    if (auto s = schema::migrate(*db); !s)
        return s.error();
    return ProjectStore(std::move(db.value()), QFileInfo(path).absoluteFilePath());
}

QString ProjectStore::folder() const
{
    return QFileInfo(m_path).absolutePath();
}

QString ProjectStore::rootPath(const QString &stored) const
{
    return QDir::isAbsolutePath(stored) ? stored : QDir::cleanPath(folder() + QLatin1Char('/') + stored);
}

// Media roots inside the project folder are stored relative to it, so a
// project folder can be moved or copied whole.
Expected<qint64> ProjectStore::rootId(const QString &imagesDir)
{
    const QString absolute = QDir::cleanPath(QDir(imagesDir).absolutePath());
    const QString relative = QDir(folder()).relativeFilePath(absolute);
    const QString stored = relative.startsWith(QLatin1String("..")) ? absolute : (relative.isEmpty() ? QStringLiteral(".") : relative);
    auto insert = m_db.prepare("INSERT OR IGNORE INTO media_roots(path) VALUES (?1)");
    if (!insert)
        return insert.error();
    if (auto s = insert->bind(1, stored).exec(); !s)
        return s.error();
    auto select = m_db.prepare("SELECT id FROM media_roots WHERE path = ?1");
    if (!select)
        return select.error();
    select->bind(1, stored);
    if (!select->step())
        return Error::store(QStringLiteral("cannot record the media folder %1").arg(absolute));
    return select->int64(0);
}

static Status collectCounts(sql::Database &db, const char *sql, QMap<QString, qint64> &out,
                            QString (*name)(int))
{
    auto stmt = db.prepare(sql);
    if (!stmt)
        return stmt.error();
    while (stmt->step())
        out[name(stmt->integer(0))] = stmt->int64(1);
    return stmt->error().isEmpty() ? Status() : Status(Error::store(stmt->error()));
}

Expected<ProjectInfo> ProjectStore::info(int flaggedLimit)
{
    ProjectInfo info;
    info.path = m_path;
    info.schemaVersion = schema::currentVersion;
    const std::pair<const char *, qint64 *> counts[] = {
        {"SELECT count(*) FROM images", &info.images},       {"SELECT count(*) FROM captions", &info.captions},
        {"SELECT count(*) FROM questions", &info.questions}, {"SELECT count(*) FROM answers", &info.answers},
        {"SELECT count(*) FROM tags", &info.tags},           {"SELECT count(*) FROM runs", &info.runs},
        {"SELECT count(*) FROM models", &info.models}};
    for (const auto &[sql, target] : counts) {
        auto n = m_db.scalar(sql);
        if (!n)
            return n.error();
        *target = *n;
    }
    auto splits = m_db.prepare("SELECT split, count(*) FROM images GROUP BY split ORDER BY split");
    if (!splits)
        return splits.error();
    while (splits->step())
        info.splits[splits->qtext(0).isEmpty() ? QStringLiteral("(none)") : splits->qtext(0)] = splits->int64(1);
    if (auto s = collectCounts(m_db, "SELECT status, count(*) FROM images GROUP BY status", info.statuses,
                               [](int v) { return statusName(ReviewStatus(v)); }); !s)
        return s.error();
    if (auto s = collectCounts(m_db, "SELECT flag, count(*) FROM images GROUP BY flag", info.flags,
                               [](int v) { return flagName(ImageFlag(v)); }); !s)
        return s.error();
    auto flagged = m_db.prepare("SELECT i.id, r.path, i.name, i.flag, i.flag_detail FROM images i "
                                "JOIN media_roots r ON r.id = i.root_id WHERE i.flag > 0 ORDER BY i.id LIMIT ?1");
    if (!flagged)
        return flagged.error();
    flagged->bind(1, flaggedLimit);
    while (flagged->step())
        info.flagged.push_back({flagged->int64(0), rootPath(flagged->qtext(1)) + QLatin1Char('/') + flagged->qtext(2),
                                flagName(ImageFlag(flagged->integer(3))), flagged->qtext(4)});
    auto roots = m_db.prepare("SELECT path FROM media_roots ORDER BY id");
    if (!roots)
        return roots.error();
    while (roots->step())
        info.mediaRoots << rootPath(roots->qtext(0));
    return info;
}

QString plainWordsQuery(const QString &query)
{
    QStringList words;
    for (QString word : query.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
        word.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        words << QLatin1Char('"') + word + QLatin1Char('"');
    }
    return words.join(QLatin1Char(' '));
}

static const char *const hitTextSql[] = {
    "SELECT c.image_id, i.name, c.text FROM captions c JOIN images i ON i.id = c.image_id WHERE c.id = ?1",
    "SELECT q.image_id, i.name, q.text FROM questions q JOIN images i ON i.id = q.image_id WHERE q.id = ?1",
    "SELECT q.image_id, i.name, a.text FROM answers a JOIN questions q ON q.id = a.question_id "
    "JOIN images i ON i.id = q.image_id WHERE a.id = ?1"};
static const char *const hitKinds[] = {"caption", "question", "answer"};

Expected<SearchResult> ProjectStore::search(const QString &query, int limit)
{
    if (query.trimmed().isEmpty())
        return Error::usage(QStringLiteral("the search query is empty"));
    SearchResult result;
    QString match = query;
    auto count = m_db.prepare("SELECT count(*) FROM search WHERE search MATCH ?1");
    if (!count)
        return count.error();
    if (!count->bind(1, match).step()) {
        match = plainWordsQuery(query); // not FTS5 syntax: search the words
        count->reset();
        if (!count->bind(1, match).step())
            return Error::usage(QStringLiteral("cannot search for %1: %2").arg(query, count->error()));
    }
    result.total = count->int64(0);
    auto hits = m_db.prepare("SELECT rowid FROM search WHERE search MATCH ?1 ORDER BY rank LIMIT ?2");
    if (!hits)
        return hits.error();
    std::vector<sql::Statement> lookups;
    for (const char *sql : hitTextSql) {
        auto stmt = m_db.prepare(sql);
        if (!stmt)
            return stmt.error();
        lookups.push_back(std::move(stmt.value()));
    }
    hits->bind(1, match).bind(2, limit);
    while (hits->step()) {
        const qint64 rowid = hits->int64(0);
        const int kind = int(rowid & 3);
        sql::Statement &lookup = lookups[size_t(kind)];
        lookup.bind(1, qint64(rowid >> 2));
        if (lookup.step())
            result.hits.push_back({lookup.int64(0), lookup.qtext(1), QString::fromLatin1(hitKinds[kind]), lookup.qtext(2)});
        lookup.reset();
    }
    if (!hits->error().isEmpty())
        return Error::store(hits->error());
    return result;
}

} // namespace tandem
