// evaluateResults: results matched to the project's references, then scored
// with the caption metrics or VQA accuracy.
#include "eval/resultsevaluation.h"

#include "data/projectstore.h"
#include "eval/resultsfile.h"

#include <QFileInfo>
#include <stdexcept>
#include <unordered_map>

namespace tandem::eval {

namespace {

// What a result can refer to: an image with its captions, or a question with
// its human answers.
struct Reference {
    qint64 imageRowId = 0;
    qint64 questionRowId = 0;
    std::string extId;
    std::string answerType;
    std::string questionType;
    std::vector<std::string> texts;
};

struct References {
    std::vector<Reference> items;
    std::unordered_map<std::string, size_t> byExtId; // the first item with that ext_id
};

// Same columns for both tasks: image id, question id, ext_id, answer type,
// question type, reference text (NULL when there is none).
const char *referencesSql(ResultsTask task)
{
    if (task == ResultsTask::Vqa)
        return "SELECT q.image_id, q.id, q.ext_id, q.answer_type, q.question_type, a.text "
               "FROM questions q JOIN images i ON i.id = q.image_id "
               "LEFT JOIN answers a ON a.question_id = q.id "
               "WHERE ?1 = '' OR i.split = ?1 ORDER BY q.id, a.id";
    return "SELECT i.id, 0, i.ext_id, '', '', c.text FROM images i "
           "LEFT JOIN captions c ON c.image_id = i.id "
           "WHERE ?1 = '' OR i.split = ?1 ORDER BY i.id, c.id";
}

Expected<References> loadReferences(sql::Database &db, ResultsTask task, const QString &split)
{
    auto rows = db.prepare(referencesSql(task));
    if (!rows)
        return rows.error();
    rows->bind(1, split);
    References refs;
    const int keyColumn = task == ResultsTask::Vqa ? 1 : 0;
    qint64 lastKey = -1;
    while (rows->step()) {
        if (rows->int64(keyColumn) != lastKey) {
            lastKey = rows->int64(keyColumn);
            refs.items.push_back({rows->int64(0), rows->int64(1), rows->text(2), rows->text(3), rows->text(4), {}});
            if (!refs.items.back().extId.empty())
                refs.byExtId.emplace(refs.items.back().extId, refs.items.size() - 1);
        }
        if (!rows->isNull(5))
            refs.items.back().texts.push_back(rows->text(5));
    }
    if (!rows->error().isEmpty())
        return Error::store(rows->error());
    return refs;
}

QString noun(ResultsTask task) { return task == ResultsTask::Vqa ? QStringLiteral("question") : QStringLiteral("image"); }

QString scope(const QString &split)
{
    return split.isEmpty() ? QStringLiteral("the project") : QStringLiteral("split '%1'").arg(split);
}

// One item per id, in the results' order. As the COCO tool, the results'
// ids must all be known; a repeated id keeps its first result, with a warning.
Status matchResults(const ResultsFile &file, const References &refs, ResultsReport &report)
{
    std::unordered_map<size_t, size_t> firstResult; // reference -> index of its first result
    const std::vector<ResultEntry> &entries = file.entries();
    for (size_t i = 0; i < entries.size(); ++i) {
        const QString id = QString::fromStdString(entries[i].id);
        const auto found = refs.byExtId.find(entries[i].id);
        if (found == refs.byExtId.end())
            return file.errorAtId(i, QStringLiteral("no %1 with id %2 in %3").arg(noun(file.task()), id, scope(report.split)));
        const auto [first, added] = firstResult.emplace(found->second, i);
        if (!added) {
            report.warnings << file.errorAtId(i, QStringLiteral("%1 %2 already has a result (results[%3]); the first is kept")
                                                     .arg(noun(file.task()), id).arg(first->second)).toString();
            continue;
        }
        const Reference &ref = refs.items[found->second];
        if (ref.texts.empty())
            return file.errorAtId(i, file.task() == ResultsTask::Vqa
                                         ? QStringLiteral("question %1 has no human answer in the project").arg(id)
                                         : QStringLiteral("image %1 has no caption in the project").arg(id));
        report.items.push_back({entries[i].id, ref.imageRowId, ref.questionRowId, entries[i].text,
                                ref.answerType, ref.questionType, 0});
    }
    return {};
}

void scoreCaptionItems(const References &refs, ResultsReport &report)
{
    std::vector<Sentences> references;
    Sentences candidates;
    for (const ResultItem &item : report.items) {
        references.push_back(refs.items[refs.byExtId.at(item.extId)].texts);
        candidates.push_back(item.prediction);
    }
    report.captions = scoreCaptions(references, candidates);
    for (size_t i = 0; i < report.items.size(); ++i)
        report.items[i].score = report.captions.perImage[i].ciderD;
}

void scoreVqaItems(const References &refs, ResultsReport &report)
{
    std::vector<VqaQuestion> questions;
    std::vector<std::string> predictions;
    for (const ResultItem &item : report.items) {
        questions.push_back({refs.items[refs.byExtId.at(item.extId)].texts, item.questionType, item.answerType});
        predictions.push_back(item.prediction);
    }
    report.vqa = scoreVqa(questions, predictions);
    for (size_t i = 0; i < report.items.size(); ++i)
        report.items[i].score = report.vqa.perQuestion[i];
}

} // namespace

QString taskName(ResultsTask task)
{
    switch (task) {
    case ResultsTask::Caption: return QStringLiteral("caption");
    case ResultsTask::Vqa: return QStringLiteral("vqa");
    case ResultsTask::Auto: break;
    }
    return QStringLiteral("auto");
}

bool parseTask(const QString &name, ResultsTask *task)
{
    for (ResultsTask t : {ResultsTask::Auto, ResultsTask::Caption, ResultsTask::Vqa}) {
        if (taskName(t) == name) {
            *task = t;
            return true;
        }
    }
    return false;
}

Expected<ResultsReport> evaluateResults(ProjectStore &store, const QString &resultsFile, const ResultsOptions &options)
{
    ResultsFile file;
    if (Status read = file.read(resultsFile, options.task); !read)
        return read.error();
    auto refs = loadReferences(store.database(), file.task(), options.split);
    if (!refs)
        return refs.error();
    ResultsReport report;
    report.task = file.task();
    report.resultsFile = QFileInfo(resultsFile).absoluteFilePath();
    report.split = options.split;
    report.results = qint64(file.entries().size());
    report.available = qint64(refs->items.size());
    if (Status matched = matchResults(file, *refs, report); !matched)
        return matched.error();
    try {
        if (report.task == ResultsTask::Vqa)
            scoreVqaItems(*refs, report);
        else
            scoreCaptionItems(*refs, report);
    } catch (const std::exception &e) { // the metrics' own input checks; matchResults should prevent them
        return Error::input(QString::fromUtf8(e.what()), resultsFile);
    }
    return report;
}

} // namespace tandem::eval
