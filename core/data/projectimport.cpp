// ProjectStore::importDataset and checkImages: the bulk write paths.
#include "data/imageprobe.h"
#include "data/projectstore.h"
#include "data/schema.h"
#include "data/searchbuild.h"
#include "util/paths.h"

#include <QDir>
#include <QFileInfo>
#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace tandem {

namespace {

constexpr qint64 kProgressEvery = 4096;

struct ImageLocation {
    QString root;     // absolute folder
    std::string name; // relative name from the annotations
};

// Whether each folder exists, asked once per folder: an import whose image
// folder is not there yet flags its 118k images without 118k open() calls.
class FolderCheck {
public:
    bool exists(const QString &root, const std::string &name)
    {
        const size_t slash = name.rfind('/');
        std::string folder = slash == std::string::npos ? std::string() : name.substr(0, slash);
        auto &known = m_known[root];
        const auto [it, isNew] = known.try_emplace(std::move(folder), false);
        if (isNew)
            it->second = QFileInfo(root + QLatin1Char('/') + QString::fromStdString(it->first)).isDir();
        return it->second;
    }

private:
    std::unordered_map<QString, std::unordered_map<std::string, bool>> m_known;
};

// Probes (or fully decodes) every image, except names that would leave their
// folder (flagged, never opened) and names in folders that do not exist.
std::vector<ProbeResult> probeLocations(const std::vector<ImageLocation> &locations, bool decode,
                                        const Progress &progress)
{
    QStringList files;
    std::vector<size_t> opened; // index of each file in `locations`
    std::vector<ProbeResult> results(locations.size());
    FolderCheck folders;
    for (size_t i = 0; i < locations.size(); ++i) {
        if (paths::isUnsafe(locations[i].name)) {
            results[i].flag = ImageFlag::UnsafePath;
            results[i].detail = QStringLiteral("absolute or '..' name: not read");
            continue;
        }
        if (!folders.exists(locations[i].root, locations[i].name)) {
            results[i].flag = ImageFlag::Missing;
            results[i].detail = QStringLiteral("no such file (its folder is missing)");
            continue;
        }
        files << locations[i].root + QLatin1Char('/') + QString::fromStdString(locations[i].name);
        opened.push_back(i);
    }
    std::vector<ProbeResult> found = decode ? decodeImages(files, progress) : probeImages(files, progress);
    for (size_t k = 0; k < found.size() && k < opened.size(); ++k)
        results[opened[k]] = std::move(found[k]);
    return results;
}

// Prepared statements of one import, prepared once.
struct ImportStatements {
    sql::Statement image, imageUpdate, caption, captionBatch, question, answer, tag, tagId, imageTag;
    static constexpr int kCaptionBatch = 64; // rows per multi-row INSERT

    static std::string captionBatchSql()
    {
        std::string sql = "INSERT INTO captions(image_id, text, ext_id) VALUES (?, ?, ?)";
        for (int i = 1; i < kCaptionBatch; ++i)
            sql += ", (?, ?, ?)";
        return sql;
    }

    static Expected<ImportStatements> prepare(sql::Database &db)
    {
        const std::string batch = captionBatchSql();
        const char *const sqls[] = {
            // Plain insert first: an upsert with RETURNING was 5x slower per row.
            "INSERT OR IGNORE INTO images(root_id, name, ext_id, width, height, split, status, flag, flag_detail) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            // The image was already there (same folder and name): refresh what the new data knows.
            "UPDATE images SET ext_id = iif(?3 <> '', ?3, ext_id), width = iif(?4 > 0, ?4, width), "
            "height = iif(?5 > 0, ?5, height), split = iif(?6 <> '', ?6, split), flag = ?8, flag_detail = ?9 "
            "WHERE root_id = ?1 AND name = ?2 RETURNING id",
            "INSERT INTO captions(image_id, text, ext_id) VALUES (?1, ?2, ?3)",
            batch.c_str(),
            "INSERT INTO questions(image_id, text, ext_id, question_type, answer_type, multiple_choice_answer) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            "INSERT INTO answers(question_id, text, confidence) VALUES (?1, ?2, ?3)",
            "INSERT OR IGNORE INTO tags(name) VALUES (?1)",
            "SELECT id FROM tags WHERE name = ?1",
            "INSERT OR IGNORE INTO image_tags(image_id, tag_id) VALUES (?1, ?2)"};
        ImportStatements s;
        sql::Statement *targets[] = {&s.image, &s.imageUpdate, &s.caption, &s.captionBatch, &s.question, &s.answer, &s.tag, &s.tagId, &s.imageTag};
        for (size_t i = 0; i < std::size(sqls); ++i) {
            auto stmt = db.prepare(sqls[i]);
            if (!stmt)
                return stmt.error();
            *targets[i] = std::move(stmt.value());
        }
        return s;
    }
};

class Importer {
public:
    Importer(sql::Database &db, ImportStatements &stmts, const Progress &progress, qint64 total)
        : m_db(db), m_s(stmts), m_progress(progress), m_total(total) {}

    Status images(const Dataset &dataset, qint64 rootId, const std::vector<ProbeResult> &probes,
                  std::vector<qint64> &ids, ImportReport &report);
    Status captions(const Dataset &dataset, const std::vector<uint32_t> &order, const std::vector<qint64> &ids,
                    ImportReport &report);
    Status questions(const Dataset &dataset, const std::vector<qint64> &ids, ImportReport &report);
    Status regions(const Dataset &dataset, const std::vector<qint64> &ids);

private:
    Status tick(qint64 rows = 1); // progress and cancellation, every kProgressEvery rows
    Status tagImage(qint64 imageId, const std::string &tag);
    Expected<qint64> writeImage(qint64 rootId, const DatasetImage &image, const ProbeResult &probe);

    sql::Database &m_db;
    ImportStatements &m_s;
    const Progress &m_progress;
    qint64 m_total;
    qint64 m_done = 0;
    std::unordered_map<std::string, qint64> m_tagIds;
};

Status failed(const sql::Statement &stmt)
{
    return Error::store(stmt.error());
}

Status Importer::tick(qint64 rows)
{
    const qint64 before = m_done;
    m_done += rows;
    if (before / kProgressEvery == m_done / kProgressEvery)
        return {};
    if (m_progress.cancelled())
        return Error::cancelled();
    m_progress.report(m_done, m_total, QStringLiteral("Writing"));
    return {};
}

Status Importer::images(const Dataset &dataset, qint64 rootId, const std::vector<ProbeResult> &probes,
                        std::vector<qint64> &ids, ImportReport &report)
{
    ids.resize(dataset.images.size());
    for (size_t i = 0; i < dataset.images.size(); ++i) {
        const DatasetImage &image = dataset.images[i];
        const ProbeResult &probe = probes[i];
        if (auto id = writeImage(rootId, image, probes[i]); id)
            ids[i] = *id;
        else
            return id.error();
        if (probe.flag != ImageFlag::Ok)
            ++report.flags[flagName(probe.flag)];
        for (const std::string &tag : image.tags)
            if (auto s = tagImage(ids[i], tag); !s)
                return s;
        if (auto s = tick(); !s)
            return s;
    }
    return {};
}

Expected<qint64> Importer::writeImage(qint64 rootId, const DatasetImage &image, const ProbeResult &probe)
{
    for (sql::Statement *stmt : {&m_s.image, &m_s.imageUpdate}) {
        stmt->bind(1, rootId).bindStatic(2, image.name).bindStatic(3, image.extId);
        stmt->bind(4, image.width > 0 ? image.width : probe.width);
        stmt->bind(5, image.height > 0 ? image.height : probe.height);
        stmt->bindStatic(6, image.split).bind(7, int(image.status)).bind(8, int(probe.flag)).bind(9, probe.detail);
        const bool row = stmt->step();
        const qint64 id = stmt == &m_s.image ? m_db.lastInsertId() : stmt->int64(0);
        const bool inserted = stmt == &m_s.image && m_db.changes() == 1;
        const QString error = stmt->error();
        stmt->reset();
        if (!error.isEmpty())
            return Error::store(error);
        if (inserted || (stmt == &m_s.imageUpdate && row))
            return id;
    }
    return Error::store(QStringLiteral("cannot add or find image %1").arg(QString::fromStdString(image.name)));
}

Status Importer::tagImage(qint64 imageId, const std::string &tag)
{
    auto it = m_tagIds.find(tag);
    if (it == m_tagIds.end()) {
        if (auto s = m_s.tag.bind(1, tag).exec(); !s)
            return s;
        m_s.tagId.bind(1, tag);
        if (!m_s.tagId.step())
            return failed(m_s.tagId);
        it = m_tagIds.emplace(tag, m_s.tagId.int64(0)).first;
        m_s.tagId.reset();
    }
    return m_s.imageTag.bind(1, imageId).bind(2, it->second).exec();
}

Status Importer::captions(const Dataset &dataset, const std::vector<uint32_t> &order, const std::vector<qint64> &ids,
                          ImportReport &report)
{
    // Multi-row INSERTs: one statement execution per 64 captions, not per caption.
    const size_t batch = ImportStatements::kCaptionBatch;
    size_t next = 0;
    for (; next + batch <= order.size(); next += batch) {
        for (size_t k = 0; k < batch; ++k) {
            const DatasetCaption &caption = dataset.captions[order[next + k]];
            const int p = int(3 * k);
            m_s.captionBatch.bind(p + 1, ids[caption.image]).bindStatic(p + 2, caption.text).bindStatic(p + 3, caption.extId);
        }
        if (auto s = m_s.captionBatch.exec(); !s)
            return s;
        if (auto s = tick(qint64(batch)); !s)
            return s;
    }
    for (; next < order.size(); ++next) {
        const DatasetCaption &caption = dataset.captions[order[next]];
        if (auto s = m_s.caption.bind(1, ids[caption.image]).bindStatic(2, caption.text).bindStatic(3, caption.extId).exec(); !s)
            return s;
        if (auto s = tick(); !s)
            return s;
    }
    report.captions += qint64(order.size());
    return {};
}

Status Importer::questions(const Dataset &dataset, const std::vector<qint64> &ids, ImportReport &report)
{
    for (const DatasetQuestion &q : dataset.questions) {
        m_s.question.bind(1, ids[q.image]).bindStatic(2, q.text).bindStatic(3, q.extId);
        m_s.question.bindStatic(4, q.questionType).bindStatic(5, q.answerType).bindStatic(6, q.multipleChoiceAnswer);
        if (auto s = m_s.question.exec(); !s)
            return s;
        const qint64 questionId = m_db.lastInsertId();
        ++report.questions;
        for (const DatasetAnswer &a : q.answers) {
            if (auto s = m_s.answer.bind(1, questionId).bindStatic(2, a.text).bindStatic(3, a.confidence).exec(); !s)
                return s;
            ++report.answers;
        }
        if (auto s = tick(); !s)
            return s;
    }
    return {};
}

// Prepared here rather than with the others: most datasets have no regions.
Status Importer::regions(const Dataset &dataset, const std::vector<qint64> &ids)
{
    if (dataset.regions.empty())
        return {};
    auto insert = m_db.prepare("INSERT INTO regions(image_id, x, y, width, height, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert)
        return insert.error();
    for (const DatasetRegion &r : dataset.regions) {
        insert->bind(1, ids[r.image]).bind(2, r.x).bind(3, r.y).bind(4, r.width).bind(5, r.height).bindStatic(6, r.label);
        if (auto s = insert->exec(); !s)
            return s;
        if (auto s = tick(); !s)
            return s;
    }
    return {};
}

// Captions in image order (stable, so each image keeps its captions' order):
// the captions_image index then grows at its end instead of at random places.
std::vector<uint32_t> captionOrder(const Dataset &dataset)
{
    std::vector<uint32_t> order(dataset.captions.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return dataset.captions[a].image < dataset.captions[b].image;
    });
    return order;
}

// Starts indexing the new texts on a second thread (data/searchbuild.h), under
// the rowids the rows will get as the Importer writes them: captions in
// `order`, then questions, each followed in the answers table by its answers.
std::unique_ptr<schema::ParallelSearchIndex> startSearchIndex(sql::Database &db, const Dataset &dataset,
                                                              const std::vector<uint32_t> &order)
{
    size_t answers = 0;
    for (const DatasetQuestion &q : dataset.questions)
        answers += q.answers.size();
    if (order.size() + dataset.questions.size() + answers < schema::ParallelSearchIndex::kMinTexts)
        return nullptr;
    std::vector<schema::NewIds> ids = {{"captions"}, {"questions"}, {"answers"}};
    for (schema::NewIds &table : ids) {
        auto last = db.scalar(std::string("SELECT coalesce(max(id), 0) FROM ") + table.table);
        if (!last)
            return nullptr;
        table.first = *last + 1;
    }
    ids[0].count = qint64(order.size());
    ids[1].count = qint64(dataset.questions.size());
    ids[2].count = qint64(answers);
    std::vector<schema::SearchText> texts;
    texts.reserve(order.size() + dataset.questions.size() + answers);
    for (size_t k = 0; k < order.size(); ++k)
        texts.push_back({schema::searchRowId(ids[0].first + qint64(k), schema::SearchKind::Caption), dataset.captions[order[k]].text});
    qint64 answerId = ids[2].first;
    for (size_t k = 0; k < dataset.questions.size(); ++k) {
        const DatasetQuestion &q = dataset.questions[k];
        texts.push_back({schema::searchRowId(ids[1].first + qint64(k), schema::SearchKind::Question), q.text});
        for (const DatasetAnswer &a : q.answers)
            texts.push_back({schema::searchRowId(answerId++, schema::SearchKind::Answer), a.text});
    }
    return schema::ParallelSearchIndex::start(db, std::move(texts), std::move(ids));
}

} // namespace

Expected<ImportReport> ProjectStore::importDataset(const Dataset &dataset, const QString &imagesDir,
                                                   const Progress &progress)
{
    for (const DatasetCaption &c : dataset.captions)
        if (c.image >= dataset.images.size())
            return Error::usage(QStringLiteral("internal error: caption refers to image %1 of %2").arg(c.image).arg(dataset.images.size()));
    for (const DatasetQuestion &q : dataset.questions)
        if (q.image >= dataset.images.size())
            return Error::usage(QStringLiteral("internal error: question refers to image %1 of %2").arg(q.image).arg(dataset.images.size()));
    for (const DatasetRegion &r : dataset.regions)
        if (r.image >= dataset.images.size())
            return Error::usage(QStringLiteral("internal error: region refers to image %1 of %2").arg(r.image).arg(dataset.images.size()));

    const QString root = QDir::cleanPath(QDir(imagesDir).absolutePath());

    // For the bulk insert: a 64 MB page cache, and no per-row foreign-key checks
    // (every reference is built here from the dataset's own indexes; with the
    // checks on, each INSERT also copied its pages to a statement journal).
    // Both are restored afterwards; foreign_keys can only change outside a transaction.
    // When no other connection has the project open (the CLI), a rollback
    // journal writes each new page once; WAL writes it twice (log, checkpoint).
    // With others open the switch is refused and WAL stays: same result, slower.
    (void)m_db.exec("PRAGMA cache_size = -65536; PRAGMA foreign_keys = OFF; "
                    "PRAGMA synchronous = FULL; PRAGMA journal_mode = TRUNCATE");
    struct RestoreSettings {
        sql::Database &db;
        ~RestoreSettings()
        {
            (void)db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                          "PRAGMA cache_size = -2000; PRAGMA foreign_keys = ON");
        }
    } restore{m_db};

    const std::vector<uint32_t> order = captionOrder(dataset);
    // Started first: the search index builds while the images are checked and the rows written.
    const std::unique_ptr<schema::ParallelSearchIndex> parallelIndex = startSearchIndex(m_db, dataset, order);
    progress.report(0, qint64(dataset.images.size()), QStringLiteral("Checking images"));
    std::vector<ImageLocation> locations;
    locations.reserve(dataset.images.size());
    for (const DatasetImage &image : dataset.images)
        locations.push_back({root, image.name});
    const std::vector<ProbeResult> probes = probeLocations(locations, false, progress);
    if (progress.cancelled())
        return Error::cancelled();
    sql::Transaction tx(m_db);
    if (!tx.begun())
        return tx.begun().error();
    schema::BulkSearchIndexing searchIndex(m_db);
    if (!searchIndex.begun())
        return searchIndex.begun().error();
    auto stmts = ImportStatements::prepare(m_db);
    if (!stmts)
        return stmts.error();
    auto root_id = rootId(root);
    if (!root_id)
        return root_id.error();
    auto before = m_db.scalar("SELECT count(*) FROM images");
    if (!before)
        return before.error();

    ImportReport report;
    report.warnings = dataset.warnings;
    const qint64 total = qint64(dataset.images.size() + dataset.captions.size() + dataset.questions.size()
                                + dataset.regions.size());
    Importer importer(m_db, *stmts, progress, total);
    std::vector<qint64> ids;
    if (auto s = importer.images(dataset, *root_id, probes, ids, report); !s)
        return s.error();
    auto after = m_db.scalar("SELECT count(*) FROM images");
    if (!after)
        return after.error();
    report.imagesAdded = *after - *before;
    report.imagesUpdated = qint64(dataset.images.size()) - report.imagesAdded;
    if (auto s = importer.captions(dataset, order, ids, report); !s)
        return s.error();
    if (auto s = importer.questions(dataset, ids, report); !s)
        return s.error();
    if (auto s = importer.regions(dataset, ids); !s)
        return s.error();
    if (progress.cancelled())
        return Error::cancelled();
    progress.report(total, total, QStringLiteral("Indexing text"));
    auto copied = parallelIndex ? parallelIndex->copyInto() : Expected<bool>(false);
    if (!copied)
        return copied.error();
    if (auto s = searchIndex.finish(*copied); !s)
        return s.error();
    progress.report(total, total, QStringLiteral("Committing"));
    if (auto s = tx.commit(); !s)
        return s.error();
    return report;
}

Expected<CheckReport> ProjectStore::checkImages(bool decode, const Progress &progress)
{
    auto select = m_db.prepare("SELECT i.id, r.path, i.name FROM images i JOIN media_roots r ON r.id = i.root_id ORDER BY i.id");
    if (!select)
        return select.error();
    std::vector<qint64> ids;
    std::vector<ImageLocation> locations;
    while (select->step()) {
        ids.push_back(select->int64(0));
        locations.push_back({rootPath(select->qtext(1)), select->text(2)});
    }
    const std::vector<ProbeResult> results = probeLocations(locations, decode, progress);
    if (progress.cancelled())
        return Error::cancelled();
    sql::Transaction tx(m_db);
    if (!tx.begun())
        return tx.begun().error();
    auto update = m_db.prepare("UPDATE images SET flag = ?2, flag_detail = ?3, "
                               "width = iif(?4 > 0, ?4, width), height = iif(?5 > 0, ?5, height) WHERE id = ?1");
    if (!update)
        return update.error();
    CheckReport report;
    for (size_t i = 0; i < ids.size() && i < results.size(); ++i) {
        const ProbeResult &r = results[i];
        if (auto s = update->bind(1, ids[i]).bind(2, int(r.flag)).bind(3, r.detail).bind(4, r.width).bind(5, r.height).exec(); !s)
            return s.error();
        ++report.checked;
        ++report.flags[flagName(r.flag)];
    }
    if (auto s = tx.commit(); !s)
        return s.error();
    return report;
}

} // namespace tandem
