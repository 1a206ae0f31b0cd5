#pragma once
// Samples of a split as tensors: images decoded with OpenCV, resized to a
// square and scaled to [0, 1] (lightly augmented for training), texts encoded
// with the model's vocabulary. A batch is a set of images with all of their
// questions (VQA) or captions, so each image is encoded once per step.
#include "imagecache.h"
#include "projectdata.h"

#include "ml/vocabulary.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::backend {

struct Batch {
    at::Tensor images;     // [Bi, 3, S, S]
    at::Tensor texts;      // [Bt, T] word ids (captions: <bos> … <eos>)
    at::Tensor lengths;    // [Bt]
    at::Tensor imageIndex; // [Bt] row of images each text belongs to
    at::Tensor targets;    // VQA: [Bt] answer index
    int64_t samples = 0;   // questions, captions or pairs
};

struct BatchOptions {
    TaskKind task = TaskKind::Vqa;
    int imageSize = 64;
    int64_t maxLength = 32;    // words per text at most
    bool augment = false;
    uint64_t seed = 1;
    int64_t epoch = 0;         // with the seed, picks augmentations and retrieval captions
    bool training = true;      // VQA: leave out questions whose answer is not a class (no target)
    int maxQuestionWords = 0;  // VQA, training: leave out longer questions (0: none); see TrainRequest::curriculumEpochs
    DecodedImageCache *cache = nullptr; // the run's decoded images; null: decode every time
};

// [3, S, S] in [0, 1], through the cache when there is one. Throws
// std::runtime_error naming the file when it cannot be decoded.
at::Tensor loadImage(const QString &path, int size, bool augment, uint64_t seed, DecodedImageCache *cache = nullptr);

// [B, 3, S, S]: the images at these indices of data.images, not augmented.
at::Tensor loadImages(const SplitData &data, const std::vector<size_t> &images, int size,
                      DecodedImageCache *cache = nullptr);

// The images that have something to learn from for the task (questions, captions).
std::vector<size_t> usableImages(const SplitData &data, TaskKind task);

Batch makeBatch(const SplitData &data, const std::vector<size_t> &images, const ml::Vocabulary &vocabulary,
                const ml::LabelSet &labels, const BatchOptions &options);

// Words in a question, as the curriculum counts them (runs of letters and digits).
int questionWords(const std::string &text);
// The median of questionWords over the split's questions (0 without any).
int medianQuestionWords(const SplitData &data);

// A seed for one (run seed, epoch, item) triple, independent of any thread or order.
uint64_t mixSeed(uint64_t seed, uint64_t epoch, uint64_t item);

} // namespace tandem::backend
