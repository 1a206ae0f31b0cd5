// Reads a VQA v2 questions file and, when given, its annotations file. The
// two may come in any order: each is recognised by its top-level key.
#include "vqaformat.h"

#include "formats/formatsupport.h"
#include "formats/json.h"
#include "util/paths.h"

#include <QFileInfo>
#include <memory>
#include <simdjson.h>
#include <unordered_map>

namespace tandem::vqa {

namespace {

using simdjson::dom::element;

QString fromStd(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

// One parsed file: its text must outlive the document that points into it.
struct ParsedFile {
    QByteArray text;
    json::Document doc;
    simdjson::dom::object root;
    simdjson::dom::array items; // "questions" or "annotations"
    std::string subtype;
};

class Reader {
public:
    Reader(const ImportOptions &options, const Progress &progress) : m_options(options), m_progress(progress) {}
    Expected<Dataset> read();

private:
    Status load(const QString &path);
    Status start();
    Status readQuestions();
    Status addQuestion(const element &value, const json::Path &at, formats::Warnings &warnings);
    size_t imageFor(const json::IdKey &id, formats::Warnings &warnings);
    Status readAnnotations();
    Status addAnnotation(const element &value, const json::Path &at, formats::Warnings &warnings);
    Status addAnswers(DatasetQuestion &question, const simdjson::dom::array &answers, const json::Path &at,
                      formats::Warnings &warnings);

    const ImportOptions &m_options;
    const Progress &m_progress;
    std::unique_ptr<ParsedFile> m_questionsFile;
    std::unique_ptr<ParsedFile> m_annotationsFile;
    NamePattern m_pattern;
    std::string m_subtype;
    std::string m_split;
    Dataset m_dataset;
    json::IdIndex m_images;                           // image id -> index
    std::unordered_map<std::string, size_t> m_byName; // image name -> index
    json::IdIndex m_questions;                        // question id -> index
    std::vector<bool> m_answered;
};

Expected<Dataset> Reader::read()
{
    if (m_options.files.isEmpty() || m_options.files.size() > 2)
        return Error::usage(QStringLiteral("VQA: give the questions file, and optionally its annotations file"));
    for (const QString &file : m_options.files)
        if (Status loaded = load(file); !loaded)
            return loaded.error();
    if (Status started = start(); !started)
        return started.error();
    if (Status status = readQuestions(); !status)
        return status.error();
    if (m_annotationsFile)
        if (Status status = readAnnotations(); !status)
            return status.error();
    return std::move(m_dataset);
}

Status Reader::load(const QString &path)
{
    if (QFileInfo(path).isDir())
        return Error::usage(QStringLiteral("%1 is a folder: VQA reads a questions file and an annotations file").arg(path));
    m_progress.report(0, 0, QStringLiteral("Parsing %1").arg(QFileInfo(path).fileName()));
    auto file = std::make_unique<ParsedFile>();
    auto text = json::readText(path, &m_dataset.warnings);
    if (!text)
        return text.error();
    file->text = std::move(*text);
    if (Status parsed = file->doc.parse(file->text, {file->text.constData(), size_t(file->text.size())}, path); !parsed)
        return parsed;
    const json::Path top;
    auto root = file->doc.object(file->doc.root(), top);
    if (!root)
        return root.error();
    file->root = *root;
    auto subtype = file->doc.optionalString(*root, "data_subtype", top);
    if (!subtype)
        return subtype.error();
    file->subtype = std::string(*subtype);

    element items, images;
    const bool questions = json::find(*root, "questions", &items);
    const bool coco = json::find(*root, "images", &images); // COCO has "annotations" too
    if (!questions && (coco || !json::find(*root, "annotations", &items)))
        return file->doc.error(top, QStringLiteral("expected a VQA questions file (with \"questions\") "
                                                   "or annotations file (with \"annotations\")%1")
                                        .arg(coco ? QStringLiteral("; this looks like COCO (it has \"images\")") : QString()));
    auto array = file->doc.array(items, top.key(questions ? "questions" : "annotations"));
    if (!array)
        return array.error();
    file->items = *array;
    std::unique_ptr<ParsedFile> &slot = questions ? m_questionsFile : m_annotationsFile;
    if (slot)
        return Error::usage(QStringLiteral("VQA: %1 and %2 are both %3 files")
                                .arg(slot->doc.file(), path, QLatin1String(questions ? "questions" : "annotations")));
    slot = std::move(file);
    return {};
}

// Once both files are known: the image pattern, the subtype and the split.
Status Reader::start()
{
    if (!m_questionsFile)
        return Error::input(QStringLiteral("this is a VQA annotations file: it needs its questions file too "
                                           "(such as v2_OpenEnded_mscoco_val2014_questions.json)"),
                            m_annotationsFile->doc.file());
    auto pattern = NamePattern::compile(m_options.imagePattern);
    if (!pattern)
        return pattern.error();
    m_pattern = *pattern;
    m_subtype = m_questionsFile->subtype;
    if (m_subtype.empty() && m_annotationsFile)
        m_subtype = m_annotationsFile->subtype;
    if (m_subtype.empty() && m_pattern.usesSubtype())
        return Error::input(QStringLiteral("no \"data_subtype\" to name the images with: give an image pattern "
                                           "without {subtype}, such as \"{id:012}.jpg\""),
                            m_questionsFile->doc.file());
    m_split = m_options.split.isEmpty() ? formats::guessSplit(m_subtype) : m_options.split.toStdString();
    return {};
}

Status Reader::readQuestions()
{
    const ParsedFile &file = *m_questionsFile;
    formats::Warnings warnings(&m_dataset.warnings, QFileInfo(file.doc.file()).fileName());
    const size_t count = file.items.size();
    formats::reserveLarge(m_dataset.questions, count);
    m_questions.reserve(count);
    formats::Steps steps(m_progress, qint64(count), QStringLiteral("Reading questions"));
    const json::Path top, at = top.key("questions");
    size_t i = 0;
    for (const element value : file.items) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        if (Status added = addQuestion(value, at.index(i++), warnings); !added)
            return added;
    }
    m_answered.assign(m_dataset.questions.size(), false);
    warnings.flush();
    return {};
}

Status Reader::addQuestion(const element &value, const json::Path &at, formats::Warnings &warnings)
{
    const json::Document &doc = m_questionsFile->doc;
    auto question = doc.object(value, at);
    if (!question)
        return question.error();
    auto imageId = doc.idKey(*question, "image_id", at);
    if (!imageId)
        return imageId.error();
    auto text = doc.string(*question, "question", at);
    if (!text)
        return text.error();
    auto questionId = doc.idKey(*question, "question_id", at);
    if (!questionId)
        return questionId.error();
    const auto [first, isNew] = m_questions.insert(*questionId, m_dataset.questions.size());
    if (!isNew)
        return doc.error(at.key("question_id"), QStringLiteral("question id %1 is used twice (first by questions[%2])")
                                                    .arg(QString::fromStdString(questionId->toString()))
                                                    .arg(first));
    DatasetQuestion &added = m_dataset.questions.emplace_back();
    added.image = imageFor(*imageId, warnings);
    added.text = std::string(*text);
    added.extId = questionId->toString();
    return {};
}

size_t Reader::imageFor(const json::IdKey &key, formats::Warnings &warnings)
{
    if (const size_t known = m_images.find(key); known != json::IdIndex::npos)
        return known;
    std::string id = key.toString();
    std::string name = paths::normalizeName(m_pattern.apply(m_subtype, id));
    const auto [byName, isNew] = m_byName.try_emplace(name, m_dataset.images.size());
    m_images.insert(key, byName->second);
    if (!isNew) {
        warnings.add("image ids that give the same file name, merged", [&] {
            return QStringLiteral("image ids %1 and %2 both give the name \"%3\"; they are one image")
                .arg(fromStd(m_dataset.images[byName->second].extId), fromStd(id), fromStd(name));
        });
        return byName->second;
    }
    DatasetImage &image = m_dataset.images.emplace_back();
    image.name = std::move(name);
    image.extId = std::move(id);
    image.split = m_split;
    return byName->second;
}

Status Reader::readAnnotations()
{
    const ParsedFile &file = *m_annotationsFile;
    formats::Warnings warnings(&m_dataset.warnings, QFileInfo(file.doc.file()).fileName());
    formats::Steps steps(m_progress, qint64(file.items.size()), QStringLiteral("Reading answers"));
    const json::Path top, at = top.key("annotations");
    size_t i = 0;
    for (const element value : file.items) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        if (Status added = addAnnotation(value, at.index(i++), warnings); !added)
            return added;
    }
    warnings.flush();
    return {};
}

Status Reader::addAnnotation(const element &value, const json::Path &at, formats::Warnings &warnings)
{
    const json::Document &doc = m_annotationsFile->doc;
    auto annotation = doc.object(value, at);
    if (!annotation)
        return annotation.error();
    auto questionId = doc.idKey(*annotation, "question_id", at);
    if (!questionId)
        return questionId.error();
    const size_t known = m_questions.find(*questionId);
    if (known == json::IdIndex::npos) {
        warnings.add("answers to questions that are not in the questions file, skipped", [&] {
            return QStringLiteral("%1: question id %2 is not in the questions file; skipped")
                .arg(QString::fromStdString(at.toString()), QString::fromStdString(questionId->toString()));
        });
        return {};
    }
    if (m_answered[known]) {
        warnings.add("questions answered twice, second answers skipped", [&] {
            return QStringLiteral("%1: question id %2 was already answered; skipped")
                .arg(QString::fromStdString(at.toString()), QString::fromStdString(questionId->toString()));
        });
        return {};
    }
    m_answered[known] = true;
    DatasetQuestion &question = m_dataset.questions[known];
    auto imageId = doc.optionalId(*annotation, "image_id", at);
    if (!imageId)
        return imageId.error();
    if (!imageId->empty() && *imageId != m_dataset.images[question.image].extId)
        warnings.add("answers whose image differs from their question's", [&] {
            return QStringLiteral("%1: image id %2 differs from the question's (%3); kept the question's")
                .arg(QString::fromStdString(at.toString()), fromStd(*imageId),
                     fromStd(m_dataset.images[question.image].extId));
        });
    const std::pair<const char *, std::string *> fields[] = {
        {"question_type", &question.questionType},
        {"answer_type", &question.answerType},
        {"multiple_choice_answer", &question.multipleChoiceAnswer}};
    for (const auto &[key, target] : fields) {
        auto text = doc.optionalString(*annotation, key, at);
        if (!text)
            return text.error();
        *target = std::string(*text);
    }
    auto answers = doc.array(*annotation, "answers", at);
    if (!answers)
        return answers.error();
    return addAnswers(question, *answers, at.key("answers"), warnings);
}

Status Reader::addAnswers(DatasetQuestion &question, const simdjson::dom::array &answers, const json::Path &at,
                          formats::Warnings &warnings)
{
    const json::Document &doc = m_annotationsFile->doc;
    const size_t count = answers.size();
    question.answers.reserve(std::min(count, formats::kMaxAnswers));
    size_t i = 0;
    for (const element value : answers) {
        const json::Path answerAt = at.index(i++);
        auto answer = doc.object(value, answerAt);
        if (!answer)
            return answer.error();
        auto text = doc.string(*answer, "answer", answerAt);
        if (!text)
            return text.error();
        auto confidence = doc.optionalString(*answer, "answer_confidence", answerAt);
        if (!confidence)
            return confidence.error();
        if (question.answers.size() < formats::kMaxAnswers)
            question.answers.push_back({std::string(*text), std::string(*confidence)});
    }
    if (count > formats::kMaxAnswers)
        warnings.add("questions with more than ten answers, the first ten kept", [&] {
            return QStringLiteral("%1: %2 answers; kept the first %3")
                .arg(QString::fromStdString(at.toString()))
                .arg(count)
                .arg(formats::kMaxAnswers);
        });
    return {};
}

} // namespace

Expected<Dataset> read(const ImportOptions &options, const Progress &progress)
{
    return Reader(options, progress).read();
}

} // namespace tandem::vqa
