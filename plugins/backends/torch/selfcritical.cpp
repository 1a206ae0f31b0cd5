#include "selfcritical.h"

#include "ml/heads.h"

namespace tandem::backend {

namespace {

eval::CiderD ciderOverCorpus(const SplitData &data, const std::vector<size_t> &images, const TextCodec &codec)
{
    std::vector<eval::Sentences> references;
    references.reserve(images.size());
    for (size_t i : images) {
        eval::Sentences captions;
        for (size_t c : data.images[i].captions) {
            const std::vector<int64_t> ids = codec.vocabulary.encode(data.captions[c].text);
            captions.push_back(idSentence(at::tensor(ids, at::kLong)));
        }
        references.push_back(std::move(captions));
    }
    return eval::CiderD(references);
}

} // namespace

CaptionReward::CaptionReward(const QString &metric, const SplitData &data, const std::vector<size_t> &images,
                             const TextCodec &codec)
{
    if (metric == QLatin1String("cider_d"))
        m_cider.emplace(ciderOverCorpus(data, images, codec));
}

double CaptionReward::operator()(const eval::Sentences &references, const std::string &candidate) const
{
    if (m_cider)
        return m_cider->score(references, candidate);
    return eval::bleu({references}, {candidate}).perImage.front()[3];
}

std::string idSentence(const at::Tensor &ids)
{
    std::string sentence;
    const int64_t *id = ids.data_ptr<int64_t>();
    for (int64_t k = 0; k < ids.numel() && id[k] != ml::Vocabulary::kEos; ++k) {
        if (id[k] == ml::Vocabulary::kBos || id[k] == ml::Vocabulary::kPad)
            continue;
        if (!sentence.empty())
            sentence += ' ';
        sentence += std::to_string(id[k]);
    }
    return sentence;
}

at::Tensor selfCriticalLoss(TaskModel &model, const Batch &batch, const CaptionReward &reward,
                            const SelfCriticalOptions &options)
{
    const int64_t perImage = options.samplesPerImage;
    const int64_t words = options.maxWords > 0 ? options.maxWords : captionWordLimit(model.config);
    const ml::SampledCaptions samples = model.caption->sample(batch.images, perImage, words);
    const at::Tensor texts = batch.texts.cpu().contiguous(), imageOf = batch.imageIndex.cpu();
    std::vector<eval::Sentences> references(size_t(batch.images.size(0)));
    for (int64_t row = 0; row < texts.size(0); ++row)
        references[size_t(imageOf[row].item<int64_t>())].push_back(idSentence(texts[row]));
    const at::Tensor sampled = samples.tokens.cpu().contiguous();
    std::vector<double> rewards(size_t(sampled.size(0)));
    for (int64_t row = 0; row < sampled.size(0); ++row)
        rewards[size_t(row)] = reward(references[size_t(row / perImage)], idSentence(sampled[row]));
    return ml::selfCriticalLoss(samples, at::tensor(rewards, at::kDouble).to(samples.logProbs.device()), perImage);
}

} // namespace tandem::backend
