// Writer side of json.h: string escaping and atomic file writes.
#include "json.h"

#include "formats/textfile.h"
#include "util/text.h"

#include <QDir>
#include <QFileInfo>

namespace tandem::json {

static void appendEscaped(std::string &out, std::string_view s)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; // start of the pending stretch that needs no escaping
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        out += '\\';
        switch (c) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '\n': out += 'n'; break;
        case '\r': out += 'r'; break;
        case '\t': out += 't'; break;
        case '\b': out += 'b'; break;
        case '\f': out += 'f'; break;
        default:
            out += "u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out.append(s.data() + run, s.size() - run);
}

void appendString(std::string &out, std::string_view s)
{
    out += '"';
    if (text::isValidUtf8(s)) {
        appendEscaped(out, s);
    } else {
        const QByteArray repaired = QString::fromUtf8(s.data(), qsizetype(s.size())).toUtf8();
        appendEscaped(out, std::string_view(repaired.constData(), size_t(repaired.size())));
    }
    out += '"';
}

Status writeFile(const QString &path, std::string_view contents)
{
    if (QFileInfo(path).isDir())
        return Error::usage(QStringLiteral("%1 is a folder: give a file name to write").arg(path));
    QDir().mkpath(QFileInfo(path).absolutePath());
    return formats::writeWholeFile(path, contents);
}

} // namespace tandem::json
