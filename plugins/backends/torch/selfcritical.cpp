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
            captions.push_back(idSentence(ids.data(), int64_t(ids.size())));
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

std::string idSentence(const int64_t *id, int64_t count)
{
    std::string sentence;
    for (int64_t k = 0; k < count && id[k] != ml::Vocabulary::kEos; ++k) {
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
    const int64_t words = captionWordLimit(model.config, options.maxWords);
    const ml::SampledCaptions samples = model.caption->sample(batch.images, perImage, words);
    const at::Tensor texts = batch.texts.cpu().contiguous(), imageOf = batch.imageIndex.cpu().contiguous();
    const int64_t *imageOfText = imageOf.data_ptr<int64_t>();
    std::vector<eval::Sentences> references(size_t(batch.images.size(0)));
    for (int64_t row = 0; row < texts.size(0); ++row)
        references[size_t(imageOfText[row])].push_back(idSentence(texts[row].data_ptr<int64_t>(), texts.size(1)));
    const at::Tensor sampled = samples.tokens.cpu().contiguous();
    std::vector<double> rewards(size_t(sampled.size(0)));
    for (int64_t row = 0; row < sampled.size(0); ++row)
        rewards[size_t(row)] = reward(references[size_t(row / perImage)],
                                      idSentence(sampled[row].data_ptr<int64_t>(), sampled.size(1)));
    return ml::selfCriticalLoss(samples, at::tensor(rewards, at::kDouble).to(samples.logProbs.device()), perImage);
}

} // namespace tandem::backend
