#pragma once
// The one owner of the model tables: runs, models and predictions are read and
// written here and nowhere else (the backend plugin, the evaluator, the CLI and
// the GUI all come through these calls), with one vocabulary for task kinds,
// run kinds and run statuses.
#include "data/attentionblob.h"
#include "util/expected.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tandem {

class ProjectStore;

// Tagging: models made elsewhere only (a TorchScript manifest): scores per tag of a fixed list.
enum class TaskKind { Vqa, Caption, Retrieval, Tagging };
QString taskName(TaskKind task); // "vqa", "caption", "retrieval", "tagging": the names checkpoints and run configs use
std::optional<TaskKind> parseTask(const QString &name);

enum class RunKind { Train, Infer, Eval };
QString runKindName(RunKind kind);

// running: still going (or killed: a later session may call it interrupted);
// completed; cancelled (stopped by the user, resumable); failed.
enum class RunStatus { Running, Completed, Cancelled, Failed, Interrupted };
QString runStatusName(RunStatus status);
std::optional<RunStatus> parseRunStatus(const QString &name);

struct RunRecord {
    qint64 id = 0;
    RunKind kind = RunKind::Infer;
    qint64 modelId = 0;          // 0: none
    QString name;
    RunStatus status = RunStatus::Running;
    QJsonObject config;          // task, checkpoint, split, ...
    QJsonObject metrics;
    QString startedAt, finishedAt;
    std::optional<TaskKind> task() const { return parseTask(config.value(QStringLiteral("task")).toString()); }
};

struct ModelRecord {
    qint64 id = 0;
    QString name;
    QJsonObject architecture;    // the checkpoint's config keys
    QString checkpoint;          // absolute path
    QString createdAt;
    QJsonObject metrics;         // of the newest train run of this model; empty without one
    std::optional<TaskKind> task() const { return parseTask(architecture.value(QStringLiteral("task")).toString()); }
};

namespace runs {

Expected<qint64> create(ProjectStore &store, RunKind kind, const QString &name, const QJsonObject &config,
                        qint64 modelId = 0);
// Sets metrics and status; any status but Running also stamps finished_at.
Status update(ProjectStore &store, qint64 runId, const QJsonObject &metrics, RunStatus status);
bool exists(ProjectStore &store, qint64 runId);
Expected<RunRecord> get(ProjectStore &store, qint64 runId);
// Newest first; `kind` none: every kind.
Expected<std::vector<RunRecord>> list(ProjectStore &store, std::optional<RunKind> kind = std::nullopt);
// The same, only the runs `keep` accepts.
Expected<std::vector<RunRecord>> listMatching(ProjectStore &store, RunKind kind,
                                              const std::function<bool(const RunRecord &)> &keep);
Status linkToModel(ProjectStore &store, qint64 runId, qint64 modelId);
Status setStatus(ProjectStore &store, qint64 runId, RunStatus status);
// A training process holds CHECKPOINT.lock while it trains. Train runs still
// "running" whose lock no live process holds (killed, crashed, power cut) are
// marked interrupted; returns every interrupted train run, newest first.
Expected<std::vector<RunRecord>> markInterrupted(ProjectStore &store);
QString lockFileOf(const RunRecord &run);

} // namespace runs

namespace models {

// The model row of this checkpoint file, created (or its name and architecture updated) as needed.
Expected<qint64> save(ProjectStore &store, const QString &name, const QJsonObject &architecture,
                      const QString &checkpoint);
// 0 when no model row names this checkpoint.
qint64 idForCheckpoint(ProjectStore &store, const QString &checkpoint);
Expected<std::vector<ModelRecord>> list(ProjectStore &store);
Expected<ModelRecord> get(ProjectStore &store, qint64 modelId);
Status rename(ProjectStore &store, qint64 modelId, const QString &name);
// The row only: the checkpoint file stays, and the model's runs keep their results.
Status remove(ProjectStore &store, qint64 modelId);
// The project's current model (remembered in the project), 0 when none is set.
qint64 current(ProjectStore &store);
Status setCurrent(ProjectStore &store, qint64 modelId);

} // namespace models

// ---- predictions: a model's suggestions until a person accepts or rejects them ----

enum class SuggestionState { Open = 0, Accepted = 1, Rejected = 2 };

struct NewPrediction {
    qint64 imageId = 0;
    qint64 questionId = 0;       // 0: a caption (or a tag)
    QString text;
    std::optional<double> score;
    QByteArray attention;        // encodeAttention(); empty: none
    bool tag = false;            // a tag of the image: text is the tag's name
};
// How sure the model was of a prediction (what "label the uncertain first" ranks by).
struct PredictionCertainty {
    std::optional<double> margin, entropy; // VQA: top-1 minus top-2 probability; entropy in nats
    std::optional<double> meanLogProb;     // captions: per token
};

struct PredictionRecord {
    qint64 id = 0;
    qint64 runId = 0;
    QString runName;
    qint64 imageId = 0;
    qint64 questionId = 0;       // 0: a caption (or a tag)
    QString question;            // the question's text
    QString text;
    std::optional<double> score;
    SuggestionState state = SuggestionState::Open;
    qint64 labelId = 0;          // accepted: the caption or answer it became (a tag: the tag's id, 0 when the image had it)
    bool tag = false;
    std::optional<AttentionMaps> attention;
};

namespace predictions {

// One transaction: the run (with its metrics, status completed) and its rows;
// images still unlabeled that get an open suggestion become "predicted".
// `certainty`: empty, or one per row.
Expected<qint64> saveRun(ProjectStore &store, RunKind kind, const QString &name, const QJsonObject &config,
                         const QJsonObject &metrics, const std::vector<NewPrediction> &rows,
                         const std::vector<PredictionCertainty> &certainty = {});
// The image's predictions, newest run first; openOnly leaves out accepted and rejected ones.
Expected<std::vector<PredictionRecord>> forImage(ProjectStore &store, qint64 imageId, bool openOnly = false);
// Open predictions of a run with score >= minScore, over `imageIds` (empty: every image).
Expected<std::vector<qint64>> openIds(ProjectStore &store, qint64 runId, double minScore,
                                      const std::vector<qint64> &imageIds = {});

struct SuggestionChange {
    std::vector<qint64> changed; // the predictions whose state changed (what an undo reopens)
    std::vector<qint64> images;  // the images they belong to, sorted, once each
    QStringList skipped;         // why some were left as they were (a question that has 10 answers)
};

// Each prediction becomes a human label, in one transaction: a caption becomes
// a caption of its image, an answer one more human answer of its question, a
// tag a tag of its image.
// `texts` (same length as ids, or empty) replaces the predicted text (edit then accept).
// Predictions no longer open are skipped.
// How unsure a model was, from the predictions of one run: higher is less sure.
// Margin: 1 - the smallest margin among an image's questions; Entropy: the
// largest entropy; LogProb: minus the caption's mean token log-probability;
// Auto: margin for VQA runs, log-probability for caption runs.
enum class UncertaintyMeasure { Auto, Margin, Entropy, LogProb };
QString uncertaintyName(UncertaintyMeasure measure); // "auto", "margin", "entropy", "logprob"
std::optional<UncertaintyMeasure> parseUncertainty(const QString &name);
// The SQL expression of image `i`'s uncertainty under run `runId` (0: the newest
// run that recorded it), NULL where that run predicted nothing for the image.
std::string uncertaintyExpression(qint64 runId, UncertaintyMeasure measure);
// The newest run whose predictions carry uncertainty; 0 when none.
Expected<qint64> newestUncertainRun(ProjectStore &store);
struct ImageUncertainty {
    qint64 imageId = 0;
    QString image;               // its name
    double uncertainty = 0;
};
// The images run `runId` predicted for, least sure first; without `labeledToo`
// only those a person has not verified or rejected.
Expected<std::vector<ImageUncertainty>> uncertainImages(ProjectStore &store, qint64 runId, UncertaintyMeasure measure,
                                                        bool labeledToo);

// A run's predictions with what they are scored against: the question's human
// answers (VQA) or the image's captions, leaving out the labels that accepted
// predictions became (a model is not scored against its own answers).
struct ScoredPrediction {
    qint64 imageId = 0;
    qint64 questionId = 0;       // 0: a caption
    QString image;               // the image's name
    QString question, questionType, answerType;
    QString text;                // the prediction
    std::optional<double> score;
    std::vector<std::string> references;
};
Expected<std::vector<ScoredPrediction>> withReferences(ProjectStore &store, qint64 runId);

Expected<SuggestionChange> accept(ProjectStore &store, const std::vector<qint64> &ids,
                                  const std::vector<QString> &texts = {});
Expected<SuggestionChange> reject(ProjectStore &store, const std::vector<qint64> &ids);
// The inverse of accept() and reject(): the labels accept() made are removed and
// the predictions are open again.
Expected<SuggestionChange> reopen(ProjectStore &store, const std::vector<qint64> &ids);

} // namespace predictions
} // namespace tandem
