#include "formatsupport.h"

#include "util/paths.h"
#include "util/text.h"

#include <algorithm>
#include <charconv>

namespace tandem::formats {

QString qstr(std::string_view utf8)
{
    return QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
}

std::string guessSplit(std::string_view name)
{
    const auto isWordChar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    size_t i = 0;
    while (i < name.size()) {
        while (i < name.size() && !isWordChar(name[i]))
            ++i;
        size_t end = i;
        while (end < name.size() && isWordChar(name[end]))
            ++end;
        std::string word(name.substr(i, end - i));
        std::transform(word.begin(), word.end(), word.begin(), [](char c) { return char(c | 0x20); });
        for (const char *split : {"train", "val", "test"})
            if (word.rfind(split, 0) == 0)
                return split;
        i = end;
    }
    return {};
}

std::string normalizeSplit(std::string_view split)
{
    const std::string s = text::lower(text::trimmed(split));
    if (s == "valid" || s == "validation" || s == "dev" || s == "val")
        return "val";
    if (s == "training" || s == "train")
        return "train";
    if (s == "testing" || s == "test")
        return "test";
    return s;
}

void applyForcedSplit(Dataset &dataset, const ImportOptions &options)
{
    if (options.split.isEmpty())
        return;
    const std::string split = normalizeSplit(options.split.toStdString());
    for (DatasetImage &image : dataset.images)
        image.split = split;
}

int &Warnings::count(const char *kind)
{
    for (auto &[seen, count] : m_counts)
        if (seen == kind)
            return count;
    return m_counts.emplace_back(kind, 0).second;
}

bool Warnings::room()
{
    if (m_kept < kKept)
        return true;
    ++m_dropped;
    return false;
}

void Warnings::keep(const QString &message)
{
    m_out->append(message);
    ++m_kept;
}

void Warnings::add(const QString &message)
{
    if (room())
        keep(message);
}

void Warnings::add(const QString &file, int line, const QString &message)
{
    if (room()) // else skip building a string nobody will read
        keep(QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(message));
}

void Warnings::flush()
{
    for (const auto &[kind, count] : m_counts)
        if (count > kKeptPerKind)
            m_out->append(QStringLiteral("%1: %2 more: %3").arg(m_file).arg(count - kKeptPerKind).arg(QLatin1String(kind)));
    if (m_dropped > 0)
        m_out->append(QStringLiteral("... and %1 more warnings like these").arg(m_dropped));
    m_counts.clear();
    m_kept = 0;
    m_dropped = 0;
}

Steps::Steps(const Progress &progress, qint64 total, QString stage)
    : m_progress(progress), m_total(total), m_stride(std::max<qint64>(1, total / 100)), m_stage(std::move(stage))
{
}

bool Steps::tick(qint64 done)
{
    m_next = done + m_stride;
    if (m_progress.cancelled())
        return true;
    m_progress.report(done, m_total, m_stage);
    return false;
}

size_t ImageIndex::indexOf(std::string_view rawName)
{
    if (m_hasLast && rawName == m_lastRaw)
        return m_lastIndex;
    std::string name = paths::normalizeName(rawName);
    const auto [it, added] = m_byName.try_emplace(name, m_dataset.images.size());
    if (added) {
        DatasetImage image;
        image.name = std::move(name);
        m_dataset.images.push_back(std::move(image));
    }
    m_lastRaw.assign(rawName);
    m_lastIndex = it->second;
    m_hasLast = true;
    return m_lastIndex;
}

std::string oneLine(std::string_view text)
{
    std::string out(text);
    std::replace_if(out.begin(), out.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
    return out;
}

std::vector<std::vector<size_t>> captionsByImage(const Dataset &dataset)
{
    std::vector<std::vector<size_t>> byImage(dataset.images.size());
    for (size_t i = 0; i < dataset.captions.size(); ++i)
        if (dataset.captions[i].image < byImage.size())
            byImage[dataset.captions[i].image].push_back(i);
    return byImage;
}

int64_t parseId(std::string_view id)
{
    if (id.empty() || (id.size() > 1 && id[0] == '0'))
        return -1; // "042" is text: writing 42 would not read back the same
    int64_t value = -1;
    const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value);
    return error == std::errc() && end == id.data() + id.size() && value >= 0 ? value : -1;
}

std::vector<int64_t> assignIds(const std::vector<std::string_view> &ids)
{
    std::unordered_map<int64_t, int> uses;
    uses.reserve(ids.size());
    std::vector<int64_t> out(ids.size());
    for (size_t i = 0; i < ids.size(); ++i)
        if ((out[i] = parseId(ids[i])) >= 0)
            ++uses[out[i]];
    int64_t next = 0;
    for (const int64_t id : out)
        if (id >= 0 && uses[id] == 1)
            next = std::max(next, id + 1);
    for (int64_t &id : out)
        if (id < 0 || uses[id] > 1)
            id = next++;
    return out;
}

} // namespace tandem::formats
