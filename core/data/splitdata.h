#pragma once
// What model jobs read of a project, as plain values: the images of a split
// with their questions and captions (ids kept, so that predictions can point
// back at them).
#include "util/expected.h"

#include <QString>
#include <string>
#include <vector>

namespace tandem {

class ProjectStore;

struct QuestionItem {
    qint64 id = 0;
    size_t image = 0;                 // index into SplitData::images
    std::string text;
    std::string label;                // the training target: multiple-choice answer, else the most common answer
    std::vector<std::string> answers; // the human answers
    std::string questionType, answerType;
};

struct CaptionItem {
    qint64 id = 0;
    size_t image = 0;
    std::string text;
};

struct ImageItem {
    qint64 id = 0;
    QString name;
    QString path;                     // on disk
    std::vector<size_t> questions;    // indices into SplitData::questions
    std::vector<size_t> captions;
    std::vector<std::string> tags;    // a person's tags, by name
};

struct SplitData {
    std::vector<ImageItem> images;    // flagged (missing, corrupt) images left out
    std::vector<QuestionItem> questions;
    std::vector<CaptionItem> captions;
};

// The images of `split` ("" = all), in id order; with imageIds, only those of them.
Expected<SplitData> loadSplit(ProjectStore &store, const QString &split, const std::vector<qint64> &imageIds = {});

// An image by id ("42") or by name; a usage error when the project has none.
Expected<ImageItem> findImage(ProjectStore &store, const QString &idOrName);

} // namespace tandem
