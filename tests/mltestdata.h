#pragma once
// Sort-of-CLEVR batches as tensors for the tandem_ml tests: the demo generator
// makes scenes, questions and captions in memory, nothing touches the disk.
// Torch before any Qt header: Qt's `slots` macro would break torch's IValue::slots().
#include "ml/text.h"
#include "ml/vision.h"
#include "ml/vocabulary.h"

#include <ATen/ATen.h>

#include "demo/sortofclevr.h"

#include <string>
#include <vector>

namespace tandem::test {

inline std::vector<DemoSample> demoSamples(int count, int imageSize, int first = 0, quint64 seed = 7)
{
    DemoOptions options;
    options.images = first + count;
    options.imageSize = imageSize;
    options.seed = seed;
    std::vector<DemoSample> samples;
    for (int i = first; i < first + count; ++i)
        samples.push_back(generateDemoSample(options, i));
    return samples;
}

// [B, 3, S, S] in [0, 1].
inline at::Tensor demoImages(const std::vector<DemoSample> &samples)
{
    std::vector<at::Tensor> images;
    for (const auto &sample : samples) {
        const auto rgb = renderDemoScene(sample.scene);
        images.push_back(ml::imageFromRgb(rgb.data(), sample.scene.imageSize, sample.scene.imageSize));
    }
    return at::stack(images);
}

inline std::vector<std::string> questionTexts(const std::vector<DemoSample> &samples)
{
    std::vector<std::string> texts;
    for (const auto &sample : samples)
        for (const auto &question : sample.questions)
            texts.push_back(question.text);
    return texts;
}

inline std::vector<std::string> answerTexts(const std::vector<DemoSample> &samples)
{
    std::vector<std::string> answers;
    for (const auto &sample : samples)
        for (const auto &question : sample.questions)
            answers.push_back(question.answer);
    return answers;
}

struct VqaBatch {
    at::Tensor images;     // [Bi, 3, S, S]
    at::Tensor questions;  // [Bq, T]
    at::Tensor lengths;    // [Bq]
    at::Tensor imageIndex; // [Bq]
    at::Tensor answers;    // [Bq]
    std::vector<bool> relational;
};

// The first questionsPerImage questions of every sample (0: all of them).
inline VqaBatch vqaBatch(const std::vector<DemoSample> &samples, const ml::Vocabulary &vocabulary,
                         const ml::LabelSet &answers, int questionsPerImage = 0)
{
    VqaBatch batch;
    batch.images = demoImages(samples);
    std::vector<std::vector<int64_t>> questions;
    std::vector<int64_t> imageIndex, answerIndex;
    for (size_t i = 0; i < samples.size(); ++i) {
        const auto &list = samples[i].questions;
        const size_t n = questionsPerImage > 0 ? std::min(list.size(), size_t(questionsPerImage)) : list.size();
        for (size_t q = 0; q < n; ++q) {
            questions.push_back(vocabulary.encode(list[q].text));
            imageIndex.push_back(int64_t(i));
            answerIndex.push_back(answers.index(list[q].answer));
            batch.relational.push_back(isRelational(list[q].type));
        }
    }
    const ml::TokenBatch tokens = ml::padBatch(questions);
    batch.questions = tokens.ids;
    batch.lengths = tokens.lengths;
    batch.imageIndex = at::tensor(imageIndex, at::kLong);
    batch.answers = at::tensor(answerIndex, at::kLong);
    return batch;
}

} // namespace tandem::test
