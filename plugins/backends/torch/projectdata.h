#pragma once
// What the backend reads from and writes to a project, without torch: the
// images of a split with their questions and captions (ids kept, so that
// predictions can point back at them), and the runs, models and predictions.
#include "data/projectstore.h"
#include "train/modelbackend.h"

#include <QJsonObject>
#include <functional>
#include <string>
#include <vector>

namespace tandem::backend {

struct QuestionItem {
    qint64 id = 0;
    size_t image = 0;                 // index into SplitData::images
    std::string text;
    std::string label;                // the training target: multiple-choice answer, else the most common answer
    std::vector<std::string> answers; // the human answers
    std::string questionType, answerType;
};

struct CaptionItem {
    qint64 id = 0;
    size_t image = 0;
    std::string text;
};

struct ImageItem {
    qint64 id = 0;
    QString name;
    QString path;                     // on disk
    std::vector<size_t> questions;    // indices into SplitData::questions
    std::vector<size_t> captions;
};

struct SplitData {
    std::vector<ImageItem> images;    // flagged (missing, corrupt) images left out
    std::vector<QuestionItem> questions;
    std::vector<CaptionItem> captions;
};

// The images of `split` ("" = all), in id order.
Expected<SplitData> loadSplit(ProjectStore &store, const QString &split);

// ---- runs, models, predictions ----

Expected<qint64> createRun(ProjectStore &store, const QString &kind, const QString &name, const QJsonObject &config,
                           qint64 modelId = 0);
Status updateRun(ProjectStore &store, qint64 runId, const QJsonObject &metrics, const QString &status,
                 bool finished);
bool runExists(ProjectStore &store, qint64 runId);
// The model row of this checkpoint file, created (or its architecture updated) as needed.
Expected<qint64> saveModelRow(ProjectStore &store, const QString &name, const QJsonObject &architecture,
                              const QString &checkpoint);
Status linkRunToModel(ProjectStore &store, qint64 runId, qint64 modelId);
// 0 when no model row names this checkpoint.
qint64 modelIdForCheckpoint(ProjectStore &store, const QString &checkpoint);

// One transaction: a run of kind infer (config: task, checkpoint, split) with
// every row `insertAll` inserts through the prepared `sql`.
Expected<qint64> saveInferenceRun(ProjectStore &store, const InferenceRequest &request, const QString &task,
                                  const QJsonObject &metrics, const char *sql,
                                  const std::function<Status(sql::Statement &, qint64 run)> &insertAll);
Expected<qint64> saveAnswers(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                             const std::vector<AnswerPrediction> &answers);
Expected<qint64> saveCaptions(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                              const std::vector<CaptionPrediction> &captions);

// ---- metrics ----

// Over the questions with human answers: answer_accuracy (exact match with the
// label, percent) and, where questions have several human answers, the official
// vqa_accuracy; fills each prediction's accuracy (VQA accuracy, else 0/1).
QJsonObject scoreAnswers(std::vector<AnswerPrediction> &answers, const SplitData &data);
// BLEU-1..4, ROUGE-L, CIDEr-D against each image's captions (images without any are left out).
QJsonObject scoreCaptionPredictions(const std::vector<CaptionPrediction> &captions, const SplitData &data);

} // namespace tandem::backend
