// Writes a JSON list with one record per image that has captions or
// questions: {"id", "image", "conversations"}; the first human turn starts
// with "<image>\n". Images without text are left out (LLaVA has no record
// for them); the id is the image's own, else its name.
#include "llavaformat.h"

#include "formats/formatsupport.h"
#include "formats/json.h"

#include <string>
#include <vector>

namespace tandem::llava {

namespace {

struct Turns {
    std::string out;
    bool first = true;

    void pair(std::string_view prompt, std::string_view reply)
    {
        out += first ? "\n  {\"from\": \"human\", \"value\": " : ",\n  {\"from\": \"human\", \"value\": ";
        std::string value = first ? std::string(kImageToken) + "\n" : std::string();
        value += prompt;
        json::appendString(out, value);
        out += "},\n  {\"from\": \"gpt\", \"value\": ";
        json::appendString(out, reply);
        out += '}';
        first = false;
    }
};

std::string_view answerOf(const DatasetQuestion &question)
{
    if (!question.multipleChoiceAnswer.empty())
        return question.multipleChoiceAnswer;
    return question.answers.empty() ? std::string_view() : std::string_view(question.answers.front().text);
}

} // namespace

Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress)
{
    if (options.output.isEmpty())
        return Error::usage(QStringLiteral("LLaVA: name the .json file to write"));
    std::vector<Turns> turns(dataset.images.size());
    for (const DatasetCaption &caption : dataset.captions)
        turns[caption.image].pair(kDescribePrompt, caption.text);
    for (const DatasetQuestion &question : dataset.questions)
        if (!answerOf(question).empty())
            turns[question.image].pair(question.text, answerOf(question));
    std::string out = "[";
    formats::Steps steps(progress, qint64(dataset.images.size()), QStringLiteral("Writing conversations"));
    bool firstRecord = true;
    for (size_t i = 0; i < dataset.images.size(); ++i) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        if (turns[i].first)
            continue;
        const DatasetImage &image = dataset.images[i];
        out += firstRecord ? "\n{\"id\": " : ",\n{\"id\": ";
        json::appendString(out, image.extId.empty() ? image.name : image.extId);
        out += ", \"image\": ";
        json::appendString(out, image.name);
        out += ", \"conversations\": [";
        out += turns[i].out;
        out += "]}";
        firstRecord = false;
        std::string().swap(turns[i].out);
    }
    out += "\n]\n";
    return json::writeFile(options.output, out);
}

} // namespace tandem::llava
