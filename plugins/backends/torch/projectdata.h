#pragma once
// What the backend writes to a project, without torch, through the core's
// stores (data/runstore.h, data/embeddingstore.h), and how it scores predictions.
#include "data/embeddingstore.h"
#include "data/projectstore.h"
#include "data/runstore.h"
#include "data/splitdata.h"
#include "train/modelbackend.h"

#include <QJsonObject>
#include <functional>
#include <string>
#include <vector>

namespace tandem::backend {

// Stores the predictions as a completed infer run named request.saveAs (config: task, checkpoint, split, decoding).
Expected<qint64> saveAnswers(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                             const std::vector<AnswerPrediction> &answers);
Expected<qint64> saveCaptions(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                              const std::vector<CaptionPrediction> &captions);
Expected<qint64> saveTags(ProjectStore &store, const InferenceRequest &request, const QJsonObject &metrics,
                          const std::vector<TagPrediction> &tags);
Expected<qint64> saveEmbeddings(ProjectStore &store, const InferenceRequest &request, TaskKind task, const QJsonObject &metrics,
                                const SplitEmbeddings &embeddings);

// ---- metrics ----

// Over the questions with human answers: answer_accuracy (exact match with the
// label, percent) and, where questions have several human answers, the official
// vqa_accuracy; fills each prediction's accuracy (VQA accuracy, else 0/1).
QJsonObject scoreAnswers(std::vector<AnswerPrediction> &answers, const SplitData &data);
// BLEU-1..4, ROUGE-L, CIDEr-D against each image's captions (images without any are left out).
QJsonObject scoreCaptionPredictions(const std::vector<CaptionPrediction> &captions, const SplitData &data);
// Micro-averaged precision, recall and F1 (percent) of the suggested tags against
// a person's, over the images that have any.
QJsonObject scoreTags(const std::vector<TagPrediction> &tags, const SplitData &data);

} // namespace tandem::backend
