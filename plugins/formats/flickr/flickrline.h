#pragma once
// One line of a Flickr8k/Flickr30k token file:
//   1000268201_693b08cb0e.jpg#0<TAB>A child in a pink dress is climbing up stairs .
#include <optional>
#include <string_view>

namespace tandem {

struct FlickrLine {
    std::string_view image;   // before the last '#' (names may hold '#')
    std::string_view number;  // digits after '#': the caption number
    std::string_view caption; // after the TAB, trimmed
};

struct FlickrLineProblem {
    size_t offset;     // byte offset in the line where it stops matching
    const char *what;  // what was expected there
};

inline constexpr const char *flickrLineShape = "expected '<image>#<n><TAB><caption>'";

std::optional<FlickrLineProblem> parseFlickrLine(std::string_view line, FlickrLine &out);

// A name ending in a short extension (".jpg", ".png"), as Flickr's names do.
bool hasFileExtension(std::string_view name);

} // namespace tandem
