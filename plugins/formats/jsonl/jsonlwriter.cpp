// Writes one line per image with every field it has; empty fields are left
// out. Captions and answers are plain strings unless they carry an id or a
// confidence, which then makes them objects (the reader takes both). Regions
// are {"box": [x, y, width, height], "label"} in pixels of the image.
#include "jsonlformat.h"

#include "formats/formatsupport.h"
#include "formats/json.h"

#include <charconv>

namespace tandem::jsonl {

namespace {

// Items grouped by image without copying them: index[start[i] .. start[i+1]) are image i's.
struct Groups {
    std::vector<size_t> start;
    std::vector<size_t> index;
};

template <typename Items>
Groups groupByImage(const Items &items, size_t imageCount)
{
    Groups groups;
    groups.start.assign(imageCount + 1, 0);
    for (const auto &item : items)
        ++groups.start[item.image + 1];
    for (size_t i = 0; i < imageCount; ++i)
        groups.start[i + 1] += groups.start[i];
    groups.index.resize(items.size());
    std::vector<size_t> next(groups.start.begin(), groups.start.end() - 1);
    for (size_t i = 0; i < items.size(); ++i)
        groups.index[next[items[i].image]++] = i;
    return groups;
}

void appendField(std::string &out, const char *key, std::string_view value)
{
    if (value.empty())
        return;
    out += ",\"";
    out += key;
    out += "\":";
    json::appendString(out, value);
}

void appendImage(std::string &out, const DatasetImage &image)
{
    out += "{\"image\":";
    json::appendString(out, image.name);
    appendField(out, "id", image.extId);
    appendField(out, "split", image.split);
    for (const auto &[key, size] : {std::pair{"width", image.width}, std::pair{"height", image.height}}) {
        if (size <= 0)
            continue;
        out += ",\"";
        out += key;
        out += "\":";
        json::appendNumber(out, size);
    }
    if (image.tags.empty())
        return;
    out += ",\"tags\":[";
    for (size_t i = 0; i < image.tags.size(); ++i) {
        if (i)
            out += ',';
        json::appendString(out, image.tags[i]);
    }
    out += ']';
}

void appendCaption(std::string &out, const DatasetCaption &caption)
{
    if (caption.extId.empty()) {
        json::appendString(out, caption.text);
        return;
    }
    out += "{\"text\":";
    json::appendString(out, caption.text);
    appendField(out, "id", caption.extId);
    out += '}';
}

void appendQuestion(std::string &out, const DatasetQuestion &question)
{
    out += "{\"question\":";
    json::appendString(out, question.text);
    out += ",\"answers\":[";
    for (size_t i = 0; i < question.answers.size(); ++i) {
        const DatasetAnswer &answer = question.answers[i];
        if (i)
            out += ',';
        if (answer.confidence.empty()) {
            json::appendString(out, answer.text);
            continue;
        }
        out += "{\"answer\":";
        json::appendString(out, answer.text);
        appendField(out, "answer_confidence", answer.confidence);
        out += '}';
    }
    out += ']';
    appendField(out, "answer_type", question.answerType);
    appendField(out, "question_type", question.questionType);
    appendField(out, "multiple_choice_answer", question.multipleChoiceAnswer);
    appendField(out, "id", question.extId);
    out += '}';
}

// {"box": [x, y, width, height], "label": "red square"}: pixels, shortest exact decimals.
void appendRegion(std::string &out, const DatasetRegion &region)
{
    out += "{\"box\":[";
    char digits[32];
    const double box[] = {region.x, region.y, region.width, region.height};
    for (size_t i = 0; i < 4; ++i) {
        if (i)
            out += ',';
        out.append(digits, std::to_chars(digits, digits + sizeof digits, box[i]).ptr);
    }
    out += "],\"label\":";
    json::appendString(out, region.label);
    out += '}';
}

template <typename Items, typename Append>
void appendList(std::string &out, const char *key, const Items &items, const Groups &groups, size_t image, Append append)
{
    const size_t begin = groups.start[image], end = groups.start[image + 1];
    if (begin == end)
        return;
    out += ",\"";
    out += key;
    out += "\":[";
    for (size_t i = begin; i < end; ++i) {
        if (i > begin)
            out += ',';
        append(out, items[groups.index[i]]);
    }
    out += ']';
}

} // namespace

Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress)
{
    if (options.output.isEmpty())
        return Error::usage(QStringLiteral("JSON Lines: name the .jsonl file to write"));
    const Groups captions = groupByImage(dataset.captions, dataset.images.size());
    const Groups questions = groupByImage(dataset.questions, dataset.images.size());
    const Groups regions = groupByImage(dataset.regions, dataset.images.size());
    std::string out;
    formats::reserveLarge(out, dataset.images.size() * 80 + dataset.captions.size() * 70 + dataset.questions.size() * 200);
    formats::Steps steps(progress, qint64(dataset.images.size()), QStringLiteral("Writing lines"));
    for (size_t i = 0; i < dataset.images.size(); ++i) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        appendImage(out, dataset.images[i]);
        appendList(out, "captions", dataset.captions, captions, i, appendCaption);
        appendList(out, "qa", dataset.questions, questions, i, appendQuestion);
        appendList(out, "regions", dataset.regions, regions, i, appendRegion);
        out += "}\n";
    }
    return json::writeFile(options.output, out);
}

} // namespace tandem::jsonl
