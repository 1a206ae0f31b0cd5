// Explanations inside tandem_ml: Grad-CAM over region features (ml/gradcam.h)
// peaks on the region a model's answer depends on, and the fusions report
// where they attend — cross-attention over regions and question tokens, the
// relation network each object's share of its pairs.
#include "ml/fusion.h"
#include "ml/gradcam.h"
#include "ml/occlusion.h"

#include <torch/torch.h>

#include <QTest>

using namespace tandem;

class TestMlExplain : public QObject {
    Q_OBJECT
private slots:
    void gradCamPeaksOnTheRegionTheAnswerReads();
    void gradCamIgnoresAppendedCoordinates();
    void gradCamOfNothingIsZero();
    void crossAttentionReportsRegionsAndTokens();
    void relationSharesInEvalModeOnly();
    void occlusionCoversEachPlacementWithTheBackground();
    void occlusionCountsEveryCellEqually();
    void occlusionPeaksOnTheObjectTheScoreReads();
};

// 6 regions x 5 channels (+2 coordinates). Region 4 alone has channels 0 and 1;
// the "answer" reads exactly those, so only region 4 matters to it.
void TestMlExplain::gradCamPeaksOnTheRegionTheAnswerReads()
{
    torch::manual_seed(3);
    at::Tensor features = torch::zeros({6, 7});
    features.slice(1, 2, 5) = torch::rand({6, 3});   // channels every region has
    features[4][0] = 1.5;
    features[4][1] = 0.8;
    features.slice(1, 5, 7) = torch::rand({6, 2});   // coordinates
    const at::Tensor regions = features.clone().requires_grad_(true);
    const at::Tensor readout = torch::tensor({2.0f, 1.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f});
    const at::Tensor answer = (regions[4] * readout).sum() + 0.0 * regions.sum();
    answer.backward();
    const std::vector<float> cam = ml::gradCam(regions, regions.grad(), 5);
    QCOMPARE(int(cam.size()), 6);
    QCOMPARE(int(std::max_element(cam.begin(), cam.end()) - cam.begin()), 4);
    QCOMPARE(cam[4], 1.0f);
    for (int r : {0, 1, 2, 3, 5})
        QCOMPARE(cam[size_t(r)], 0.0f);
}

void TestMlExplain::gradCamIgnoresAppendedCoordinates()
{
    // The score reads only the coordinate columns: with them left out, no channel raises it.
    const at::Tensor regions = torch::rand({4, 5}).requires_grad_(true);
    regions.slice(1, 3, 5).sum().backward();
    const std::vector<float> cam = ml::gradCam(regions, regions.grad(), 3);
    QCOMPARE(cam, std::vector<float>(4, 0.0f));
}

void TestMlExplain::gradCamOfNothingIsZero()
{
    QCOMPARE(ml::scaledToMax(torch::zeros({3})), std::vector<float>(3, 0.0f));
    QCOMPARE(ml::scaledToMax(torch::tensor({1.0f, 4.0f, 2.0f})), (std::vector<float>{0.25f, 1.0f, 0.5f}));
}

void TestMlExplain::crossAttentionReportsRegionsAndTokens()
{
    torch::manual_seed(1);
    ml::FusionOptions o;
    o.regionDim = 6;
    o.questionDim = 8;
    o.hiddenDim = 16;
    o.outputDim = 8;
    o.heads = 2;
    auto fusion = ml::makeFusion("cross_attention", o);
    fusion->eval();
    const at::Tensor mask = torch::tensor({{true, true, true, false}, {true, true, false, false}});
    fusion->forward(torch::rand({2, 9, 6}), torch::rand({2, 8}), torch::rand({2, 4, 8}), mask);
    QCOMPARE(fusion->regionAttention().sizes(), (at::IntArrayRef{2, 9}));
    QCOMPARE(fusion->tokenAttention().sizes(), (at::IntArrayRef{2, 4}));
    QVERIFY(torch::allclose(fusion->regionAttention().sum(1), torch::ones({2})));
    QCOMPARE(fusion->tokenAttention()[1][2].item<float>(), 0.0f); // padding gets no weight
}

void TestMlExplain::relationSharesInEvalModeOnly()
{
    torch::manual_seed(2);
    ml::FusionOptions o;
    o.regionDim = 5;
    o.questionDim = 4;
    o.hiddenDim = 8;
    o.outputDim = 6;
    auto fusion = ml::makeFusion("relation", o);
    fusion->train();
    fusion->forward(torch::rand({3, 4, 5}), torch::rand({3, 4}));
    QVERIFY(!fusion->regionAttention().defined()); // training pays nothing for it
    fusion->eval();
    fusion->forward(torch::rand({3, 4, 5}), torch::rand({3, 4}));
    const at::Tensor shares = fusion->regionAttention();
    QCOMPARE(shares.sizes(), (at::IntArrayRef{3, 4}));
    QVERIFY(torch::allclose(shares.sum(1), torch::ones({3})));
    QVERIFY(shares.min().item<float>() >= 0);
}


void TestMlExplain::occlusionCoversEachPlacementWithTheBackground()
{
    at::Tensor image = torch::full({1, 3, 8, 8}, 0.25f);
    image[0][0].slice(0, 2, 6).slice(1, 2, 6) = 1.0f; // an object inside a 0.25 frame
    const ml::OcclusionGrid g{4, 3};                  // 2-pixel cells, windows of 3 cells
    const at::Tensor covered = ml::coveredImages(image, g);
    QCOMPARE(covered.size(0), int64_t(6 * 6));
    // The first placement starts two cells outside: it covers the top-left cell only.
    const at::Tensor changed = (covered[0] != image[0]).any(0);
    QCOMPARE(changed.sum().item<int64_t>(), int64_t(0)); // that cell is background already
    // Placement (2, 2) covers cells 0..2 on both axes: pixels 0..5, the object's 4 x 4 of channel 0.
    const at::Tensor middle = covered[2 * 6 + 2];
    QCOMPARE((middle != image[0]).any(0).sum().item<int64_t>(), int64_t(16));
    QVERIFY(torch::allclose(middle.slice(1, 0, 6).slice(2, 0, 6), torch::full({3, 6, 6}, 0.25f)));
}

void TestMlExplain::occlusionCountsEveryCellEqually()
{
    const ml::OcclusionGrid g{5, 3};
    const std::vector<float> map = ml::occlusionMap(torch::ones({g.placements() * g.placements()}), g);
    QCOMPARE(map, std::vector<float>(25, 1.0f)); // each cell under window² placements, corners too
}

// The "model" reads one object (rows 18..25, columns 6..13 of a 32-pixel image):
// a window changes its score by how much of the object it hides. The map's peak
// is a cell inside the object, and cells far from it weigh nothing.
void TestMlExplain::occlusionPeaksOnTheObjectTheScoreReads()
{
    at::Tensor image = torch::full({1, 3, 32, 32}, 0.1f);
    image.slice(2, 18, 26).slice(3, 6, 14) = 0.9f;
    const auto objectSum = [](const at::Tensor &images) {
        return images.slice(2, 18, 26).slice(3, 6, 14).sum({1, 2, 3});
    };
    const at::Tensor reference = objectSum(image);
    const ml::OcclusionGrid g{16, 6};
    int calls = 0;
    const std::vector<float> map = ml::occlusionMap(image, g, [&](const at::Tensor &covered) {
        ++calls;
        return reference - objectSum(covered);
    }, 100);
    QCOMPARE(calls, 5); // 21² = 441 placements in batches of 100
    const int best = int(std::max_element(map.begin(), map.end()) - map.begin());
    const int row = best / 16, column = best % 16; // 2-pixel cells
    QVERIFY2(row >= 9 && row < 13 && column >= 3 && column < 7, qPrintable(QStringLiteral("peak at %1,%2").arg(row).arg(column)));
    QCOMPARE(map[size_t(best)], 1.0f);
    QCOMPARE(map[0], 0.0f);
    QCOMPARE(map[15], 0.0f);
}

QTEST_GUILESS_MAIN(TestMlExplain)
#include "test_ml_explain.moc"
