#include "eval/resultsfile.h"

#include <simdjson.h>

namespace tandem::eval {

namespace {

// json::Document names paths from the top level ("[12].image_id"); the
// top level of a results file is what the COCO tool calls the results.
Error inResults(Error error)
{
    if (error.message.startsWith(QLatin1Char('[')))
        error.message.prepend(QStringLiteral("results"));
    return error;
}

const char *textKey(ResultsTask task) { return task == ResultsTask::Vqa ? "answer" : "caption"; }

} // namespace

Status ResultsFile::read(const QString &path, ResultsTask task)
{
    auto text = json::readText(path, nullptr);
    if (!text)
        return text.error();
    m_text = std::move(*text);
    if (Status parsed = m_doc.parse(m_text, {m_text.constData(), size_t(m_text.size())}, path); !parsed)
        return parsed;
    auto results = m_doc.array(m_doc.root(), json::Path());
    if (!results) {
        Error error = results.error();
        error.message.prepend(QStringLiteral("results: "));
        return error;
    }
    if (results->size() == 0)
        return Error::input(QStringLiteral("the results file holds no results"), path);
    m_task = task;
    if (Status detected = detectTask(*results); !detected)
        return detected;
    m_entries.reserve(results->size());
    size_t index = 0;
    for (simdjson::dom::element value : *results)
        if (Status entry = readEntry(value, index++); !entry)
            return entry;
    return {};
}

Status ResultsFile::detectTask(const simdjson::dom::array &results)
{
    if (m_task != ResultsTask::Auto)
        return {};
    const json::Path top; // a Path points at its parent: keep it alive
    const json::Path first = top.index(0);
    auto object = m_doc.object(results.at(0).value_unsafe(), first);
    if (!object)
        return inResults(object.error());
    simdjson::dom::element unused;
    if (json::find(*object, "caption", &unused))
        m_task = ResultsTask::Caption;
    else if (json::find(*object, "answer", &unused))
        m_task = ResultsTask::Vqa;
    else
        return inResults(m_doc.error(first, QStringLiteral("neither \"caption\" (COCO caption results) nor "
                                                           "\"answer\" (VQA results); use --task to say which")));
    return {};
}

Status ResultsFile::readEntry(const simdjson::dom::element &value, size_t index)
{
    const json::Path top;
    const json::Path at = top.index(index);
    auto object = m_doc.object(value, at);
    if (!object)
        return inResults(object.error());
    auto id = m_doc.idKey(*object, idKey(), at);
    if (!id)
        return inResults(id.error());
    auto text = m_doc.string(*object, textKey(m_task), at);
    if (!text)
        return inResults(text.error());
    m_entries.push_back({id->toString(), std::string(*text)});
    return {};
}

Error ResultsFile::errorAtId(size_t index, const QString &message) const
{
    const json::Path top;
    const json::Path result = top.index(index);
    return inResults(m_doc.error(result.key(idKey()), message));
}

} // namespace tandem::eval
