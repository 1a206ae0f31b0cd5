// The embedding explorer in the window, offscreen: an embed run of three
// well-separated clusters (one per split) is laid out by PCA in a worker and
// stored; a lasso drawn around one cluster selects exactly its images in the
// grid; selecting images in the grid rings their points; the legend toggles a
// class; a stored layout reopens without computing; a run without embeddings
// is refused. With TANDEM_SCREENSHOTS the window is saved there.
#include "embeddingpanel.h"
#include "imagegridview.h"
#include "imagelistmodel.h"
#include "mainwindow.h"

#include "data/embeddingstore.h"
#include "data/projectstore.h"
#include "data/runstore.h"
#include "testsupport.h"

#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QLabel>
#include <QRegularExpression>
#include <QPushButton>
#include <QToolButton>
#include <QSignalSpy>
#include <QTest>
#include <random>
#include <set>

using namespace tandem;
using namespace tandem::test;

class TestGuiEmbeddings : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void panelLaysOutAndStores();
    void lassoAndGridFollowEachOther();
    void legendTogglesAClass();
    void moreLikeThisFillsTheGrid();
    void showcase();
    void speedAtScale();

private:
    std::vector<int> clusterPoints(const EmbeddingPanel &panel, const QString &split) const;
    bool openWindow(MainWindow &window, const QString &project, QSize size);

    QTemporaryDir m_dir;
    QString m_project;
    qint64 m_runId = 0;
    std::map<qint64, QString> m_splitOf;
};

// 60 images of a demo project, their vectors drawn around one centre per split.
void TestGuiEmbeddings::initTestCase()
{
    m_project = m_dir.filePath(QStringLiteral("p.tandem"));
    QCOMPARE(runCli({QStringLiteral("demo"), m_project, QStringLiteral("--images"), QStringLiteral("60"), QStringLiteral("--size"),
                     QStringLiteral("32"), QStringLiteral("-q")}).exitCode, 0);
    auto store = ProjectStore::open(m_project);
    QVERIFY(store);
    auto stmt = store->database().prepare("SELECT id, split FROM images ORDER BY id");
    QVERIFY(stmt);
    SplitEmbeddings vectors;
    vectors.images.dimension = 8;
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    const std::map<QString, int> centre{{QStringLiteral("train"), 0}, {QStringLiteral("val"), 3}, {QStringLiteral("test"), 6}};
    while (stmt->step()) {
        m_splitOf[stmt->int64(0)] = stmt->qtext(1);
        vectors.images.ids.push_back(stmt->int64(0));
        for (int d = 0; d < 8; ++d)
            vectors.images.values.push_back((d == centre.at(stmt->qtext(1)) ? 1.0f : 0.0f) + noise(rng));
    }
    const QJsonObject config{{QStringLiteral("task"), QStringLiteral("retrieval")},
                             {QStringLiteral("checkpoint"), m_dir.filePath(QStringLiteral("none.ckpt"))},
                             {QStringLiteral("split"), QString()}};
    auto run = embeddings::saveRun(*store, QStringLiteral("clusters"), config, {}, vectors);
    QVERIFY(run);
    m_runId = *run;
}

std::vector<int> TestGuiEmbeddings::clusterPoints(const EmbeddingPanel &panel, const QString &split) const
{
    std::vector<int> points;
    for (size_t i = 0; i < panel.view()->items.size(); ++i)
        if (panel.view()->items[i].split == split)
            points.push_back(int(i));
    return points;
}

// The window shown at `size` with `project` open and its first thumbnails loaded.
bool TestGuiEmbeddings::openWindow(MainWindow &window, const QString &project, QSize size)
{
    window.resize(size);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    QSignalSpy ready(&window, &MainWindow::firstScreenReady);
    window.openProject(project);
    return ready.wait(30000);
}

void TestGuiEmbeddings::panelLaysOutAndStores()
{
    EmbeddingPanel panel;
    panel.resize(900, 500);
    panel.show();
    QSignalSpy shown(&panel, &EmbeddingPanel::layoutShown);
    panel.setProject(m_project);
    auto *status = panel.findChild<QLabel *>(QStringLiteral("embeddingStatus"));
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("No PCA layout")), 10000);
    auto *items = panel.findChild<QComboBox *>(QStringLiteral("embeddingItems"));
    QVERIFY(!items->isEnabled()); // a run without captions lays out its images
    QCOMPARE(items->currentData().toString(), QStringLiteral("images"));
    panel.layOutNow();
    QVERIFY(shown.wait(20000));
    QCOMPARE(panel.plot()->pointCount(), m_splitOf.size());
    QCOMPARE(panel.view()->items.size(), m_splitOf.size());
    // Reopened from the store, without computing.
    EmbeddingPanel again;
    QSignalSpy reopened(&again, &EmbeddingPanel::layoutShown);
    again.setProject(m_project);
    QVERIFY(reopened.wait(10000));
    QCOMPARE(again.view()->projection.layout, panel.view()->projection.layout);
}

void TestGuiEmbeddings::lassoAndGridFollowEachOther()
{
    MainWindow window;
    QVERIFY(openWindow(window, m_project, {1400, 900}));
    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("embeddingDock"));
    auto *panel = window.findChild<EmbeddingPanel *>(QStringLiteral("embeddingPanel"));
    auto *grid = window.findChild<ImageGridView *>(QStringLiteral("imageGrid"));
    QVERIFY(dock && panel && grid);
    dock->show();
    QTRY_VERIFY_WITH_TIMEOUT(panel->view().has_value(), 20000); // the layout stored by the test before
    QTest::qWait(50);
    EmbeddingPlot *plot = panel->plot();
    plot->fitAll();
    plot->replot();

    // A lasso around the val cluster: a polygon just outside its points' pixel box.
    const std::vector<int> val = clusterPoints(*panel, QStringLiteral("val"));
    QRectF box;
    for (int p : val) {
        const QPointF at(plot->xAxis->coordToPixel(panel->view()->projection.layout[2 * size_t(p)]),
                         plot->yAxis->coordToPixel(panel->view()->projection.layout[2 * size_t(p) + 1]));
        box = box.isNull() ? QRectF(at, QSizeF(1, 1)) : box.united(QRectF(at, QSizeF(1, 1)));
    }
    box.adjust(-6, -6, 6, 6);
    plot->setTool(PlotTool::Lasso);
    QSignalSpy picked(panel, &EmbeddingPanel::selectImages);
    QTest::mousePress(plot, Qt::LeftButton, {}, box.topLeft().toPoint());
    for (const QPointF &corner : {box.topRight(), box.bottomRight(), box.bottomLeft(), box.topLeft()})
        QTest::mouseMove(plot, corner.toPoint());
    QTest::mouseRelease(plot, Qt::LeftButton, {}, box.topLeft().toPoint());

    std::set<qint64> expected;
    for (const auto &[id, split] : m_splitOf)
        if (split == QLatin1String("val"))
            expected.insert(id);
    QVERIFY(!expected.empty());
    QCOMPARE(picked.size(), 1);
    QCOMPARE(picked.front().front().value<std::vector<qint64>>().size(), expected.size());
    std::set<qint64> selected;
    auto *images = qobject_cast<ImageListModel *>(grid->model());
    for (const QModelIndex &index : grid->selectionModel()->selectedIndexes())
        selected.insert(images->idAt(index.row()));
    QVERIFY2(selected == expected, qPrintable(QStringLiteral("selected %1, expected %2, box %3,%4 %5x%6 plot %7x%8").arg(selected.size()).arg(expected.size()).arg(box.x()).arg(box.y()).arg(box.width()).arg(box.height()).arg(plot->width()).arg(plot->height())));

    // The grid's selection, changed there, rings the same points here.
    grid->selectionModel()->select(images->index(images->rowOf(*expected.begin())), QItemSelectionModel::ClearAndSelect);
    QCOMPARE(plot->highlighted().size(), size_t(1));
    QCOMPARE(panel->view()->items[size_t(plot->highlighted().front())].imageId, *expected.begin());

    if (const QByteArray dir = qgetenv("TANDEM_SCREENSHOTS"); !dir.isEmpty())
        window.grab().save(QString::fromUtf8(dir) + QStringLiteral("/embeddings-window.png"));
}

void TestGuiEmbeddings::legendTogglesAClass()
{
    EmbeddingPanel panel;
    panel.resize(900, 500);
    panel.show();
    QSignalSpy shown(&panel, &EmbeddingPanel::layoutShown);
    panel.setProject(m_project);
    QVERIFY(shown.wait(10000));
    EmbeddingPlot *plot = panel.plot();
    const int train = clusterPoints(panel, QStringLiteral("train")).front();
    const QPointF at(plot->xAxis->coordToPixel(panel.view()->projection.layout[2 * size_t(train)]),
                     plot->yAxis->coordToPixel(panel.view()->projection.layout[2 * size_t(train) + 1]));
    QCOMPARE(panel.view()->items[size_t(plot->pointAt(at))].split, QStringLiteral("train"));
    const int trainClass = 1; // classes are sorted by name: test, train, val
    plot->setClassVisible(trainClass, false);
    QVERIFY(plot->pointAt(at) < 0 || panel.view()->items[size_t(plot->pointAt(at))].split != QLatin1String("train"));
    plot->setClassVisible(trainClass, true);
    QCOMPARE(panel.view()->items[size_t(plot->pointAt(at))].split, QStringLiteral("train"));
}

// "More like this" on the current image: the grid shows that image first, then
// the rest of its cluster (its split here) best first, until the chip is closed.
void TestGuiEmbeddings::moreLikeThisFillsTheGrid()
{
    MainWindow window;
    QVERIFY(openWindow(window, m_project, {1400, 900}));
    auto *panel = window.findChild<EmbeddingPanel *>(QStringLiteral("embeddingPanel"));
    auto *grid = window.findChild<ImageGridView *>(QStringLiteral("imageGrid"));
    auto *images = qobject_cast<ImageListModel *>(grid->model());
    QTRY_VERIFY_WITH_TIMEOUT(panel->view().has_value(), 20000);
    const qint64 first = m_splitOf.rbegin()->first; // the last image
    grid->setCurrentIndex(images->index(images->rowOf(first)));
    QSignalSpy finished(images, &ImageListModel::queryFinished);
    panel->findChild<QPushButton *>(QStringLiteral("moreLikeThis"))->click();
    QVERIFY(finished.wait(10000));
    QCOMPARE(images->idAt(0), first);
    const int sameSplit = int(std::count_if(m_splitOf.begin(), m_splitOf.end(),
                                            [&](const auto &entry) { return entry.second == m_splitOf[first]; }));
    for (int row = 1; row < sameSplit; ++row)
        QCOMPARE(m_splitOf[images->idAt(row)], m_splitOf[first]);
    // each cell shows its similarity before the name (once the name has loaded)
    QTRY_VERIFY_WITH_TIMEOUT(QRegularExpression(QStringLiteral("^(0\\.9|1\\.0)\\d\\d · scene_"))
                                 .match(images->data(images->index(1), Qt::DisplayRole).toString()).hasMatch(), 5000);
    auto *chip = window.findChild<QToolButton *>(QStringLiteral("rankedChip"));
    QVERIFY(chip && chip->isVisible());
    chip->click();
    QVERIFY(finished.wait(10000));
    QCOMPARE(images->rowCount(), int(m_splitOf.size()));
    QVERIFY(!chip->isVisible());
}

// For the README: TANDEM_SHOWCASE_PROJECT (a project whose newest embed run
// has a t-SNE layout) shown in the window with the Embeddings dock, the first
// split's points lassoed; saved to TANDEM_SCREENSHOTS. Skipped otherwise.
void TestGuiEmbeddings::showcase()
{
    const QString project = qEnvironmentVariable("TANDEM_SHOWCASE_PROJECT");
    const QString dir = qEnvironmentVariable("TANDEM_SCREENSHOTS");
    if (project.isEmpty() || dir.isEmpty())
        QSKIP("set TANDEM_SHOWCASE_PROJECT and TANDEM_SCREENSHOTS to take the README's screenshots");
    MainWindow window;
    QVERIFY(openWindow(window, project, {1600, 1000}));
    auto *panel = window.findChild<EmbeddingPanel *>(QStringLiteral("embeddingPanel"));
    window.findChild<QDockWidget *>(QStringLiteral("embeddingDock"))->show();
    auto *method = panel->findChild<QComboBox *>(QStringLiteral("embeddingMethod"));
    QSignalSpy shown(panel, &EmbeddingPanel::layoutShown);
    method->setCurrentIndex(1); // t-SNE
    QVERIFY(shown.wait(30000));
    for (const auto &[by, file] : {std::pair{ColourBy::Modality, "modality"}, {ColourBy::Predicted, "answer"},
                                   {ColourBy::Correct, "correct"}, {ColourBy::Score, "score"}}) {
        panel->setColourBy(by);
        QTest::qWait(300);
        panel->grab().save(dir + QStringLiteral("/embeddings-%1.png").arg(QLatin1String(file)));
    }
    panel->setColourBy(ColourBy::Split);
    std::vector<qint64> ids;
    for (const ProjectedItem &item : panel->view()->items)
        if (!item.caption && ids.size() < 40)
            ids.push_back(item.imageId);
    panel->showGridSelection(ids);
    QTest::qWait(500);
    window.grab().save(dir + QStringLiteral("/embeddings.png"));
}

// Not a test: TANDEM_VIEW_BENCH=100000 times the view with that many points
// (10 classes, half of them captions): a full redraw, a hover hit test, a lasso
// over a quarter of the plot, ringing 10% of the points. Medians of 9 runs.
void TestGuiEmbeddings::speedAtScale()
{
    const int n = qEnvironmentVariableIntValue("TANDEM_VIEW_BENCH");
    if (n <= 0)
        QSKIP("set TANDEM_VIEW_BENCH=100000 to time the embedding view (bench/embedding_view_bench.py)");
    EmbeddingPlot plot;
    plot.resize(1200, 700);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    std::mt19937 rng(5);
    std::normal_distribution<float> spread(0.0f, 1.0f);
    std::vector<float> layout;
    PlotClasses classes;
    for (int c = 0; c < 10; ++c) {
        classes.names << QStringLiteral("class %1").arg(c);
        classes.colours.push_back(QColor::fromHsv(36 * c, 200, 200));
    }
    for (int i = 0; i < n; ++i) {
        const int c = i % 10;
        layout.push_back(10.0f * std::cos(0.628f * c) + spread(rng));
        layout.push_back(10.0f * std::sin(0.628f * c) + spread(rng));
        classes.classOf.push_back(c);
    }
    std::vector<bool> caption(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        caption[size_t(i)] = i % 2 == 1;
    QElapsedTimer clock;
    const auto median = [&](const std::function<void()> &work) {
        std::vector<double> ms;
        for (int r = 0; r < 9; ++r) {
            clock.start();
            work();
            ms.push_back(double(clock.nsecsElapsed()) / 1e6);
        }
        std::sort(ms.begin(), ms.end());
        return ms[4];
    };
    const double load = median([&] { plot.setPoints(layout, caption, {}); plot.setClasses(classes); });
    const double redraw = median([&] { plot.replot(); });
    const double hover = median([&] { (void)plot.pointAt(QPointF(600, 350)); });
    const QPolygonF quarter(QRectF(300, 175, 600, 350));
    const double lasso = median([&] { (void)plot.pointsInside(quarter); });
    std::vector<int> ring;
    for (int i = 0; i < n; i += 10)
        ring.push_back(i);
    const double highlight = median([&] { plot.setHighlighted(ring); plot.replot(); });
    qInfo("embedding view, %d points: load %.1f ms, redraw %.1f ms, hover %.2f ms, lasso %.2f ms, ring 10%% + redraw %.1f ms",
          n, load, redraw, hover, lasso, highlight);
}

QTEST_MAIN(TestGuiEmbeddings)
#include "test_gui_embeddings.moc"
