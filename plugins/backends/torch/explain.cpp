#include "explain.h"

#include "inference.h"

#include "data/splitdata.h"
#include "ml/gradcam.h"
#include "ml/occlusion.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>
#include <torch/autograd.h>

#include <QDateTime>
#include <QFileInfo>
#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>

namespace tandem::backend {

namespace {

// The model of the last call and the encoded features of its last image.
struct Session {
    QString key;                      // checkpoint, its size and time, device, threads
    std::optional<LoadedModel> model;
    qint64 imageId = -1;
    ml::VisionFeatures features;      // inference tensors: for answers, never for gradients
};

std::mutex sessionMutex;
Session &session()
{
    static Session s;
    return s;
}

QString sessionKey(const ImageRequest &q)
{
    const QFileInfo info(q.checkpoint);
    return QStringLiteral("%1|%2|%3|%4|%5|%6").arg(info.absoluteFilePath()).arg(info.size())
        .arg(info.lastModified().toMSecsSinceEpoch()).arg(q.device).arg(q.threads).arg(q.randomizeWeights);
}

// The model-randomisation check: every matrix and filter drawn afresh (He normal,
// so activations keep their scale through the ReLUs and the maps stay defined),
// vectors and normalisation statistics back to their initial values (scale 1,
// shift and bias 0, mean 0, variance 1). Seeded: the same random model each time.
void randomizeParameters(torch::nn::Module &module)
{
    torch::NoGradGuard noGrad;
    at::Generator generator = at::detail::createCPUGenerator(20180101);
    for (const auto &item : module.named_parameters()) {
        at::Tensor p = item.value();
        if (p.dim() >= 2) {
            const double fanIn = double(p.numel() / p.size(0));
            p.copy_(at::normal(0.0, std::sqrt(2.0 / fanIn), p.sizes(), generator));
        } else {
            const std::string &name = item.key();
            const bool scale = name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0;
            p.fill_(scale ? 1.0 : 0.0);
        }
    }
    for (const auto &item : module.named_buffers()) {
        if (item.key().find("running_mean") != std::string::npos)
            item.value().zero_();
        else if (item.key().find("running_var") != std::string::npos)
            item.value().fill_(1.0);
    }
}

// Call with sessionMutex held.
Expected<LoadedModel *> cachedModel(const ImageRequest &q, TaskKind task)
{
    Session &s = session();
    const QString key = sessionKey(q);
    if (s.key != key || !s.model) {
        s = Session();
        InferenceRequest r;
        r.project = q.project;
        r.checkpoint = q.checkpoint;
        r.device = q.device;
        r.threads = q.threads;
        auto loaded = loadModel(r, task);
        if (!loaded)
            return loaded.error();
        s.model = std::move(loaded.value());
        if (q.randomizeWeights && s.model->external)
            return Error::usage(QStringLiteral("the randomised-weights check is for Tandem's own models"));
        if (q.randomizeWeights)
            randomizeParameters(*s.model->model.module);
        s.key = key;
    }
    if (s.model->model.task != task)
        return Error::usage(QStringLiteral("this checkpoint is a %1 model, not a %2 model")
                                .arg(taskName(s.model->model.task), taskName(task)));
    return &*s.model;
}

// Changes when anything is committed to the project (into the file or its
// write-ahead log), without opening it.
QString projectStamp(const QString &project)
{
    const QFileInfo file(project), wal(project + QStringLiteral("-wal"));
    const auto stamp = [](const QFileInfo &f) {
        return f.exists() ? QStringLiteral("%1@%2").arg(f.size()).arg(f.lastModified().toMSecsSinceEpoch()) : QString();
    };
    return file.absoluteFilePath() + QLatin1Char('|') + stamp(file) + QLatin1Char('|') + stamp(wal);
}

// The last image looked up, kept while the project is unchanged: opening the
// project (schema check, WAL files made and removed) cost more than the
// answer itself for a question typed letter by letter.
Expected<ImageItem> resolveImage(const ImageRequest &q)
{
    static std::mutex mutex;
    static QString lastKey;
    static ImageItem last;
    const QString key = projectStamp(q.project) + QLatin1Char('|') + q.image;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (key == lastKey)
            return last;
    }
    auto store = ProjectStore::open(q.project);
    if (!store)
        return store.error();
    auto image = findImage(*store, q.image);
    if (image) {
        std::lock_guard<std::mutex> lock(mutex);
        lastKey = key;
        last = *image;
    }
    return image;
}

at::Tensor pixelsOf(const LoadedModel &m, const ImageItem &image)
{
    return loadImage(image.path, m.imageSize, false, 0).unsqueeze(0).to(m.device);
}

ml::TokenBatch questionTokens(const LoadedModel &m, const QString &question, c10::Device device)
{
    ml::TokenBatch tokens = ml::padBatch({m.codec.vocabulary.encode(question.toStdString())}, m.model.config.maxLength);
    tokens.ids = tokens.ids.to(device);
    return tokens;
}

QStringList wordsOf(const QString &text)
{
    QStringList words;
    for (const std::string &w : ml::tokenize(text.toStdString()))
        words << QString::fromStdString(w);
    return words;
}

Status requireText(const QString &text, const QString &what)
{
    if (text.trimmed().isEmpty())
        return Error::usage(QStringLiteral("type a %1 first").arg(what));
    return {};
}

// ---- VQA ----

constexpr int64_t kSaliencyGrid = 16; // cells of 4 pixels at the usual 64: each object covers two or more

void fillWordWeights(ExplainResult &result, ml::VqaModelImpl &vqa, const QString &question)
{
    result.words = wordsOf(question);
    const at::Tensor &tokens = vqa.fusion().tokenAttention();
    if (!tokens.defined())
        return;
    std::vector<float> weights = ml::scaledToMax(tokens[0]);
    weights.resize(size_t(result.words.size()), 0.0f); // words past the model's maximum length were not read
    result.wordWeights = std::move(weights);
}

// The regions, or the vision encoder's finer map ([1, C, H, W] -> [H*W, C]), as
// the rows Grad-CAM and HiResCAM weigh, with the columns that are features.
struct CamLayer {
    at::Tensor rows;
    int64_t channels = 0;
    int gridHeight = 0, gridWidth = 0;
};

CamLayer camLayer(ml::VqaModelImpl &vqa, const ml::VisionFeatures &features, bool finer)
{
    if (!finer)
        return {features.regions, vqa.featureChannels(), int(features.gridHeight), int(features.gridWidth)};
    const at::Tensor &map = vqa.vision().finerMap();
    return {map, map.size(1), int(map.size(2)), int(map.size(3))};
}

at::Tensor asRows(const at::Tensor &t)
{
    return t.dim() == 4 ? t[0].flatten(1).t() : t[0];
}

// A gradient method's map of `score`: Grad-CAM or HiResCAM on a layer, or the
// pixels' gradient. Sets the result's grid to the map's.
std::vector<float> gradientMap(const ExplainRequest &r, ml::VqaModelImpl &vqa, const at::Tensor &score,
                               const ml::VisionFeatures &features, const at::Tensor &pixels, ExplainResult &result)
{
    if (r.method == ExplainMethod::Gradient) {
        std::vector<float> weights = ml::pixelSaliency(torch::autograd::grad({score}, {pixels})[0][0], kSaliencyGrid);
        result.gridHeight = result.gridWidth = int(std::lround(std::sqrt(double(weights.size()))));
        return weights;
    }
    const CamLayer layer = camLayer(vqa, features, r.finerGrid);
    const at::Tensor gradient = torch::autograd::grad({score}, {layer.rows})[0];
    result.gridHeight = layer.gridHeight;
    result.gridWidth = layer.gridWidth;
    return r.method == ExplainMethod::HiResCam ? ml::hiResCam(asRows(layer.rows), asRows(gradient), layer.channels)
                                               : ml::gradCam(asRows(layer.rows), asRows(gradient), layer.channels);
}

// Sliding occlusion (ml/occlusion.h) with a window 3/8 of the image side, larger
// than an object: on Sort-of-CLEVR (75-pixel scenes, 10-pixel objects, FiLM at 99%
// on the non-relational questions, 300 questions, a 16 x 16 grid) one cell at a
// time scored 67% on the pointing game; windows of 2, 4 and 6 cells 74%, 82% and
// 87% measured by the answer, 83%, 88% and 90% by the fused vector; 8 and 10
// cells no better.
constexpr double kOcclusionWindow = 0.375;

// What covering changes: the answer's probability drop, or how far the fused
// vector the answer head reads moves from the uncovered image's (L2).
std::vector<float> occlusionMap(ml::VqaModelImpl &vqa, const at::Tensor &pixels, const ml::TokenBatch &tokens,
                                int64_t answer, ExplainMethod method, int grid)
{
    torch::NoGradGuard noGrad;
    const bool features = method == ExplainMethod::OcclusionFeatures;
    const auto measure = [&](const at::Tensor &images) {
        const int64_t n = images.size(0);
        const at::Tensor ids = tokens.ids.expand({n, -1}), lengths = tokens.lengths.expand({n});
        const ml::VisionFeatures encoded = vqa.encodeImages(images);
        return features ? vqa.fuse(encoded, ids, lengths) : vqa.answer(encoded, ids, lengths).softmax(1).select(1, answer);
    };
    const at::Tensor reference = measure(pixels);
    const ml::OcclusionGrid g{grid, std::max(1, int(std::lround(kOcclusionWindow * grid)))};
    return ml::occlusionMap(pixels, g, [&](const at::Tensor &covered) {
        return features ? (measure(covered) - reference).norm(2, 1) : (reference - measure(covered)).clamp_min(0);
    });
}

Expected<ExplainResult> explainAnswer(const ExplainRequest &r, LoadedModel &m, const ImageItem &image)
{
    if (auto s = requireText(r.text, QStringLiteral("question")); !s)
        return s.error();
    ml::VqaModelImpl &vqa = *m.model.vqa;
    const bool attention = r.method == ExplainMethod::Attention;
    const bool occlusion = r.method == ExplainMethod::Occlusion || r.method == ExplainMethod::OcclusionFeatures;
    torch::AutoGradMode grad(!attention && !occlusion);
    const at::Tensor pixels = pixelsOf(m, image).requires_grad_(r.method == ExplainMethod::Gradient);
    ml::VisionFeatures features = vqa.encodeImages(pixels);
    if (!attention && r.method != ExplainMethod::Gradient && !occlusion && !r.finerGrid)
        // the backward pass stops at the regions
        features.regions = features.regions.detach().requires_grad_(true);
    const ml::TokenBatch tokens = questionTokens(m, r.text, m.device);
    const at::Tensor logits = vqa.answer(features, tokens.ids, tokens.lengths); // [1, A]
    const int64_t best = logits.argmax(1).item<int64_t>();
    ExplainResult result;
    result.gridHeight = int(features.gridHeight);
    result.gridWidth = int(features.gridWidth);
    const QString answer = QString::fromStdString(m.codec.labels.label(best));
    const double probability = logits.softmax(1)[0][best].item<double>();
    result.summary = QStringLiteral("answer: %1 (%2%)").arg(answer).arg(100.0 * probability, 0, 'f', 1);
    fillWordWeights(result, vqa, r.text);
    std::vector<float> weights;
    if (occlusion) {
        const int scale = r.finerGrid ? 8 : 4;
        result.gridHeight = scale * int(features.gridHeight);
        result.gridWidth = scale * int(features.gridWidth);
        weights = occlusionMap(vqa, pixels.detach(), tokens, best, r.method, result.gridWidth);
    } else if (!attention) {
        weights = gradientMap(r, vqa, logits[0][best], features, pixels, result);
    } else {
        const at::Tensor &regionAttention = vqa.fusion().regionAttention();
        if (!regionAttention.defined())
            return Error::usage(QStringLiteral("the %1 fusion has no attention over the image (mfb, cross_attention, "
                                               "relation and film with film_attention=true have); use Grad-CAM")
                                    .arg(QString::fromStdString(m.model.config.fusion)));
        weights = ml::scaledToMax(regionAttention[0]);
    }
    result.maps.push_back({answer, probability, std::move(weights)});
    return result;
}

// ---- captions ----

// A word's attention row scaled to a maximum of 1, as ml::scaledToMax() does,
// without making a tensor of every row.
std::vector<float> scaledRow(std::vector<float> row)
{
    const auto top = std::max_element(row.begin(), row.end());
    if (top != row.end() && *top > 0) {
        const float max = *top;
        for (float &w : row)
            w /= max;
    }
    return row;
}

Expected<ExplainResult> explainCaption(const ExplainRequest &r, LoadedModel &m, const ImageItem &image)
{
    if (r.method != ExplainMethod::Attention)
        return Error::usage(QStringLiteral("captions are explained by their attention maps (--method attention)"));
    c10::InferenceMode inference;
    const at::Tensor pixels = pixelsOf(m, image);
    const int64_t words = captionWordLimit(m.model.config, 0);
    // Beam 1 is greedy decoding, without the beam's bookkeeping (small tensors
    // every word): the same caption, about 5% sooner.
    auto decoded = r.beam <= 1 ? m.model.caption->greedy(pixels, words)
                               : m.model.caption->beamSearch(pixels, r.beam, words, 1.0);
    ml::DecodedCaption &d = decoded.front();
    dropSpecialTokens(d); // the words of the caption and their maps line up
    ExplainResult result;
    result.gridHeight = int(d.gridHeight);
    result.gridWidth = int(d.gridWidth);
    result.summary = QString::fromStdString(m.codec.vocabulary.decode(d.tokens));
    for (size_t i = 0; i < d.tokens.size(); ++i)
        result.maps.push_back({QString::fromStdString(m.codec.vocabulary.word(d.tokens[i])), d.logProb,
                               scaledRow(d.attention[i])});
    return result;
}

// ---- retrieval ----

Expected<ExplainResult> explainMatch(const ExplainRequest &r, LoadedModel &m, const ImageItem &image)
{
    if (auto s = requireText(r.text, QStringLiteral("text to match")); !s)
        return s.error();
    if (r.method != ExplainMethod::GradCam)
        return Error::usage(QStringLiteral("a retrieval score is explained by Grad-CAM (--method gradcam)"));
    ml::RetrievalModelImpl &retrieval = *m.model.retrieval;
    torch::AutoGradMode grad(true);
    ml::VisionFeatures features = retrieval.encodeImages(pixelsOf(m, image));
    features.regions = features.regions.detach().requires_grad_(true);
    const ml::TokenBatch tokens = questionTokens(m, r.text, m.device);
    const at::Tensor score = (retrieval.embedFeatures(features) * retrieval.embedTexts(tokens.ids, tokens.lengths)).sum();
    score.backward();
    ExplainResult result;
    result.gridHeight = int(features.gridHeight);
    result.gridWidth = int(features.gridWidth);
    result.summary = QStringLiteral("cosine %1").arg(score.item<double>(), 0, 'f', 3);
    result.words = wordsOf(r.text);
    result.maps.push_back({r.text, score.item<double>(),
                           ml::gradCam(features.regions[0], features.regions.grad()[0], retrieval.featureChannels())});
    return result;
}

TaskKind taskFor(ExplainTarget target)
{
    switch (target) {
    case ExplainTarget::Question: return TaskKind::Vqa;
    case ExplainTarget::Caption: return TaskKind::Caption;
    case ExplainTarget::Text: return TaskKind::Retrieval;
    }
    return TaskKind::Vqa;
}

} // namespace

Expected<AskResult> runAsk(const AskRequest &request)
{
    if (auto s = requireText(request.question, QStringLiteral("question")); !s)
        return s.error();
    if (request.k < 1)
        return Error::usage(QStringLiteral("k must be at least 1"));
    auto image = resolveImage(request);
    if (!image)
        return image.error();
    std::lock_guard<std::mutex> lock(sessionMutex);
    auto model = cachedModel(request, TaskKind::Vqa);
    if (!model)
        return model.error();
    LoadedModel &m = **model;
    if (m.external) {
        AskResult result = externalAsk(*m.external, image->path, request.question, request.k);
        result.imageId = image->id;
        result.device = m.deviceName;
        return result;
    }
    Session &s = session();
    c10::InferenceMode inference;
    if (s.imageId != image->id) {
        s.imageId = -1; // until the new image is encoded (a decode error throws)
        s.features = m.model.vqa->encodeImages(pixelsOf(m, *image));
        s.imageId = image->id;
    }
    const ml::TokenBatch tokens = questionTokens(m, request.question, m.device);
    const at::Tensor probabilities = m.model.vqa->answer(s.features, tokens.ids, tokens.lengths).softmax(1)[0];
    const auto [top, index] = probabilities.topk(std::min<int64_t>(request.k, probabilities.size(0)));
    const at::Tensor topCpu = top.cpu(), indexCpu = index.cpu();
    AskResult result;
    result.imageId = image->id;
    result.device = m.deviceName;
    for (int64_t i = 0; i < topCpu.size(0); ++i)
        result.answers.push_back({QString::fromStdString(m.codec.labels.label(indexCpu[i].item<int64_t>())),
                                  topCpu[i].item<double>()});
    result.words = wordsOf(request.question);
    for (const QString &w : result.words)
        if (!m.codec.vocabulary.contains(w.toStdString()))
            result.unknownWords << w;
    return result;
}

Expected<ExplainResult> runExplain(const ExplainRequest &request)
{
    auto image = resolveImage(request);
    if (!image)
        return image.error();
    std::lock_guard<std::mutex> lock(sessionMutex);
    auto model = cachedModel(request, taskFor(request.target));
    if (!model)
        return model.error();
    LoadedModel &m = **model;
    Expected<ExplainResult> result = m.external ? externalExplain(*m.external, image->path, request)
                                     : request.target == ExplainTarget::Question ? explainAnswer(request, m, *image)
                                     : request.target == ExplainTarget::Caption ? explainCaption(request, m, *image)
                                                                                 : explainMatch(request, m, *image);
    if (result) {
        result->imageId = image->id;
        result->imagePath = image->path;
        result->device = m.deviceName;
    }
    return result;
}

} // namespace tandem::backend
