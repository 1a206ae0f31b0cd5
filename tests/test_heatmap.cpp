// Explanation maps as pictures (explain/heatmap.h): a known grid of weights
// turns into the expected pixels, alone and mixed over an image.
#include "explain/heatmap.h"

#include <QTest>

using namespace tandem;

class TestHeatmap : public QObject {
    Q_OBJECT
private slots:
    void rampEndsAndClamps();
    void mapImageHasOnePixelPerRegion();
    void blendMixesByOpacity();
    void blendScalesTheGridSmoothly();
    void shortOrOddInputStaysSafe();
};

void TestHeatmap::rampEndsAndClamps()
{
    QCOMPARE(explain::rampColor(0.0), qRgb(68, 1, 84));     // viridis' dark end
    QCOMPARE(explain::rampColor(1.0), qRgb(253, 231, 37));  // and its yellow end
    QCOMPARE(explain::rampColor(-3.0), explain::rampColor(0.0));
    QCOMPARE(explain::rampColor(7.0), explain::rampColor(1.0));
    QCOMPARE(explain::rampColor(std::nan("")), explain::rampColor(0.0));
    // Halfway between the 4th and 5th stops (3.5 / 7 = 0.5): the mean of the two, rounded.
    QCOMPARE(explain::rampColor(0.5), qRgb(35, 144, 139));
}

void TestHeatmap::mapImageHasOnePixelPerRegion()
{
    // Row-major 2 x 3 grid: row 0 = 0, 0.5, 1; row 1 = 1, 0, 0.5.
    const QImage map = explain::mapImage({0.f, 0.5f, 1.f, 1.f, 0.f, 0.5f}, 2, 3);
    QCOMPARE(map.size(), QSize(3, 2));
    QCOMPARE(map.pixel(0, 0), explain::rampColor(0));
    QCOMPARE(map.pixel(1, 0), explain::rampColor(0.5));
    QCOMPARE(map.pixel(2, 0), explain::rampColor(1));
    QCOMPARE(map.pixel(0, 1), explain::rampColor(1));
    QCOMPARE(map.pixel(2, 1), explain::rampColor(0.5));
}

void TestHeatmap::blendMixesByOpacity()
{
    QImage grey(2, 2, QImage::Format_RGB32);
    grey.fill(qRgb(100, 100, 100));
    const std::vector<float> weights{1.f, 0.f, 0.f, 1.f};
    // Opacity 1: the ramp's colours exactly (same size: no scaling).
    const QImage full = explain::blendMap(grey, weights, 2, 2, 1.0);
    QCOMPARE(full.pixel(0, 0), explain::rampColor(1));
    QCOMPARE(full.pixel(1, 0), explain::rampColor(0));
    QCOMPARE(full.pixel(1, 1), explain::rampColor(1));
    // Opacity 0: the image unchanged; 0.5: the rounded mean.
    QCOMPARE(explain::blendMap(grey, weights, 2, 2, 0.0).pixel(0, 0), qRgb(100, 100, 100));
    const QRgb yellow = explain::rampColor(1);
    QCOMPARE(explain::blendMap(grey, weights, 2, 2, 0.5).pixel(0, 0),
             qRgb(qRound((100 + qRed(yellow)) / 2.0), qRound((100 + qGreen(yellow)) / 2.0), qRound((100 + qBlue(yellow)) / 2.0)));
}

void TestHeatmap::blendScalesTheGridSmoothly()
{
    // One hot cell in the top left of a 2 x 2 grid, over a 64 x 64 image: the
    // top-left corner is the hot colour, the bottom-right the cold one, and
    // the middle lies between (bilinear, as the view draws it).
    QImage black(64, 64, QImage::Format_RGB32);
    black.fill(Qt::black);
    const QImage out = explain::blendMap(black, {1.f, 0.f, 0.f, 0.f}, 2, 2, 1.0);
    QCOMPARE(out.size(), QSize(64, 64));
    QCOMPARE(out.pixel(0, 0), explain::rampColor(1));
    QCOMPARE(out.pixel(63, 63), explain::rampColor(0));
    const int middle = qGreen(out.pixel(32, 32));
    QVERIFY(middle > qGreen(explain::rampColor(0)) && middle < qGreen(explain::rampColor(1)));
}

void TestHeatmap::shortOrOddInputStaysSafe()
{
    QImage image(4, 4, QImage::Format_RGB32);
    image.fill(Qt::white);
    QCOMPARE(explain::blendMap(image, {0.5f}, 2, 2, 1.0).size(), QSize(4, 4)); // missing weights read as 0
    QVERIFY(explain::blendMap(QImage(), {1.f}, 1, 1, 1.0).isNull());
    QCOMPARE(explain::mapImage({}, 0, 0).size(), QSize(1, 1));
}

QTEST_GUILESS_MAIN(TestHeatmap)
#include "test_heatmap.moc"
