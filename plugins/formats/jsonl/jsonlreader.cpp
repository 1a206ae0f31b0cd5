// Reads JSON Lines. Accepted spellings: "image" / "file_name" / "file" for the
// name; "captions" (strings, or {"text", "id"}) and "caption"; "qa" entries, or
// a top-level "question", with "answers" (strings, or {"answer",
// "answer_confidence"}) and "answer"; "regions" ({"box": [x, y, width, height]
// in pixels, "label"}).
#include "jsonlformat.h"

#include "formats/formatsupport.h"
#include "formats/json.h"
#include "util/paths.h"
#include "util/text.h"

#include <QFileInfo>
#include <algorithm>
#include <cmath>
#include <simdjson.h>
#include <unordered_map>

namespace tandem::jsonl {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

QString fromStd(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

class FileReader {
public:
    FileReader(Dataset &dataset, std::unordered_map<std::string, size_t> &byName, const ImportOptions &options,
               const Progress &progress, const QString &path)
        : m_dataset(dataset), m_byName(byName), m_options(options), m_progress(progress), m_path(path),
          m_warnings(&dataset.warnings, QFileInfo(path).fileName())
    {
    }
    Status read();

private:
    Status readRecord();
    Expected<size_t> imageFor(const object &record, const json::Path &top);
    Status mergeImageFields(DatasetImage &image, const object &record, const json::Path &top);
    Status mergeTags(DatasetImage &image, const object &record, const json::Path &top);
    Status addCaptions(size_t image, const object &record, const json::Path &top);
    Status addCaption(size_t image, const element &value, const json::Path &at);
    Status addQuestions(size_t image, const object &record, const json::Path &top);
    Status addQuestion(size_t image, const object &qa, const json::Path &at, bool topLevel);
    Status addAnswers(DatasetQuestion &question, const object &qa, const json::Path &at);
    Status addAnswer(DatasetQuestion &question, const element &value, const json::Path &at);
    Status addRegions(size_t image, const object &record, const json::Path &top);
    Status addRegion(size_t image, const element &value, const json::Path &at);
    void keepFirst(std::string &kept, std::string_view given, const char *field, const DatasetImage &image);

    Dataset &m_dataset;
    std::unordered_map<std::string, size_t> &m_byName;
    const ImportOptions &m_options;
    const Progress &m_progress;
    QString m_path;
    formats::Warnings m_warnings;
    json::Document m_doc;
    int m_line = 0;
};

Status FileReader::read()
{
    if (QFileInfo(m_path).isDir())
        return Error::usage(QStringLiteral("%1 is a folder: JSON Lines reads a .jsonl file").arg(m_path));
    auto text = json::readText(m_path, &m_dataset.warnings);
    if (!text)
        return text.error();
    const std::vector<std::string_view> lines = text::splitLines({text->constData(), size_t(text->size())});
    formats::Steps steps(m_progress, qint64(lines.size()), QStringLiteral("Reading %1").arg(QFileInfo(m_path).fileName()));
    for (size_t i = 0; i < lines.size(); ++i) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        m_line = int(i) + 1;
        if (text::trimmed(lines[i]).empty())
            continue;
        if (Status parsed = m_doc.parse(*text, lines[i], m_path, m_line, "line"); !parsed)
            return parsed;
        if (Status added = readRecord(); !added)
            return added;
    }
    m_warnings.flush();
    return {};
}

Status FileReader::readRecord()
{
    const json::Path top;
    auto record = m_doc.object(m_doc.root(), top);
    if (!record)
        return record.error();
    auto image = imageFor(*record, top);
    if (!image)
        return image.error();
    if (Status merged = mergeImageFields(m_dataset.images[*image], *record, top); !merged)
        return merged;
    if (Status added = addCaptions(*image, *record, top); !added)
        return added;
    if (Status added = addQuestions(*image, *record, top); !added)
        return added;
    return addRegions(*image, *record, top);
}

Expected<size_t> FileReader::imageFor(const object &record, const json::Path &top)
{
    element value;
    const char *key = nullptr;
    for (const char *candidate : {"image", "file_name", "file"})
        if (!key && json::find(record, candidate, &value))
            key = candidate;
    if (!key)
        return m_doc.error(top, QStringLiteral("missing \"image\" (or \"file_name\", \"file\"): expected the image's file name"));
    auto fileName = m_doc.string(value, top.key(key));
    if (!fileName)
        return fileName.error();
    std::string name = paths::normalizeName(*fileName);
    if (name.empty())
        return m_doc.error(top.key(key), QStringLiteral("expected a file name, found an empty string"));
    const auto [known, isNew] = m_byName.try_emplace(name, m_dataset.images.size());
    if (isNew)
        m_dataset.images.emplace_back().name = std::move(name);
    return known->second;
}

void FileReader::keepFirst(std::string &kept, std::string_view given, const char *field, const DatasetImage &image)
{
    if (given.empty() || kept == given)
        return;
    if (kept.empty()) {
        kept = std::string(given);
        return;
    }
    m_warnings.add("images whose lines disagree, first value kept", [&] {
        return QStringLiteral("line %1: %2 \"%3\" for %4 differs from \"%5\" given earlier; kept \"%5\"")
            .arg(m_line)
            .arg(QLatin1String(field), fromStd(given), fromStd(image.name), fromStd(kept));
    });
}

Status FileReader::mergeImageFields(DatasetImage &image, const object &record, const json::Path &top)
{
    auto split = m_doc.optionalString(record, "split", top);
    if (!split)
        return split.error();
    auto id = m_doc.optionalId(record, "id", top);
    if (!id)
        return id.error();
    auto width = m_doc.optionalSize(record, "width", top);
    if (!width)
        return width.error();
    auto height = m_doc.optionalSize(record, "height", top);
    if (!height)
        return height.error();
    if (!m_options.split.isEmpty())
        image.split = m_options.split.toStdString();
    else
        keepFirst(image.split, *split, "split", image);
    keepFirst(image.extId, *id, "id", image);
    image.width = image.width ? image.width : *width;
    image.height = image.height ? image.height : *height;
    return mergeTags(image, record, top);
}

Status FileReader::mergeTags(DatasetImage &image, const object &record, const json::Path &top)
{
    element value;
    if (!json::find(record, "tags", &value))
        return {};
    const json::Path at = top.key("tags");
    auto tags = m_doc.array(value, at);
    if (!tags)
        return tags.error();
    size_t i = 0;
    for (const element tag : *tags) {
        auto text = m_doc.string(tag, at.index(i++));
        if (!text)
            return text.error();
        if (std::find(image.tags.begin(), image.tags.end(), *text) == image.tags.end())
            image.tags.emplace_back(*text);
    }
    return {};
}

Status FileReader::addCaptions(size_t image, const object &record, const json::Path &top)
{
    element value;
    if (json::find(record, "caption", &value))
        if (Status added = addCaption(image, value, top.key("caption")); !added)
            return added;
    if (!json::find(record, "captions", &value))
        return {};
    const json::Path at = top.key("captions");
    auto captions = m_doc.array(value, at);
    if (!captions)
        return captions.error();
    size_t i = 0;
    for (const element caption : *captions)
        if (Status added = addCaption(image, caption, at.index(i++)); !added)
            return added;
    return {};
}

// A string, or {"text": ..., "id": ...} for a caption with an id of its own.
Status FileReader::addCaption(size_t image, const element &value, const json::Path &at)
{
    if (value.type() != element_type::OBJECT) {
        auto text = m_doc.string(value, at);
        if (!text)
            return text.error();
        m_dataset.captions.push_back({image, std::string(*text), {}});
        return {};
    }
    const object caption = value.get_object().value_unsafe();
    element probe;
    auto text = m_doc.string(caption, json::find(caption, "caption", &probe) ? "caption" : "text", at);
    if (!text)
        return text.error();
    auto id = m_doc.optionalId(caption, "id", at);
    if (!id)
        return id.error();
    m_dataset.captions.push_back({image, std::string(*text), std::move(*id)});
    return {};
}

Status FileReader::addQuestions(size_t image, const object &record, const json::Path &top)
{
    element value;
    if (json::find(record, "question", &value))
        if (Status added = addQuestion(image, record, top, true); !added)
            return added;
    if (!json::find(record, "qa", &value))
        return {};
    const json::Path at = top.key("qa");
    auto entries = m_doc.array(value, at);
    if (!entries)
        return entries.error();
    size_t i = 0;
    for (const element entry : *entries) {
        const json::Path entryAt = at.index(i++);
        auto qa = m_doc.object(entry, entryAt);
        if (!qa)
            return qa.error();
        if (Status added = addQuestion(image, *qa, entryAt, false); !added)
            return added;
    }
    return {};
}

// A "qa" entry, or the record itself when it has a top-level "question" (its
// "id" is then the image's, so only "question_id" names the question).
Status FileReader::addQuestion(size_t image, const object &qa, const json::Path &at, bool topLevel)
{
    DatasetQuestion question;
    question.image = image;
    auto text = m_doc.string(qa, "question", at);
    if (!text)
        return text.error();
    question.text = std::string(*text);
    auto id = m_doc.optionalId(qa, "question_id", at);
    if (id && id->empty() && !topLevel)
        id = m_doc.optionalId(qa, "id", at);
    if (!id)
        return id.error();
    question.extId = std::move(*id);
    const std::pair<const char *, std::string *> fields[] = {
        {"question_type", &question.questionType},
        {"answer_type", &question.answerType},
        {"multiple_choice_answer", &question.multipleChoiceAnswer}};
    for (const auto &[key, target] : fields) {
        auto value = m_doc.optionalString(qa, key, at);
        if (!value)
            return value.error();
        *target = std::string(*value);
    }
    if (Status added = addAnswers(question, qa, at); !added)
        return added;
    m_dataset.questions.push_back(std::move(question));
    return {};
}

Status FileReader::addAnswers(DatasetQuestion &question, const object &qa, const json::Path &at)
{
    element value;
    if (json::find(qa, "answers", &value)) {
        const json::Path answersAt = at.key("answers");
        auto answers = m_doc.array(value, answersAt);
        if (!answers)
            return answers.error();
        size_t i = 0;
        for (const element answer : *answers)
            if (Status added = addAnswer(question, answer, answersAt.index(i++)); !added)
                return added;
    }
    if (json::find(qa, "answer", &value))
        if (Status added = addAnswer(question, value, at.key("answer")); !added)
            return added;
    if (question.answers.size() > formats::kMaxAnswers) {
        m_warnings.add("questions with more than ten answers, the first ten kept", [&] {
            return QStringLiteral("line %1: %2: %3 answers; kept the first %4")
                .arg(m_line)
                .arg(QString::fromStdString(at.toString()))
                .arg(question.answers.size())
                .arg(formats::kMaxAnswers);
        });
        question.answers.resize(formats::kMaxAnswers);
    }
    return {};
}

// A string, or {"answer": ..., "answer_confidence": ...} as in VQA.
Status FileReader::addAnswer(DatasetQuestion &question, const element &value, const json::Path &at)
{
    if (value.type() != element_type::OBJECT) {
        auto text = m_doc.string(value, at);
        if (!text)
            return text.error();
        question.answers.push_back({std::string(*text), {}});
        return {};
    }
    const object answer = value.get_object().value_unsafe();
    auto text = m_doc.string(answer, "answer", at);
    if (!text)
        return text.error();
    auto confidence = m_doc.optionalString(answer, "answer_confidence", at);
    if (!confidence)
        return confidence.error();
    question.answers.push_back({std::string(*text), std::string(*confidence)});
    return {};
}

Status FileReader::addRegions(size_t image, const object &record, const json::Path &top)
{
    element value;
    if (!json::find(record, "regions", &value))
        return {};
    const json::Path at = top.key("regions");
    auto regions = m_doc.array(value, at);
    if (!regions)
        return regions.error();
    size_t i = 0;
    for (const element region : *regions)
        if (Status added = addRegion(image, region, at.index(i++)); !added)
            return added;
    return {};
}

Status FileReader::addRegion(size_t image, const element &value, const json::Path &at)
{
    auto region = m_doc.object(value, at);
    if (!region)
        return region.error();
    const json::Path boxAt = at.key("box");
    auto box = m_doc.array(*region, "box", at);
    if (!box)
        return box.error();
    std::vector<double> numbers;
    for (const element n : *box) {
        double number = 0;
        if (n.get_double().get(number) != simdjson::SUCCESS || !std::isfinite(number))
            return m_doc.error(boxAt.index(numbers.size()), QStringLiteral("expected a number (pixels)"));
        numbers.push_back(number);
    }
    if (numbers.size() != 4 || numbers[2] < 0 || numbers[3] < 0)
        return m_doc.error(boxAt, QStringLiteral("expected [x, y, width, height]: four numbers, width and height >= 0"));
    auto label = m_doc.optionalString(*region, "label", at);
    if (!label)
        return label.error();
    m_dataset.regions.push_back({image, numbers[0], numbers[1], numbers[2], numbers[3], std::string(*label)});
    return {};
}

} // namespace

Expected<Dataset> read(const ImportOptions &options, const Progress &progress)
{
    if (options.files.isEmpty())
        return Error::usage(QStringLiteral("JSON Lines: name the .jsonl file to read"));
    Dataset dataset;
    std::unordered_map<std::string, size_t> byName;
    for (const QString &file : options.files)
        if (Status status = FileReader(dataset, byName, options, progress, file).read(); !status)
            return status.error();
    return dataset;
}

} // namespace tandem::jsonl
