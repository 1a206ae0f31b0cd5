#include "paths.h"

#include <QDir>
#include <QStringList>

namespace tandem::paths {

std::string normalizeName(std::string_view name)
{
    std::string out;
    out.reserve(name.size());
    for (char c : name)
        out.push_back(c == '\\' ? '/' : c);
    std::string clean;
    clean.reserve(out.size());
    size_t i = 0;
    if (!out.empty() && out[0] == '/')
        clean.push_back('/');
    while (i < out.size()) {
        size_t j = out.find('/', i);
        if (j == std::string::npos)
            j = out.size();
        const std::string_view part(out.data() + i, j - i);
        if (!part.empty() && part != ".") {
            if (!clean.empty() && clean.back() != '/')
                clean.push_back('/');
            clean.append(part);
        }
        i = j + 1;
    }
    return clean;
}

bool isUnsafe(std::string_view name)
{
    if (name.empty() || name[0] == '/')
        return true;
    if (name.size() >= 2 && name[1] == ':') // C:foo, C:/foo
        return true;
    size_t i = 0;
    while (i <= name.size()) {
        size_t j = name.find('/', i);
        if (j == std::string_view::npos)
            j = name.size();
        if (name.substr(i, j - i) == "..")
            return true;
        i = j + 1;
    }
    return false;
}

QString sanitizedRelative(const QString &name)
{
    QString s = name;
    s.replace(QLatin1Char('\\'), QLatin1Char('/'));
    if (s.size() >= 2 && s.at(1) == QLatin1Char(':'))
        s.remove(0, 2);
    QStringList kept;
    for (const QString &part : s.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QLatin1String(".") || part == QLatin1String(".."))
            continue;
        kept << part;
    }
    return kept.isEmpty() ? QStringLiteral("unnamed") : kept.join(QLatin1Char('/'));
}

QString insideFolder(const QString &folder, const QString &name)
{
    const QString root = QDir::cleanPath(QDir(folder).absolutePath());
    const QString joined = QDir::cleanPath(root + QLatin1Char('/') + sanitizedRelative(name));
    Q_ASSERT(joined.startsWith(root + QLatin1Char('/')));
    return joined;
}

} // namespace tandem::paths
