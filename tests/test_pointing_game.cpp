// The pointing game's pieces, on hand-made maps and boxes: which region a
// question or word names, a hit and a miss, the tallies, the random baseline.
#include "explain/pointinggame.h"

#include <QTest>

using namespace tandem;
using namespace tandem::explain;

Q_DECLARE_METATYPE(std::vector<float>)

namespace {

// Six demo-style objects in a 64 x 64 image, 9 pixels across.
std::vector<RegionRecord> sceneRegions()
{
    return {{1, QRectF(4, 4, 9, 9), QStringLiteral("red circle")},
            {2, QRectF(40, 8, 9, 9), QStringLiteral("green square")},
            {3, QRectF(20, 36, 9, 9), QStringLiteral("blue square")},
            {4, QRectF(50, 50, 9, 9), QStringLiteral("orange circle")},
            {5, QRectF(4, 50, 9, 9), QStringLiteral("gray circle")},
            {6, QRectF(28, 20, 9, 9), QStringLiteral("yellow square")}};
}

// A 4 x 4 map with its peak at (row, column).
std::vector<float> peakAt(int row, int column)
{
    std::vector<float> map(16, 0.25f);
    map[size_t(row * 4 + column)] = 1.0f;
    return map;
}

} // namespace

class TestPointingGame : public QObject {
    Q_OBJECT
private slots:
    void namesTheRegion_data();
    void namesTheRegion();
    void twoMatchingRegionsAreAmbiguous();
    void scoresHitAndMiss_data();
    void scoresHitAndMiss();
    void textNamingNoRegionIsNotScored();
    void talliesPerKind();
    void randomMapIsSeededAndUniform();
};

void TestPointingGame::namesTheRegion_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("region");
    QTest::newRow("shape") << "What shape is the red object?" << 0;
    QTest::newRow("left") << "Is the gray object on the left?" << 4;
    QTest::newRow("top") << "Is the YELLOW object on the top?" << 5;
    QTest::newRow("relational names its subject") << "What shape is the object closest to the blue object?" << 2;
    QTest::newRow("a caption word") << "orange" << 3;
    QTest::newRow("punctuation around it") << "green," << 1;
    QTest::newRow("inside another word") << "a redundant question" << -1;
    QTest::newRow("no colour") << "how many objects are there?" << -1;
    QTest::newRow("a shape word only") << "square" << -1;
    QTest::newRow("empty") << "" << -1;
}

void TestPointingGame::namesTheRegion()
{
    QFETCH(QString, text);
    QFETCH(int, region);
    QCOMPARE(namedRegion(text, sceneRegions()), region);
}

void TestPointingGame::twoMatchingRegionsAreAmbiguous()
{
    QCOMPARE(namedRegion(QStringLiteral("is the red object left of the blue one?"), sceneRegions()), -1);
    std::vector<RegionRecord> twoReds = sceneRegions();
    twoReds[1].label = QStringLiteral("red square");
    QCOMPARE(namedRegion(QStringLiteral("the red object"), twoReds), -1);
}

void TestPointingGame::scoresHitAndMiss_data()
{
    // 4 x 4 cells of 16 pixels: cell (row, column) has its centre at (16c + 8, 16r + 8).
    QTest::addColumn<std::vector<float>>("map");
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("hit");
    QTest::newRow("red: peak on its cell (8, 8)") << peakAt(0, 0) << "the red object" << true;
    QTest::newRow("green: (40, 8) in [40, 49)") << peakAt(0, 2) << "the green object" << true;
    QTest::newRow("blue: peak a cell off") << peakAt(1, 1) << "the blue object" << false;
    QTest::newRow("orange: (56, 56)") << peakAt(3, 3) << "the orange object" << true;
    QTest::newRow("gray: peak on red") << peakAt(0, 0) << "the gray object" << false;
    // The yellow box [28, 37) x [20, 29) holds no cell centre of a 4 x 4 grid: no map can hit it.
    QTest::newRow("yellow: nearest cell") << peakAt(1, 2) << "the yellow object" << false;
}

void TestPointingGame::scoresHitAndMiss()
{
    QFETCH(std::vector<float>, map);
    QFETCH(QString, text);
    QFETCH(bool, hit);
    PointingScores scores;
    QVERIFY(scoreItem(scores, QStringLiteral("shape"), text, {map, 4, 4}, QSizeF(64, 64), sceneRegions()));
    QCOMPARE(scores.overall.items, 1);
    QCOMPARE(scores.overall.hits, hit ? 1 : 0);
    QCOMPARE(scores.byKind[QStringLiteral("shape")].hits, hit ? 1 : 0);
}

void TestPointingGame::textNamingNoRegionIsNotScored()
{
    PointingScores scores;
    const std::vector<float> map = peakAt(0, 0);
    QVERIFY(!scoreItem(scores, QStringLiteral("count"), QStringLiteral("how many squares?"), {map, 4, 4},
                       QSizeF(64, 64), sceneRegions()));
    QCOMPARE(scores.overall.items, 0);
    QVERIFY(scores.byKind.empty());
}

void TestPointingGame::talliesPerKind()
{
    PointingScores scores;
    scores.add(QStringLiteral("shape"), true);
    scores.add(QStringLiteral("shape"), false);
    scores.add(QStringLiteral("left"), true);
    scores.add(QStringLiteral("left"), true);
    QCOMPARE(scores.overall.items, 4);
    QCOMPARE(scores.overall.hits, 3);
    QCOMPARE(scores.overall.rate(), 0.75);
    QCOMPARE(scores.byKind[QStringLiteral("shape")].rate(), 0.5);
    QCOMPARE(scores.byKind[QStringLiteral("left")].rate(), 1.0);
    QCOMPARE(PointingTally().rate(), 0.0);
}

void TestPointingGame::randomMapIsSeededAndUniform()
{
    std::mt19937_64 a(7), b(7), c(8);
    const std::vector<float> first = randomMap(64, a);
    QCOMPARE(first.size(), size_t(64));
    QVERIFY(first == randomMap(64, b));
    QVERIFY(first != randomMap(64, c));
    for (float w : first)
        QVERIFY(w >= 0.0f && w < 1.0f);
    // The peak lands on every cell about equally often.
    std::vector<int> peaks(16, 0);
    for (int i = 0; i < 16000; ++i) {
        const std::vector<float> map = randomMap(16, a);
        ++peaks[size_t(std::max_element(map.begin(), map.end()) - map.begin())];
    }
    for (int n : peaks)
        QVERIFY2(n > 850 && n < 1150, qPrintable(QString::number(n)));
}

QTEST_GUILESS_MAIN(TestPointingGame)
#include "test_pointing_game.moc"
