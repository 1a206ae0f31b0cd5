#pragma once
// Self-critical sequence training of the captioner (Rennie et al. 2017, with
// the multi-sample baseline of Luo 2020): captions sampled from the model are
// rewarded with their CIDEr-D against the image's reference captions, so the
// model learns what the metric rewards rather than the next word alone.
#include "batches.h"
#include "taskmodel.h"

#include "eval/captionmetrics.h"

#include <ATen/ATen.h>

#include <optional>
#include <string>

namespace tandem::backend {

struct SelfCriticalOptions {
    int64_t samplesPerImage = 5; // each sample's baseline is the mean reward of the image's others
    int64_t maxWords = 0;        // 0: captionWordLimit(), as `caption` decodes by default
};

// What a sampled caption earns against its image's references: CIDEr-D
// ("cider_d", document frequencies over the train split's captions, as the
// SCST reference code computes them) or the caption's own BLEU-4 ("bleu4").
class CaptionReward {
public:
    static bool known(const QString &metric) { return metric == "cider_d" || metric == "bleu4"; }
    // data/images: the corpus of the CIDEr-D document frequencies (the train split).
    CaptionReward(const QString &metric, const SplitData &data, const std::vector<size_t> &images,
                  const TextCodec &codec);
    double operator()(const eval::Sentences &references, const std::string &candidate) const;

private:
    std::optional<eval::CiderD> m_cider; // unset: BLEU-4
};

// A caption as the reward reads it: word ids joined by spaces, without
// <bos>/<pad>, ending before <eos>.
std::string idSentence(const int64_t *ids, int64_t count);

// The self-critical loss of a caption batch (the images' captions are the references).
at::Tensor selfCriticalLoss(TaskModel &model, const Batch &batch, const CaptionReward &reward,
                            const SelfCriticalOptions &options);

} // namespace tandem::backend
