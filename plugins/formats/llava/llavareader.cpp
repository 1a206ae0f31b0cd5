// Reads LLaVA conversation JSON (see llavaformat.h). Accepted: "human" or
// "user" for the person, "gpt" or "assistant" for the model; "image" as a
// string (a list of images takes the first, with a warning). Records without
// an image (text-only conversations) are skipped with a warning.
#include "llavaformat.h"

#include "formats/formatsupport.h"
#include "formats/json.h"
#include "util/paths.h"
#include "util/text.h"

#include <QFileInfo>
#include <simdjson.h>
#include <unordered_map>

namespace tandem::llava {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

enum class Speaker { Human, Model };

// The prompt without its <image> token and the blank lines around it.
std::string withoutImageToken(std::string_view value, bool *hadToken)
{
    std::string prompt(value);
    *hadToken = false;
    for (size_t at = prompt.find(kImageToken); at != std::string::npos; at = prompt.find(kImageToken)) {
        prompt.erase(at, kImageToken.size());
        *hadToken = true;
    }
    return std::string(text::trimmed(prompt));
}

class FileReader {
public:
    FileReader(Dataset &dataset, std::unordered_map<std::string, size_t> &byName, const Progress &progress,
               const QString &path)
        : m_dataset(dataset), m_byName(byName), m_progress(progress), m_path(path),
          m_warnings(&dataset.warnings, QFileInfo(path).fileName())
    {
    }
    Status read();

private:
    Status readRecord(const element &value, const json::Path &at);
    Expected<size_t> imageFor(const object &record, const json::Path &at);
    Status readTurns(size_t image, const object &record, const json::Path &at);
    Expected<Speaker> speaker(const object &turn, const json::Path &at);
    void addPair(size_t image, const std::string &prompt, std::string_view reply);

    Dataset &m_dataset;
    std::unordered_map<std::string, size_t> &m_byName;
    const Progress &m_progress;
    QString m_path;
    formats::Warnings m_warnings;
    json::Document m_doc;
};

Status FileReader::read()
{
    if (QFileInfo(m_path).isDir())
        return Error::usage(QStringLiteral("%1 is a folder: LLaVA reads a conversation .json file").arg(m_path));
    auto text = json::readText(m_path, &m_dataset.warnings);
    if (!text)
        return text.error();
    if (Status parsed = m_doc.parse(*text, std::string_view(text->constData(), size_t(text->size())), m_path); !parsed)
        return parsed;
    const json::Path top;
    auto records = m_doc.array(m_doc.root(), top);
    if (!records)
        return records.error();
    formats::Steps steps(m_progress, qint64(records->size()), QStringLiteral("Reading %1").arg(QFileInfo(m_path).fileName()));
    size_t i = 0;
    for (const element record : *records) {
        if (steps.cancelled(qint64(i)))
            return Error::cancelled();
        if (Status added = readRecord(record, top.index(i++)); !added)
            return added;
    }
    m_warnings.flush();
    return {};
}

Status FileReader::readRecord(const element &value, const json::Path &at)
{
    auto record = m_doc.object(value, at);
    if (!record)
        return record.error();
    element image;
    if (!json::find(*record, "image", &image)) {
        m_warnings.add("records without an image (text-only conversations), skipped", [&] {
            return QStringLiteral("%1: no \"image\"; skipped").arg(QString::fromStdString(at.toString()));
        });
        return {};
    }
    auto index = imageFor(*record, at);
    if (!index)
        return index.error();
    auto id = m_doc.optionalId(*record, "id", at);
    if (!id)
        return id.error();
    DatasetImage &stored = m_dataset.images[*index];
    if (stored.extId.empty())
        stored.extId = std::move(*id);
    return readTurns(*index, *record, at);
}

Expected<size_t> FileReader::imageFor(const object &record, const json::Path &at)
{
    element value;
    json::find(record, "image", &value);
    json::Path imageAt = at.key("image");
    if (value.type() == element_type::ARRAY) {
        auto list = m_doc.array(value, imageAt);
        if (!list)
            return list.error();
        if (list->size() == 0)
            return m_doc.error(imageAt, QStringLiteral("expected an image file name, found an empty list"));
        m_warnings.add("records with several images, the first kept", [&] {
            return QStringLiteral("%1: %2 images; Tandem keeps the first").arg(QString::fromStdString(imageAt.toString())).arg(list->size());
        });
        value = list->at(0).value_unsafe();
    }
    auto fileName = m_doc.string(value, imageAt);
    if (!fileName)
        return fileName.error();
    std::string name = paths::normalizeName(*fileName);
    if (name.empty())
        return m_doc.error(imageAt, QStringLiteral("expected a file name, found an empty string"));
    const auto [known, isNew] = m_byName.try_emplace(name, m_dataset.images.size());
    if (isNew)
        m_dataset.images.emplace_back().name = std::move(name);
    return known->second;
}

Expected<Speaker> FileReader::speaker(const object &turn, const json::Path &at)
{
    auto from = m_doc.string(turn, "from", at);
    if (!from)
        return from.error();
    const std::string who = text::lower(*from);
    if (who == "human" || who == "user")
        return Speaker::Human;
    if (who == "gpt" || who == "assistant")
        return Speaker::Model;
    return m_doc.error(at.key("from"), QStringLiteral("expected \"human\" or \"gpt\", found \"%1\"").arg(formats::qstr(*from)));
}

// Human and model turns alternate, the human first; each pair is a caption or
// a question with its answer. A human turn left without a reply is skipped.
Status FileReader::readTurns(size_t image, const object &record, const json::Path &at)
{
    const json::Path turnsAt = at.key("conversations");
    auto turns = m_doc.array(record, "conversations", at);
    if (!turns)
        return turns.error();
    std::string prompt;
    bool awaitingReply = false;
    bool sawToken = false;
    size_t i = 0;
    for (const element value : *turns) {
        const json::Path turnAt = turnsAt.index(i++);
        auto turn = m_doc.object(value, turnAt);
        if (!turn)
            return turn.error();
        auto who = speaker(*turn, turnAt);
        if (!who)
            return who.error();
        auto said = m_doc.string(*turn, "value", turnAt);
        if (!said)
            return said.error();
        const bool human = *who == Speaker::Human;
        if (human == awaitingReply)
            return m_doc.error(turnAt.key("from"), human ? QStringLiteral("expected \"gpt\": turns alternate, and the human turn before has no reply")
                                                         : QStringLiteral("expected \"human\": the conversation starts with a human turn and turns alternate"));
        if (human) {
            bool hadToken = false;
            prompt = withoutImageToken(*said, &hadToken);
            sawToken = sawToken || hadToken;
        } else {
            addPair(image, prompt, *said);
        }
        awaitingReply = human;
    }
    if (awaitingReply)
        m_warnings.add("conversations ending with an unanswered human turn, that turn skipped", [&] {
            return QStringLiteral("%1: the last human turn has no reply; skipped").arg(QString::fromStdString(turnsAt.toString()));
        });
    if (!sawToken && i > 0)
        m_warnings.add("conversations without an <image> token", [&] {
            return QStringLiteral("%1: no human turn carries <image>; read as a conversation about the record's image")
                .arg(QString::fromStdString(turnsAt.toString()));
        });
    return {};
}

void FileReader::addPair(size_t image, const std::string &prompt, std::string_view reply)
{
    const std::string answer(text::trimmed(reply));
    if (isDescriptionPrompt(prompt)) {
        m_dataset.captions.push_back({image, answer, {}});
        return;
    }
    DatasetQuestion question;
    question.image = image;
    question.text = prompt;
    question.multipleChoiceAnswer = answer;
    question.answers.push_back({answer, {}});
    m_dataset.questions.push_back(std::move(question));
}

} // namespace

Expected<Dataset> read(const ImportOptions &options, const Progress &progress)
{
    if (options.files.isEmpty())
        return Error::usage(QStringLiteral("LLaVA: name the conversation .json file to read"));
    Dataset dataset;
    std::unordered_map<std::string, size_t> byName;
    for (const QString &file : options.files)
        if (Status status = FileReader(dataset, byName, progress, file).read(); !status)
            return status.error();
    formats::applyForcedSplit(dataset, options);
    return dataset;
}

} // namespace tandem::llava
