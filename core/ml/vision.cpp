#include "ml/vision.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/activation.h>

namespace tandem::ml {
namespace {

namespace nn = torch::nn;

nn::Conv2dOptions conv3x3(int64_t in, int64_t out, int64_t stride)
{
    // No bias: BatchNorm right after cancels it.
    return nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false);
}

// [B, C, H', W'] -> regions [B, H'W', C] and the grid size.
VisionFeatures toRegions(const at::Tensor &map)
{
    VisionFeatures features;
    features.gridHeight = map.size(2);
    features.gridWidth = map.size(3);
    features.regions = map.flatten(2).transpose(1, 2).contiguous();
    return features;
}

// Two planes with the x and y of each pixel in [-1, 1] (CoordConv).
at::Tensor withCoordinatePlanes(const at::Tensor &images)
{
    const int64_t b = images.size(0), h = images.size(2), w = images.size(3);
    const auto options = images.options();
    const at::Tensor ys = at::linspace(-1, 1, h, options).view({1, 1, h, 1}).expand({b, 1, h, w});
    const at::Tensor xs = at::linspace(-1, 1, w, options).view({1, 1, 1, w}).expand({b, 1, h, w});
    return at::cat({images, xs, ys}, 1);
}

// n cells' centres in [-1, 1]: (i + 0.5) * 2/n - 1.
at::Tensor pixelCentres(int64_t n, const at::TensorOptions &options)
{
    return (at::arange(n, options) + 0.5) * (2.0 / double(n)) - 1.0;
}

int64_t inputChannels(const VisionOptions &options)
{
    return options.coordinateChannels ? 5 : 3;
}

// [B,1,H,W] pixel scores -> [B,2,grid]: each region's softmax-weighted mean pixel position.
at::Tensor softPositions(const at::Tensor &score, const std::vector<int64_t> &grid)
{
    // A weighted mean is the ratio of two means over the same window, which
    // adaptive average pooling gives for any grid. The score is bounded to
    // [-8, 8] so that exp() stays well above float's smallest number over a
    // whole window: a region of low scores still has a position.
    constexpr double kBound = PixelPathImpl::kScoreBound;
    const int64_t h = score.size(2), w = score.size(3);
    const auto options = score.options();
    const at::Tensor weight = at::exp(kBound * at::tanh(score / kBound) - kBound); // [B,1,H,W]
    const at::Tensor ys = pixelCentres(h, options).view({1, 1, h, 1});
    const at::Tensor xs = pixelCentres(w, options).view({1, 1, 1, w});
    const at::Tensor sums = at::adaptive_avg_pool2d(at::cat({weight * xs, weight * ys, weight}, 1), grid);
    return sums.narrow(1, 0, 2) / sums.narrow(1, 2, 1);
}

} // namespace

PixelPathImpl::PixelPathImpl(int64_t inChannels, int64_t channels, bool positions)
{
    m_layers = register_module(
        "layers", nn::Sequential(nn::Conv2d(conv3x3(inChannels, channels, 1)), nn::BatchNorm2d(channels), nn::ReLU(),
                                 nn::Conv2d(nn::Conv2dOptions(channels, channels, 1).bias(false)),
                                 nn::BatchNorm2d(channels), nn::ReLU()));
    if (positions) {
        m_score = register_module("score", nn::Conv2d(nn::Conv2dOptions(channels, 1, 1)));
        torch::NoGradGuard noGrad;
        m_score->weight.zero_();
        m_score->bias.zero_();
    }
}

PixelPathImpl::Output PixelPathImpl::forward(const at::Tensor &input, const at::Tensor &map)
{
    const at::Tensor pixels = m_layers->forward(input);
    const std::vector<int64_t> grid{map.size(2), map.size(3)};
    Output out{at::cat({map, std::get<0>(at::adaptive_max_pool2d(pixels, grid))}, 1), at::Tensor()};
    if (m_score)
        out.positions = softPositions(m_score->forward(pixels), grid);
    return out;
}

at::Tensor VisionEncoderImpl::stageInput(const at::Tensor &images, const VisionOptions &options)
{
    // Channels last: oneDNN then runs the convolutions, forward and backward,
    // without reordering every map to its blocked layout and back (the small
    // CNN's step took 4.0 ms on 8 images in NCHW, 2.5 ms from a channels-last
    // input; docs/performance.md); the last map is then already [B, R, C].
    const at::Tensor input = options.coordinateChannels ? withCoordinatePlanes(images) : images;
    return input.contiguous(at::MemoryFormat::ChannelsLast);
}

void VisionEncoderImpl::addPixelPath(const VisionOptions &options)
{
    if (options.pixelChannels > 0)
        m_pixel = register_module("pixel", PixelPath(inputChannels(options), options.pixelChannels,
                                                     options.objectPositions));
}

VisionFeatures VisionEncoderImpl::regionsOf(const at::Tensor &input, const at::Tensor &map)
{
    if (!m_pixel)
        return toRegions(map);
    const PixelPathImpl::Output out = m_pixel->forward(input, map);
    VisionFeatures features = toRegions(out.map);
    if (out.positions.defined())
        features.positions = toRegions(out.positions).regions;
    return features;
}

SmallCnnImpl::SmallCnnImpl(const VisionOptions &options) : m_options(options)
{
    m_layers = nn::Sequential();
    int64_t in = inputChannels(options);
    for (int64_t layer = 0; layer < options.stages; ++layer) {
        m_layers->push_back(nn::Conv2d(conv3x3(in, options.channels, 2)));
        m_layers->push_back(nn::BatchNorm2d(options.channels));
        m_layers->push_back(nn::ReLU());
        in = options.channels;
    }
    register_module("layers", m_layers);
    addPixelPath(options);
}

VisionFeatures SmallCnnImpl::forward(const at::Tensor &images)
{
    const at::Tensor input = stageInput(images, m_options);
    at::Tensor x = input;
    const size_t lastStage = m_layers->size() - 3; // conv, BatchNorm, ReLU per stage
    size_t i = 0;
    for (auto &layer : *m_layers) {
        if (i++ == lastStage && !is_training())
            m_finerMap = x;
        x = layer.forward(x);
    }
    return regionsOf(input, x);
}

BasicBlockImpl::BasicBlockImpl(int64_t inChannels, int64_t outChannels, int64_t stride)
{
    m_conv1 = register_module("conv1", nn::Conv2d(conv3x3(inChannels, outChannels, stride)));
    m_bn1 = register_module("bn1", nn::BatchNorm2d(outChannels));
    m_conv2 = register_module("conv2", nn::Conv2d(conv3x3(outChannels, outChannels, 1)));
    m_bn2 = register_module("bn2", nn::BatchNorm2d(outChannels));
    if (stride != 1 || inChannels != outChannels) {
        m_shortcutConv = register_module(
            "shortcut_conv",
            nn::Conv2d(nn::Conv2dOptions(inChannels, outChannels, 1).stride(stride).bias(false)));
        m_shortcutBn = register_module("shortcut_bn", nn::BatchNorm2d(outChannels));
    }
}

at::Tensor BasicBlockImpl::forward(const at::Tensor &x)
{
    at::Tensor out = at::relu(m_bn1->forward(m_conv1->forward(x)));
    out = m_bn2->forward(m_conv2->forward(out));
    const at::Tensor shortcut = m_shortcutConv ? m_shortcutBn->forward(m_shortcutConv->forward(x)) : x;
    return at::relu(out + shortcut);
}

SmallResNetImpl::SmallResNetImpl(const VisionOptions &options) : m_options(options)
{
    const int64_t c = options.channels;
    m_stem = register_module("stem", nn::Sequential(nn::Conv2d(conv3x3(inputChannels(options), c, 2)),
                                                    nn::BatchNorm2d(c), nn::ReLU()));
    m_blocks = nn::ModuleList();
    int64_t in = c;
    for (int64_t stage = 1; stage < options.stages; ++stage) {
        const int64_t width = stage == 1 ? c : 2 * c;
        m_blocks->push_back(BasicBlock(in, width, 2));
        m_blocks->push_back(BasicBlock(width, width, 1));
        in = width;
    }
    register_module("blocks", m_blocks);
    addPixelPath(options);
}

VisionFeatures SmallResNetImpl::forward(const at::Tensor &images)
{
    const at::Tensor input = stageInput(images, m_options);
    at::Tensor x = m_stem->forward(input);
    const size_t lastStage = m_blocks->size() - 2; // a stride-2 block and a stride-1 one per stage
    for (size_t i = 0; i < m_blocks->size(); ++i) {
        if (i == lastStage && !is_training())
            m_finerMap = x;
        x = m_blocks[i]->as<BasicBlock>()->forward(x);
    }
    return regionsOf(input, x);
}

std::shared_ptr<VisionEncoderImpl> makeVisionEncoder(const VisionOptions &options)
{
    if (options.kind == "cnn")
        return std::make_shared<SmallCnnImpl>(options);
    if (options.kind == "resnet")
        return std::make_shared<SmallResNetImpl>(options);
    return nullptr;
}

at::Tensor appendCoordinates(const VisionFeatures &features)
{
    if (features.positions.defined())
        return at::cat({features.regions, features.positions}, -1);
    const int64_t b = features.regions.size(0), h = features.gridHeight, w = features.gridWidth;
    const auto options = features.regions.options();
    // Region centres, not edges: a 1-wide grid sits at 0.
    const at::Tensor ys = pixelCentres(h, options).view({h, 1}).expand({h, w});
    const at::Tensor xs = pixelCentres(w, options).view({1, w}).expand({h, w});
    const at::Tensor xy = at::stack({xs, ys}, -1).reshape({1, h * w, 2}).expand({b, h * w, 2});
    return at::cat({features.regions, xy}, -1);
}

at::Tensor perItem(const at::Tensor &perImage, const at::Tensor &imageIndex)
{
    return imageIndex.defined() ? perImage.index_select(0, imageIndex.to(perImage.device())) : perImage;
}

at::Tensor regionsToMap(const VisionFeatures &features)
{
    const at::Tensor &r = features.regions;
    return r.transpose(1, 2).reshape({r.size(0), r.size(2), features.gridHeight, features.gridWidth});
}

at::Tensor imageFromRgb(const std::uint8_t *rgb, int64_t height, int64_t width)
{
    const at::Tensor bytes = at::from_blob(const_cast<std::uint8_t *>(rgb), {height, width, 3}, at::kByte);
    return bytes.permute({2, 0, 1}).to(at::kFloat).div_(255.0).contiguous();
}

} // namespace tandem::ml
