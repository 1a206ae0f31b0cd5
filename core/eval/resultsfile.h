#pragma once
// A results file for resultsevaluation (internal): a JSON array of
// {"image_id", "caption"} (COCO caption results) or {"question_id", "answer"}
// (VQA results). Keeps the parsed document so that later errors, an unknown
// id say, can still point at the line and column of the result.
#include "eval/resultsevaluation.h"
#include "formats/json.h"

namespace tandem::eval {

struct ResultEntry {
    std::string id;   // json::IdKey::toString(): 42 and "42" are one id
    std::string text; // the caption or the answer
};

class ResultsFile {
public:
    // task Auto: caption results when the first result has "caption", VQA
    // results when it has "answer".
    Status read(const QString &path, ResultsTask task);

    ResultsTask task() const { return m_task; }
    const std::vector<ResultEntry> &entries() const { return m_entries; }
    const char *idKey() const { return m_task == ResultsTask::Vqa ? "question_id" : "image_id"; }
    // "file:line:col: results[index].image_id: message"
    Error errorAtId(size_t index, const QString &message) const;

private:
    Status detectTask(const simdjson::dom::array &results);
    Status readEntry(const simdjson::dom::element &value, size_t index);

    QByteArray m_text;
    json::Document m_doc;
    ResultsTask m_task = ResultsTask::Auto;
    std::vector<ResultEntry> m_entries;
};

} // namespace tandem::eval
