#include "taskmodel.h"

#include "eval/retrievalrecall.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/utils.h>

#include <QString>
#include <numeric>

namespace tandem::backend {

TaskKind taskOf(const ml::ModelConfig &config)
{
    return parseTask(QString::fromStdString(config.task)).value_or(TaskKind::Vqa);
}

TaskModel makeTaskModel(const ml::ModelConfig &config)
{
    TaskModel model;
    model.config = config;
    model.task = taskOf(config);
    if (model.task == TaskKind::Vqa) {
        model.vqa = ml::VqaModel(config);
        model.module = model.vqa.ptr();
    } else if (model.task == TaskKind::Caption) {
        model.caption = ml::CaptionModel(config);
        model.module = model.caption.ptr();
    } else {
        model.retrieval = ml::RetrievalModel(config);
        model.module = model.retrieval.ptr();
    }
    return model;
}

QJsonObject configJson(const ml::ModelConfig &config)
{
    QJsonObject json;
    for (const QString &line : QString::fromStdString(ml::configToString(config)).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const int eq = line.indexOf(QLatin1Char('='));
        json[line.left(eq)] = line.mid(eq + 1);
    }
    return json;
}

Batch toDevice(const Batch &batch, c10::Device device)
{
    if (device.is_cpu())
        return batch;
    Batch moved = batch;
    for (at::Tensor *t : {&moved.images, &moved.texts, &moved.lengths, &moved.imageIndex, &moved.targets})
        if (t->defined())
            *t = t->to(device, /*non_blocking=*/true);
    moved.lengths = batch.lengths; // packed GRU sequences want their lengths on the CPU
    return moved;
}

int64_t captionWordLimit(const ml::ModelConfig &config, int64_t requested)
{
    return requested > 0 ? requested : std::max<int64_t>(1, config.maxLength - 2);
}

at::Tensor trainingLoss(TaskModel &model, const Batch &batch)
{
    if (model.vqa)
        return ml::answerLoss(model.vqa->forward(batch.images, batch.texts, batch.lengths, batch.imageIndex),
                              batch.targets);
    if (model.caption)
        return ml::captionLoss(model.caption->forward(batch.images, batch.texts, batch.imageIndex), batch.texts,
                               /*attentionRegularization=*/1.0);
    return model.retrieval->forward(batch.images, batch.texts, batch.lengths);
}

namespace {

// Consecutive slices of `items`, `size` at a time.
template <typename Fn>
void forEachSlice(const std::vector<size_t> &items, int size, const PredictOptions &options, Fn &&fn)
{
    for (size_t first = 0; first < items.size(); first += size_t(size)) {
        if (options.cancelled && options.cancelled())
            throw CancelledError();
        const size_t last = std::min(items.size(), first + size_t(size));
        fn(std::vector<size_t>(items.begin() + long(first), items.begin() + long(last)));
        if (options.progress)
            options.progress(last, items.size());
    }
}

} // namespace

std::vector<size_t> allImages(const SplitData &data)
{
    std::vector<size_t> images(data.images.size());
    std::iota(images.begin(), images.end(), size_t(0));
    return images;
}

std::vector<AnswerPrediction> predictAnswers(TaskModel &model, const SplitData &data, const TextCodec &codec,
                                             const PredictOptions &options)
{
    model.module->eval();
    BatchOptions batchOptions;
    batchOptions.task = TaskKind::Vqa;
    batchOptions.imageSize = options.imageSize;
    batchOptions.maxLength = model.config.maxLength;
    batchOptions.training = false;
    batchOptions.cache = options.cache;
    std::vector<AnswerPrediction> predictions;
    forEachSlice(usableImages(data, TaskKind::Vqa), options.batchImages, options, [&](const std::vector<size_t> &images) {
        const Batch batch = toDevice(makeBatch(data, images, codec.vocabulary, codec.labels, batchOptions), options.device);
        const at::Tensor logits = model.vqa->forward(batch.images, batch.texts, batch.lengths, batch.imageIndex);
        const at::Tensor probabilities = logits.softmax(1);
        const auto [top, index] = probabilities.topk(std::min<int64_t>(2, probabilities.size(1)), 1);
        const at::Tensor best = top.select(1, 0).cpu(), indices = index.select(1, 0).cpu();
        const at::Tensor margins = (top.size(1) > 1 ? top.select(1, 0) - top.select(1, 1) : top.select(1, 0)).cpu();
        const at::Tensor entropies = -(probabilities * logits.log_softmax(1)).sum(1).cpu();
        int64_t row = 0;
        for (size_t i : images)
            for (size_t q : data.images[i].questions) {
                const QuestionItem &question = data.questions[q];
                predictions.push_back({question.id, data.images[i].id, QString::fromStdString(question.text),
                                       QString::fromStdString(codec.labels.label(indices[row].item<int64_t>())),
                                       best[row].item<double>(), -1, margins[row].item<double>(), entropies[row].item<double>()});
                ++row;
            }
    });
    return predictions;
}

void dropSpecialTokens(ml::DecodedCaption &caption)
{
    size_t kept = 0;
    for (size_t i = 0; i < caption.tokens.size(); ++i)
        if (caption.tokens[i] >= ml::Vocabulary::kSpecials) {
            if (kept != i) { // a self-move would empty the row
                caption.tokens[kept] = caption.tokens[i];
                if (i < caption.attention.size())
                    caption.attention[kept] = std::move(caption.attention[i]);
            }
            ++kept;
        }
    caption.tokens.resize(kept);
    caption.attention.resize(std::min(kept, caption.attention.size()));
}

std::vector<CaptionPrediction> predictCaptions(TaskModel &model, const SplitData &data, const TextCodec &codec,
                                               const PredictOptions &options)
{
    model.module->eval();
    std::vector<CaptionPrediction> predictions;
    const int64_t words = captionWordLimit(model.config, options.maxWords);
    forEachSlice(allImages(data), options.batchImages, options, [&](const std::vector<size_t> &images) {
        const at::Tensor pixels = loadImages(data, images, options.imageSize, options.cache).to(options.device);
        auto decoded = model.caption->beamSearch(pixels, std::max(1, options.beam), words, options.lengthPenalty);
        for (size_t k = 0; k < images.size(); ++k) {
            const ImageItem &image = data.images[images[k]];
            ml::DecodedCaption &d = decoded[k];
            const size_t scored = d.tokens.size() + (d.finished ? 1 : 0); // logProb sums them and the <eos>
            const double meanLogProb = d.logProb / double(std::max<size_t>(1, scored));
            dropSpecialTokens(d);
            predictions.push_back({image.id, image.name, QString::fromStdString(codec.vocabulary.decode(d.tokens)),
                                   d.logProb, meanLogProb, int(d.gridHeight), int(d.gridWidth), d.attention});
        }
    });
    return predictions;
}

namespace {

// Appends the rows of a [N, E] tensor to `set`.
void append(EmbeddingSet &set, const at::Tensor &rows, const std::vector<qint64> &ids)
{
    const at::Tensor cpu = rows.to(at::kCPU, at::kFloat).contiguous();
    set.dimension = int(cpu.size(1));
    set.values.insert(set.values.end(), cpu.data_ptr<float>(), cpu.data_ptr<float>() + cpu.numel());
    set.ids.insert(set.ids.end(), ids.begin(), ids.end());
}

at::Tensor asTensor(const EmbeddingSet &set)
{
    return at::from_blob(const_cast<float *>(set.values.data()), {int64_t(set.size()), int64_t(set.dimension)}, at::kFloat);
}

} // namespace

namespace {

// A VQA or caption model's image vectors: its regions averaged, at unit length
// (what its answers and captions are read from, so neighbours in this space
// are images the model sees alike).
SplitEmbeddings pooledImageFeatures(TaskModel &model, const SplitData &data, const std::vector<size_t> &images,
                                    const PredictOptions &options)
{
    SplitEmbeddings out;
    forEachSlice(images, options.batchImages, options, [&](const std::vector<size_t> &slice) {
        const at::Tensor pixels = loadImages(data, slice, options.imageSize, options.cache).to(options.device);
        const ml::VisionFeatures features = model.vqa ? model.vqa->encodeImages(pixels) : model.caption->encodeImages(pixels);
        const at::Tensor pooled = features.regions.mean(1);
        std::vector<qint64> ids;
        for (size_t i : slice)
            ids.push_back(data.images[i].id);
        append(out.images, pooled / pooled.norm(2, 1, true).clamp_min(1e-12), ids);
    });
    return out;
}

} // namespace

SplitEmbeddings predictEmbeddings(TaskModel &model, const SplitData &data, const std::vector<size_t> &images,
                                  const TextCodec &codec, const PredictOptions &options)
{
    model.module->eval();
    if (!model.retrieval)
        return pooledImageFeatures(model, data, images, options);
    SplitEmbeddings out;
    forEachSlice(images, options.batchImages, options, [&](const std::vector<size_t> &slice) {
        std::vector<std::vector<int64_t>> texts;
        std::vector<qint64> imageIds, captionIds;
        for (size_t i : slice) {
            for (size_t c : data.images[i].captions) {
                texts.push_back(codec.vocabulary.encode(data.captions[c].text));
                captionIds.push_back(data.captions[c].id);
                out.imageOfCaption.push_back(out.images.size() + imageIds.size());
            }
            imageIds.push_back(data.images[i].id);
        }
        append(out.images, model.retrieval->embedImages(loadImages(data, slice, options.imageSize, options.cache).to(options.device)), imageIds);
        if (texts.empty())
            return;
        const ml::TokenBatch tokens = ml::padBatch(texts, model.config.maxLength);
        append(out.captions, model.retrieval->embedTexts(tokens.ids.to(options.device), tokens.lengths), captionIds);
    });
    return out;
}

std::vector<float> embedText(TaskModel &model, const TextCodec &codec, const std::string &text, c10::Device device)
{
    const ml::TokenBatch tokens = ml::padBatch({codec.vocabulary.encode(text)}, model.config.maxLength);
    EmbeddingSet set;
    append(set, model.retrieval->embedTexts(tokens.ids.to(device), tokens.lengths), {0});
    return set.values;
}

std::vector<float> embedImageFile(TaskModel &model, const QString &path, int imageSize, c10::Device device)
{
    EmbeddingSet set;
    append(set, model.retrieval->embedImages(loadImage(path, imageSize, false, 0).unsqueeze(0).to(device)), {0});
    return set.values;
}

QJsonObject recallMetrics(const SplitEmbeddings &embeddings)
{
    if (embeddings.captions.size() == 0)
        return {};
    const at::Tensor similarity = at::matmul(asTensor(embeddings.images), asTensor(embeddings.captions).t()).contiguous();
    const std::vector<float> scores(similarity.data_ptr<float>(), similarity.data_ptr<float>() + similarity.numel());
    const eval::RetrievalRecall r = eval::retrievalRecall(scores, embeddings.images.size(), embeddings.imageOfCaption);
    return {{QStringLiteral("recall_i2t_1"), r.imageToText.r1}, {QStringLiteral("recall_i2t_5"), r.imageToText.r5},
            {QStringLiteral("recall_i2t_10"), r.imageToText.r10}, {QStringLiteral("recall_t2i_1"), r.textToImage.r1},
            {QStringLiteral("recall_t2i_5"), r.textToImage.r5}, {QStringLiteral("recall_t2i_10"), r.textToImage.r10}};
}

void recalibrateNormalization(TaskModel &model, const SplitData &data, const PredictOptions &options,
                              size_t maxImages)
{
    std::vector<torch::nn::BatchNorm2dImpl *> norms;
    for (const auto &module : model.module->modules())
        if (auto *norm = module->as<torch::nn::BatchNorm2d>())
            norms.push_back(norm);
    std::vector<size_t> images = allImages(data);
    if (norms.empty() || images.empty())
        return;
    images.resize(std::min(images.size(), maxImages));
    // Restores the usual momentum and mode however the pass ends (a cancel throws).
    struct Restore {
        TaskModel &model;
        std::vector<torch::nn::BatchNorm2dImpl *> &norms;
        bool training;
        ~Restore()
        {
            for (auto *norm : norms)
                norm->options.momentum(0.1);
            model.module->train(training);
        }
    } restore{model, norms, model.module->is_training()};
    for (auto *norm : norms) {
        norm->reset_running_stats();
        norm->options.momentum(c10::nullopt); // a cumulative average over the batches below
    }
    auto *base = dynamic_cast<ml::ModelBase *>(model.module.get());
    model.module->train(); // BatchNorm uses, and so accumulates, each batch's statistics
    torch::NoGradGuard noGrad;
    forEachSlice(images, options.batchImages, options, [&](const std::vector<size_t> &slice) {
        base->encodeImages(loadImages(data, slice, options.imageSize, options.cache).to(options.device));
    });
}

QJsonObject retrievalMetrics(TaskModel &model, const SplitData &data, const TextCodec &codec,
                             const PredictOptions &options)
{
    return recallMetrics(predictEmbeddings(model, data, usableImages(data, TaskKind::Retrieval), codec, options));
}

QJsonObject evaluate(TaskModel &model, const SplitData &data, const TextCodec &codec, const PredictOptions &options)
{
    if (model.vqa) {
        auto answers = predictAnswers(model, data, codec, options);
        return answers.empty() ? QJsonObject() : scoreAnswers(answers, data);
    }
    if (model.caption) {
        PredictOptions greedy = options;
        greedy.beam = 1; // every epoch: greedy is enough to follow progress
        return scoreCaptionPredictions(predictCaptions(model, data, codec, greedy), data);
    }
    return retrievalMetrics(model, data, codec, options);
}

} // namespace tandem::backend
