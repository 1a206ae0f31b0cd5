#include "externalmodel.h"
#include "imagecache.h"

#include "ml/device.h"
#include "ml/gradcam.h"
#include "ml/vocabulary.h"
#include "ml/vision.h"

#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>

#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <numeric>

namespace tandem::backend {

namespace {

[[noreturn]] void fail(const ExternalModel &model, const QString &message)
{
    throw std::runtime_error((QFileInfo(model.manifest.file).fileName() + QStringLiteral(": ") + message).toStdString());
}

void check(const ExternalModel &model, const Status &status)
{
    if (!status)
        fail(model, status.error().message);
}

// [3, H, W], normalised as the manifest says.
at::Tensor loadPixels(const ExternalModel &model, const QString &path)
{
    const ModelManifest &m = model.manifest;
    const cv::Mat image = decodeImage(path, m.width, m.height, m.bgr);
    at::Tensor pixels = ml::imageFromRgb(image.data, m.height, m.width).clone();
    for (int64_t c = 0; c < 3; ++c)
        pixels[c].sub_(m.mean[size_t(c)]).div_(m.std[size_t(c)]);
    return pixels;
}

at::Tensor loadBatch(const ExternalModel &model, const std::vector<QString> &paths)
{
    std::vector<at::Tensor> pixels;
    for (const QString &path : paths)
        pixels.push_back(loadPixels(model, path));
    return at::stack(pixels).to(model.device);
}

// The manifest's tokenisation: lower-cased when it says so, words are runs of
// letters, digits and apostrophes, at most max_length of them.
QStringList words(const ModelManifest &m, const QString &text)
{
    if (m.tandemTokenizer) { // Tandem's own: lower-cased, punctuation as tokens
        QStringList found;
        for (const std::string &token : ml::tokenize(text.toStdString()))
            if (found.size() < m.maxLength)
                found << QString::fromStdString(token);
        return found;
    }
    static const QRegularExpression word(QStringLiteral("[\\w']+"), QRegularExpression::UseUnicodePropertiesOption);
    QStringList found;
    for (auto it = word.globalMatch(m.lowercase ? text.toLower() : text); it.hasNext() && found.size() < m.maxLength;)
        found << it.next().captured();
    return found;
}

struct Tokens {
    at::Tensor ids;     // [B, T]
    at::Tensor lengths; // [B]
};

Tokens encodeTexts(const ExternalModel &model, const std::vector<QString> &texts)
{
    const ModelManifest &m = model.manifest;
    std::vector<QStringList> split;
    int64_t longest = 1;
    for (const QString &text : texts) {
        split.push_back(words(m, text));
        longest = std::max<int64_t>(longest, split.back().size());
    }
    at::Tensor ids = at::full({int64_t(texts.size()), longest}, int64_t(m.tokenId(m.pad)), at::kLong);
    at::Tensor lengths = at::zeros({int64_t(texts.size())}, at::kLong);
    auto idsA = ids.accessor<int64_t, 2>();
    for (size_t i = 0; i < split.size(); ++i) {
        for (qsizetype w = 0; w < split[i].size(); ++w)
            idsA[int64_t(i)][w] = int64_t(m.tokenId(split[i][w]));
        lengths[int64_t(i)] = std::max<int64_t>(1, split[i].size());
    }
    return {ids.to(model.device), lengths.to(model.device)};
}

// Calls `method` and returns its outputs, each checked against the manifest's
// outputs from `first` on.
std::vector<at::Tensor> call(ExternalModel &model, const char *method, std::vector<c10::IValue> inputs, size_t first,
                             size_t count, QJsonObject &known)
{
    auto function = model.module.find_method(method);
    if (!function)
        fail(model, QStringLiteral("the model has no method %1(), which a %2 model needs")
                        .arg(QLatin1String(method), manifestTaskName(model.manifest.task)));
    c10::IValue result;
    try {
        result = (*function)(std::move(inputs));
    } catch (const c10::Error &e) {
        fail(model, QStringLiteral("%1() failed: %2 (do input.size, the vocabulary and the answers match the model?)")
                        .arg(QLatin1String(method), QString::fromStdString(e.what_without_backtrace()).section(QLatin1Char('\n'), 0, 0)));
    }
    std::vector<c10::IValue> values;
    if (result.isTuple())
        values = result.toTupleRef().elements().vec();
    else
        values.push_back(result);
    if (values.size() != count)
        fail(model, QStringLiteral("outputs: the manifest lists %1 output(s) for %2(), the model returned %3")
                        .arg(count).arg(QLatin1String(method)).arg(values.size()));
    std::vector<at::Tensor> tensors;
    for (size_t i = 0; i < values.size(); ++i) {
        const int index = int(first + i);
        if (!values[i].isTensor())
            fail(model, QStringLiteral("outputs[%1] (\"%2\"): expected a tensor, the model returned %3")
                            .arg(index).arg(model.manifest.outputs[size_t(index)].name,
                                            QString::fromStdString(values[i].tagKind())));
        at::Tensor t = values[i].toTensor();
        check(model, checkOutputShape(model.manifest, index, std::vector<qint64>(t.sizes().begin(), t.sizes().end()), known));
        tensors.push_back(t);
    }
    return tensors;
}

size_t outputsOf(const ExternalModel &model)
{
    return model.manifest.task == ManifestTask::Retrieval ? 1 : model.manifest.outputs.size();
}

// VQA: logits (and the other outputs) for these images with these questions.
std::vector<at::Tensor> runVqa(ExternalModel &model, const at::Tensor &images, const std::vector<QString> &questions)
{
    const Tokens tokens = encodeTexts(model, questions);
    QJsonObject known{{QStringLiteral("batch"), qint64(images.size(0))}, {QStringLiteral("answers"), qint64(model.manifest.answers.size())}};
    auto out = call(model, "forward", {images, tokens.ids, tokens.lengths}, 0, outputsOf(model), known);
    if (!out[0].is_floating_point())
        fail(model, QStringLiteral("outputs[0] (\"%1\"): expected floating-point logits").arg(model.manifest.outputs[0].name));
    return out;
}

at::Tensor unit(const at::Tensor &v)
{
    return v.to(at::kFloat).div(v.to(at::kFloat).norm(2, -1, true).clamp_min(1e-12)).cpu().contiguous();
}

at::Tensor imageVectors(ExternalModel &model, const at::Tensor &images)
{
    QJsonObject known{{QStringLiteral("batch"), qint64(images.size(0))}};
    return unit(call(model, "encode_image", {images}, 0, outputsOf(model), known)[0]);
}

at::Tensor textVectors(ExternalModel &model, const std::vector<QString> &texts)
{
    const Tokens tokens = encodeTexts(model, texts);
    QJsonObject known{{QStringLiteral("batch"), qint64(texts.size())}};
    return unit(call(model, "encode_text", {tokens.ids, tokens.lengths}, 1, 1, known)[0]);
}

void appendRows(EmbeddingSet &set, const at::Tensor &vectors, const std::vector<qint64> &ids)
{
    set.dimension = int(vectors.size(1));
    set.ids.insert(set.ids.end(), ids.begin(), ids.end());
    const float *p = vectors.data_ptr<float>();
    set.values.insert(set.values.end(), p, p + vectors.numel());
}

template <typename Each>
void inBatches(const std::vector<size_t> &items, const PredictOptions &options, Each each)
{
    const size_t batch = size_t(std::max(1, options.batchImages));
    for (size_t first = 0; first < items.size(); first += batch) {
        if (options.cancelled && options.cancelled())
            throw CancelledError();
        each(std::vector<size_t>(items.begin() + long(first), items.begin() + long(std::min(items.size(), first + batch))));
        if (options.progress)
            options.progress(std::min(items.size(), first + batch), items.size());
    }
}

// "Attempted to read a PyTorch file with version 10, but the maximum supported version for reading is 8."
QString loadError(const std::string &what)
{
    static const QRegularExpression version(QStringLiteral("file with version (\\d+), but the maximum supported version for reading is (\\d+)"));
    const QString text = QString::fromStdString(what);
    if (const auto match = version.match(text); match.hasMatch())
        return QStringLiteral("saved by a newer PyTorch (file format version %1) than LibTorch %2 reads (up to version %3): "
                              "export it again with torch.jit.save from PyTorch 1.13, or build Tandem against a newer LibTorch")
            .arg(match.captured(1), QString::fromStdString(ml::torchVersion()), match.captured(2));
    if (text.contains(QLatin1String("PytorchStreamReader")) || text.contains(QLatin1String("zip archive")))
        return QStringLiteral("not a TorchScript file (torch.jit.save writes a zip archive; this is not one)");
    return QStringLiteral("cannot load the TorchScript model: %1").arg(text.section(QLatin1Char('\n'), 0, 0));
}

} // namespace

Expected<std::shared_ptr<ExternalModel>> loadExternalModel(ModelManifest manifest, c10::Device device)
{
    auto model = std::make_shared<ExternalModel>();
    model->manifest = std::move(manifest);
    model->device = device;
    try {
        model->module = torch::jit::load(model->manifest.model.toStdString(), device);
    } catch (const c10::Error &e) {
        return Error::input(loadError(e.what_without_backtrace()), model->manifest.model);
    }
    model->module.eval();
    return model;
}

Expected<CheckpointInfo> inspectManifest(const QString &path)
{
    auto manifest = readManifest(path);
    if (!manifest)
        return manifest.error();
    CheckpointInfo info;
    info.task = taskKindOf(manifest->task);
    info.architecture = {{QStringLiteral("external"), QStringLiteral("torchscript")},
                         {QStringLiteral("task"), manifestTaskName(manifest->task)},
                         {QStringLiteral("model"), QFileInfo(manifest->model).fileName()},
                         {QStringLiteral("input_size"), QStringLiteral("%1x%2").arg(manifest->width).arg(manifest->height)}};
    info.summary = QStringLiteral("%1: TorchScript %2").arg(manifestTaskName(manifest->task), QFileInfo(manifest->model).fileName());
    return info;
}

std::vector<AnswerPrediction> externalAnswers(ExternalModel &model, const SplitData &data, const PredictOptions &options)
{
    std::vector<size_t> images;
    for (size_t i = 0; i < data.images.size(); ++i)
        if (!data.images[i].questions.empty())
            images.push_back(i);
    std::vector<AnswerPrediction> answers;
    inBatches(images, options, [&](const std::vector<size_t> &batch) {
        std::vector<QString> paths, questions;
        std::vector<int64_t> row;
        std::vector<size_t> asked;
        for (size_t b = 0; b < batch.size(); ++b) {
            paths.push_back(data.images[batch[b]].path);
            for (size_t q : data.images[batch[b]].questions) {
                questions.push_back(QString::fromStdString(data.questions[q].text));
                row.push_back(int64_t(b));
                asked.push_back(q);
            }
        }
        const at::Tensor pixels = loadBatch(model, paths).index_select(0, at::tensor(row, at::kLong).to(model.device));
        const at::Tensor probabilities = runVqa(model, pixels, questions)[0].to(at::kFloat).softmax(-1).cpu();
        const auto [top2, index2] = probabilities.topk(std::min<int64_t>(2, probabilities.size(1)), -1);
        const at::Tensor entropy = -(probabilities * probabilities.clamp_min(1e-12).log()).sum(-1);
        for (size_t i = 0; i < asked.size(); ++i) {
            const QuestionItem &q = data.questions[asked[i]];
            AnswerPrediction p;
            p.questionId = q.id;
            p.imageId = data.images[q.image].id;
            p.question = QString::fromStdString(q.text);
            p.answer = model.manifest.answers.value(index2[int64_t(i)][0].item<int64_t>());
            p.score = top2[int64_t(i)][0].item<double>();
            p.margin = top2.size(1) > 1 ? p.score - top2[int64_t(i)][1].item<double>() : p.score;
            p.entropy = entropy[int64_t(i)].item<double>();
            answers.push_back(p);
        }
    });
    return answers;
}

std::vector<CaptionPrediction> externalCaptions(ExternalModel &model, const SplitData &data, const PredictOptions &options)
{
    std::vector<CaptionPrediction> captions;
    const int attention = model.manifest.outputIndex(true, false);
    const qint64 end = model.manifest.vocabulary.indexOf(model.manifest.end);
    const qint64 pad = model.manifest.vocabulary.indexOf(model.manifest.pad);
    const qint64 unknown = model.manifest.vocabulary.indexOf(model.manifest.unknown);
    const qint64 start = model.manifest.start.isEmpty() ? -1 : model.manifest.vocabulary.indexOf(model.manifest.start);
    inBatches(allImages(data), options, [&](const std::vector<size_t> &batch) {
        std::vector<QString> paths;
        for (size_t i : batch)
            paths.push_back(data.images[i].path);
        QJsonObject known{{QStringLiteral("batch"), qint64(batch.size())}};
        auto out = call(model, "forward", {loadBatch(model, paths)}, 0, model.manifest.outputs.size(), known);
        const at::Tensor tokens = out[0].to(at::kLong).cpu();
        for (size_t b = 0; b < batch.size(); ++b) {
            CaptionPrediction p;
            p.imageId = data.images[batch[b]].id;
            p.image = data.images[batch[b]].name;
            QStringList words;
            for (int64_t t = 0; t < tokens.size(1); ++t) {
                const int64_t id = tokens[int64_t(b)][t].item<int64_t>();
                if (id == end)
                    break;
                if (id == pad || id == unknown || id == start || id < 0 || id >= model.manifest.vocabulary.size())
                    continue; // not shown, as Tandem's own captioner does not show them
                words << model.manifest.vocabulary[id];
                if (attention >= 0) {
                    p.gridHeight = int(out[size_t(attention)].size(2));
                    p.gridWidth = int(out[size_t(attention)].size(3));
                    p.attention.push_back(ml::scaledToMax(out[size_t(attention)][int64_t(b)][t]));
                }
            }
            p.caption = words.join(QLatin1Char(' '));
            captions.push_back(p);
        }
    });
    return captions;
}

std::vector<TagPrediction> externalTags(ExternalModel &model, const SplitData &data, const PredictOptions &options,
                                        double threshold, int maxTags)
{
    std::vector<TagPrediction> tags;
    inBatches(allImages(data), options, [&](const std::vector<size_t> &batch) {
        std::vector<QString> paths;
        for (size_t i : batch)
            paths.push_back(data.images[i].path);
        QJsonObject known{{QStringLiteral("batch"), qint64(batch.size())}, {QStringLiteral("tags"), qint64(model.manifest.tags.size())}};
        const at::Tensor scores = call(model, "forward", {loadBatch(model, paths)}, 0, outputsOf(model), known)[0];
        if (!scores.is_floating_point())
            fail(model, QStringLiteral("outputs[0] (\"%1\"): expected floating-point scores").arg(model.manifest.outputs[0].name));
        const at::Tensor probabilities = (model.manifest.tagLogits ? scores.sigmoid() : scores).to(at::kFloat).cpu();
        const int64_t k = std::min<int64_t>(std::max(0, maxTags), probabilities.size(1));
        const auto [top, index] = probabilities.topk(k, 1);
        for (size_t b = 0; b < batch.size(); ++b)
            for (int64_t j = 0; j < k && top[int64_t(b)][j].item<double>() >= threshold; ++j)
                tags.push_back({data.images[batch[b]].id, data.images[batch[b]].name,
                                model.manifest.tags.value(index[int64_t(b)][j].item<int64_t>()), top[int64_t(b)][j].item<double>()});
    });
    return tags;
}

SplitEmbeddings externalEmbeddings(ExternalModel &model, const SplitData &data, const std::vector<size_t> &images,
                                   const PredictOptions &options)
{
    SplitEmbeddings result;
    const bool texts = model.manifest.task == ManifestTask::Retrieval;
    inBatches(images, options, [&](const std::vector<size_t> &batch) {
        std::vector<QString> paths, captions;
        std::vector<qint64> imageIds, captionIds;
        for (size_t b = 0; b < batch.size(); ++b) {
            const ImageItem &image = data.images[batch[b]];
            paths.push_back(image.path);
            imageIds.push_back(image.id);
            for (size_t c : texts ? image.captions : std::vector<size_t>()) {
                captions.push_back(QString::fromStdString(data.captions[c].text));
                captionIds.push_back(data.captions[c].id);
                result.imageOfCaption.push_back(result.images.size() + b);
            }
        }
        appendRows(result.images, imageVectors(model, loadBatch(model, paths)), imageIds);
        if (!captions.empty())
            appendRows(result.captions, textVectors(model, captions), captionIds);
    });
    return result;
}

std::vector<float> externalTextVector(ExternalModel &model, const std::string &text)
{
    if (model.manifest.task != ManifestTask::Retrieval)
        throw std::runtime_error("an embedding model has no text side: search by a sentence needs a retrieval model");
    const at::Tensor v = textVectors(model, {QString::fromStdString(text)});
    return std::vector<float>(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
}

std::vector<float> externalImageVector(ExternalModel &model, const QString &path)
{
    const at::Tensor v = imageVectors(model, loadBatch(model, {path}));
    return std::vector<float>(v.data_ptr<float>(), v.data_ptr<float>() + v.numel());
}

AskResult externalAsk(ExternalModel &model, const QString &imagePath, const QString &question, int k)
{
    c10::InferenceMode inference;
    const at::Tensor probabilities = runVqa(model, loadBatch(model, {imagePath}), {question})[0].to(at::kFloat).softmax(-1)[0].cpu();
    const auto [top, index] = probabilities.topk(std::min<int64_t>(k, probabilities.size(0)));
    AskResult result;
    for (int64_t i = 0; i < top.size(0); ++i)
        result.answers.push_back({model.manifest.answers.value(index[i].item<int64_t>()), top[i].item<double>()});
    result.words = words(model.manifest, question);
    for (const QString &w : result.words)
        if (!model.manifest.vocabulary.contains(w))
            result.unknownWords << w;
    return result;
}

ExplainResult externalExplain(ExternalModel &model, const QString &imagePath, const ExplainRequest &request)
{
    const ModelManifest &m = model.manifest;
    ExplainResult result;
    if (m.task == ManifestTask::Caption) {
        if (m.outputIndex(true, false) < 0)
            fail(model, QStringLiteral("outputs: this captioner returns no attention output, so there is no map to show"));
        SplitData one;
        one.images.push_back({});
        one.images[0].path = imagePath;
        const std::vector<CaptionPrediction> caption = externalCaptions(model, one, PredictOptions());
        const QStringList words = caption[0].caption.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (size_t w = 0; w < caption[0].attention.size() && w < size_t(words.size()); ++w)
            result.maps.push_back({words[qsizetype(w)], 0, caption[0].attention[w]});
        result.gridHeight = caption[0].gridHeight;
        result.gridWidth = caption[0].gridWidth;
        result.summary = caption[0].caption;
        return result;
    }
    if (m.task != ManifestTask::Vqa)
        fail(model, QStringLiteral("explaining a %1 model is not supported; explain its VQA or caption models").arg(manifestTaskName(m.task)));
    const int wanted = m.outputIndex(request.method == ExplainMethod::Attention, request.method == ExplainMethod::GradCam);
    if (wanted < 0 || (request.method != ExplainMethod::Attention && request.method != ExplainMethod::GradCam))
        fail(model, QStringLiteral("outputs: %1 needs an output marked \"%2\"; this manifest has none")
                        .arg(explainMethodName(request.method),
                             request.method == ExplainMethod::Attention ? QStringLiteral("attention") : QStringLiteral("features")));
    at::Tensor images = loadBatch(model, {imagePath});
    torch::AutoGradMode gradients(request.method == ExplainMethod::GradCam);
    if (request.method == ExplainMethod::GradCam)
        images.requires_grad_(true);
    const std::vector<at::Tensor> out = runVqa(model, images, {request.text});
    const at::Tensor probabilities = out[0].to(at::kFloat).softmax(-1)[0];
    const int64_t answer = probabilities.argmax().item<int64_t>();
    at::Tensor map = out[size_t(wanted)][0];
    if (request.method == ExplainMethod::GradCam) {
        const at::Tensor features = out[size_t(wanted)];
        if (!features.requires_grad())
            fail(model, QStringLiteral("outputs[%1] (\"%2\"): Grad-CAM needs gradients, and this model's features have none")
                            .arg(wanted).arg(m.outputs[size_t(wanted)].name));
        const at::Tensor grad = torch::autograd::grad({out[0][0][answer]}, {features})[0];
        map = (grad.mean({2, 3}, true) * features).sum(1)[0].relu().detach();
    }
    result.gridHeight = int(map.size(0));
    result.gridWidth = int(map.size(1));
    const QString label = m.answers.value(answer);
    result.maps.push_back({label, probabilities[answer].item<double>(), ml::scaledToMax(map.detach())});
    result.summary = QStringLiteral("%1 (%2%)").arg(label).arg(100 * probabilities[answer].item<double>(), 0, 'f', 1);
    result.words = words(m, request.text);
    return result;
}

} // namespace tandem::backend
