#pragma once
// Scores results made elsewhere against the references stored in a project,
// the way the COCO caption evaluation (pycocoevalcap) and the official VQA
// evaluation are used: COCO caption results [{"image_id", "caption"}] or VQA
// results [{"question_id", "answer"}], ids being images.ext_id / questions.ext_id.
// Like the COCO tool, only the images (questions) that have a result are
// evaluated. tandem-cli eval and the GUI share this code.
#include "eval/captionmetrics.h"
#include "eval/vqaaccuracy.h"
#include "util/expected.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <string>
#include <vector>

namespace tandem {
class ProjectStore;
}

namespace tandem::eval {

enum class ResultsTask { Auto, Caption, Vqa };
QString taskName(ResultsTask task);                       // "caption", "vqa", "auto"
bool parseTask(const QString &name, ResultsTask *task);   // the inverse; false for anything else

struct ResultsOptions {
    ResultsTask task = ResultsTask::Auto; // Auto: from the keys of the first result
    QString split;                        // "" = the whole project
};

// One evaluated image (captions) or question (VQA), in the results' order.
struct ResultItem {
    std::string extId;        // image_id / question_id as the results spell it
    qint64 imageRowId = 0;    // images.id
    qint64 questionRowId = 0; // questions.id; 0 for captions
    std::string prediction;   // the caption or the answer
    std::string answerType;   // VQA only
    std::string questionType; // VQA only
    double score = 0;         // CIDEr-D for captions, accuracy in [0, 1] for VQA
};

struct ResultsReport {
    ResultsTask task = ResultsTask::Caption;
    QString resultsFile;
    QString split;
    qint64 results = 0;   // entries in the file, duplicates included
    qint64 available = 0; // images (questions) of the project or split
    QStringList warnings; // "file:line:col: results[i].image_id: ..." for each duplicate skipped
    std::vector<ResultItem> items; // the evaluated ones, one per id
    CaptionScores captions;        // task == Caption; perImage follows items
    VqaScores vqa;                 // task == Vqa; perQuestion follows items
};

// Errors (Input) name the results file, line and column and the JSON path:
// malformed JSON, a result without its id or text, an id the project (or
// split) does not have, an image without captions, a question without answers.
Expected<ResultsReport> evaluateResults(ProjectStore &store, const QString &resultsFile,
                                        const ResultsOptions &options = {});

// Everything in the report, machine-readable; the items only when perItem.
// Caption metrics are fractions as pycocoevalcap prints them; VQA accuracies
// are percentages rounded to 2 decimals as the official tool prints them,
// except each item's accuracy, which is in [0, 1].
QJsonObject reportJson(const ResultsReport &report, bool perItem);

// Stores the report as an eval run (config: results file, task, split;
// metrics: reportJson without items) and one prediction per item, scored,
// in one transaction. Returns the run's id.
Expected<qint64> saveEvalRun(ProjectStore &store, const ResultsReport &report, const QString &name);

} // namespace tandem::eval
