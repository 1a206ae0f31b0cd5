#include "torchscriptexport.h"

#include "externalmodel.h"
#include "inference.h"

#include "formats/textfile.h"

#include <c10/core/InferenceMode.h>
#include <torch/script.h>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace tandem::backend {

namespace {

// The TorchScript source of one model and the tensors it reads, registered on
// the module under their checkpoint names with '.' as '_'.
class ScriptWriter {
public:
    explicit ScriptWriter(torch::nn::Module &model)
    {
        for (const auto &p : model.named_parameters())
            m_tensors[p.key()] = p.value();
        for (const auto &b : model.named_buffers())
            m_tensors[b.key()] = b.value();
    }

    // `self.<name>`, registered on first use.
    std::string ref(const std::string &name)
    {
        const auto found = m_tensors.find(name);
        if (found == m_tensors.end())
            throw std::runtime_error("the model has no tensor '" + name + "' to export");
        std::string attribute = name;
        for (char &c : attribute)
            if (c == '.')
                c = '_';
        if (m_registered.insert(attribute).second)
            m_module.register_buffer(attribute, found->second.detach().to(at::kCPU).clone());
        return "self." + attribute;
    }
    bool has(const std::string &name) const { return m_tensors.count(name) > 0; }
    // The Linear layers of a Sequential ("head.mlp"): the indices that have a weight and a bias, in order.
    std::vector<std::string> linears(const std::string &prefix) const
    {
        std::vector<std::pair<int, std::string>> found;
        for (const auto &[name, tensor] : m_tensors) {
            if (name.rfind(prefix + ".", 0) != 0 || name.size() < 7 || name.compare(name.size() - 7, 7, ".weight") != 0)
                continue;
            const std::string index = name.substr(prefix.size() + 1, name.size() - prefix.size() - 8);
            if (!index.empty() && index.find_first_not_of("0123456789") == std::string::npos && tensor.dim() == 2)
                found.emplace_back(std::stoi(index), prefix + "." + index);
        }
        std::sort(found.begin(), found.end());
        std::vector<std::string> layers;
        for (const auto &f : found)
            layers.push_back(f.second);
        return layers;
    }
    std::string linear(const std::string &input, const std::string &layer)
    {
        return "torch.linear(" + input + ", " + ref(layer + ".weight") + ", " + (has(layer + ".bias") ? ref(layer + ".bias") : "None") + ")";
    }

    std::ostringstream source;
    torch::jit::Module m_module{"TandemVqa"};

private:
    std::map<std::string, at::Tensor> m_tensors;
    std::set<std::string> m_registered;
};

// Conv2d without bias (3x3 padded by 1, or 1x1) then BatchNorm2d in eval mode.
std::string convBn(ScriptWriter &w, const std::string &input, const std::string &conv, const std::string &bn, int stride, int padding)
{
    const std::string st = std::to_string(stride), pad = std::to_string(padding);
    return "torch.batch_norm(torch.conv2d(" + input + ", " + w.ref(conv + ".weight") + ", None, [" + st + ", " + st + "], [" + pad + ", "
           + pad + "]), " + w.ref(bn + ".weight") + ", " + w.ref(bn + ".bias") + ", " + w.ref(bn + ".running_mean") + ", "
           + w.ref(bn + ".running_var") + ", False, 0.0, 1e-05, False)";
}

// SmallResNetImpl: a stride-2 stem, then per stage a stride-2 basic block and a stride-1 one.
void writeResNet(ScriptWriter &w, const ml::ModelConfig &c)
{
    auto &s = w.source;
    s << "    x = torch.relu(" << convBn(w, "x", "vision.stem.0", "vision.stem.1", 2, 1) << ")\n";
    for (int64_t i = 0; i < 2 * (c.visionStages - 1); ++i) {
        const std::string b = "vision.blocks." + std::to_string(i);
        const int stride = i % 2 == 0 ? 2 : 1;
        s << "    out = torch.relu(" << convBn(w, "x", b + ".conv1", b + ".bn1", stride, 1) << ")\n"
          << "    out = " << convBn(w, "out", b + ".conv2", b + ".bn2", 1, 1) << "\n"
          << "    x = torch.relu(out + " << (w.has(b + ".shortcut_conv.weight") ? convBn(w, "x", b + ".shortcut_conv", b + ".shortcut_bn", stride, 0) : std::string("x"))
          << ")\n";
    }
}

void writeVision(ScriptWriter &w, const ml::ModelConfig &c)
{
    auto &s = w.source;
    s << "    x = images\n";
    if (c.coordinateChannels)
        s << "    b = images.size(0)\n    h = images.size(2)\n    w = images.size(3)\n"
             "    ys = torch.linspace(-1.0, 1.0, h, dtype=images.dtype, device=images.device).view(1, 1, h, 1).expand(b, 1, h, w)\n"
             "    xs = torch.linspace(-1.0, 1.0, w, dtype=images.dtype, device=images.device).view(1, 1, 1, w).expand(b, 1, h, w)\n"
             "    x = torch.cat([images, xs, ys], 1)\n";
    if (c.pixelChannels > 0)
        s << "    inputs = x\n";
    if (c.vision == "resnet")
        writeResNet(w, c);
    for (int64_t stage = 0; c.vision == "cnn" && stage < c.visionStages; ++stage)
        s << "    x = torch.relu(" << convBn(w, "x", "vision.layers." + std::to_string(3 * stage), "vision.layers." + std::to_string(3 * stage + 1), 2, 1)
          << ")\n";
    if (c.pixelChannels > 0) // PixelPathImpl: 3x3 and 1x1 at full resolution, each region's maximum
        s << "    pixel = torch.relu(" << convBn(w, "inputs", "vision.pixel.layers.0", "vision.pixel.layers.1", 1, 1) << ")\n"
          << "    pixel = torch.relu(" << convBn(w, "pixel", "vision.pixel.layers.3", "vision.pixel.layers.4", 1, 0) << ")\n"
          << "    x = torch.cat([x, torch.adaptive_max_pool2d(pixel, [x.size(2), x.size(3)])[0]], 1)\n";
    const double bound = ml::PixelPathImpl::kScoreBound;
    if (c.objectPositions) // PixelPathImpl's positions: a softmax of the pixels' scores over each region
        s << "    score = torch.conv2d(pixel, " << w.ref("vision.pixel.score.weight") << ", " << w.ref("vision.pixel.score.bias") << ")\n"
          << "    weight = torch.exp(" << bound << " * torch.tanh(score / " << bound << ") - " << bound << ")\n"
          << "    py = ((torch.arange(pixel.size(2), dtype=x.dtype, device=x.device) + 0.5) * (2.0 / pixel.size(2)) - 1.0).view(1, 1, -1, 1)\n"
          << "    px = ((torch.arange(pixel.size(3), dtype=x.dtype, device=x.device) + 0.5) * (2.0 / pixel.size(3)) - 1.0).view(1, 1, 1, -1)\n"
          << "    sums = torch.adaptive_avg_pool2d(torch.cat([weight * px, weight * py, weight], 1), [x.size(2), x.size(3)])\n"
          << "    positions = (sums[:, 0:2] / sums[:, 2:3]).flatten(2).transpose(1, 2)\n";
    s << "    features = x\n    regions = x.flatten(2).transpose(1, 2)\n    gh = x.size(2)\n    gw = x.size(3)\n";
    if (c.objectPositions)
        s << "    regions = torch.cat([regions, positions], -1)\n";
    else if (c.appendCoordinates)
        s << "    cy = (torch.arange(gh, dtype=x.dtype, device=x.device) + 0.5) * (2.0 / gh) - 1.0\n"
             "    cx = (torch.arange(gw, dtype=x.dtype, device=x.device) + 0.5) * (2.0 / gw) - 1.0\n"
             "    xy = torch.stack([cx.view(1, gw).expand(gh, gw), cy.view(gh, 1).expand(gh, gw)], -1)"
             ".reshape(1, gh * gw, 2).expand(regions.size(0), gh * gw, 2)\n"
             "    regions = torch.cat([regions, xy], -1)\n";
}

// The GRU's last layer at each text's last word: what the packed GRU's final
// hidden state holds (a GRU never looks ahead, so the padding after it does not count).
std::string number(double x)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", x);
    return text;
}

std::string layerNorm(ScriptWriter &w, const std::string &input, const std::string &module, int64_t width)
{
    return "torch.layer_norm(" + input + ", [" + std::to_string(width) + "], " + w.ref(module + ".weight") + ", " + w.ref(module + ".bias") + ", 1e-05)";
}

// ml::maskedMax: the question as each feature's largest value over the real words.
const char *const maxOverWords = "    question = words.masked_fill(mask.logical_not().unsqueeze(-1), -1e9).max(1)[0]\n";

// TransformerTextEncoderImpl: LibTorch's post-norm encoder layers (self-attention
// with the padding masked, a ReLU feed-forward), a final LayerNorm, and the
// masked mean of the tokens (or the [CLS] position) as the question.
void writeTransformerText(ScriptWriter &w, const ml::ModelConfig &c)
{
    auto &s = w.source;
    const int64_t d = c.textDim, heads = c.textHeads, perHead = d / heads;
    const bool cls = c.textPooling == "cls";
    const std::string D = std::to_string(d);
    s << "    counts = lengths.clamp(1, tokens.size(1))\n"
      << "    mask = torch.arange(tokens.size(1), device=tokens.device).unsqueeze(0) < counts.unsqueeze(1)\n"
      << "    x = torch.embedding(" << w.ref("text.embedding.weight") << ", tokens, 0) * " << number(std::sqrt(double(d))) << "\n"
      << "    keep = mask\n";
    if (cls)
        s << "    x = torch.cat([" << w.ref("text.cls") << ".view(1, 1, " << D << ").expand(tokens.size(0), 1, " << D << "), x], 1)\n"
          << "    keep = torch.cat([torch.ones_like(mask[:, :1]), mask], 1)\n";
    s << "    x = x + " << w.ref("text.positions") << "[:x.size(1)].unsqueeze(0)\n"
      << "    padding = keep.logical_not().view(x.size(0), 1, 1, x.size(1))\n";
    for (int64_t i = 0; i < c.textLayers; ++i) {
        const std::string l = "text.layers." + std::to_string(i);
        const std::string heads4 = ".view(x.size(0), x.size(1), " + std::to_string(heads) + ", " + std::to_string(perHead) + ").transpose(1, 2)";
        s << "    qkv = torch.linear(x, " << w.ref(l + ".self_attn.in_proj_weight") << ", " << w.ref(l + ".self_attn.in_proj_bias") << ").chunk(3, -1)\n"
          << "    q_ = (qkv[0] * " << number(std::pow(double(perHead), -0.5)) << ")" << heads4 << "\n"
          << "    k_ = qkv[1]" << heads4 << "\n    v_ = qkv[2]" << heads4 << "\n"
          << "    att = torch.softmax(torch.matmul(q_, k_.transpose(-1, -2)).masked_fill(padding, float('-inf')), -1)\n"
          << "    o = " << w.linear("torch.matmul(att, v_).transpose(1, 2).reshape(x.size(0), x.size(1), " + D + ")", l + ".self_attn.out_proj") << "\n"
          << "    x = " << layerNorm(w, "x + o", l + ".norm1", d) << "\n"
          << "    x = " << layerNorm(w, "x + " + w.linear("torch.relu(" + w.linear("x", l + ".linear1") + ")", l + ".linear2"), l + ".norm2", d) << "\n";
    }
    s << "    x = " << layerNorm(w, "x", "text.norm", d) << "\n"
      << "    words = " << (cls ? "x[:, 1:]" : "x") << " * mask.unsqueeze(-1).to(x.dtype)\n";
    if (cls)
        s << "    question = x[:, 0]\n";
    else if (c.textPooling == "max")
        s << maxOverWords;
    else
        s << "    kept = mask.to(x.dtype).unsqueeze(-1)\n    question = (words * kept).sum(1) / kept.sum(1).clamp_min(1.0)\n";
}

void writeText(ScriptWriter &w, const ml::ModelConfig &c)
{
    auto &s = w.source;
    if (c.text == "transformer")
        return writeTransformerText(w, c);
    std::string params;
    for (int64_t layer = 0; layer < c.textLayers; ++layer)
        for (const char *kind : {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"})
            params += (params.empty() ? "" : ", ") + w.ref("text.gru." + std::string(kind) + std::to_string(layer));
    s << "    counts = lengths.clamp(1, tokens.size(1))\n"
      << "    embedded = torch.embedding(" << w.ref("text.embedding.weight") << ", tokens, 0)\n"
      << "    h0 = torch.zeros(" << c.textLayers << ", tokens.size(0), " << c.textDim << ", dtype=embedded.dtype, device=embedded.device)\n"
      << "    words, last = torch.gru(embedded, h0, [" << params << "], True, " << c.textLayers << ", 0.0, False, False, True)\n"
      << "    question = words[torch.arange(tokens.size(0), device=tokens.device), counts - 1]\n"
      << "    mask = torch.arange(tokens.size(1), device=tokens.device).unsqueeze(0) < counts.unsqueeze(1)\n";
    if (c.textPooling == "max")
        s << maxOverWords;
}

// Factorised bilinear pooling of two projections, as MfbFusionImpl::factorizedBilinear.
std::string mfbPool(const std::string &product, const ml::ModelConfig &c)
{
    return "    z = " + product + "\n    z = z.view(z.shape[:-1] + [" + std::to_string(c.fusionDim) + ", " + std::to_string(c.mfbFactor)
           + "]).sum(-1)\n    z = torch.sign(z) * torch.sqrt(torch.abs(z) + 1e-08)\n    z = z / z.norm(2, -1, True).clamp_min(1e-12)\n";
}

// AttentionPoolImpl: `query` attends over `keys`; sets <name> (the pooled
// vector) and <name>_w (the weights, [B, heads, N]).
void writeAttentionPool(ScriptWriter &w, const ml::ModelConfig &c, const std::string &module, const std::string &query,
                        const std::string &keys, bool masked, const std::string &name)
{
    const int64_t heads = c.fusionHeads, perHead = c.fusionHidden / heads;
    char scale[32];
    std::snprintf(scale, sizeof scale, "%.17g", std::sqrt(double(perHead)));
    auto &s = w.source;
    const std::string view = ".view(" + keys + ".size(0), " + keys + ".size(1), " + std::to_string(heads) + ", " + std::to_string(perHead) + ").transpose(1, 2)";
    s << "    q_ = " << w.linear(query, module + ".query") << ".view(" << keys << ".size(0), " << heads << ", 1, " << perHead << ")\n"
      << "    k_ = " << w.linear(keys, module + ".key") << view << "\n"
      << "    v_ = " << w.linear(keys, module + ".value") << view << "\n"
      << "    scores = torch.matmul(q_, k_.transpose(-1, -2)).squeeze(2) / " << scale << "\n";
    if (masked)
        s << "    scores = scores.masked_fill(mask.logical_not().unsqueeze(1), -1e9)\n";
    s << "    " << name << "_w = torch.softmax(scores, -1)\n"
      << "    " << name << " = " << w.linear("torch.matmul(" + name + "_w.unsqueeze(2), v_).squeeze(2).reshape(" + keys + ".size(0), " + std::to_string(heads * perHead) + ")", module + ".out") << "\n";
}

// The fusions that attend: mfb, cross_attention and relation. Each also sets
// `attention` [B, gh, gw], the map Tandem's own explain shows for it.
bool writeAttendingFusion(ScriptWriter &w, const ml::ModelConfig &c)
{
    auto &s = w.source;
    const std::string h = std::to_string(c.fusionHidden);
    if (c.fusion == "mfb") {
        const auto score = w.linears("fusion.attention_score");
        s << mfbPool(w.linear("regions", "fusion.attention_image") + " * " + w.linear("question", "fusion.attention_question") + ".unsqueeze(1)", c)
          << "    weights = torch.softmax(" << w.linear("torch.relu(" + w.linear("z", score.at(0)) + ")", score.at(1)) << ".squeeze(-1), 1)\n"
          << "    attended = torch.bmm(weights.unsqueeze(1), regions).squeeze(1)\n"
          << mfbPool(w.linear("attended", "fusion.image") + " * " + w.linear("question", "fusion.question"), c)
          << "    fused = z\n    attention = weights.view(-1, gh, gw)\n";
        return true;
    }
    if (c.fusion == "cross_attention") {
        writeAttentionPool(w, c, "fusion.over_regions", "question", "regions", false, "seen");
        s << "    x = " << layerNorm(w, w.linear("question", "fusion.question_in") + " + seen", "fusion.norm1", c.fusionHidden) << "\n";
        writeAttentionPool(w, c, "fusion.over_tokens", "x", "words", true, "read");
        const auto mlp = w.linears("fusion.mlp");
        s << "    x = " << layerNorm(w, "x + read", "fusion.norm2", c.fusionHidden) << "\n"
          << "    x = " << layerNorm(w, "x + " + w.linear("torch.relu(" + w.linear("x", mlp.at(0)) + ")", mlp.at(1)), "fusion.norm3", c.fusionHidden) << "\n"
          << "    fused = torch.relu(" << w.linear("x", "fusion.output") << ")\n"
          << "    attention = seen_w.mean(1).view(-1, gh, gw)\n";
        return true;
    }
    if (c.fusion == "relation") {
        const auto f = w.linears("fusion.f");
        s << "    r = regions.size(1)\n"
          << "    pairs = torch.relu(" << w.linear("regions", "fusion.g_first_i") << ".unsqueeze(2) + " << w.linear("regions", "fusion.g_first_j")
          << ".unsqueeze(1) + " << w.linear("question", "fusion.g_first_q") << ".view(-1, 1, 1, " << h << ")).view(-1, r * r, " << h << ")\n";
        for (const std::string &layer : w.linears("fusion.g_rest"))
            s << "    pairs = torch.relu(" << w.linear("pairs", layer) << ")\n";
        s << "    fused = torch.relu(" << w.linear("torch.relu(" + w.linear("pairs.mean(1)", f.at(0)) + ")", f.at(1)) << ")\n"
          << "    size = pairs.abs().sum(2).view(-1, r, r)\n    share = size.sum(2) + size.sum(1)\n"
          << "    attention = (share / share.sum(1, True).clamp_min(1e-12)).view(-1, gh, gw)\n";
        return true;
    }
    return false;
}

bool attends(const ml::ModelConfig &c)
{
    return c.fusion == "mfb" || c.fusion == "cross_attention" || c.fusion == "relation" || (c.fusion == "film" && c.filmAttention);
}

void writeFusion(ScriptWriter &w, const ml::ModelConfig &c)
{
    auto &s = w.source;
    if (writeAttendingFusion(w, c))
        return;
    if (c.fusion == "late") { // answer scores: the head passes them on
        const auto image = w.linears("fusion.image_classifier"), question = w.linears("fusion.question_classifier");
        s << "    fused = 0.5 * (" << w.linear("torch.relu(" + w.linear("regions.mean(1)", image.at(0)) + ")", image.at(1)) << " + "
          << w.linear("torch.relu(" + w.linear("question", question.at(0)) + ")", question.at(1)) << ")\n";
        return;
    }
    if (c.fusion == "gmu") {
        s << "    pooled = regions.mean(1)\n"
          << "    z = torch.sigmoid(" << w.linear("torch.cat([pooled, question], 1)", "fusion.gate") << ")\n"
          << "    fused = z * torch.tanh(" << w.linear("pooled", "fusion.image") << ") + (1 - z) * torch.tanh("
          << w.linear("question", "fusion.question") << ")\n";
        return;
    }
    if (c.fusion == "concat") {
        const auto mlp = w.linears("fusion.mlp");
        s << "    fused = torch.relu(" << w.linear("torch.relu(" + w.linear("torch.cat([regions.mean(1), question], 1)", mlp.at(0)) + ")", mlp.at(1)) << ")\n";
        return;
    }
    const std::string h = std::to_string(c.fusionHidden);
    if (c.filmGate)
        s << "    gated = regions * (1 + " << w.linear("question", "fusion.gate") << ").unsqueeze(1)\n";
    if (c.filmRelative) // the region positions the encoder appended
        s << "    centres = regions[:, :, -2:]\n";
    s << "    x = torch.relu(" << w.linear(c.filmGate ? "gated" : "regions", "fusion.input") << ")\n"
      << "    film = " << w.linear("question", "fusion.generator") << ".view(-1, " << c.filmBlocks << ", 2, " << h << ")\n";
    for (int64_t i = 0; i < c.filmBlocks; ++i) {
        const std::string n = std::to_string(i);
        if (i == 0) {
            s << "    y = torch.relu(" << w.linear("x", "fusion.first.0") << ")\n";
        } else {
            s << "    y = " << w.linear("x", "fusion.first." + n) << "\n";
            if (c.filmContext || c.filmAttention)
                s << "    y = y + " << w.linear(c.filmAttention ? "attended" : "torch.max(x, 1)[0]", "fusion.context." + std::to_string(i - 1))
                  << ".unsqueeze(1)\n";
            if (c.filmRelative)
                s << "    d = centres - torch.bmm(weights.unsqueeze(1), centres)\n"
                  << "    y = y + " << w.linear("torch.cat([d, (d * d).sum(-1, True)], -1)", "fusion.relative." + std::to_string(i - 1))
                  << "\n";
            s << "    y = torch.relu(y)\n";
        }
        s << "    y = torch.layer_norm(" << w.linear("y", "fusion.second." + n) << ", [" << h << "])\n"
          << "    x = x + torch.relu((1 + film[:, " << n << ", 0].unsqueeze(1)) * y + film[:, " << n << ", 1].unsqueeze(1))\n";
        if (c.filmAttention)
            s << "    weights = torch.softmax(" << w.linear("x", "fusion.attend." + n) << ".squeeze(-1), 1)\n"
              << "    attended = torch.bmm(weights.unsqueeze(1), x).squeeze(1)\n";
    }
    if (c.filmAttention)
        s << "    fused = torch.relu(" << w.linear("torch.cat([torch.max(x, 1)[0], attended], 1)", "fusion.output") << ")\n"
          << "    attention = weights.view(-1, gh, gw)\n";
    else
        s << "    fused = torch.relu(" << w.linear("torch.max(x, 1)[0]", "fusion.output") << ")\n";
}

Status refuseUnsupported(const ml::ModelConfig &c, const QString &checkpoint)
{
    if ((c.vision == "cnn" || c.vision == "resnet") && (c.task == "caption" || c.text == "gru" || c.text == "transformer"))
        return {};
    return Error::usage(QStringLiteral("%1: exporting a %2 model (%3 + %4%5) is not supported yet; "
                                       "VQA and retrieval models are")
                            .arg(QFileInfo(checkpoint).fileName(), QString::fromStdString(c.task), QString::fromStdString(c.vision),
                                 QString::fromStdString(c.text),
                                 c.task == "vqa" ? QStringLiteral(" + ") + QString::fromStdString(c.fusion) : QString()));
}

int64_t gridSide(int64_t size, int64_t stages)
{
    for (int64_t i = 0; i < stages; ++i)
        size = (size + 1) / 2; // 3x3, stride 2, padding 1
    return size;
}

bool isVqa(const LoadedModel &loaded) { return loaded.model.task == TaskKind::Vqa; }

QJsonObject output(const QString &name, const QJsonArray &shape)
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("shape"), shape}};
}

QJsonObject manifestFor(const LoadedModel &loaded, const QString &base)
{
    const ml::ModelConfig &c = loaded.model.config;
    QJsonObject manifest{
        {QStringLiteral("format"), QStringLiteral("tandem-torchscript/1")},
        {QStringLiteral("task"), taskName(loaded.model.task)},
        {QStringLiteral("model"), base + QStringLiteral(".pt")},
        {QStringLiteral("input"), QJsonObject{{QStringLiteral("size"), loaded.imageSize},
                                              {QStringLiteral("mean"), QJsonArray{0, 0, 0}},
                                              {QStringLiteral("std"), QJsonArray{1, 1, 1}},
                                              {QStringLiteral("colors"), QStringLiteral("rgb")}}},
        {QStringLiteral("text"), QJsonObject{{QStringLiteral("vocabulary"), base + QStringLiteral(".vocab.txt")},
                                             {QStringLiteral("tokenizer"), QStringLiteral("tandem")},
                                             {QStringLiteral("max_length"), qint64(c.maxLength)},
                                             {QStringLiteral("pad"), QStringLiteral("<pad>")},
                                             {QStringLiteral("unknown"), QStringLiteral("<unk>")}}}};
    const qint64 side = gridSide(loaded.imageSize, c.visionStages);
    if (loaded.model.task == TaskKind::Caption) {
        QJsonObject text = manifest[QStringLiteral("text")].toObject();
        text[QStringLiteral("end")] = QStringLiteral("<eos>");
        text[QStringLiteral("start")] = QStringLiteral("<bos>");
        manifest[QStringLiteral("text")] = text;
        QJsonObject attention = output(QStringLiteral("attention"), {QStringLiteral("batch"), QStringLiteral("length"), side, side});
        attention[QStringLiteral("attention")] = true;
        manifest[QStringLiteral("outputs")] = QJsonArray{output(QStringLiteral("tokens"), {QStringLiteral("batch"), QStringLiteral("length")}), attention};
        return manifest;
    }
    if (!isVqa(loaded)) {
        const QJsonArray embedding{QStringLiteral("batch"), qint64(c.retrievalDim)};
        manifest[QStringLiteral("outputs")] = QJsonArray{output(QStringLiteral("image_embedding"), embedding),
                                                         output(QStringLiteral("text_embedding"), embedding)};
        return manifest;
    }
    QJsonObject features = output(QStringLiteral("features"), {QStringLiteral("batch"), QStringLiteral("channels"), side, side});
    features[QStringLiteral("features")] = true;
    manifest[QStringLiteral("answers")] = base + QStringLiteral(".answers.txt");
    QJsonArray outputs{output(QStringLiteral("logits"), {QStringLiteral("batch"), QStringLiteral("answers")})};
    if (attends(c)) {
        QJsonObject attention = output(QStringLiteral("attention"), {QStringLiteral("batch"), side, side});
        attention[QStringLiteral("attention")] = true;
        outputs.append(attention);
    }
    outputs.append(features);
    manifest[QStringLiteral("outputs")] = outputs;
    return manifest;
}

// The attention captioner's greedy decoding (AttentionCaptionerImpl::greedy):
// forward(images) -> the word chosen at each step [B, L] and its attention
// over the regions [B, L, gh, gw], L = the longest caption trained on.
void writeCaptioner(ScriptWriter &w, const ml::ModelConfig &c, int64_t words)
{
    auto &s = w.source;
    s << "def forward(self, images):\n";
    writeVision(w, c);
    s << "    projected = " << w.linear("regions", "captioner.attend_region") << "\n"
      << "    mean = regions.mean(1)\n"
      << "    h = torch.tanh(" << w.linear("mean", "captioner.init_h") << ")\n"
      << "    c = torch.tanh(" << w.linear("mean", "captioner.init_c") << ")\n"
      << "    previous = torch.ones_like(regions[:, 0, 0]).long() * " << ml::Vocabulary::kBos << "\n"
      << "    chosen = []\n    maps = []\n"
      << "    for t in range(" << words << "):\n"
      << "        energy = torch.tanh(projected + " << w.linear("h", "captioner.attend_hidden") << ".unsqueeze(1))\n"
      << "        alpha = torch.softmax(" << w.linear("energy", "captioner.attend_score") << ".squeeze(-1), 1)\n"
      << "        context = torch.sigmoid(" << w.linear("h", "captioner.gate") << ") * (alpha.unsqueeze(-1) * regions).sum(1)\n"
      << "        step = torch.cat([torch.embedding(" << w.ref("captioner.embedding.weight") << ", previous, 0), context], 1)\n"
      << "        h, c = torch.lstm_cell(step, [h, c], " << w.ref("captioner.cell.weight_ih") << ", " << w.ref("captioner.cell.weight_hh")
      << ", " << w.ref("captioner.cell.bias_ih") << ", " << w.ref("captioner.cell.bias_hh") << ")\n"
      << "        previous = torch.log_softmax(" << w.linear("h", "captioner.output") << ", 1).argmax(1)\n"
      << "        chosen.append(previous)\n"
      << "        maps.append(alpha.view(-1, gh, gw))\n"
      << "    return torch.stack(chosen, 1), torch.stack(maps, 1)\n";
}

// VQA: forward(images, tokens, lengths) -> logits, features. Retrieval:
// encode_image(images) and encode_text(tokens, lengths), unit vectors.
void writeSource(ScriptWriter &w, const LoadedModel &loaded)
{
    const ml::ModelConfig &c = loaded.model.config;
    auto &s = w.source;
    if (loaded.model.task == TaskKind::Caption)
        return writeCaptioner(w, c, captionWordLimit(c, 0));
    if (!isVqa(loaded)) {
        s << "def encode_image(self, images):\n";
        writeVision(w, c);
        s << "    e = " << w.linear("regions.mean(1)", "head.image") << "\n"
          << "    return e / e.norm(2, -1, True).clamp_min(1e-12)\n\n"
          << "def encode_text(self, tokens, lengths):\n";
        writeText(w, c);
        s << "    e = " << w.linear("question", "head.text") << "\n"
          << "    return e / e.norm(2, -1, True).clamp_min(1e-12)\n";
        return;
    }
    s << "def forward(self, images, tokens, lengths):\n";
    writeVision(w, c);
    writeText(w, c);
    writeFusion(w, c);
    const auto head = w.linears("head.mlp");
    s << "    logits = " << (head.empty() ? std::string("fused") : w.linear("torch.relu(" + w.linear("fused", head.at(0)) + ")", head.at(1)))
      << (attends(c) ? "\n    return logits, attention, features\n" : "\n    return logits, features\n");
}

// The exported module against the model it came from, on random inputs.
Status checkSameOutputs(LoadedModel &loaded, torch::jit::Module &exported, const QString &checkpoint)
{
    c10::InferenceMode inference;
    torch::manual_seed(0);
    const at::Tensor images = torch::rand({3, 3, loaded.imageSize, loaded.imageSize});
    const at::Tensor tokens = torch::randint(0, loaded.codec.vocabulary.size(), {3, 7}, at::kLong);
    const at::Tensor lengths = torch::tensor({7, 3, 1}, at::kLong);
    std::vector<std::pair<at::Tensor, at::Tensor>> pairs;
    if (loaded.model.task == TaskKind::Caption) {
        const auto out = exported.forward({images}).toTupleRef().elements();
        const at::Tensor words = out[0].toTensor(), maps = out[1].toTensor();
        const auto decoded = loaded.model.caption->greedy(images, captionWordLimit(loaded.model.config, 0));
        for (size_t b = 0; b < decoded.size(); ++b)
            for (size_t t = 0; t < decoded[b].tokens.size(); ++t) {
                if (words[int64_t(b)][int64_t(t)].item<int64_t>() != decoded[b].tokens[t])
                    return Error::input(QStringLiteral("the exported captioner chose another word than the checkpoint: not written"), checkpoint);
                const at::Tensor ours = at::tensor(decoded[b].attention[t]);
                pairs.emplace_back(ours, maps[int64_t(b)][int64_t(t)].reshape({-1}));
            }
    } else if (isVqa(loaded)) {
        pairs.emplace_back(loaded.model.vqa->forward(images, tokens, lengths, at::Tensor()),
                           exported.forward({images, tokens, lengths}).toTupleRef().elements()[0].toTensor());
    } else {
        pairs.emplace_back(loaded.model.retrieval->embedImages(images), exported.run_method("encode_image", images).toTensor());
        pairs.emplace_back(loaded.model.retrieval->embedTexts(tokens, lengths),
                           exported.run_method("encode_text", tokens, lengths).toTensor());
    }
    for (const auto &[ours, theirs] : pairs) {
        const double difference = (ours - theirs).abs().max().item<double>();
        if (difference > 1e-5)
            return Error::input(QStringLiteral("the exported model's outputs differ from the checkpoint's by %1: not written")
                                    .arg(difference), checkpoint);
    }
    return {};
}

Status writeLines(const QString &path, const std::vector<std::string> &lines)
{
    std::string text;
    for (const std::string &line : lines)
        text += line + "\n";
    return formats::writeWholeFile(path, text);
}

} // namespace

Expected<ExportResult> exportModel(const QString &checkpoint, const QString &folder)
{
    if (isManifestPath(checkpoint))
        return Error::usage(QStringLiteral("%1 is already a TorchScript model").arg(checkpoint));
    InferenceRequest request;
    request.checkpoint = checkpoint;
    request.device = QStringLiteral("cpu");
    auto loaded = loadModel(request, std::nullopt);
    if (!loaded)
        return loaded.error();
    if (auto s = refuseUnsupported(loaded->model.config, checkpoint); !s)
        return s.error();
    if (!QDir().mkpath(folder))
        return Error::io(QStringLiteral("cannot create the folder"), folder);
    ScriptWriter writer(*loaded->model.module);
    writeSource(writer, *loaded);
    writer.m_module.define(writer.source.str());
    writer.m_module.eval();
    if (auto s = checkSameOutputs(*loaded, writer.m_module, checkpoint); !s)
        return s.error();

    const QString base = QFileInfo(checkpoint).completeBaseName();
    const QDir dir(folder);
    ExportResult result;
    result.manifest = dir.filePath(base + QStringLiteral(".json"));
    result.files = {result.manifest, dir.filePath(base + QStringLiteral(".pt")), dir.filePath(base + QStringLiteral(".vocab.txt"))};
    writer.m_module.save(result.files[1].toStdString());
    std::vector<std::string> words, answers;
    for (int64_t i = 0; i < loaded->codec.vocabulary.size(); ++i)
        words.push_back(loaded->codec.vocabulary.word(i));
    if (auto s = writeLines(result.files[2], words); !s)
        return s.error();
    if (isVqa(*loaded)) {
        result.files << dir.filePath(base + QStringLiteral(".answers.txt"));
        for (int64_t i = 0; i < loaded->codec.labels.size(); ++i)
            answers.push_back(loaded->codec.labels.label(i));
        if (auto s = writeLines(result.files[3], answers); !s)
            return s.error();
    }
    const QByteArray manifest = QJsonDocument(manifestFor(*loaded, base)).toJson();
    if (auto s = formats::writeWholeFile(result.manifest, std::string_view(manifest.constData(), size_t(manifest.size()))); !s)
        return s.error();
    const ml::ModelConfig &c = loaded->model.config;
    result.summary = QStringLiteral("%1: %2 + %3").arg(taskName(loaded->model.task), QString::fromStdString(c.vision),
                                                       QString::fromStdString(c.text));
    if (isVqa(*loaded))
        result.summary += QStringLiteral(" + ") + QString::fromStdString(c.fusion);
    if (loaded->model.task == TaskKind::Caption)
        result.summary = QStringLiteral("caption: %1 + attention LSTM").arg(QString::fromStdString(c.vision));
    return result;
}

} // namespace tandem::backend
