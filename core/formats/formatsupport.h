#pragma once
// Helpers that every format plugin needs to build or write a Dataset, whatever
// its syntax: split names, bounded warnings, progress over long loops, large
// reserves, image lookup by name, numeric ids for writers. Reading and writing
// the files themselves is textfile.h's job.
#include "data/dataset.h"
#include "formats/datasetformat.h"
#include "util/expected.h"
#include "util/memory.h"
#include "util/progress.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tandem::formats {

// VQA v2 keeps ten human answers per question; the store expects no more.
constexpr size_t kMaxAnswers = 10;

// UTF-8 to QString, for messages.
QString qstr(std::string_view utf8);

// "captions_train2017.json" -> "train", "val2014" -> "val", "test-dev2015" ->
// "test": the first word that starts with train, val or test; else "".
std::string guessSplit(std::string_view name);

// A split as a user or a file spells it: "train", "val", "test" for the usual
// spellings (valid, validation, dev, training, testing); other names
// lower-cased; "" for an empty cell.
std::string normalizeSplit(std::string_view split);

// ImportOptions::split, when given, overrides what the file said.
void applyForcedSplit(Dataset &dataset, const ImportOptions &options);

// Collects warnings for Dataset::warnings so that a file with 10,000 duplicate
// ids or a million blank captions gives a readable list, not a line for each:
// keeps the first five of each kind, and the first 50 in all.
class Warnings {
public:
    // `file`, when given, starts each message of a kind ("captions.json: ...").
    explicit Warnings(QStringList *out, QString file = {}) : m_out(out), m_file(std::move(file)) {}

    // `kind` (a string literal) summarises the warning ("images listed twice,
    // merged"); the message is built only when it will be kept.
    template <typename MakeMessage>
    void add(const char *kind, MakeMessage makeMessage)
    {
        if (++count(kind) <= kKeptPerKind && room())
            keep(m_file.isEmpty() ? makeMessage() : m_file + QStringLiteral(": ") + makeMessage());
    }
    void add(const QString &message);
    // "file:line: message".
    void add(const QString &file, int line, const QString &message);

    // Appends "<file>: N more: <kind>" for each kind cut short, and "... and N
    // more warnings like these" for the rest. Call once, at the end.
    void flush();

private:
    static constexpr int kKeptPerKind = 5;
    static constexpr int kKept = 50;
    int &count(const char *kind);
    bool room(); // counts a dropped warning when there is none
    void keep(const QString &message);

    QStringList *m_out;
    QString m_file;
    std::vector<std::pair<const char *, int>> m_counts; // few kinds, in first-seen order
    int m_kept = 0;
    int m_dropped = 0;
};

// Reports a loop's progress about 100 times, whatever its length, and polls
// cancellation at the same points (a relaxed atomic load each time).
class Steps {
public:
    Steps(const Progress &progress, qint64 total, QString stage);
    // True when the user cancelled. Call with done = 0, 1, 2, ...
    bool cancelled(qint64 done)
    {
        return done >= m_next && tick(done);
    }
    // Reports the loop complete.
    void finish() const { m_progress.report(m_total, m_total, m_stage); }

private:
    bool tick(qint64 done);
    const Progress &m_progress;
    qint64 m_total;
    qint64 m_stride;
    qint64 m_next = 0;
    QString m_stage;
};

// reserve() for a vector or string that may be large (a dataset's captions,
// a writer's output), asking for huge pages before it is first touched (see
// memory::preferHugePages).
template <typename Container>
void reserveLarge(Container &container, size_t count)
{
    container.reserve(count);
    memory::preferHugePages(container.data(), container.capacity() * sizeof(*container.data()));
}

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

// read() for a format whose files all add to one dataset (token files, CSV
// tables): a FileReader(dataset, warnings) reads each file with
// read(path, progress); then ImportOptions::split applies.
template <typename FileReader>
Expected<Dataset> readEachFile(const ImportOptions &options, const Progress &progress)
{
    Dataset dataset;
    Warnings warnings(&dataset.warnings);
    FileReader reader(dataset, warnings);
    for (const QString &path : options.files)
        if (Status status = reader.read(path, progress); !status)
            return status.error();
    applyForcedSplit(dataset, options);
    warnings.flush();
    return dataset;
}

// Caption or name text made safe for one-line formats: tabs and line breaks become spaces.
std::string oneLine(std::string_view text);

// The captions of each image, in dataset order; captions that point at no
// image are left out rather than trusted.
std::vector<std::vector<size_t>> captionsByImage(const Dataset &dataset);

// Numeric ids for a writer: an item keeps its own id when that is a
// non-negative integer no other item uses; the rest are numbered after the
// largest id kept. Never returns a duplicate.
std::vector<int64_t> assignIds(const std::vector<std::string_view> &ids);

// assignIds over the extIds of a dataset's images, captions or questions.
template <typename Items>
std::vector<int64_t> assignExtIds(const Items &items)
{
    std::vector<std::string_view> ids;
    ids.reserve(items.size());
    for (const auto &item : items)
        ids.push_back(item.extId);
    return assignIds(ids);
}

// The id as a non-negative integer, or -1 ("42" -> 42; "042", "x", "" -> -1).
int64_t parseId(std::string_view id);

} // namespace tandem::formats
