#include "formatsupport.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>

namespace tandem::formats {

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

int &Warnings::count(const char *kind)
{
    for (auto &[seen, count] : m_counts)
        if (seen == kind)
            return count;
    return m_counts.emplace_back(kind, 0).second;
}

void Warnings::flush()
{
    for (const auto &[kind, count] : m_counts)
        if (count > kKeptPerKind)
            m_out->append(QStringLiteral("%1: %2 more: %3").arg(m_file).arg(count - kKeptPerKind).arg(QLatin1String(kind)));
    m_counts.clear();
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
