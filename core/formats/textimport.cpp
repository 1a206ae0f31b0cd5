#include "textimport.h"

#include "util/paths.h"
#include "util/text.h"

#include <algorithm>

namespace tandem::formats {

QString qstr(std::string_view utf8)
{
    return QString::fromUtf8(utf8.data(), qsizetype(utf8.size()));
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

void WarningLog::add(const QString &message)
{
    if (m_kept.size() < m_limit)
        m_kept << message;
    else
        ++m_dropped;
}

void WarningLog::add(const QString &file, int line, const QString &message)
{
    if (m_kept.size() >= m_limit) {
        ++m_dropped; // skip building a string nobody will read
        return;
    }
    add(QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(message));
}

void WarningLog::moveTo(QStringList &out)
{
    out += m_kept;
    if (m_dropped > 0)
        out << QStringLiteral("... and %1 more warnings like these").arg(m_dropped);
    m_kept.clear();
    m_dropped = 0;
}

ProgressTicker::ProgressTicker(const Progress &progress, qint64 total, QString stage, int steps)
    : m_progress(progress), m_total(total), m_stage(std::move(stage)),
      m_step(std::max<qint64>(1, total / std::max(1, steps)))
{
}

bool ProgressTicker::report(qint64 done)
{
    m_next = done + m_step;
    m_progress.report(done, m_total, m_stage);
    return !m_progress.cancelled();
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

} // namespace tandem::formats
