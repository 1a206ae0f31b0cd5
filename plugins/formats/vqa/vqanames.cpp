#include "vqaformat.h"

#include <charconv>

namespace tandem::vqa {

static Error badPattern(const QString &pattern, const QString &why)
{
    return Error::usage(QStringLiteral("image pattern \"%1\": %2; use {subtype}, {id} or {id:012}, "
                                       "as in \"%3\"")
                            .arg(pattern, why, QLatin1String(NamePattern::kDefault)));
}

// "id", "id:012" or "id:12" -> the zero-padding width; -1 if not an id.
static int idWidth(std::string_view placeholder)
{
    if (placeholder == "id")
        return 0;
    if (placeholder.substr(0, 3) != "id:" || placeholder.size() > 6)
        return -1;
    int width = -1;
    const auto [end, error] = std::from_chars(placeholder.data() + 3, placeholder.data() + placeholder.size(), width);
    return error == std::errc() && end == placeholder.data() + placeholder.size() && width <= 64 ? width : -1;
}

Expected<NamePattern> NamePattern::compile(const QString &pattern)
{
    const std::string text = (pattern.isEmpty() ? QString::fromLatin1(kDefault) : pattern).toStdString();
    NamePattern compiled;
    bool hasId = false;
    size_t i = 0;
    while (i < text.size()) {
        const size_t open = text.find('{', i);
        if (open != i) {
            compiled.m_pieces.push_back({Piece::Text, text.substr(i, open - i), 0});
            if (open == std::string::npos)
                break;
        }
        const size_t close = text.find('}', open);
        if (close == std::string::npos)
            return badPattern(pattern, QStringLiteral("'{' without '}'"));
        const std::string_view placeholder(text.data() + open + 1, close - open - 1);
        const int width = idWidth(placeholder);
        if (placeholder == "subtype")
            compiled.m_pieces.push_back({Piece::Subtype, {}, 0});
        else if (width >= 0)
            compiled.m_pieces.push_back({Piece::Id, {}, width});
        else
            return badPattern(pattern, QStringLiteral("unknown placeholder {%1}").arg(QString::fromStdString(std::string(placeholder))));
        hasId = hasId || width >= 0;
        i = close + 1;
    }
    if (!hasId)
        return badPattern(pattern, QStringLiteral("no {id}, so every image would get the same name"));
    return compiled;
}

bool NamePattern::usesSubtype() const
{
    for (const Piece &piece : m_pieces)
        if (piece.kind == Piece::Subtype)
            return true;
    return false;
}

std::string NamePattern::apply(std::string_view subtype, std::string_view id) const
{
    std::string name;
    for (const Piece &piece : m_pieces) {
        switch (piece.kind) {
        case Piece::Text: name += piece.text; break;
        case Piece::Subtype: name += subtype; break;
        case Piece::Id:
            if (int(id.size()) < piece.width)
                name.append(size_t(piece.width) - id.size(), '0');
            name += id;
            break;
        }
    }
    return name;
}

bool parseDefaultName(std::string_view name, std::string *subtype, int64_t *id)
{
    constexpr std::string_view prefix = "COCO_", suffix = ".jpg";
    constexpr size_t digits = 12;
    if (name.size() < prefix.size() + 1 + digits + suffix.size() || name.substr(0, prefix.size()) != prefix
        || name.substr(name.size() - suffix.size()) != suffix)
        return false;
    const size_t idStart = name.size() - suffix.size() - digits;
    if (name[idStart - 1] != '_' || idStart - 1 <= prefix.size())
        return false;
    const auto [end, error] = std::from_chars(name.data() + idStart, name.data() + idStart + digits, *id);
    if (error != std::errc() || end != name.data() + idStart + digits || name[idStart] == '-')
        return false;
    *subtype = std::string(name.substr(prefix.size(), idStart - 1 - prefix.size()));
    return true;
}

} // namespace tandem::vqa
