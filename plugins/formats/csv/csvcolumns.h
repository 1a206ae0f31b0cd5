#pragma once
// Which header cell holds what: the names CSV caption files use in the wild
// (Kaggle's Flickr30k: image_name| comment_number| comment).
#include "formats/csvreader.h"

#include <QString>
#include <vector>

namespace tandem {

struct CsvColumns {
    int image = -1;
    int caption = -1;
    int split = -1;     // optional
    int tags = -1;      // optional; tags separated by ';' in one cell
    int captionId = -1; // optional; becomes the caption's extId
    size_t count = 0;   // cells in the header
};

struct CsvHeaderResult {
    CsvColumns columns;
    QString problem; // empty when the header names an image and a caption column
};

CsvHeaderResult mapCsvHeader(const std::vector<CsvCell> &header);

} // namespace tandem
