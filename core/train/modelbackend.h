#pragma once
// A model backend: trains models on a project and runs them (answers,
// captions, embeddings and retrieval). Backends are Qt plugins (see plugins/backends) so that the CLI
// and the GUI load LibTorch only when a model job runs. This boundary speaks
// Qt and plain C++ only: no torch type crosses it.
//
// Every job is synchronous: call it from a worker thread. It opens its own
// connection to the project, so the caller's store may stay in its thread.
#include "data/runstore.h"
#include "util/expected.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <optional>
#include <vector>

namespace tandem {

// ---- training -------------------------------------------------------------------

struct TrainRequest {
    QString project;            // the project file
    TaskKind task = TaskKind::Vqa;
    QString fusion = QStringLiteral("film");     // VQA: one of the fusion names
    QString vision = QStringLiteral("cnn");      // cnn / resnet
    QString text = QStringLiteral("gru");        // gru / transformer
    QMap<QString, QString> modelOptions; // more architecture keys, as in a checkpoint ("fusion_dim" -> "64")
    QString trainSplit = QStringLiteral("train"); // learns from this split
    QString valSplit = QStringLiteral("val");     // scored after every epoch; picks the best epoch
    int epochs = 10;
    int batchImages = 32;        // images per step; VQA and captions bring all of each image's texts
    double learningRate = 1e-3;
    double weightDecay = 0.01;   // AdamW
    double warmupFraction = 0.05; // of all steps, linear; then cosine down to 0
    double gradientClip = 1.0;   // max global L2 norm; 0: no clipping
    int imageSize = 64;          // images are resized to imageSize x imageSize
    bool augment = true;         // small shifts and brightness changes (no flips: questions say left/right)
    int selfCriticalEpochs = 0;  // captions: the last N epochs train on the rewards of sampled captions
    // VQA: the first N epochs learn from the shorter half of the questions only
    // (at most the median word count: "what shape is the red object?" before
    // "what shape is the object closest to the red one?"), then from all.
    int curriculumEpochs = 0;
    QString selfCriticalReward = QStringLiteral("cider_d"); // their metric: cider_d or bleu4
    // Training steps multiply in bfloat16 (ml::Bf16Autocast); weights, losses
    // and validation stay float32.
    bool bf16 = false;
    quint64 seed = 1;
    QString device = QStringLiteral("auto"); // auto / cpu / cuda
    int threads = 0;             // CPU threads; 0: every core
    QString checkpoint;          // written atomically after every epoch and on cancel
    bool resume = false;         // continue from `checkpoint` (same architecture) where it stopped
    // With resume: the architecture is the checkpoint's, whatever the fields above say
    // (resuming a stored run); without it they must match.
    bool architectureFromCheckpoint = false;
    // Fine-tuning: start from this checkpoint's weights, vocabulary, answers and
    // architecture (same task) with a fresh optimizer and schedule; "" = from scratch.
    QString initFrom;
    QString name;                // the model's name in the project; default: the checkpoint's base name
    QString comparison;          // the fusion comparison this run belongs to ("" = none)
};

// Inference jobs report their progress through stepDone() too: step = images
// done, totalSteps = images in all.
struct TrainProgress {
    qint64 step = 0;             // optimizer steps done, over all epochs
    qint64 totalSteps = 0;
    int epoch = 0;               // 1-based
    int epochs = 0;
    double loss = 0;             // this step's
    double learningRate = 0;
    double samplesPerSecond = 0; // questions / captions / pairs per second, smoothed
    double etaSeconds = 0;
};

// One point of the loss curve: the mean over `steps` optimizer steps ending at `step`.
struct CurvePoint {
    qint64 step = 0;
    int steps = 1;
    double epoch = 0;            // fractional: 1.5 = half-way through the second epoch
    double loss = 0;
    double learningRate = 0;
    double seconds = 0;          // training time so far, resumed sessions included
    double samplesPerSecond = 0;
};

struct EpochReport {
    int epoch = 0;               // 1-based
    double trainLoss = 0;        // mean over the epoch's steps
    QJsonObject validation;      // "vqa_accuracy", "bleu4", "cider_d", "recall_i2t_1", … (empty without a val split)
    double seconds = 0;
};

// The GUI implements this with queued signals; the CLI draws a line on stderr.
// Called from the thread that runs the job.
class TrainObserver {
public:
    virtual ~TrainObserver() = default;
    virtual void started(const QString &device, qint64 totalSteps) { Q_UNUSED(device) Q_UNUSED(totalSteps) }
    virtual void stepDone(const TrainProgress &progress) { Q_UNUSED(progress) }
    virtual void epochDone(const EpochReport &report) { Q_UNUSED(report) }
    // Training: every point of the loss curve as the run stores it (a few thousand per run at most).
    virtual void curvePoint(const CurvePoint &point) { Q_UNUSED(point) }
    // Read before every step: true stops the job there, after writing a checkpoint to resume from
    // (training: the run is paused, status cancelled).
    virtual bool cancelRequested() const { return m_cancel.load(std::memory_order_relaxed); }
    void requestCancel() { m_cancel = true; }
    // Training: stop for good. The run is completed and its model keeps the best
    // checkpoint by the validation metric (the newest one without validation).
    void requestFinish() { m_finish = true; m_cancel = true; }
    // Forget both requests (the next run of a series starts afresh after a stopped one).
    void clearRequests() { m_finish = false; m_cancel = false; }
    bool finishRequested() const { return m_finish.load(std::memory_order_relaxed); }

private:
    std::atomic_bool m_cancel{false};
    std::atomic_bool m_finish{false};
};

struct TrainResult {
    qint64 runId = 0;
    qint64 modelId = 0;
    QString checkpoint;
    QString device;              // "cpu (2 threads)"
    bool cancelled = false;      // paused; the checkpoint resumes it
    bool stoppedEarly = false;   // finished on request before its last epoch
    int bestEpoch = 0;           // by the validation metric; 0 without validation
    QString bestCheckpoint;      // that epoch's weights ("" without validation)
    qint64 steps = 0;
    std::vector<EpochReport> epochs; // every epoch of the run, resumed ones included
    double samplesPerSecond = 0; // over this call's steps
};

// ---- inference ------------------------------------------------------------------

struct InferenceRequest {
    QString project;
    QString checkpoint;          // a checkpoint written by train()
    QString split = QStringLiteral("val"); // "" = every image
    std::vector<qint64> imageIds; // non-empty: only these images (of the split)
    QString saveAs;              // non-empty: store the predictions as a run of this name
    int beam = 3;                // captions: beam width (1 = greedy)
    int maxLength = 0;           // captions: words at most; 0: as many as the longest caption trained on
    double lengthPenalty = 1.0;  // captions: beams ranked by log P / length^this (0 = raw log P)
    double tagThreshold = 0.5;   // tags: suggested when their probability reaches this
    int maxTags = 5;             // tags: at most this many per image, likeliest first
    int batchImages = 32;
    QString device = QStringLiteral("auto");
    int threads = 0;
};

struct AnswerPrediction {
    qint64 questionId = 0;
    qint64 imageId = 0;
    QString question;
    QString answer;
    double score = 0;            // softmax probability of the answer
    double accuracy = -1;        // VQA accuracy against the human answers; -1 without any
    double margin = 0;           // its probability minus the runner-up's
    double entropy = 0;          // of the whole answer distribution, in nats
};

struct CaptionPrediction {
    qint64 imageId = 0;
    QString image;               // name in the project
    QString caption;
    double logProb = 0;
    double meanLogProb = 0;      // per generated token (the end token included)
    int gridHeight = 0, gridWidth = 0;
    std::vector<std::vector<float>> attention; // one row of gridHeight x gridWidth weights per word
};

struct TagPrediction {
    qint64 imageId = 0;
    QString image;               // name in the project
    QString tag;
    double score = 0;            // the tag's probability
};

struct InferenceResult {
    qint64 runId = 0;            // 0 when not saved
    QString device;              // what ran it: "cpu (2 threads)"
    // vqa_accuracy / bleu1..4, rouge_l, cider_d / tag_precision, tag_recall, tag_f1 (when the split has references)
    QJsonObject metrics;
    std::vector<AnswerPrediction> answers;
    std::vector<CaptionPrediction> captions;
    std::vector<TagPrediction> tags;
};

// ---- retrieval ------------------------------------------------------------------

// embed(): the run that holds the vectors (table embeddings, float32 little-endian,
// unit length) and recall@K over the split.
struct EmbedResult {
    qint64 runId = 0;
    QString device;              // "cpu (2 threads)"
    int dimension = 0;
    qint64 images = 0;           // vectors stored of each kind
    qint64 captions = 0;
    QJsonObject metrics;         // recall_i2t_1/5/10, recall_t2i_1/5/10 (percent; empty without captions)
};

// A text ranks images; an image ranks captions. Set exactly one of text and image.
struct RetrieveRequest {
    QString project;
    QString checkpoint;          // a retrieval checkpoint; may be empty with embeddingsRun (the run's own)
    QString text;
    QString image;               // a project image id or name
    int k = 10;
    qint64 embeddingsRun = 0;    // > 0: rank the vectors stored by this embed() run (no image is re-encoded)
    QString split = QStringLiteral("val"); // without a run: the candidates are this split's ("" = every image)
    int batchImages = 32;
    QString device = QStringLiteral("auto");
    int threads = 0;
};

struct RetrievedItem {
    qint64 id = 0;               // the image id (text query) or the caption id (image query)
    qint64 imageId = 0;
    QString image;               // the image's name
    QString caption;             // image query: the caption's text
    double score = 0;            // cosine similarity
};

struct RetrieveResult {
    QString ranked;              // "image" or "caption"
    qint64 runId = 0;            // the embeddings run used; 0 when computed on the fly
    std::vector<RetrievedItem> items; // best first, at most k
};

// ---- one image: asking and explaining ---------------------------------------------

// A model and one image of the project. The backend keeps the last model it
// loaded (and the last image it encoded), so that a question typed letter by
// letter re-runs only the text and the fusion.
struct ImageRequest {
    QString project;
    QString checkpoint;
    QString image;               // a project image id or name
    QString device = QStringLiteral("auto");
    int threads = 0;
    // The model-randomisation check (Adebayo et al. 2018): every parameter drawn
    // afresh (seeded) after loading. An explanation that still looks the same
    // does not depend on what the model learned.
    bool randomizeWeights = false;
};

struct AskRequest : ImageRequest {
    QString question;
    int k = 5;
};

struct AnswerScore {
    QString answer;
    double probability = 0;
};

struct AskResult {
    qint64 imageId = 0;
    std::vector<AnswerScore> answers; // most likely first, at most k
    QStringList words;           // the question as the model reads it
    QStringList unknownWords;    // of those, the ones its vocabulary lacks (read as <unk>)
    QString device;
};

// VQA also: HiResCam, each region's gradient times its activations (Grad-CAM
// without averaging the gradient over the regions); Gradient, the answer's
// gradient with respect to the pixels on a 16 x 16 grid whatever the model's
// (finer than its 4 x 4 regions at 64 pixels).
// Occlusion (VQA; Zeiler & Fergus 2014): a window 3/8 of the image wide slides
// over a grid four times as fine as the regions (eight with finerGrid), covering
// the image with its background colour; each cell sums, over the windows that
// cover it, the drop in the answer's probability. OcclusionFeatures: the same
// with the change of the fused vector the answer head reads (its L2 distance
// from the uncovered image's), which also sees evidence for an answer the model
// would give without the object (the best pointer: docs/performance.md).
enum class ExplainMethod { Attention, GradCam, Gradient, HiResCam, Occlusion, OcclusionFeatures };
// "attention", "gradcam", "gradient", "hirescam", "occlusion", "occlusion-features": the CLI's names.
QString explainMethodName(ExplainMethod method);
std::optional<ExplainMethod> parseExplainMethod(const QString &name);
QString explainMethodNames(); // "attention, gradcam, ..." for messages
enum class ExplainTarget {
    Question,                    // VQA: the answer to ExplainRequest::text
    Caption,                     // captioner: every word of the caption it writes
    Text,                        // retrieval: the image's score against ExplainRequest::text
};

struct ExplainRequest : ImageRequest {
    ExplainTarget target = ExplainTarget::Question;
    ExplainMethod method = ExplainMethod::Attention;
    QString text;                // the question, or the text to match
    int beam = 1;                // captions
    // VQA, Grad-CAM and HiResCAM: on the vision encoder's stage before the last,
    // a grid twice as fine as the regions (8 x 8 for 4 x 4 regions).
    bool finerGrid = false;
};

// One map over the image's region grid, row-major, scaled to a maximum of 1.
struct ExplainMap {
    QString label;               // the word (captions) or the answer
    double score = 0;            // its probability, or the retrieval cosine
    std::vector<float> weights;  // gridHeight x gridWidth
};

struct ExplainResult {
    qint64 imageId = 0;
    QString imagePath;
    int gridHeight = 0, gridWidth = 0;
    QString summary;             // the answer, the caption, or the score, in words
    std::vector<ExplainMap> maps; // captions: one per word; otherwise one
    QStringList words;           // the question's words, with their weights where the model has them
    std::vector<float> wordWeights;
    QString device;
};

// ---- export -------------------------------------------------------------------------

// A built-in model written as a model made elsewhere (train/modelmanifest.h):
// TorchScript, its manifest and its vocabulary and answers, in one folder.
struct ExportResult {
    QString manifest;            // <folder>/<name>.json
    QStringList files;           // everything written, the manifest first
    QString summary;             // "vqa: cnn + gru + film"
};

// ---- the interface ---------------------------------------------------------------

// What a checkpoint holds, read without building the model.
struct CheckpointInfo {
    TaskKind task = TaskKind::Vqa;
    QJsonObject architecture;    // the config keys, as the models table stores them
    QString summary;             // "vqa: cnn + gru + film"
};

class ModelBackend {
public:
    virtual ~ModelBackend() = default;
    virtual QString version() const = 0; // "LibTorch 1.13.0"
    // A file that is not a Tandem checkpoint is an input error naming it.
    virtual Expected<CheckpointInfo> inspect(const QString &checkpoint) = 0;
    virtual Expected<TrainResult> train(const TrainRequest &request, TrainObserver *observer) = 0;
    // VQA: the most likely answer to every question of the split's images.
    virtual Expected<InferenceResult> answer(const InferenceRequest &request, TrainObserver *observer) = 0;
    // Captioning: one caption per image, with the attention map of every word.
    virtual Expected<InferenceResult> caption(const InferenceRequest &request, TrainObserver *observer) = 0;
    // Tags of each image of the split by a tagging model (a TorchScript manifest),
    // those at tagThreshold or above, at most maxTags; saved like caption().
    virtual Expected<InferenceResult> tag(const InferenceRequest &request, TrainObserver *observer) = 0;
    // Retrieval: stores the embedding of every image of the split and of each of
    // their captions as a run (named request.saveAs, else "embed <checkpoint>").
    virtual Expected<EmbedResult> embed(const InferenceRequest &request, TrainObserver *observer) = 0;
    // Retrieval: the k images nearest a text, or the k captions nearest an image.
    virtual Expected<RetrieveResult> retrieve(const RetrieveRequest &request, TrainObserver *observer) = 0;
    // VQA: the k most likely answers to a question about one image.
    virtual Expected<AskResult> ask(const AskRequest &request) = 0;
    // Where the model looks: attention (captioner; fusions that attend) or Grad-CAM
    // (every VQA fusion; the retrieval score).
    virtual Expected<ExplainResult> explain(const ExplainRequest &request) = 0;
    // Writes the checkpoint's model as TorchScript with a manifest into `folder`
    // (created if missing), named after the checkpoint. Loaded back, into
    // Tandem or into PyTorch, it gives the checkpoint's outputs.
    virtual Expected<ExportResult> exportTorchScript(const QString &checkpoint, const QString &folder) = 0;
};

} // namespace tandem

#define TandemModelBackend_iid "org.tandem.ModelBackend/1.6"
Q_DECLARE_INTERFACE(tandem::ModelBackend, TandemModelBackend_iid)
