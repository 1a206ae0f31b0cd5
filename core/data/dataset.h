#pragma once
// The format-neutral in-memory form of a dataset: what importers produce, what
// the store bulk-inserts, and what exporters write. Text is UTF-8 std::string
// (it goes straight from the parser to SQLite without a UTF-16 round trip).
#include <QString>
#include <QStringList>
#include <cstdint>
#include <string>
#include <vector>

namespace tandem {

enum class ReviewStatus : int { Unlabeled = 0, Predicted = 1, Verified = 2, Rejected = 3 };

// Why an image cannot be used. Set by the import probe and by `check`.
enum class ImageFlag : int {
    Unchecked = -1,
    Ok = 0,
    Missing = 1,    // no such file
    Empty = 2,      // zero bytes
    Truncated = 3,  // a known format that ends early
    NotImage = 4,   // no image signature, or the decoder refuses it
    UnsafePath = 5, // absolute or "../" name: never read
};
QString flagName(ImageFlag flag);
QString statusName(ReviewStatus status);
bool parseStatus(const QString &name, ReviewStatus *status);

struct DatasetImage {
    std::string name;   // as in the annotation file, normalised ('/' separators)
    std::string extId;  // the dataset's own id (COCO image_id), empty if none
    int width = 0;
    int height = 0;
    std::string split;  // train / val / test / "" (unknown)
    std::vector<std::string> tags;
    ReviewStatus status = ReviewStatus::Unlabeled;
    // Filled by the store when exporting: the file on disk, for copying.
    QString sourcePath;
};

struct DatasetCaption {
    size_t image = 0;   // index into Dataset::images
    std::string text;
    std::string extId;  // annotation id, if the format has one
};

struct DatasetAnswer {
    std::string text;
    std::string confidence; // VQA v2 answer_confidence: yes / maybe / no
};

struct DatasetQuestion {
    size_t image = 0;
    std::string text;
    std::string extId;             // VQA question_id
    std::string questionType;      // VQA v2 question_type ("what color is the")
    std::string answerType;        // yes/no, number, other
    std::string multipleChoiceAnswer;
    std::vector<DatasetAnswer> answers; // up to 10 human answers
};

// An object's box in pixels of its image (x right, y down, from the top-left
// corner) and what it is: "red square", or a phrase (Visual Genome style).
struct DatasetRegion {
    size_t image = 0;
    double x = 0, y = 0, width = 0, height = 0;
    std::string label;
};

struct Dataset {
    std::vector<DatasetImage> images;
    std::vector<DatasetCaption> captions;
    std::vector<DatasetQuestion> questions;
    std::vector<DatasetRegion> regions;
    QStringList warnings; // things fixed or skipped while reading
};

} // namespace tandem
