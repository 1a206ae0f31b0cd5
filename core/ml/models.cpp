#include "ml/models.h"

#include "ml/vocabulary.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace tandem::ml {
namespace {

// Every config field with its key, in file order. One list serves writing,
// reading and comparing, so a new field cannot be forgotten by one of them.
template <typename Config, typename Visit>
void visitFields(Config &c, Visit &&visit)
{
    visit("task", c.task);
    visit("vision", c.vision);
    visit("vision_channels", c.visionChannels);
    visit("vision_stages", c.visionStages);
    visit("coordinate_channels", c.coordinateChannels);
    visit("pixel_channels", c.pixelChannels);
    visit("object_positions", c.objectPositions);
    visit("append_coordinates", c.appendCoordinates);
    visit("text", c.text);
    visit("vocab_size", c.vocabSize);
    visit("embed_dim", c.embedDim);
    visit("text_dim", c.textDim);
    visit("text_layers", c.textLayers);
    visit("text_heads", c.textHeads);
    visit("max_length", c.maxLength);
    visit("text_pooling", c.textPooling);
    visit("fusion", c.fusion);
    visit("fusion_hidden", c.fusionHidden);
    visit("fusion_dim", c.fusionDim);
    visit("fusion_heads", c.fusionHeads);
    visit("mfb_factor", c.mfbFactor);
    visit("relation_layers", c.relationLayers);
    visit("film_blocks", c.filmBlocks);
    visit("film_context", c.filmContext);
    visit("film_attention", c.filmAttention);
    visit("film_gate", c.filmGate);
    visit("film_relative", c.filmRelative);
    visit("num_answers", c.numAnswers);
    visit("answer_hidden", c.answerHidden);
    visit("decoder_dim", c.decoderDim);
    visit("attention_dim", c.attentionDim);
    visit("retrieval_dim", c.retrievalDim);
    visit("dropout", c.dropout);
}

std::string formatValue(const std::string &v) { return v; }
std::string formatValue(int64_t v) { return std::to_string(v); }
std::string formatValue(bool v) { return v ? "true" : "false"; }
std::string formatValue(double v)
{
    std::ostringstream out;
    out.precision(17);
    out << v;
    return out.str();
}

bool parseValue(const std::string &text, std::string &out)
{
    out = text;
    return true;
}
bool parseValue(const std::string &text, int64_t &out)
{
    char *end = nullptr;
    errno = 0;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0)
        return false;
    out = v;
    return true;
}
bool parseValue(const std::string &text, bool &out)
{
    if (text != "true" && text != "false")
        return false;
    out = text == "true";
    return true;
}
bool parseValue(const std::string &text, double &out)
{
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || errno != 0)
        return false;
    out = v;
    return true;
}

std::string trimmed(const std::string &s)
{
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

bool isOneOf(const std::string &value, const std::vector<std::string> &allowed)
{
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::string joined(const std::vector<std::string> &names)
{
    std::string text;
    for (const auto &name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

VisionOptions visionOptions(const ModelConfig &c)
{
    VisionOptions o;
    o.kind = c.vision;
    o.channels = c.visionChannels;
    o.stages = c.visionStages;
    o.coordinateChannels = c.coordinateChannels;
    o.pixelChannels = c.pixelChannels;
    o.objectPositions = c.objectPositions;
    return o;
}

TextOptions textOptions(const ModelConfig &c)
{
    TextOptions o;
    o.kind = c.text;
    o.vocabSize = c.vocabSize;
    o.embedDim = c.embedDim;
    o.hiddenDim = c.textDim;
    o.layers = c.textLayers;
    o.heads = c.textHeads;
    o.maxLength = c.maxLength;
    o.pooling = c.textPooling;
    o.dropout = c.dropout;
    return o;
}

} // namespace

std::string configToString(const ModelConfig &config)
{
    std::string text;
    visitFields(config, [&](const char *key, const auto &value) { text += std::string(key) + '=' + formatValue(value) + '\n'; });
    return text;
}

Result<ModelConfig> configFromString(const std::string &text)
{
    ModelConfig config;
    std::istringstream lines(text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        line = trimmed(line);
        if (line.empty() || line[0] == '#')
            continue;
        const auto equals = line.find('=');
        if (equals == std::string::npos)
            return Result<ModelConfig>::failure("model config line " + std::to_string(number) + ": expected key=value");
        const std::string key = trimmed(line.substr(0, equals)), value = trimmed(line.substr(equals + 1));
        bool known = false, parsed = false;
        visitFields(config, [&](const char *name, auto &field) {
            if (key == name) {
                known = true;
                parsed = parseValue(value, field);
            }
        });
        if (!known)
            return Result<ModelConfig>::failure("model config line " + std::to_string(number) + ": unknown key '" + key + "'");
        if (!parsed)
            return Result<ModelConfig>::failure("model config line " + std::to_string(number) + ": cannot read '" + value
                                                + "' as the value of " + key);
    }
    return config;
}

std::vector<std::string> architectureDifferences(const ModelConfig &a, const ModelConfig &b)
{
    std::vector<std::pair<std::string, std::string>> valuesA;
    visitFields(a, [&](const char *key, const auto &value) { valuesA.emplace_back(key, formatValue(value)); });
    std::vector<std::string> differences;
    size_t i = 0;
    visitFields(b, [&](const char *key, const auto &value) {
        const std::string other = formatValue(value);
        if (std::string(key) != "dropout" && valuesA[i].second != other)
            differences.push_back(std::string(key) + ": '" + valuesA[i].second + "' vs '" + other + "'");
        ++i;
    });
    return differences;
}

Outcome validateConfig(const ModelConfig &c)
{
    const auto fail = [](const std::string &message) { return Outcome::failure("model config: " + message); };
    if (!isOneOf(c.task, {"vqa", "caption", "retrieval"}))
        return fail("unknown task '" + c.task + "' (vqa, caption, retrieval)");
    if (!isOneOf(c.vision, {"cnn", "resnet"}))
        return fail("unknown vision encoder '" + c.vision + "' (cnn, resnet)");
    if (!isOneOf(c.text, {"gru", "transformer"}))
        return fail("unknown text encoder '" + c.text + "' (gru, transformer)");
    if (!isOneOf(c.textPooling, {"mean", "cls", "max"}))
        return fail("unknown text pooling '" + c.textPooling + "' (mean, cls, max)");
    if (c.task == "vqa" && !isOneOf(c.fusion, fusionNames()))
        return fail("unknown fusion '" + c.fusion + "' (" + joined(fusionNames()) + ")");
    if (c.vocabSize <= Vocabulary::kSpecials)
        return fail("vocab_size must count the words as well as the 4 special tokens");
    if (c.task == "vqa" && c.numAnswers < 2)
        return fail("num_answers must be at least 2 for VQA");
    const int64_t sizes[] = {c.visionChannels, c.visionStages, c.embedDim, c.textDim, c.textLayers, c.textHeads, c.maxLength,
                             c.fusionHidden, c.fusionDim, c.fusionHeads, c.mfbFactor, c.relationLayers,
                             c.filmBlocks, c.answerHidden, c.decoderDim, c.attentionDim, c.retrievalDim};
    if (*std::min_element(std::begin(sizes), std::end(sizes)) < 1)
        return fail("every size and count must be at least 1");
    if (c.text == "transformer" && c.textDim % c.textHeads != 0)
        return fail("text_dim " + std::to_string(c.textDim) + " is not a multiple of text_heads "
                    + std::to_string(c.textHeads));
    if (c.task == "vqa" && c.fusion == "cross_attention" && c.fusionHidden % c.fusionHeads != 0)
        return fail("fusion_hidden " + std::to_string(c.fusionHidden) + " is not a multiple of fusion_heads "
                    + std::to_string(c.fusionHeads));
    if (c.filmRelative && !(c.filmAttention && c.appendCoordinates))
        return fail("film_relative needs film_attention=true and append_coordinates=true (it measures from the "
                    "attended region's centre)");
    if (c.pixelChannels < 0)
        return fail("pixel_channels must be 0 (none) or more");
    if (c.objectPositions && !(c.pixelChannels > 0 && c.appendCoordinates))
        return fail("object_positions needs pixel_channels above 0 and append_coordinates=true (the pixel path "
                    "finds the positions, the appended coordinates carry them); with pixel_channels=0 set "
                    "object_positions=false as well");
    if (c.visionStages > 6)
        return fail("vision_stages must be 1 to 6");
    if (c.vision == "resnet" && c.visionStages < 2)
        return fail("the resnet needs vision_stages of at least 2 (a stem and one stage)");
    if (c.dropout < 0 || c.dropout >= 1)
        return fail("dropout must be in [0, 1)");
    return {};
}

// ---- models -------------------------------------------------------------------

ModelBase::ModelBase(const ModelConfig &config) : m_config(config)
{
    const Outcome valid = validateConfig(config);
    TORCH_CHECK(valid.ok(), valid.ok() ? std::string() : valid.error());
    m_vision = register_module("vision", makeVisionEncoder(visionOptions(config)));
}

VisionFeatures ModelBase::encodeImages(const at::Tensor &images)
{
    VisionFeatures features = m_vision->forward(images);
    if (m_config.appendCoordinates)
        features.regions = appendCoordinates(features);
    return features;
}

int64_t ModelBase::featureChannels() const
{
    return m_vision->outputDim();
}

int64_t ModelBase::regionDim() const
{
    return m_vision->outputDim() + (m_config.appendCoordinates ? 2 : 0);
}

VqaModelImpl::VqaModelImpl(const ModelConfig &config) : ModelBase(config)
{
    m_text = register_module("text", makeTextEncoder(textOptions(config)));
    FusionOptions fusion;
    fusion.regionDim = regionDim();
    fusion.questionDim = m_text->outputDim();
    fusion.hiddenDim = config.fusionHidden;
    fusion.outputDim = config.fusionDim;
    fusion.heads = config.fusionHeads;
    fusion.mfbFactor = config.mfbFactor;
    fusion.relationLayers = config.relationLayers;
    fusion.filmBlocks = config.filmBlocks;
    fusion.filmContext = config.filmContext;
    fusion.filmAttention = config.filmAttention;
    fusion.filmGate = config.filmGate;
    fusion.filmRelative = config.filmRelative;
    fusion.numAnswers = config.numAnswers;
    fusion.dropout = config.dropout;
    m_fusion = register_module("fusion", makeFusion(config.fusion, fusion));

    AnswerHeadOptions head;
    head.inputDim = m_fusion->outputDim();
    head.hiddenDim = config.answerHidden;
    head.numAnswers = config.numAnswers;
    head.dropout = config.dropout;
    head.inputIsScores = m_fusion->outputsAnswerScores();
    m_head = register_module("head", AnswerHead(head));
}

at::Tensor VqaModelImpl::forward(const at::Tensor &images, const at::Tensor &questions, const at::Tensor &lengths,
                                 const at::Tensor &imageIndex) // [Bi,3,H,W],[Bq,T],[Bq],[Bq] -> [Bq,A]
{
    return answer(encodeImages(images), questions, lengths, imageIndex);
}

at::Tensor VqaModelImpl::answer(const VisionFeatures &features, const at::Tensor &questions,
                                const at::Tensor &lengths, const at::Tensor &imageIndex) // -> [Bq,A]
{
    return m_head->forward(fuse(features, questions, lengths, imageIndex));
}

at::Tensor VqaModelImpl::fuse(const VisionFeatures &features, const at::Tensor &questions, const at::Tensor &lengths,
                              const at::Tensor &imageIndex) // -> [Bq,D]
{
    // Dropout draws a mask per text: rows that share an encoding would share it.
    const bool ownMasks = is_training() && m_config.dropout > 0;
    const DistinctTexts distinct = ownMasks ? DistinctTexts{questions, lengths, {}} : distinctTexts(questions, lengths);
    const TextEncoding encoded = m_text->forward(distinct.ids, distinct.lengths);
    if (m_fusion->takesDistinctQuestions()) // FiLM: its generator too runs once per text
        return m_fusion->forward(features.regions, encoded.pooled, {}, {}, imageIndex, distinct.index);
    const TextEncoding question = spreadTexts(encoded, distinct.index);
    return m_fusion->forward(features.regions, question.pooled, question.tokens, question.mask, imageIndex);
}

CaptionModelImpl::CaptionModelImpl(const ModelConfig &config) : ModelBase(config)
{
    CaptionerOptions options;
    options.regionDim = regionDim();
    options.vocabSize = config.vocabSize;
    options.embedDim = config.embedDim;
    options.hiddenDim = config.decoderDim;
    options.attentionDim = config.attentionDim;
    options.dropout = config.dropout;
    m_captioner = register_module("captioner", AttentionCaptioner(options));
}

CaptionerOutput CaptionModelImpl::forward(const at::Tensor &images, const at::Tensor &captions,
                                          const at::Tensor &imageIndex) // [Bi,3,H,W],[Bc,T] -> [Bc,T-1,V],[Bc,T-1,R]
{
    return m_captioner->forward(perItem(encodeImages(images).regions, imageIndex), captions);
}

std::vector<DecodedCaption> CaptionModelImpl::greedy(const at::Tensor &images, int64_t maxLength)
{
    return m_captioner->greedy(encodeImages(images), maxLength);
}

std::vector<DecodedCaption> CaptionModelImpl::beamSearch(const at::Tensor &images, int64_t beam, int64_t maxLength,
                                                         double lengthPenalty)
{
    return m_captioner->beamSearch(encodeImages(images), beam, maxLength, lengthPenalty);
}

SampledCaptions CaptionModelImpl::sample(const at::Tensor &images, int64_t perImage, int64_t maxLength)
{
    return m_captioner->sample(encodeImages(images).regions.repeat_interleave(perImage, 0), maxLength);
}

RetrievalModelImpl::RetrievalModelImpl(const ModelConfig &config) : ModelBase(config)
{
    m_text = register_module("text", makeTextEncoder(textOptions(config)));
    ContrastiveOptions options;
    options.imageDim = regionDim();
    options.textDim = m_text->outputDim();
    options.embedDim = config.retrievalDim;
    m_head = register_module("head", ContrastiveHead(options));
}

at::Tensor RetrievalModelImpl::forward(const at::Tensor &images, const at::Tensor &texts,
                                       const at::Tensor &lengths) // [B,3,H,W],[B,T],[B] -> []
{
    return symmetricInfoNce(embedImages(images), embedTexts(texts, lengths), m_head->logitScale());
}

at::Tensor RetrievalModelImpl::embedImages(const at::Tensor &images) // [B,3,H,W] -> [B,E]
{
    return embedFeatures(encodeImages(images));
}

at::Tensor RetrievalModelImpl::embedFeatures(const VisionFeatures &features) // regions [B,R,D] -> [B,E]
{
    return m_head->embedImage(features.regions.mean(1));
}

at::Tensor RetrievalModelImpl::embedTexts(const at::Tensor &texts, const at::Tensor &lengths) // [B,T] -> [B,E]
{
    return m_head->embedText(m_text->forward(texts, lengths).pooled);
}

} // namespace tandem::ml
