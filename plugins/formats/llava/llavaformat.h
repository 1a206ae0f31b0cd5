#pragma once
// LLaVA-style conversation JSON (the instruction data of LLaVA and its
// successors): a list of records {"id", "image", "conversations": [{"from":
// "human", "value": "<image>\nWhat is on the table?"}, {"from": "gpt",
// "value": "A red mug."}, ...]}, human and gpt turns alternating, the first
// human turn carrying the <image> token.
//
// Reading: each human turn and the gpt reply after it make one pair. A pair
// whose prompt asks for a description ("Describe the image concisely.",
// "Write a caption", "Summarize the visual content ...": see
// isDescriptionPrompt) becomes a caption (the reply); any other pair a
// question with the reply as its one answer. Records for the same image merge.
// Writing: one record per image, captions first as "Describe the image." turns,
// then each question with its first answer (or its multiple-choice answer).
#include "formats/datasetformat.h"

#include <QObject>
#include <string_view>

namespace tandem {

namespace llava {
int sniff(const QString &path);
Expected<Dataset> read(const ImportOptions &options, const Progress &progress);
Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress);

// True when a human turn (its <image> token removed) asks for a description
// rather than asking a question.
bool isDescriptionPrompt(std::string_view prompt);
// The prompt the writer puts before each caption; isDescriptionPrompt accepts it.
inline constexpr std::string_view kDescribePrompt = "Describe the image.";
inline constexpr std::string_view kImageToken = "<image>";
} // namespace llava

class LlavaFormat : public QObject, public DatasetFormat {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID TandemDatasetFormat_iid FILE "llava.json")
    Q_INTERFACES(tandem::DatasetFormat)

public:
    int sniff(const QString &path) const override { return llava::sniff(path); }
    Expected<Dataset> read(const ImportOptions &options, const Progress &progress) const override
    {
        return llava::read(options, progress);
    }
    Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress) const override
    {
        return llava::write(dataset, options, progress);
    }
};

} // namespace tandem
