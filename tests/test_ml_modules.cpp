// Shapes, masks, gradients and decoding of every tandem_ml module, plus the
// vocabulary and config round trips. Small sizes, one seed, two threads.
#include "ml/device.h"
#include "ml/adamw.h"
#include "ml/filmops.h"
#include "ml/fusion.h"
#include "ml/heads.h"
#include "ml/models.h"
#include "ml/text.h"
#include "ml/vision.h"
#include "ml/vocabulary.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/autograd.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/utils.h>

#include <QTest>

#include <functional>

using namespace tandem::ml;

namespace {

FusionOptions smallFusion()
{
    FusionOptions o;
    o.regionDim = 18;
    o.questionDim = 24;
    o.hiddenDim = 32;
    o.outputDim = 20;
    o.heads = 4;
    o.mfbFactor = 3;
    o.numAnswers = 7;
    return o;
}

// A FiLM fusion with `option` on and one with it off, which starts from the
// first one's weights (all it has): the option's own weights decide any difference.
auto filmWithAndWithout(FusionOptions options, bool FusionOptions::*option)
{
    options.*option = true;
    auto with = makeFusion("film", options);
    options.*option = false;
    auto without = makeFusion("film", options);
    torch::NoGradGuard noGrad;
    auto withParameters = with->named_parameters();
    for (auto &p : without->named_parameters())
        p.value().copy_(withParameters[p.key()]);
    return std::pair{with, without};
}

// Region features on a grid, positions left to the region centres.
VisionFeatures gridOf(const at::Tensor &regions, int64_t height, int64_t width)
{
    VisionFeatures features;
    features.regions = regions;
    features.gridHeight = height;
    features.gridWidth = width;
    return features;
}

ModelConfig smallConfig(const std::string &fusion)
{
    ModelConfig c;
    c.vocabSize = 30;
    c.visionChannels = 8;
    c.embedDim = 16;
    c.textDim = 24;
    c.fusion = fusion;
    c.fusionHidden = 32;
    c.fusionDim = 32;
    c.numAnswers = 6;
    c.answerHidden = 32;
    c.decoderDim = 32;
    c.attentionDim = 16;
    c.retrievalDim = 16;
    return c;
}

at::Tensor tokenIds() // [3, 5], lengths 5, 3, 1
{
    return at::tensor({5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 13, 0, 0, 0, 0}, at::kLong).view({3, 5});
}

} // namespace

class TestMlModules : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tokenizer();
    void vocabularyRoundTrip();
    void labelSetRoundTrip();
    void visionShapes_data();
    void visionShapes();
    void coordinates();
    void pixelPathJoinsEachRegionsMaximum();
    void pixelPathLocatesEachRegionsObject();
    void textShapes_data();
    void textShapes();
    void textIgnoresPadding_data();
    void textIgnoresPadding();
    void fusionShapes_data();
    void fusionShapes();
    void fusionGradients_data();
    void fusionGradients();
    void fusionSharesImageWork_data();
    void fusionSharesImageWork();
    void filmContextIsOptional();
    void filmAttentionPoolsByScore();
    void filmGateScalesRegionsByTheQuestion();
    void filmRelativeMeasuresFromTheAttendedRegion();
    void fusedFilmMatchesAtenOps();
    void fusedFilmVariantsMatchAtenOps();
    void fusedFilmBlockMatchesAtenOps_data();
    void fusedFilmBlockMatchesAtenOps();
    void fusedAdamWMatchesLibTorch();
    void bf16AutocastIsScoped();
    void filmReusesTheImageWorkOfAnImage();
    void unknownNames();
    void answerLosses();
    void captionerShapes();
    void beamOneIsGreedy();
    void sampledCaptionsStopAtEos();
    void selfCriticalLossFavoursRewardedSamples();
    void contrastiveHead();
    void configRoundTrip();
    void configErrors();
    void vqaSharesImageFeatures_data();
    void vqaSharesImageFeatures();
    void distinctTextsMapBack();
    void vqaSharesQuestionWork_data();
    void vqaSharesQuestionWork();
    void modelShapes();
};

void TestMlModules::initTestCase()
{
    at::set_num_threads(1); // tiny tensors: OpenMP hand-offs would cost more than they save
}

void TestMlModules::tokenizer()
{
    const std::vector<std::string> expected = {"what's", "left", "of", "the", "red", "left-most", "circle", "?"};
    QVERIFY(tokenize("What's LEFT of the red left-most circle?") == expected);
    const std::vector<std::string> quoted = {"\"", "a", "\"", ",", "b", "-", "c"};
    QVERIFY(tokenize("  \"a\", b -c ") == quoted);
    QVERIFY(tokenize("").empty());
}

void TestMlModules::vocabularyRoundTrip()
{
    const Vocabulary v = Vocabulary::build({"the red circle", "The blue circle", "a quoted word", "circle!"}, 2);
    QCOMPARE(v.size(), int64_t(4 + 2)); // circle (3), the (2)
    QCOMPARE(v.word(Vocabulary::kPad), std::string("<pad>"));
    QCOMPARE(v.id("circle"), int64_t(4));
    QCOMPARE(v.id("red"), Vocabulary::kUnk);
    const auto ids = v.encode("The circle", true);
    QVERIFY((ids == std::vector<int64_t>{Vocabulary::kBos, 5, 4, Vocabulary::kEos}));
    QCOMPARE(v.decode({Vocabulary::kBos, 5, 4, Vocabulary::kEos, 4}), std::string("the circle"));

    const Vocabulary all = Vocabulary::build({"a \"quoted\" word\\ é", "tab\there"});
    const auto fromText = Vocabulary::fromText(all.toText());
    QVERIFY(fromText.ok());
    QVERIFY(fromText.value() == all);
    const auto fromJson = Vocabulary::fromJson(all.toJson());
    QVERIFY2(fromJson.ok(), fromJson.ok() ? "" : fromJson.error().c_str());
    QVERIFY(fromJson.value() == all);
    QVERIFY(Vocabulary::fromJson("{ \"words\" : [ \"<pad>\", \"<unk>\", \"<bos>\", \"<eos>\", \"\\u00e9\" ] }").value().contains("é"));

    QVERIFY(!Vocabulary::fromText("hello\n<unk>\n").ok());
    QVERIFY(!Vocabulary::fromJson("{\"words\": [\"<pad>\", \"<unk>\"").ok());
    const auto repeated = Vocabulary::fromText("<pad>\n<unk>\n<bos>\n<eos>\nx\nx\n");
    QVERIFY(!repeated.ok());
    QVERIFY(repeated.error().find("'x'") != std::string::npos);
}

void TestMlModules::labelSetRoundTrip()
{
    const LabelSet set = LabelSet::build({"yes", "no", "yes", "two dogs", "no", "yes"});
    QCOMPARE(set.size(), int64_t(3));
    QCOMPARE(set.index("yes"), int64_t(0));
    QCOMPARE(set.index("two dogs"), int64_t(2));
    QCOMPARE(set.index("maybe"), int64_t(-1));
    const auto back = LabelSet::fromText(set.toText());
    QVERIFY(back.ok());
    QVERIFY(back.value() == set);
    QVERIFY(!LabelSet::fromText("a\nb\na\n").ok());
}

void TestMlModules::visionShapes_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<bool>("coordConv");
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("grid");
    QTest::addColumn<int>("dim");
    QTest::addColumn<int>("stages");
    QTest::newRow("cnn 64") << "cnn" << false << 64 << 4 << 8 << 4;
    QTest::newRow("cnn 64, 3 stages") << "cnn" << false << 64 << 8 << 8 << 3;
    QTest::newRow("cnn 128 coordconv") << "cnn" << true << 128 << 8 << 8 << 4;
    QTest::newRow("resnet 64") << "resnet" << false << 64 << 4 << 16 << 4;
    QTest::newRow("resnet 64, 2 stages") << "resnet" << false << 64 << 16 << 8 << 2;
    QTest::newRow("resnet 75") << "resnet" << true << 75 << 5 << 16 << 4;
}

void TestMlModules::visionShapes()
{
    QFETCH(QString, kind);
    QFETCH(bool, coordConv);
    QFETCH(int, size);
    QFETCH(int, grid);
    QFETCH(int, dim);
    QFETCH(int, stages);
    torch::manual_seed(0);
    VisionOptions options;
    options.kind = kind.toStdString();
    options.channels = 8;
    options.stages = stages;
    options.coordinateChannels = coordConv;
    auto encoder = makeVisionEncoder(options);
    QVERIFY(encoder);
    const VisionFeatures f = encoder->forward(at::rand({2, 3, size, size}));
    QCOMPARE(f.gridHeight, int64_t(grid));
    QCOMPARE(f.gridWidth, int64_t(grid));
    QCOMPARE(f.regions.sizes().vec(), (std::vector<int64_t>{2, grid * grid, dim}));
    QCOMPARE(encoder->outputDim(), int64_t(dim));
    QCOMPARE(regionsToMap(f).sizes().vec(), (std::vector<int64_t>{2, dim, grid, grid}));
}

void TestMlModules::coordinates()
{
    const VisionFeatures f = gridOf(at::zeros({1, 6, 3}), 2, 3);
    const at::Tensor r = appendCoordinates(f);
    QCOMPARE(r.sizes().vec(), (std::vector<int64_t>{1, 6, 5}));
    // Row-major regions: region 5 is row 1, column 2: right and bottom of centre.
    QVERIFY(at::allclose(r[0][0].slice(0, 3), at::tensor({-2.0f / 3, -0.5f})));
    QVERIFY(at::allclose(r[0][5].slice(0, 3), at::tensor({2.0f / 3, 0.5f})));
    QVERIFY(at::allclose(r[0][4].slice(0, 3), at::tensor({0.0f, 0.5f})));
    const std::uint8_t rgb[] = {255, 0, 0, 0, 0, 255};
    QVERIFY(at::allclose(imageFromRgb(rgb, 1, 2), at::tensor({1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 1.0f}).view({3, 1, 2})));
}

// The pixel path adds its channels to every region: each region's maximum over
// its own cell, so a pixel changed in one cell changes that region's pixel
// channels only (eval mode: BatchNorm's running statistics, not the batch's).
// The stages' channels see further; they are not checked.
void TestMlModules::pixelPathJoinsEachRegionsMaximum()
{
    torch::manual_seed(3);
    for (const char *kind : {"cnn", "resnet"}) {
        VisionOptions options;
        options.kind = kind;
        options.channels = 8;
        options.pixelChannels = 4;
        auto encoder = makeVisionEncoder(options);
        encoder->eval();
        const int64_t stageChannels = encoder->outputDim() - 4;
        QCOMPARE(stageChannels, int64_t(std::string(kind) == "cnn" ? 8 : 16));
        at::Tensor image = at::zeros({1, 3, 64, 64}); // black: the changed pixels make each maximum
        const at::Tensor before = encoder->forward(image).regions; // [1,16,C+4]
        QCOMPARE(before.size(2), encoder->outputDim());
        image.index_put_({0, at::indexing::Slice(), 20, 40}, at::tensor({1.0f, 0.0f, 0.0f}).view({3})); // row 1, column 2
        image.index_put_({0, at::indexing::Slice(), 21, 40}, at::tensor({0.0f, 0.0f, 1.0f}).view({3}));
        const at::Tensor changed = (encoder->forward(image).regions - before).abs().slice(2, stageChannels).sum(2)[0];
        for (int64_t region = 0; region < 16; ++region)
            QVERIFY2((changed[region].item<float>() > 0) == (region == 1 * 4 + 2),
                     qPrintable(QStringLiteral("%1, region %2").arg(kind).arg(region)));
    }
}

// With objectPositions the appended x, y are a softmax over each region's
// pixels: an untrained path gives the region centres (the model without the
// option); a score that picks one pixel moves its region's position there and
// no other; the relative FiLM then measures from each image's own positions.
void TestMlModules::pixelPathLocatesEachRegionsObject()
{
    torch::manual_seed(4);
    ModelConfig config = smallConfig("film");
    config.pixelChannels = 4;
    config.objectPositions = true;
    config.filmAttention = true;
    config.filmRelative = true;
    auto model = std::make_shared<VqaModelImpl>(config);
    model->eval();
    at::Tensor image = at::zeros({2, 3, 64, 64});
    const VisionFeatures untrained = model->encodeImages(image);
    const int64_t d = untrained.regions.size(2) - 2; // the image features; x, y after them
    const at::Tensor centres = appendCoordinates(gridOf(untrained.regions.narrow(2, 0, d), 4, 4));
    QVERIFY(at::allclose(untrained.regions, centres, 1e-5, 1e-6));
    {
        // Score = the first pixel channel's sum, high where a pixel is lit.
        torch::NoGradGuard noGrad;
        auto parameters = model->named_parameters();
        parameters["vision.pixel.score.weight"].fill_(40.0f);
        parameters["vision.pixel.layers.0.weight"].fill_(1.0f); // every channel sees the lit pixel
        parameters["vision.pixel.layers.3.weight"].fill_(1.0f);
    }
    image.index_put_({1, at::indexing::Slice(), 20, 40}, 1.0f); // image 1, region (row 1, column 2), pixel (40, 20)
    const at::Tensor positions = model->encodeImages(image).regions.narrow(2, d, 2);
    const at::Tensor pixel = at::tensor({(40 + 0.5f) / 32 - 1, (20 + 0.5f) / 32 - 1});
    QVERIFY2(at::allclose(positions[1][1 * 4 + 2], pixel, 0, 0.02), qPrintable(QString::number(positions[1][6][0].item<float>())));
    const at::Tensor moved = (positions - centres.narrow(2, d, 2)).abs().sum(2);
    QCOMPARE(int(moved.gt(1e-3).sum().item<int64_t>()), 1);
    const TokenBatch questions = padBatch({{5, 6, 7}, {8, 9}, {5, 6, 7}});
    const at::Tensor index = at::tensor({0, 1, 1}, at::kLong);
    QVERIFY(at::allclose(model->forward(image, questions.ids, questions.lengths, index),
                         model->forward(image.index_select(0, index), questions.ids, questions.lengths), 1e-5, 1e-6));
}

void TestMlModules::textShapes_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("pooling");
    QTest::addColumn<int>("layers");
    QTest::newRow("gru") << "gru" << "mean" << 1;
    QTest::newRow("gru 2 layers") << "gru" << "mean" << 2;
    QTest::newRow("transformer mean") << "transformer" << "mean" << 2;
    QTest::newRow("transformer cls") << "transformer" << "cls" << 1;
}

void TestMlModules::textShapes()
{
    QFETCH(QString, kind);
    QFETCH(QString, pooling);
    QFETCH(int, layers);
    torch::manual_seed(0);
    TextOptions options;
    options.kind = kind.toStdString();
    options.pooling = pooling.toStdString();
    options.layers = layers;
    options.vocabSize = 20;
    options.embedDim = 12;
    options.hiddenDim = 16;
    options.maxLength = 8;
    auto encoder = makeTextEncoder(options);
    const TextEncoding e = encoder->forward(tokenIds(), at::tensor({5, 3, 1}, at::kLong));
    QCOMPARE(e.pooled.sizes().vec(), (std::vector<int64_t>{3, 16}));
    QCOMPARE(e.tokens.sizes().vec(), (std::vector<int64_t>{3, 5, 16}));
    QVERIFY(at::equal(e.mask, tokenIds().ne(0)));
    QCOMPARE(e.tokens[1].slice(0, 3).abs().sum().item<float>(), 0.0f); // padding stays zero
    QCOMPARE(e.tokens[2].slice(0, 1).abs().sum().item<float>(), 0.0f);
    if (options.kind == "gru") // the final hidden state is the last real token's output
        QVERIFY(at::allclose(e.pooled[1], e.tokens[1][2]));
    // Without lengths, non-zero ids are counted.
    QVERIFY(at::allclose(encoder->forward(tokenIds(), {}).pooled, e.pooled));
}

void TestMlModules::textIgnoresPadding_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("gru") << "gru";
    QTest::newRow("transformer") << "transformer";
}

void TestMlModules::textIgnoresPadding()
{
    QFETCH(QString, kind);
    torch::manual_seed(0);
    TextOptions options;
    options.kind = kind.toStdString();
    options.vocabSize = 20;
    options.hiddenDim = 16;
    auto encoder = makeTextEncoder(options);
    encoder->eval();
    const TokenBatch alone = padBatch({{9, 10, 11}});
    const TokenBatch padded = padBatch({{5, 6, 7, 8, 9, 10, 11}, {9, 10, 11}});
    QCOMPARE(padded.lengths[1].item<int64_t>(), int64_t(3));
    const at::Tensor a = encoder->forward(alone.ids, alone.lengths).pooled[0];
    const at::Tensor b = encoder->forward(padded.ids, padded.lengths).pooled[1];
    QVERIFY(at::allclose(a, b, 1e-5, 1e-6));
}

void TestMlModules::fusionShapes_data()
{
    QTest::addColumn<QString>("name");
    for (const auto &name : fusionNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void TestMlModules::fusionShapes()
{
    QFETCH(QString, name);
    torch::manual_seed(0);
    const FusionOptions options = smallFusion();
    auto fusion = makeFusion(name.toStdString(), options);
    QVERIFY(fusion);
    const at::Tensor tokens = at::randn({3, 5, 24});
    const at::Tensor out = fusion->forward(at::randn({3, 9, 18}), at::randn({3, 24}), tokens, tokenIds().ne(0));
    const int64_t expected = name == "late" ? options.numAnswers : options.outputDim;
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{3, expected}));
    QCOMPARE(fusion->outputDim(), expected);
    QCOMPARE(fusion->outputsAnswerScores(), name == "late");
    QVERIFY(at::isfinite(out).all().item<bool>());
    if (fusion->regionAttention().defined()) {
        QCOMPARE(fusion->regionAttention().sizes().vec(), (std::vector<int64_t>{3, 9}));
        QVERIFY(at::allclose(fusion->regionAttention().sum(1), at::ones({3})));
    }
    if (name == "mfb") // power- then L2-normalised
        QVERIFY(at::allclose(out.norm(2, 1), at::ones({3})));
}

void TestMlModules::fusionGradients_data()
{
    fusionShapes_data();
}

void TestMlModules::fusionGradients()
{
    QFETCH(QString, name);
    torch::manual_seed(1);
    auto fusion = makeFusion(name.toStdString(), smallFusion());
    const at::Tensor out = fusion->forward(at::randn({4, 9, 18}), at::randn({4, 24}), at::randn({4, 5, 24}),
                                           at::ones({4, 5}, at::kBool));
    // A random projection of the output: every parameter must move it.
    (out * at::randn_like(out)).sum().backward();
    for (const auto &p : fusion->named_parameters()) {
        QVERIFY2(p.value().grad().defined(), p.key().c_str());
        QVERIFY2(p.value().grad().abs().sum().item<float>() > 0, p.key().c_str());
    }
}

void TestMlModules::fusionSharesImageWork_data()
{
    fusionShapes_data();
}

// Regions once per image with each question's image index give what the same
// regions copied out per question give, forward and backward.
void TestMlModules::fusionSharesImageWork()
{
    QFETCH(QString, name);
    torch::manual_seed(2);
    auto fusion = makeFusion(name.toStdString(), smallFusion());
    const at::Tensor perImage = at::randn({2, 9, 18}), question = at::randn({5, 24});
    const at::Tensor tokens = at::randn({5, 5, 24}), mask = at::ones({5, 5}, at::kBool);
    const at::Tensor index = at::tensor({0, 0, 1, 1, 1}, at::kLong);
    const auto outputAndGradients = [&](const at::Tensor &out) {
        fusion->zero_grad();
        (out * at::arange(out.numel()).view_as(out).sin()).sum().backward();
        std::vector<at::Tensor> all{out.detach()};
        for (const auto &p : fusion->parameters())
            all.push_back(p.grad().clone());
        return all;
    };
    const auto shared = outputAndGradients(fusion->forward(perImage, question, tokens, mask, index));
    const auto copied = outputAndGradients(fusion->forward(perImage.index_select(0, index), question, tokens, mask));
    QCOMPARE(shared.size(), copied.size());
    for (size_t i = 0; i < shared.size(); ++i)
        QVERIFY2(at::allclose(shared[i], copied[i], 1e-4, 1e-5), i == 0 ? "output" : "a gradient");
}

// The fused FiLM modulation gives what its four ATen ops give, forward and
// backward, including where gamma * y + beta is exactly 0 (the relu's edge).
void TestMlModules::fusedFilmMatchesAtenOps()
{
    torch::manual_seed(7);
    const at::Tensor x0 = torch::randn({5, 16, 37}), y0 = torch::randn({5, 16, 37});
    const at::Tensor g0 = 1 + torch::randn({5, 1, 37}), b0 = torch::randn({5, 1, 37});
    y0[0][0][0] = 0.f;
    b0[0][0][0] = 0.f; // pre-activation exactly 0 at one place
    const at::Tensor grad = torch::randn({5, 16, 37});
    std::vector<at::Tensor> fused, reference;
    for (auto *out : {&fused, &reference}) {
        at::Tensor x = x0.clone().requires_grad_(), y = y0.clone().requires_grad_(), g = g0.clone().requires_grad_(),
                   b = b0.clone().requires_grad_();
        const at::Tensor result = out == &fused ? filmResidual(x, y, g, b) : filmResidualReference(x, y, g, b);
        result.backward(grad);
        *out = {result.detach(), x.grad(), y.grad(), g.grad(), b.grad()};
    }
    const char *names[] = {"out", "dx", "dy", "dgamma", "dbeta"};
    for (size_t i = 0; i < fused.size(); ++i)
        QVERIFY2(torch::allclose(fused[i], reference[i], 1e-5, 1e-5), names[i]);
    {
        torch::NoGradGuard noGrad; // inference: the forward alone
        QVERIFY(torch::allclose(filmResidual(x0, y0, g0, b0), filmResidualReference(x0, y0, g0, b0)));
    }
    // Strided inputs (a select of the generator's output) and doubles take their own paths.
    const at::Tensor film = torch::randn({5, 2, 37});
    const at::Tensor gamma = film.select(1, 0).unsqueeze(1), beta = film.select(1, 1).unsqueeze(1);
    QVERIFY(!gamma.is_contiguous());
    QVERIFY(torch::allclose(filmResidual(x0, y0, gamma, beta), filmResidualReference(x0, y0, gamma, beta)));
    const at::Tensor xd = x0.to(at::kDouble);
    QVERIFY(torch::allclose(filmResidual(xd, y0.to(at::kDouble), g0.to(at::kDouble), b0.to(at::kDouble)),
                            filmResidualReference(xd, y0.to(at::kDouble), g0.to(at::kDouble), b0.to(at::kDouble))));
}

// The same parameters and moments as LibTorch's AdamW after a few steps, some
// of them clipped, for a contiguous parameter (the fused pass) and a
// transposed one (the ATen path).
void TestMlModules::fusedAdamWMatchesLibTorch()
{
    torch::manual_seed(0);
    const at::Tensor start[2] = {at::randn({300, 70}), at::randn({5, 8})};
    std::vector<at::Tensor> ours, theirs;
    for (const at::Tensor &t : start) {
        ours.push_back(t.clone().requires_grad_());
        theirs.push_back(t.clone().requires_grad_());
    }
    ours[1] = ours[1].detach().t().requires_grad_(); // non-contiguous
    theirs[1] = theirs[1].detach().t().requires_grad_();
    const auto options = torch::optim::AdamWOptions(0.01).weight_decay(0.5);
    FusedAdamW fused(ours, options);
    torch::optim::AdamW reference(theirs, options);
    for (int step = 0; step < 5; ++step) {
        fused.clearGradients();
        reference.zero_grad();
        for (size_t i = 0; i < ours.size(); ++i) {
            const at::Tensor grad = at::randn(ours[i].sizes());
            ours[i].mutable_grad() = grad.clone();
            theirs[i].mutable_grad() = grad.clone();
        }
        if (step % 2 == 1) { // clipped to a norm below the gradients' (about 145)
            const double theirNorm = torch::nn::utils::clip_grad_norm_(theirs, 50.0);
            QVERIFY(std::abs(fused.clipGradientNorm(50.0) - theirNorm) < 1e-3 * theirNorm);
        }
        fused.step();
        reference.step();
    }
    for (size_t i = 0; i < ours.size(); ++i) {
        QVERIFY2(at::allclose(ours[i], theirs[i], 1e-5, 1e-6), qPrintable(QString::number(i)));
        const auto key = c10::guts::to_string(ours[i].unsafeGetTensorImpl());
        const auto keyTheirs = c10::guts::to_string(theirs[i].unsafeGetTensorImpl());
        const auto &a = static_cast<torch::optim::AdamWParamState &>(*fused.state().at(key));
        const auto &b = static_cast<torch::optim::AdamWParamState &>(*reference.state().at(keyTheirs));
        QCOMPARE(a.step(), b.step());
        QVERIFY(at::allclose(a.exp_avg_sq(), b.exp_avg_sq(), 1e-5, 1e-7));
    }
    fused.clearGradients();
    QVERIFY(!ours[0].grad().defined());
}

// The gathered modulation (x and y per image), the one with the norm before
// it and that one max-pooled: values and every gradient as the ATen
// operations give them.
void TestMlModules::fusedFilmVariantsMatchAtenOps()
{
    torch::manual_seed(11);
    const at::Tensor x0 = torch::randn({3, 16, 40}), y0 = torch::randn({3, 16, 40}) * 3 + 1;
    const at::Tensor index = at::tensor({2, 0, 2, 2, 1, 0}, at::kLong);
    const at::Tensor g0 = 1 + torch::randn({6, 1, 40}), b0 = torch::randn({6, 1, 40});
    at::Tensor grad = torch::randn({6, 16, 40});
    using Op =
        std::function<at::Tensor(const at::Tensor &, const at::Tensor &, const at::Tensor &, const at::Tensor &)>;
    const auto gradients = [&](const Op &op, bool gathered) {
        at::Tensor x = (gathered ? x0 : x0.index_select(0, index)).clone().requires_grad_(),
                   y = (gathered ? y0 : y0.index_select(0, index)).clone().requires_grad_(),
                   g = g0.clone().requires_grad_(), b = b0.clone().requires_grad_();
        const at::Tensor result = op(x, y, g, b);
        result.backward(grad);
        return std::vector<at::Tensor>{result.detach(), x.grad(), y.grad(), g.grad(), b.grad()};
    };
    const auto gatheredFused = gradients(
        [&](auto &x, auto &y, auto &g, auto &b) { return filmResidualGathered(x, y, index, g, b); }, true);
    const auto gatheredReference = gradients([&](auto &x, auto &y, auto &g, auto &b) {
        return filmResidualReference(x.index_select(0, index), y.index_select(0, index), g, b);
    }, true);
    const auto normFused =
        gradients([](auto &x, auto &y, auto &g, auto &b) { return filmNormResidual(x, y, g, b); }, false);
    const auto normReference = gradients(
        [](auto &x, auto &y, auto &g, auto &b) { return filmNormResidualReference(x, y, g, b); }, false);
    // The pooled variant takes a gradient of the pooled shape: its sum over the regions' one.
    const at::Tensor fullGrad = grad;
    grad = grad.sum(1);
    const auto maxFused =
        gradients([](auto &x, auto &y, auto &g, auto &b) { return filmNormResidualMax(x, y, g, b); }, false);
    const auto maxReference = gradients(
        [](auto &x, auto &y, auto &g, auto &b) { return filmNormResidualMaxReference(x, y, g, b); }, false);
    grad = fullGrad;
    const char *names[] = {"out", "dx", "dy", "dgamma", "dbeta"};
    for (size_t i = 0; i < 5; ++i) {
        QVERIFY2(torch::allclose(gatheredFused[i], gatheredReference[i], 1e-5, 1e-5), names[i]);
        QVERIFY2(torch::allclose(normFused[i], normReference[i], 1e-4, 1e-5), names[i]);
        QVERIFY2(torch::allclose(maxFused[i], maxReference[i], 1e-4, 1e-5), names[i]);
    }
    torch::NoGradGuard noGrad; // inference: the forward alone
    QVERIFY(torch::allclose(filmResidualGathered(x0, y0, index, g0, b0), gatheredReference[0], 1e-5, 1e-5));
    const at::Tensor xs = x0.index_select(0, index), ys = y0.index_select(0, index);
    QVERIFY(torch::allclose(filmNormResidual(xs, ys, g0, b0), normReference[0], 1e-4, 1e-5));
    QVERIFY(torch::allclose(filmNormResidualMax(xs, ys, g0, b0), maxReference[0], 1e-4, 1e-5));
}

void TestMlModules::fusedFilmBlockMatchesAtenOps_data()
{
    QTest::addColumn<int>("extra"); // none, one per item, one per region
    QTest::addColumn<bool>("pooled");
    for (int extra : {0, 1, 2})
        for (bool pooled : {false, true})
            QTest::addRow("extra %d%s", extra, pooled ? ", pooled" : "") << extra << pooled;
}

// A whole FiLM block as one operation: the output and the gradients of x, the
// extra input, both layers' weights and biases, gamma and beta as the ATen
// layers give them.
void TestMlModules::fusedFilmBlockMatchesAtenOps()
{
    QFETCH(int, extra);
    QFETCH(bool, pooled);
    torch::manual_seed(13);
    const int64_t items = 4, regions = 9, hidden = 24;
    std::vector<at::Tensor> start = {torch::randn({items, regions, hidden}),
                                     torch::randn({items, extra == 2 ? regions : 1, hidden}),
                                     torch::randn({hidden, hidden}) * 0.3,
                                     torch::randn({hidden}) * 0.1,
                                     torch::randn({hidden, hidden}) * 0.3,
                                     torch::randn({hidden}) * 0.1,
                                     1 + torch::randn({items, 1, hidden}) * 0.5,
                                     torch::randn({items, 1, hidden}) * 0.5};
    const at::Tensor grad = torch::randn(pooled ? std::vector<int64_t>{items, hidden}
                                                : std::vector<int64_t>{items, regions, hidden});
    std::vector<std::vector<at::Tensor>> results;
    for (bool fused : {true, false}) {
        std::vector<at::Tensor> in;
        for (const at::Tensor &t : start)
            in.push_back(t.clone().requires_grad_());
        const at::Tensor more = extra ? in[1] : at::Tensor();
        at::Tensor out;
        if (fused) {
            out = filmBlock(in[0], more, in[2], in[3], in[4], in[5], in[6], in[7], pooled);
        } else {
            at::Tensor r = at::linear(in[0], in[2], in[3]);
            const at::Tensor y = at::linear(at::relu(more.defined() ? r + more : r), in[4], in[5]);
            out = pooled ? filmNormResidualMaxReference(in[0], y, in[6], in[7])
                         : filmNormResidualReference(in[0], y, in[6], in[7]);
        }
        out.backward(grad);
        std::vector<at::Tensor> result = {out.detach()};
        for (size_t i = 0; i < in.size(); ++i)
            if (i != 1 || extra)
                result.push_back(in[i].grad());
        results.push_back(result);
    }
    for (size_t i = 0; i < results[0].size(); ++i)
        QVERIFY2(torch::allclose(results[0][i], results[1][i], 1e-4, 1e-5), qPrintable(QString::number(i)));
}

// Inside the guard linear layers give bfloat16 (gradients reach the float32
// weights as float32); outside it, and with it switched off, float32. FiLM's
// modulation takes the mixed inputs autocast makes (bfloat16 from the linear
// layers, float32 from the norm) and computes in float32.
void TestMlModules::bf16AutocastIsScoped()
{
    torch::manual_seed(3);
    torch::nn::Linear layer(8, 4);
    const at::Tensor input = torch::randn({2, 8});
    {
        const Bf16Autocast off(false, false);
        QCOMPARE(layer->forward(input).scalar_type(), at::kFloat);
    }
    at::Tensor low;
    {
        const Bf16Autocast on(true, false);
        low = layer->forward(input);
        QCOMPARE(low.scalar_type(), at::kBFloat16);
    }
    QCOMPARE(layer->forward(input).scalar_type(), at::kFloat);
    QVERIFY(torch::allclose(low.to(at::kFloat), layer->forward(input), 0.05, 0.05));
    answerLoss(low, at::tensor({1, 3}, at::kLong)).backward();
    QCOMPARE(layer->weight.grad().scalar_type(), at::kFloat);

    const at::Tensor x = torch::randn({3, 16, 8}).to(at::kBFloat16), y = torch::randn({3, 16, 8});
    const at::Tensor g = (1 + torch::randn({3, 1, 8})).to(at::kBFloat16), b = torch::randn({3, 1, 8}).to(at::kBFloat16);
    const at::Tensor mixed = filmResidual(x, y, g, b);
    QCOMPARE(mixed.scalar_type(), at::kFloat);
    QVERIFY(torch::allclose(mixed, filmResidualReference(x.to(at::kFloat), y, g.to(at::kFloat), b.to(at::kFloat)), 1e-5, 1e-5));
}

void TestMlModules::filmContextIsOptional()
{
    FusionOptions options = smallFusion();
    options.filmContext = true;
    const auto contextParameters = [](const std::shared_ptr<FusionImpl> &fusion) {
        int n = 0;
        for (const auto &p : fusion->named_parameters())
            n += p.key().rfind("context.", 0) == 0;
        return n;
    };
    QCOMPARE(contextParameters(makeFusion("film", options)), int(options.filmBlocks) - 1); // not the first block
    options.filmContext = false;
    auto plain = makeFusion("film", options);
    QCOMPARE(contextParameters(plain), 0);
    QCOMPARE(plain->forward(at::randn({3, 9, 18}), at::randn({3, 24})).sizes().vec(),
             (std::vector<int64_t>{3, options.outputDim}));
}

// With filmAttention every block scores the regions; the weights sum to one
// per question, the output changes with a region's score, and the map is kept
// for explain.
void TestMlModules::filmAttentionPoolsByScore()
{
    torch::manual_seed(5);
    FusionOptions options = smallFusion();
    options.filmAttention = true;
    auto film = makeFusion("film", options);
    int attendParameters = 0, contextParameters = 0;
    for (const auto &p : film->named_parameters()) {
        attendParameters += p.key().rfind("attend.", 0) == 0;
        contextParameters += p.key().rfind("context.", 0) == 0;
    }
    QCOMPARE(attendParameters, 2 * int(options.filmBlocks)); // weight and bias per block
    QCOMPARE(contextParameters, int(options.filmBlocks) - 1);
    const at::Tensor regions = at::randn({3, 9, 18}), question = at::randn({3, 24});
    const at::Tensor out = film->forward(regions, question);
    QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{3, options.outputDim}));
    const at::Tensor weights = film->regionAttention();
    QCOMPARE(weights.sizes().vec(), (std::vector<int64_t>{3, 9}));
    QVERIFY(torch::allclose(weights.sum(1), at::ones({3})));
    out.sum().backward();
    // The scores' biases get none: a softmax does not change when all its inputs shift together.
    for (const auto &p : film->named_parameters())
        if (p.key().rfind("attend.", 0) == 0 && p.key().find(".weight") != std::string::npos)
            QVERIFY2(p.value().grad().abs().sum().item<double>() > 0, qPrintable(QString::fromStdString(p.key())));
}

// With filmRelative, blocks after the first read each region's offset from
// the attended centre: the offsets are exact for a one-hot and a split
// attention; zero relative weights leave the model as it was; otherwise the
// offsets change the answer and pass gradient back to the first attention.
void TestMlModules::filmRelativeMeasuresFromTheAttendedRegion()
{
    const at::Tensor centres = at::tensor({-0.5f, -0.5f, 0.5f, -0.5f, -0.5f, 0.5f, 0.5f, 0.5f}).view({1, 2 * 2, 2});
    const at::Tensor onHot = at::tensor({0.f, 1.f, 0.f, 0.f}).view({1, 4}); // region 1, at (0.5, -0.5)
    const at::Tensor split = at::tensor({0.5f, 0.5f, 0.f, 0.f}).view({1, 4});  // between regions 0 and 1: (0, -0.5)
    const at::Tensor fromOne = offsetsFromAttended(centres, onHot).squeeze(0);
    QVERIFY(at::allclose(fromOne, at::tensor({-1.f, 0.f, 1.f, 0.f, 0.f, 0.f, -1.f, 1.f, 2.f, 0.f, 1.f, 1.f}).view({4, 3})));
    const at::Tensor fromSplit = offsetsFromAttended(centres, split).squeeze(0);
    QVERIFY(at::allclose(fromSplit.select(1, 0), at::tensor({-0.5f, 0.5f, -0.5f, 0.5f})));
    QVERIFY(at::allclose(fromSplit.select(1, 2), at::tensor({0.25f, 0.25f, 1.25f, 1.25f})));

    torch::manual_seed(8);
    FusionOptions options = smallFusion();
    options.filmAttention = true;
    auto [relative, plain] = filmWithAndWithout(options, &FusionOptions::filmRelative);
    {
        torch::NoGradGuard noGrad;
        relative->named_parameters()["relative.0.weight"].zero_();
    }
    const at::Tensor grid = at::cat({at::randn({2, 9, 16}), appendCoordinates(gridOf(at::zeros({2, 9, 0}), 3, 3))}, -1);
    const at::Tensor question = at::randn({2, 24});
    QVERIFY(at::allclose(relative->forward(grid, question), plain->forward(grid, question), 1e-5, 1e-6));
    {
        torch::NoGradGuard noGrad;
        relative->named_parameters()["relative.0.weight"].normal_();
    }
    const at::Tensor out = relative->forward(grid, question);
    QVERIFY(!at::allclose(out, plain->forward(grid, question), 1e-3, 1e-4));
    // Only the offsets carry the first attention's gradient once the context is cut.
    {
        torch::NoGradGuard noGrad;
        relative->named_parameters()["context.0.weight"].zero_();
    }
    relative->forward(grid, question).sum().backward();
    QVERIFY(relative->named_parameters()["relative.0.weight"].grad().abs().sum().item<double>() > 0);
    QVERIFY(relative->named_parameters()["attend.0.weight"].grad().abs().sum().item<double>() > 0);
}

// With filmGate the question scales each region feature: a zero gate is the
// identity (the output is the ungated model's with the same weights), regions
// shared per image give what copies per question give, and the gate learns.
void TestMlModules::filmGateScalesRegionsByTheQuestion()
{
    torch::manual_seed(6);
    auto [gated, plain] = filmWithAndWithout(smallFusion(), &FusionOptions::filmGate);
    {
        torch::NoGradGuard noGrad;
        auto gatedParameters = gated->named_parameters();
        gatedParameters["gate.weight"].zero_();
        gatedParameters["gate.bias"].zero_();
    }
    const at::Tensor regions = at::randn({2, 9, 18}), question = at::randn({5, 24});
    const at::Tensor index = at::tensor({0, 0, 1, 1, 1}, at::kLong);
    const at::Tensor copied = regions.index_select(0, index);
    QVERIFY(at::allclose(gated->forward(copied, question), plain->forward(copied, question), 1e-5, 1e-6));
    {
        torch::NoGradGuard noGrad;
        gated->named_parameters()["gate.weight"].normal_();
    }
    const at::Tensor shared = gated->forward(regions, question, {}, {}, index);
    QVERIFY(at::allclose(shared, gated->forward(copied, question), 1e-5, 1e-6));
    QVERIFY(!at::allclose(shared, plain->forward(copied, question), 1e-3, 1e-3));
    shared.sum().backward();
    QVERIFY(gated->named_parameters()["gate.weight"].grad().abs().sum().item<double>() > 0);
}

// Questions asked about one image in inference mode reuse the first block's
// image-only work; the answers are exactly those computed afresh, and another
// regions tensor (even with the same values) or grad mode computes it again.
void TestMlModules::filmReusesTheImageWorkOfAnImage()
{
    torch::manual_seed(4);
    auto film = makeFusion("film", smallFusion());
    film->eval();
    const at::Tensor regions = at::randn({1, 9, 18});
    const at::Tensor first = at::randn({1, 24}), second = at::randn({1, 24});
    at::Tensor expectedFirst, expectedSecond, cachedFirst, cachedSecond;
    {
        torch::NoGradGuard noGrad; // not inference mode: nothing is kept
        expectedFirst = film->forward(regions, first);
        expectedSecond = film->forward(regions, second);
    }
    {
        c10::InferenceMode inference;
        cachedFirst = film->forward(regions, first);
        cachedSecond = film->forward(regions, second); // from the kept first block
        QVERIFY(at::equal(film->forward(regions.clone() + 1, second), film->forward(regions.clone() + 1, second)));
    }
    QVERIFY(at::equal(cachedFirst, expectedFirst));
    QVERIFY(at::equal(cachedSecond, expectedSecond));
    QVERIFY(!at::equal(cachedFirst, cachedSecond));
    const at::Tensor trainable = regions.clone().requires_grad_(true);
    film->forward(trainable, first).sum().backward(); // grad mode: computed with the graph, gradients reach the regions
    QVERIFY(trainable.grad().defined() && trainable.grad().abs().sum().item<double>() > 0);
}

void TestMlModules::unknownNames()
{
    QVERIFY(!makeFusion("bilinear", smallFusion()));
    VisionOptions vision;
    vision.kind = "vit";
    QVERIFY(!makeVisionEncoder(vision));
    TextOptions text;
    text.kind = "lstm";
    QVERIFY(!makeTextEncoder(text));
}

void TestMlModules::answerLosses()
{
    const at::Tensor logits = at::tensor({10.0f, -10.0f, -10.0f, -10.0f, 10.0f, -10.0f}).view({2, 3});
    QVERIFY(answerLoss(logits, at::tensor({0, 1}, at::kLong)).item<float>() < 1e-3);
    QVERIFY(answerLoss(logits, at::tensor({2, 2}, at::kLong)).item<float>() > 10);
    const at::Tensor soft = at::tensor({1.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f}).view({2, 3});
    QVERIFY(answerLoss(logits, soft).item<float>() < 1e-3);

    AnswerHeadOptions options;
    options.inputDim = 5;
    options.hiddenDim = 8;
    options.numAnswers = 3;
    QCOMPARE(AnswerHead(options)->forward(at::randn({4, 5})).sizes().vec(), (std::vector<int64_t>{4, 3}));
    options.inputIsScores = true;
    AnswerHead passThrough(options);
    QVERIFY(passThrough->parameters().empty());
    const at::Tensor scores = at::randn({4, 3});
    QVERIFY(at::equal(passThrough->forward(scores), scores));
}

void TestMlModules::captionerShapes()
{
    torch::manual_seed(0);
    CaptionerOptions options;
    options.regionDim = 10;
    options.vocabSize = 15;
    options.hiddenDim = 24;
    options.attentionDim = 12;
    AttentionCaptioner captioner(options);
    const at::Tensor captions = at::tensor({2, 5, 6, 7, 3, 2, 8, 3, 0, 0}, at::kLong).view({2, 5});
    const CaptionerOutput out = captioner->forward(at::randn({2, 6, 10}), captions);
    QCOMPARE(out.logits.sizes().vec(), (std::vector<int64_t>{2, 4, 15}));
    QCOMPARE(out.attention.sizes().vec(), (std::vector<int64_t>{2, 4, 6}));
    QVERIFY(at::allclose(out.attention.sum(-1), at::ones({2, 4})));
    const at::Tensor loss = captionLoss(out, captions, 1.0);
    QCOMPARE(loss.dim(), int64_t(0));
    loss.backward();
    for (const auto &p : captioner->named_parameters())
        QVERIFY2(p.value().grad().defined() && p.value().grad().abs().sum().item<float>() > 0, p.key().c_str());
}

namespace {

AttentionCaptioner smallCaptioner(int64_t vocabSize)
{
    CaptionerOptions options;
    options.regionDim = 10;
    options.vocabSize = vocabSize;
    options.hiddenDim = 16;
    options.attentionDim = 8;
    return AttentionCaptioner(options);
}

// log p of each sampled caption under teacher forcing: [N].
at::Tensor teacherForcedLogProb(AttentionCaptioner &captioner, const at::Tensor &regions, const SampledCaptions &s)
{
    const at::Tensor captions = at::cat({at::full({s.tokens.size(0), 1}, Vocabulary::kBos, at::kLong), s.tokens}, 1);
    const at::Tensor logP = at::log_softmax(captioner->forward(regions, captions).logits, -1);
    return (logP.gather(2, s.tokens.unsqueeze(2)).squeeze(2) * s.mask).sum(1);
}

} // namespace

void TestMlModules::sampledCaptionsStopAtEos()
{
    torch::manual_seed(4);
    AttentionCaptioner captioner = smallCaptioner(6); // 2 real words: <eos> comes early and often
    const SampledCaptions s = captioner->sample(at::randn({8, 4, 10}), 10);
    QCOMPARE(s.tokens.size(0), int64_t(8));
    QVERIFY(s.tokens.size(1) <= 10);
    QVERIFY(s.logProbs.requires_grad());
    for (int64_t row = 0; row < 8; ++row) {
        bool ended = false;
        for (int64_t t = 0; t < s.tokens.size(1); ++t) {
            const int64_t word = s.tokens[row][t].item<int64_t>();
            QCOMPARE(s.mask[row][t].item<float>(), ended ? 0.0f : 1.0f);
            if (ended) {
                QCOMPARE(word, Vocabulary::kPad);
                QCOMPARE(s.logProbs[row][t].item<float>(), 0.0f);
            } else {
                QVERIFY(s.logProbs[row][t].item<float>() < 0);
            }
            ended = ended || word == Vocabulary::kEos;
        }
    }
    // Seeded: the same draw again.
    torch::manual_seed(4);
    AttentionCaptioner again = smallCaptioner(6);
    QVERIFY(at::equal(again->sample(at::randn({8, 4, 10}), 10).tokens, s.tokens));
}

void TestMlModules::selfCriticalLossFavoursRewardedSamples()
{
    torch::manual_seed(5);
    AttentionCaptioner captioner = smallCaptioner(12);
    const at::Tensor regions = at::randn({4, 4, 10}); // 2 images x 2 samples each
    const SampledCaptions s = captioner->sample(regions, 8);
    QVERIFY(!at::equal(s.tokens[0], s.tokens[1]));
    const at::Tensor before = teacherForcedLogProb(captioner, regions, s).detach();
    // The first sample of each image is rewarded, the second is not.
    const at::Tensor loss = selfCriticalLoss(s, at::tensor({1.0, 0.0, 2.0, 0.5}, at::kDouble), 2);
    loss.backward();
    {
        torch::NoGradGuard noGrad;
        for (auto &p : captioner->parameters())
            p.sub_(0.05 * p.grad());
    }
    const at::Tensor after = teacherForcedLogProb(captioner, regions, s).detach();
    QVERIFY2(after[0].item<float>() > before[0].item<float>(), "the rewarded sample became less likely");
    QVERIFY2(after[1].item<float>() < before[1].item<float>(), "the unrewarded sample became more likely");
    QVERIFY(after[2].item<float>() > before[2].item<float>());
    QVERIFY(after[3].item<float>() < before[3].item<float>());
    // Equal rewards: no advantage, no gradient.
    QCOMPARE(selfCriticalLoss(s, at::tensor({1.0, 1.0, 3.0, 3.0}, at::kDouble), 2).item<float>(), 0.0f);
}

void TestMlModules::beamOneIsGreedy()
{
    torch::manual_seed(3);
    CaptionerOptions options;
    options.regionDim = 10;
    options.vocabSize = 9;
    options.hiddenDim = 16;
    options.attentionDim = 8;
    AttentionCaptioner captioner(options);
    captioner->eval();
    const VisionFeatures features = gridOf(at::randn({3, 6, 10}), 2, 3);
    const auto greedy = captioner->greedy(features, 12);
    const auto beam = captioner->beamSearch(features, 1, 12);
    QCOMPARE(beam.size(), size_t(3));
    for (size_t i = 0; i < greedy.size(); ++i) {
        QVERIFY(greedy[i].tokens == beam[i].tokens);
        QCOMPARE(greedy[i].finished, beam[i].finished);
        QVERIFY(std::abs(greedy[i].logProb - beam[i].logProb) < 1e-4);
        QCOMPARE(greedy[i].attention.size(), greedy[i].tokens.size());
        QCOMPARE(beam[i].gridHeight, int64_t(2));
        QCOMPARE(beam[i].gridWidth, int64_t(3));
        for (size_t t = 0; t < greedy[i].attention.size(); ++t) {
            const auto &row = beam[i].attention[t];
            QCOMPARE(row.size(), size_t(6));
            double sum = 0;
            for (size_t r = 0; r < row.size(); ++r) {
                sum += row[r];
                QVERIFY(std::abs(row[r] - greedy[i].attention[t][r]) < 1e-5);
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
        }
    }
    // A wider beam still gives one attention row per token.
    for (const auto &caption : captioner->beamSearch(features, 4, 12))
        QVERIFY(caption.attention.size() == caption.tokens.size());
}

void TestMlModules::contrastiveHead()
{
    torch::manual_seed(0);
    ContrastiveOptions options;
    options.imageDim = 6;
    options.textDim = 5;
    options.embedDim = 4;
    ContrastiveHead head(options);
    QVERIFY(std::abs(head->logitScale().item<float>() - 1 / 0.07f) < 1e-3);
    const at::Tensor image = head->embedImage(at::randn({3, 6}));
    QVERIFY(at::allclose(image.norm(2, 1), at::ones({3})));
    const at::Tensor loss = head->forward(at::randn({3, 6}), at::randn({3, 5}));
    loss.backward();
    QVERIFY(head->named_parameters()["log_scale"].grad().defined());
    {
        torch::NoGradGuard noGrad;
        head->named_parameters()["log_scale"].fill_(10.0);
    }
    QVERIFY(std::abs(head->logitScale().item<float>() - 100.0f) < 1e-3); // clamped as CLIP does
    // Perfectly matched unit embeddings at scale 100: loss near zero.
    const at::Tensor eye = at::eye(3);
    QVERIFY(symmetricInfoNce(eye, eye, at::full({}, 100.0)).item<float>() < 1e-6);
}

void TestMlModules::configRoundTrip()
{
    ModelConfig c = smallConfig("mfb");
    c.text = "transformer";
    c.textPooling = "cls";
    c.coordinateChannels = true;
    c.pixelChannels = 6;
    c.objectPositions = true;
    c.filmGate = true;
    c.filmAttention = true;
    c.filmRelative = true;
    c.dropout = 0.125;
    const std::string text = configToString(c);
    QVERIFY(text.find("fusion=mfb\n") != std::string::npos);
    const auto back = configFromString("# saved by a test\n" + text);
    QVERIFY(back.ok());
    QCOMPARE(configToString(back.value()), text);
    QVERIFY(architectureDifferences(c, back.value()).empty());
    ModelConfig other = c;
    other.fusionDim = 64;
    other.dropout = 0.5; // not architecture
    const auto differences = architectureDifferences(c, other);
    QCOMPARE(differences.size(), size_t(1));
    QCOMPARE(differences[0], std::string("fusion_dim: '32' vs '64'"));
}

void TestMlModules::configErrors()
{
    const auto unknown = configFromString("fusion=film\ncolour=red\n");
    QVERIFY(!unknown.ok());
    QVERIFY(unknown.error().find("line 2") != std::string::npos);
    const auto badNumber = configFromString("fusion_dim=wide\n");
    QVERIFY(!badNumber.ok());
    QVERIFY(badNumber.error().find("fusion_dim") != std::string::npos);
    QVERIFY(!configFromString("append_coordinates=maybe").ok());

    QVERIFY(validateConfig(smallConfig("relation")).ok());
    ModelConfig pixels = smallConfig("film");
    pixels.pixelChannels = -1;
    QVERIFY(validateConfig(pixels).error().find("pixel_channels") != std::string::npos);
    ModelConfig positions = smallConfig("film");
    positions.objectPositions = true; // no pixel path to find them
    QVERIFY(validateConfig(positions).error().find("object_positions") != std::string::npos);
    positions.pixelChannels = 4;
    QVERIFY(validateConfig(positions).ok());
    positions.appendCoordinates = false;
    QVERIFY(!validateConfig(positions).ok());
    ModelConfig relative = smallConfig("film");
    relative.filmRelative = true; // without the attention it measures from
    QVERIFY(validateConfig(relative).error().find("film_attention") != std::string::npos);
    relative.filmAttention = true;
    QVERIFY(validateConfig(relative).ok());
    relative.appendCoordinates = false;
    QVERIFY(!validateConfig(relative).ok());
    const Outcome badFusion = validateConfig(smallConfig("bilinear"));
    QVERIFY(!badFusion.ok());
    QVERIFY(badFusion.error().find("cross_attention") != std::string::npos);
    ModelConfig heads = smallConfig("concat");
    heads.text = "transformer";
    heads.textDim = 30;
    heads.textHeads = 4;
    QVERIFY(!validateConfig(heads).ok());
    bool threw = false;
    try {
        VqaModel model(smallConfig("bilinear"));
    } catch (const c10::Error &) {
        threw = true;
    }
    QVERIFY(threw);
}

void TestMlModules::vqaSharesImageFeatures_data()
{
    fusionShapes_data();
}

void TestMlModules::vqaSharesImageFeatures()
{
    QFETCH(QString, name);
    torch::manual_seed(0);
    VqaModel model(smallConfig(name.toStdString()));
    model->eval();
    const at::Tensor images = at::rand({2, 3, 32, 32});
    const TokenBatch questions = padBatch({{5, 6, 7}, {8, 9}, {5, 6, 7}, {10}});
    const at::Tensor index = at::tensor({0, 0, 1, 1}, at::kLong);
    const at::Tensor shared = model->forward(images, questions.ids, questions.lengths, index);
    const at::Tensor separate = model->forward(images.index_select(0, index), questions.ids, questions.lengths);
    QCOMPARE(shared.sizes().vec(), (std::vector<int64_t>{4, 6}));
    QVERIFY(at::allclose(shared, separate, 1e-5, 1e-6));
    QVERIFY(!at::allclose(shared[0], shared[2])); // same question, different image
}

void TestMlModules::distinctTextsMapBack()
{
    const TokenBatch texts = padBatch({{5, 6, 7}, {8, 9}, {5, 6, 7}, {5, 6}, {8, 9}});
    const DistinctTexts distinct = distinctTexts(texts.ids, texts.lengths);
    QCOMPARE(distinct.ids.size(0), int64_t(3));
    QVERIFY(at::equal(distinct.ids.index_select(0, distinct.index), texts.ids));
    QVERIFY(at::equal(distinct.lengths.index_select(0, distinct.index), texts.lengths));

    const TokenBatch unique = padBatch({{5, 6, 7}, {5, 6}});
    const DistinctTexts same = distinctTexts(unique.ids, unique.lengths);
    QVERIFY(!same.index.defined());
    QVERIFY(same.ids.is_same(unique.ids));
}

void TestMlModules::vqaSharesQuestionWork_data()
{
    fusionShapes_data();
    QTest::newRow("film, gated") << QStringLiteral("film+gate"); // the gate, too, runs once per text
}

// A batch that asks one question twice encodes it once; the answers and every
// gradient are those of the questions asked one at a time.
void TestMlModules::vqaSharesQuestionWork()
{
    QFETCH(QString, name);
    torch::manual_seed(0);
    ModelConfig config = smallConfig(name == QLatin1String("film+gate") ? "film" : name.toStdString());
    config.filmGate = name == QLatin1String("film+gate");
    VqaModel model(config);
    model->eval(); // batch norm's running statistics: one image or two give the same features
    const at::Tensor images = at::rand({2, 3, 32, 32}), answers = at::tensor({1, 4, 2, 1}, at::kLong);
    const TokenBatch questions = padBatch({{5, 6, 7}, {8, 9}, {5, 6, 7}, {5, 6, 7}});
    const at::Tensor index = at::tensor({0, 0, 1, 0}, at::kLong);
    const at::Tensor batched = model->forward(images, questions.ids, questions.lengths, index);
    at::cross_entropy_loss(batched, answers, {}, at::Reduction::Sum).backward();
    std::vector<at::Tensor> shared;
    for (const at::Tensor &p : model->parameters()) {
        shared.push_back(p.grad().defined() ? p.grad().clone() : at::zeros_like(p));
        p.mutable_grad() = at::Tensor();
    }
    for (int64_t q = 0; q < 4; ++q) {
        const at::Tensor one = model->forward(images.narrow(0, index[q].item<int64_t>(), 1),
                                              questions.ids.narrow(0, q, 1), questions.lengths.narrow(0, q, 1));
        QVERIFY(at::allclose(one[0], batched[q], 1e-5, 1e-6));
        at::cross_entropy_loss(one, answers.narrow(0, q, 1), {}, at::Reduction::Sum).backward();
    }
    const auto parameters = model->parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
        const at::Tensor separate = parameters[i].grad().defined() ? parameters[i].grad() : at::zeros_like(shared[i]);
        QVERIFY2(at::allclose(shared[i], separate, 1e-4, 1e-5), qPrintable(QString::number(i)));
    }
}

void TestMlModules::modelShapes()
{
    torch::manual_seed(0);
    ModelConfig config = smallConfig("film");
    config.vision = "resnet";
    const at::Tensor images = at::rand({2, 3, 64, 64});
    const TokenBatch texts = padBatch({{2, 5, 6, 3}, {2, 7, 3}});

    VqaModel vqa(config);
    QCOMPARE(vqa->forward(images, texts.ids, texts.lengths).sizes().vec(), (std::vector<int64_t>{2, 6}));
    QCOMPARE(vqa->regionDim(), int64_t(2 * 8 + 2));

    config.task = "caption";
    CaptionModel caption(config);
    const CaptionerOutput out = caption->forward(images, texts.ids, at::tensor({1, 0}, at::kLong));
    QCOMPARE(out.attention.sizes().vec(), (std::vector<int64_t>{2, 3, 16}));
    caption->eval();
    const auto decoded = caption->beamSearch(images, 2, 5);
    QCOMPARE(decoded.size(), size_t(2));
    QCOMPARE(decoded[0].gridHeight, int64_t(4));

    config.task = "retrieval";
    RetrievalModel retrieval(config);
    QCOMPARE(retrieval->embedImages(images).sizes().vec(), (std::vector<int64_t>{2, 16}));
    QCOMPARE(retrieval->embedTexts(texts.ids, texts.lengths).sizes().vec(), (std::vector<int64_t>{2, 16}));
    QCOMPARE(retrieval->forward(images, texts.ids, texts.lengths).dim(), int64_t(0));
}

QTEST_GUILESS_MAIN(TestMlModules)
#include "test_ml_modules.moc"
