#pragma once
// Building blocks shared by the text-based formats (Flickr token files, CSV,
// folders of .txt sidecars) to build a Dataset: finding images by name,
// capped warnings, throttled progress, split names.
#include "data/dataset.h"
#include "formats/datasetformat.h"
#include "util/expected.h"
#include "util/progress.h"

#include <QString>
#include <QStringList>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tandem::formats {

// UTF-8 to QString, for messages.
QString qstr(std::string_view utf8);

// Finds the image of a name, adding it to the dataset when it is new. Names
// are normalised (paths::normalizeName) but never dropped: unsafe names are
// kept for the store to flag.
class ImageIndex {
public:
    explicit ImageIndex(Dataset &dataset) : m_dataset(dataset) {}
    size_t indexOf(std::string_view rawName);

private:
    Dataset &m_dataset;
    std::unordered_map<std::string, size_t> m_byName;
    std::string m_lastRaw; // rows of one image usually come together
    size_t m_lastIndex = 0;
    bool m_hasLast = false;
};

// Warnings for Dataset::warnings, "file:line: message". Keeps the first
// `limit` so a file with a million blank captions does not bury the rest.
class WarningLog {
public:
    explicit WarningLog(int limit = 50) : m_limit(limit) {}
    void add(const QString &message);
    void add(const QString &file, int line, const QString &message);
    // Appends the kept warnings, and a count of the rest, to `out`.
    void moveTo(QStringList &out);

private:
    QStringList m_kept;
    int m_limit;
    int m_dropped = 0;
};

// Calls Progress::report about `steps` times over `total` units of work and
// answers whether the job was cancelled at each of those points.
class ProgressTicker {
public:
    ProgressTicker(const Progress &progress, qint64 total, QString stage, int steps = 200);
    // False when the user cancelled.
    bool tick(qint64 done)
    {
        return done < m_next ? true : report(done);
    }
    void finish() { m_progress.report(m_total, m_total, m_stage); }

private:
    bool report(qint64 done);

    const Progress &m_progress;
    qint64 m_total;
    QString m_stage;
    qint64 m_step;
    qint64 m_next = 0;
};

// "train", "val", "test" for the usual spellings (valid, validation, dev,
// training, testing); other names lower-cased; "" for an empty cell.
std::string normalizeSplit(std::string_view split);

// ImportOptions::split, when given, overrides what the file said.
void applyForcedSplit(Dataset &dataset, const ImportOptions &options);

// Caption or name text made safe for one-line formats: tabs and line breaks become spaces.
std::string oneLine(std::string_view text);

// The captions of each image, in dataset order; captions that point at no
// image are left out rather than trusted.
std::vector<std::vector<size_t>> captionsByImage(const Dataset &dataset);

} // namespace tandem::formats
