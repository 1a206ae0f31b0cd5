#pragma once
// Vision encoders: images [B, 3, H, W] (RGB in [0, 1]) -> a grid of region
// features [B, R, D], R = H' x W' (each encoder halves the resolution `stages` times, by default 4,
// so a 64-pixel image gives a 4 x 4 grid and 128 pixels 8 x 8).
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>
#include <string>

namespace tandem::ml {

struct VisionFeatures {
    at::Tensor regions; // [B, R, D], row-major over the grid
    int64_t gridHeight = 0;
    int64_t gridWidth = 0;
    // [B, R, 2]: where in each region its content lies (x, y in [-1, 1]), from
    // the pixel path's positions; undefined: the region centres stand for it.
    at::Tensor positions;
};

struct VisionOptions {
    std::string kind = "cnn";         // "cnn" or "resnet"
    int64_t channels = 32;            // width of the first stage
    int64_t stages = 4;               // stride-2 steps; fewer give a finer grid of smaller regions
    bool coordinateChannels = false;  // CoordConv: two x/y input planes, so pooled features know where
    int64_t pixelChannels = 0;        // > 0: a full-resolution path of this many channels beside the stages
    bool objectPositions = false;     // the pixel path also locates what each region holds (see PixelPathImpl)
};

// Beside the stride-2 stages: a 3x3 and a 1x1 convolution (BatchNorm, ReLU) at the
// image's own resolution, then each region's maximum over its pixels. A small
// object's colour reaches the regions through two layers, as its own features.
//
// With positions, a 1x1 convolution also scores every pixel, and each region's
// position is the softmax-weighted mean of its pixels' coordinates: where in
// the region its object lies, not the region's centre (two objects in
// neighbouring regions are otherwise as far from a third as the centres say).
// The score starts at zero, so an untrained path gives the centres.
class PixelPathImpl : public torch::nn::Module {
public:
    // Pixel scores are bounded to [-kScoreBound, kScoreBound] (see softPositions in vision.cpp).
    static constexpr double kScoreBound = 8.0;
    PixelPathImpl(int64_t inChannels, int64_t channels, bool positions);
    struct Output {
        at::Tensor map;       // the stages' map with each region's maximum joined: [B,C+channels,H',W']
        at::Tensor positions; // [B,2,H',W'] (x, y), when asked for
    };
    // input [B,Cin,H,W], the stages' map [B,C,H',W']
    Output forward(const at::Tensor &input, const at::Tensor &map);

private:
    torch::nn::Sequential m_layers{nullptr};
    torch::nn::Conv2d m_score{nullptr};
};
TORCH_MODULE(PixelPath);

// What every vision encoder offers; makeVisionEncoder picks one by name.
class VisionEncoderImpl : public torch::nn::Module {
public:
    virtual VisionFeatures forward(const at::Tensor &images) = 0;
    virtual int64_t outputDim() const = 0;
    // The input of the last stride-2 stage in the last forward in eval mode,
    // [B, C', 2H', 2W']: a grid twice as fine as the regions, for explanations
    // that place a map more finely than the regions (objects smaller than a
    // region straddle two). Undefined in training mode.
    const at::Tensor &finerMap() const { return m_finerMap; }

protected:
    // The input the stages read: the images, with CoordConv's planes if asked for.
    static at::Tensor stageInput(const at::Tensor &images, const VisionOptions &options);
    // Registers the pixel path when options ask for one; its channels follow the stages'.
    void addPixelPath(const VisionOptions &options);
    // The stages' last map as regions, the pixel path's channels (and positions) joined when there is one.
    VisionFeatures regionsOf(const at::Tensor &input, const at::Tensor &map);

    at::Tensor m_finerMap;
    PixelPath m_pixel{nullptr};
};

// `stages` (four by default) 3x3 stride-2 convolutions with BatchNorm and ReLU (the Sort-of-CLEVR
// relation network's encoder).
class SmallCnnImpl : public VisionEncoderImpl {
public:
    explicit SmallCnnImpl(const VisionOptions &options);
    VisionFeatures forward(const at::Tensor &images) override; // [B,3,H,W] -> [B, H/2^s*W/2^s, C]
    int64_t outputDim() const override { return m_options.channels + m_options.pixelChannels; }

private:
    VisionOptions m_options;
    torch::nn::Sequential m_layers{nullptr};
};
TORCH_MODULE(SmallCnn);

// 3x3 conv, BN, ReLU, 3x3 conv, BN, plus a (projected) shortcut, ReLU.
class BasicBlockImpl : public torch::nn::Module {
public:
    BasicBlockImpl(int64_t inChannels, int64_t outChannels, int64_t stride);
    at::Tensor forward(const at::Tensor &x); // [B,Cin,H,W] -> [B,Cout,H/stride,W/stride]

private:
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_shortcutConv{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr}, m_shortcutBn{nullptr};
};
TORCH_MODULE(BasicBlock);

// A stride-2 stem and `stages` - 1 stages of two basic blocks each (widths C, 2C,
// 2C, ...), each stage halving the resolution.
class SmallResNetImpl : public VisionEncoderImpl {
public:
    explicit SmallResNetImpl(const VisionOptions &options);
    VisionFeatures forward(const at::Tensor &images) override; // [B,3,H,W] -> [B, H/2^s*W/2^s, 2C]
    int64_t outputDim() const override
    {
        return (m_options.stages >= 3 ? 2 * m_options.channels : m_options.channels) + m_options.pixelChannels;
    }

private:
    VisionOptions m_options;
    torch::nn::Sequential m_stem{nullptr};
    torch::nn::ModuleList m_blocks{nullptr};
};
TORCH_MODULE(SmallResNet);

// nullptr for an unknown kind.
std::shared_ptr<VisionEncoderImpl> makeVisionEncoder(const VisionOptions &options);

// Region features with the x, y centre of each region (in [-1, 1]) appended:
// [B, R, D] -> [B, R, D + 2]. Relational fusions need to know where things are.
at::Tensor appendCoordinates(const VisionFeatures &features);

// Each item's (question's, caption's) row of a per-image tensor, [Bi, ...] ->
// [B, ...] by imageIndex [B]; without an index the tensor is per item already.
at::Tensor perItem(const at::Tensor &perImage, const at::Tensor &imageIndex);

// [B, R, D] -> [B, D, H', W'], to draw or to run 2-d layers on.
at::Tensor regionsToMap(const VisionFeatures &features);

// One image from packed RGB bytes (row-major, height x width x 3) -> [3, H, W] in [0, 1].
at::Tensor imageFromRgb(const std::uint8_t *rgb, int64_t height, int64_t width);

} // namespace tandem::ml
