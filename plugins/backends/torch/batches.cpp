#include "batches.h"

#include "ml/text.h"
#include "ml/vision.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cctype>
#include <random>

namespace tandem::backend {

uint64_t mixSeed(uint64_t seed, uint64_t epoch, uint64_t item)
{
    // splitmix64 over the three: well spread, cheap, portable.
    uint64_t z = seed * 0x9e3779b97f4a7c15ull + epoch * 0xbf58476d1ce4e5b9ull + item * 0x94d049bb133111ebull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

namespace {

// Shifts by up to size/16 pixels (edges replicated) and scales the brightness
// by up to ±10%: no flips, since questions and captions say left and right.
void augmentImage(cv::Mat &rgb, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    const int reach = std::max(1, rgb.cols / 16);
    std::uniform_int_distribution<int> shift(-reach, reach);
    std::uniform_real_distribution<double> brightness(0.9, 1.1);
    const cv::Mat move = (cv::Mat_<double>(2, 3) << 1, 0, shift(rng), 0, 1, shift(rng));
    cv::warpAffine(rgb, rgb, move, rgb.size(), cv::INTER_NEAREST, cv::BORDER_REPLICATE);
    rgb.convertTo(rgb, -1, brightness(rng), 0);
}

} // namespace

at::Tensor loadImage(const QString &path, int size, bool augment, uint64_t seed, DecodedImageCache *cache)
{
    cv::Mat image = cache ? cache->rgb(path, size) : decodeRgb(path, size);
    if (augment) {
        image = image.clone(); // the cache's copy stays as decoded
        augmentImage(image, seed);
    }
    return ml::imageFromRgb(image.data, size, size);
}

at::Tensor loadImages(const SplitData &data, const std::vector<size_t> &images, int size, DecodedImageCache *cache)
{
    std::vector<at::Tensor> pixels;
    for (size_t i : images)
        pixels.push_back(loadImage(data.images[i].path, size, false, 0, cache));
    return at::stack(pixels);
}

int questionWords(const std::string &text)
{
    int words = 0;
    bool inWord = false;
    for (const unsigned char c : text) {
        const bool part = std::isalnum(c) || c >= 0x80;
        words += part && !inWord;
        inWord = part;
    }
    return words;
}

int medianQuestionWords(const SplitData &data)
{
    std::vector<int> counts;
    for (const auto &question : data.questions)
        counts.push_back(questionWords(question.text));
    if (counts.empty())
        return 0;
    std::nth_element(counts.begin(), counts.begin() + long(counts.size() / 2), counts.end());
    return counts[counts.size() / 2];
}

std::vector<size_t> usableImages(const SplitData &data, TaskKind task)
{
    std::vector<size_t> images;
    for (size_t i = 0; i < data.images.size(); ++i) {
        const auto &image = data.images[i];
        if (task == TaskKind::Vqa ? !image.questions.empty() : !image.captions.empty())
            images.push_back(i);
    }
    return images;
}

Batch makeBatch(const SplitData &data, const std::vector<size_t> &images, const ml::Vocabulary &vocabulary,
                const ml::LabelSet &labels, const BatchOptions &options)
{
    std::vector<at::Tensor> pixels;
    std::vector<std::vector<int64_t>> texts;
    std::vector<int64_t> imageIndex, targets;
    for (size_t row = 0; row < images.size(); ++row) {
        const ImageItem &image = data.images[images[row]];
        const uint64_t seed = mixSeed(options.seed, uint64_t(options.epoch), uint64_t(image.id));
        pixels.push_back(loadImage(image.path, options.imageSize, options.augment, seed, options.cache));
        if (options.task == TaskKind::Vqa) {
            for (size_t q : image.questions) {
                const int64_t target = labels.index(data.questions[q].label);
                if (options.training && target < 0)
                    continue;
                if (options.training && options.maxQuestionWords > 0
                    && questionWords(data.questions[q].text) > options.maxQuestionWords)
                    continue;
                texts.push_back(vocabulary.encode(data.questions[q].text));
                targets.push_back(target);
                imageIndex.push_back(int64_t(row));
            }
        } else if (options.task == TaskKind::Caption) {
            for (size_t c : image.captions) {
                auto ids = vocabulary.encode(data.captions[c].text, true);
                if (int64_t(ids.size()) > options.maxLength) { // keep the <eos>
                    ids.resize(size_t(options.maxLength));
                    ids.back() = ml::Vocabulary::kEos;
                }
                texts.push_back(std::move(ids));
                imageIndex.push_back(int64_t(row));
            }
        } else { // retrieval: one caption per image, a different one each epoch
            const size_t pick = size_t(seed % image.captions.size());
            texts.push_back(vocabulary.encode(data.captions[image.captions[pick]].text));
            imageIndex.push_back(int64_t(row));
        }
    }
    Batch batch;
    batch.images = at::stack(pixels);
    const ml::TokenBatch tokens = ml::padBatch(texts, options.maxLength);
    batch.texts = tokens.ids;
    batch.lengths = tokens.lengths;
    batch.imageIndex = at::tensor(imageIndex, at::kLong);
    if (!targets.empty())
        batch.targets = at::tensor(targets, at::kLong);
    batch.samples = int64_t(texts.size());
    return batch;
}

} // namespace tandem::backend
