#include "flickrline.h"

#include "util/text.h"

namespace tandem {

static bool isDigit(char c) { return c >= '0' && c <= '9'; }

static bool isAlnum(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::optional<FlickrLineProblem> parseFlickrLine(std::string_view line, FlickrLine &out)
{
    const size_t tab = line.find('\t');
    // Without a TAB the caption may hold '#' too, so take the first one.
    const size_t hash = tab == std::string_view::npos ? line.find('#') : line.substr(0, tab).rfind('#');
    if (hash == std::string_view::npos)
        return FlickrLineProblem{std::min(tab, line.size()), "a '#' and the caption number after the image name"};
    const std::string_view image = text::trimmed(line.substr(0, hash));
    if (image.empty())
        return FlickrLineProblem{0, "an image name before '#'"};
    size_t end = hash + 1;
    while (end < line.size() && isDigit(line[end]))
        ++end;
    if (end == hash + 1)
        return FlickrLineProblem{end, "the caption number (digits) after '#'"};
    if (end != tab)
        return FlickrLineProblem{end, "a TAB between '#<n>' and the caption"};
    out = {image, line.substr(hash + 1, end - hash - 1), text::trimmed(line.substr(tab + 1))};
    return std::nullopt;
}

bool hasFileExtension(std::string_view name)
{
    const size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot + 1 == name.size() || name.size() - dot > 6)
        return false;
    for (size_t i = dot + 1; i < name.size(); ++i)
        if (!isAlnum(name[i]))
            return false;
    return true;
}

} // namespace tandem
