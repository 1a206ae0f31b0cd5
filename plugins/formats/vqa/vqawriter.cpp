// Writes questions.json and annotations.json in VQA v2's layout, one
// question or annotation per line. VQA has no file names: when every image
// name follows the default pattern, its subtype and ids are reused, so that
// reading the export back gives the same names.
#include "vqaformat.h"

#include "formats/formatsupport.h"
#include "formats/json.h"

#include <QDate>
#include <QDir>
#include <QFileInfo>
#include <unordered_set>

namespace tandem::vqa {

namespace {

struct ImageIds {
    std::string subtype;
    std::vector<int64_t> ids;
};

bool idsFromNames(const Dataset &dataset, ImageIds *out)
{
    std::unordered_set<int64_t> seen;
    for (const DatasetImage &image : dataset.images) {
        std::string subtype;
        int64_t id = 0;
        if (!parseDefaultName(image.name, &subtype, &id) || !seen.insert(id).second
            || (!out->ids.empty() && subtype != out->subtype))
            return false;
        out->subtype = std::move(subtype);
        out->ids.push_back(id);
    }
    return !dataset.images.empty();
}

// Otherwise: ids from DatasetImage::extId, and the split all images share as the subtype.
ImageIds imageIds(const Dataset &dataset)
{
    ImageIds out;
    if (idsFromNames(dataset, &out))
        return out;
    out.ids = formats::assignExtIds(dataset.images);
    out.subtype = dataset.images.empty() ? std::string() : dataset.images.front().split;
    for (const DatasetImage &image : dataset.images)
        if (image.split != out.subtype)
            out.subtype.clear();
    if (out.subtype.empty())
        out.subtype = "all";
    return out;
}

void appendHeader(std::string &out, const std::string &subtype)
{
    out += "{\"info\":{\"description\":\"Exported by Tandem\",\"version\":\"2.0\",\"year\":";
    json::appendNumber(out, QDate::currentDate().year());
    out += ",\"contributor\":\"\",\"date_created\":";
    json::appendString(out, QDate::currentDate().toString(Qt::ISODate).toStdString());
    out += "},\n\"license\":{\"url\":\"\",\"name\":\"\"},\n\"data_type\":\"mscoco\",\n\"data_subtype\":";
    json::appendString(out, subtype);
    out += ",\n";
}

bool hasAnswers(const DatasetQuestion &q)
{
    return !q.answers.empty() || !q.multipleChoiceAnswer.empty() || !q.answerType.empty() || !q.questionType.empty();
}

void appendQuestion(std::string &out, const DatasetQuestion &q, int64_t imageId, int64_t id)
{
    out += "{\"image_id\":";
    json::appendNumber(out, imageId);
    out += ",\"question\":";
    json::appendString(out, q.text);
    out += ",\"question_id\":";
    json::appendNumber(out, id);
    out += '}';
}

void appendAnnotation(std::string &out, const DatasetQuestion &q, int64_t imageId, int64_t id)
{
    out += "{\"question_type\":";
    json::appendString(out, q.questionType);
    out += ",\"multiple_choice_answer\":";
    json::appendString(out, q.multipleChoiceAnswer);
    out += ",\"answers\":[";
    for (size_t i = 0; i < q.answers.size(); ++i) {
        out += i ? ",{\"answer\":" : "{\"answer\":";
        json::appendString(out, q.answers[i].text);
        out += ",\"answer_confidence\":"; // VQA tools expect it: "yes" when unknown
        json::appendString(out, q.answers[i].confidence.empty() ? std::string_view("yes") : q.answers[i].confidence);
        out += ",\"answer_id\":";
        json::appendNumber(out, int64_t(i + 1));
        out += '}';
    }
    out += "],\"image_id\":";
    json::appendNumber(out, imageId);
    out += ",\"answer_type\":";
    json::appendString(out, q.answerType);
    out += ",\"question_id\":";
    json::appendNumber(out, id);
    out += '}';
}

} // namespace

Status write(const Dataset &dataset, const ExportOptions &options, const Progress &progress)
{
    if (options.output.isEmpty())
        return Error::usage(QStringLiteral("VQA: name the folder to write questions.json and annotations.json in"));
    if (QFileInfo(options.output).isFile())
        return Error::usage(QStringLiteral("%1 is a file: VQA writes a folder (questions.json and annotations.json)")
                                .arg(options.output));
    const ImageIds images = imageIds(dataset);
    const std::vector<int64_t> ids = formats::assignExtIds(dataset.questions);
    std::string questions, annotations;
    formats::reserveLarge(questions, 512 + dataset.questions.size() * 100);
    formats::reserveLarge(annotations, 512 + dataset.questions.size() * 700);
    appendHeader(questions, images.subtype);
    questions += "\"task_type\":\"Open-Ended\",\n\"questions\":[";
    appendHeader(annotations, images.subtype);
    annotations += "\"annotations\":[";
    formats::Steps steps(progress, qint64(dataset.questions.size()), QStringLiteral("Writing questions"));
    bool firstAnnotation = true;
    for (size_t i = 0; i < dataset.questions.size(); ++i) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        const DatasetQuestion &q = dataset.questions[i];
        questions += i ? ",\n" : "\n";
        appendQuestion(questions, q, images.ids[q.image], ids[i]);
        if (!hasAnswers(q))
            continue;
        annotations += firstAnnotation ? "\n" : ",\n";
        firstAnnotation = false;
        appendAnnotation(annotations, q, images.ids[q.image], ids[i]);
    }
    questions += "]}\n";
    annotations += "]}\n";
    const QDir folder(options.output);
    if (Status written = json::writeFile(folder.filePath(QStringLiteral("questions.json")), questions); !written)
        return written;
    return json::writeFile(folder.filePath(QStringLiteral("annotations.json")), annotations);
}

} // namespace tandem::vqa
