#pragma once
// Small helpers that every format plugin needs, whatever its syntax: split
// names, bounded warnings, progress over long loops, numeric ids for writers.
#include "util/memory.h"
#include "util/progress.h"

#include <QString>
#include <QStringList>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tandem::formats {

// VQA v2 keeps ten human answers per question; the store expects no more.
constexpr size_t kMaxAnswers = 10;

// "captions_train2017.json" -> "train", "val2014" -> "val", "test-dev2015" ->
// "test": the first word that starts with train, val or test; else "".
std::string guessSplit(std::string_view name);

// Collects warnings, keeping the first few of each kind, so that a file with
// 10,000 duplicate ids gives a readable list, not 10,000 lines.
class Warnings {
public:
    Warnings(QStringList *out, QString file) : m_out(out), m_file(std::move(file)) {}

    // `kind` (a string literal) summarises the warning ("images listed twice,
    // merged"); the message is built only when it will be kept.
    template <typename MakeMessage>
    void add(const char *kind, MakeMessage makeMessage)
    {
        if (++count(kind) <= kKeptPerKind)
            m_out->append(m_file + QStringLiteral(": ") + makeMessage());
    }
    // Appends "<file>: N more: <kind>" for each kind cut short. Call once, at the end.
    void flush();

private:
    static constexpr int kKeptPerKind = 5;
    int &count(const char *kind);
    QStringList *m_out;
    QString m_file;
    std::vector<std::pair<const char *, int>> m_counts; // few kinds, in first-seen order
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

private:
    bool tick(qint64 done);
    const Progress &m_progress;
    qint64 m_total;
    qint64 m_stride;
    qint64 m_next = 0;
    QString m_stage;
};

// reserve() for a vector or string that may be large (a dataset's captions,
// a writer's output), asking for huge pages before it is first touched.
template <typename Container>
void reserveLarge(Container &container, size_t count)
{
    container.reserve(count);
    memory::preferHugePages(container.data(), container.capacity() * sizeof(*container.data()));
}

// Numeric ids for a writer: an item keeps its own id when that is a
// non-negative integer no other item uses; the rest are numbered after the
// largest id kept. Never returns a duplicate.
std::vector<int64_t> assignIds(const std::vector<std::string_view> &ids);

// The id as a non-negative integer, or -1 ("42" -> 42; "042", "x", "" -> -1).
int64_t parseId(std::string_view id);

} // namespace tandem::formats
