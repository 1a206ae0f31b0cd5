#pragma once
// One project = one SQLite file (WAL). A ProjectStore is one connection: use
// it from one thread only and open another store for another thread.
#include "data/dataset.h"
#include "data/sqlite.h"
#include "util/expected.h"
#include "util/progress.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

namespace tandem {

struct ImportReport {
    qint64 imagesAdded = 0;
    qint64 imagesUpdated = 0; // already in the project (same folder and name)
    qint64 captions = 0;
    qint64 questions = 0;
    qint64 answers = 0;
    QMap<QString, qint64> flags; // flag name -> images newly flagged
    QStringList warnings;
};

struct FlaggedImage {
    qint64 id = 0;
    QString path;   // as the user would find it on disk
    QString flag;
    QString detail;
};

struct ProjectInfo {
    QString path;
    int schemaVersion = 0;
    qint64 images = 0, captions = 0, questions = 0, answers = 0, tags = 0, runs = 0, models = 0;
    QMap<QString, qint64> splits, statuses, flags;
    std::vector<FlaggedImage> flagged; // the first few
    QStringList mediaRoots;
};

struct SearchHit {
    qint64 imageId = 0;
    QString image;  // image name
    QString kind;   // caption / question / answer
    QString text;
};

struct SearchResult {
    qint64 total = 0; // every match, not just the ones returned
    std::vector<SearchHit> hits;
};

struct DatasetFilter {
    QString split;                        // "" = every split
    std::optional<ReviewStatus> status;   // none = every status
    bool skipFlagged = false;             // leave out missing/corrupt images
};

struct CheckReport {
    qint64 checked = 0;
    QMap<QString, qint64> flags;
};

// Every word of a query quoted, so "what's" or a stray quote search as text,
// not FTS5 syntax: the fallback for queries that are not valid FTS5.
QString plainWordsQuery(const QString &query);

class ProjectStore {
public:
    static Expected<ProjectStore> create(const QString &path); // refuses an existing file
    static Expected<ProjectStore> open(const QString &path);

    const QString &path() const { return m_path; }
    QString folder() const;

    // All or nothing: one transaction. Image names resolve against imagesDir,
    // each image is probed (missing / empty / truncated / not an image / unsafe
    // name) and flagged; nothing is ever read outside imagesDir.
    Expected<ImportReport> importDataset(const Dataset &dataset, const QString &imagesDir,
                                         const Progress &progress = {});
    Expected<Dataset> loadDataset(const DatasetFilter &filter = {});
    Expected<ProjectInfo> info(int flaggedLimit = 20);
    // FTS5 query syntax (words, "phrases", prefix*, AND/OR/NOT); a query that is
    // not valid FTS5 is searched as plain words.
    Expected<SearchResult> search(const QString &query, int limit = 50);
    // Probes every image again (decode=true also decodes each one fully).
    Expected<CheckReport> checkImages(bool decode, const Progress &progress = {});

    sql::Database &database() { return m_db; }
    // The absolute folder of a media root as stored (relative to the project's folder, or absolute).
    QString rootPath(const QString &stored) const;

private:
    ProjectStore(sql::Database db, QString path) : m_db(std::move(db)), m_path(std::move(path)) {}
    static Expected<ProjectStore> openWith(const QString &path, bool create);
    Expected<qint64> rootId(const QString &imagesDir);

    sql::Database m_db;
    QString m_path;
};

} // namespace tandem
