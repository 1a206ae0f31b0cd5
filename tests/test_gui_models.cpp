// Drives the real main window (offscreen) with models: run a model on the
// current image, accept one of its suggestions, undo it, ask a question while
// typing, and show the attention map of a caption's word. Tiny models are
// trained once with tandem-cli; the project file is checked through a
// separate connection. TANDEM_SCREENSHOTS=folder saves the window as PNGs.
#include "data/imagedetail.h"
#include "data/projectstore.h"
#include "data/runstore.h"
#include "imagegridview.h"
#include "imagelistmodel.h"
#include "imagepanel.h"
#include "imageview.h"
#include "mainwindow.h"
#include "modelsdock.h"
#include "testsupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <memory>

using namespace tandem;
using namespace tandem::test;

class TestGuiModels : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void runAcceptUndo();
    void tagSuggestionBecomesATag();
    void askWhileTyping();
    void wordMapOverlay();
    void badCheckpointIsRefused();
    void cancelledRunStoresNothing();
    void exportWritesTorchScript();
    void showcase();

private:
    QString train(const QString &task, const QStringList &options);
    void useModel(const QString &checkpoint);
    void openWindow(const QString &project);
    void screenshot(const QString &name);
    ImageDetail stored(qint64 imageId);
    qint64 currentImage() const;

    QTemporaryDir m_dir;
    QString m_template, m_project;
    QString m_vqa, m_caption, m_tagger;
    std::unique_ptr<MainWindow> m_window;
    ImageGridView *m_grid = nullptr;
    ImageListModel *m_images = nullptr;
    ImagePanel *m_panel = nullptr;
};

QString TestGuiModels::train(const QString &task, const QStringList &options)
{
    return trainTinyModel(m_template, m_dir.filePath(task + QStringLiteral(".ckpt")), task, options);
}

void TestGuiModels::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_template = m_dir.filePath(QStringLiteral("template.tandem"));
    const CliResult demo = runCli({QStringLiteral("demo"), m_template, QStringLiteral("--images"), QStringLiteral("24"),
                                   QStringLiteral("--size"), QStringLiteral("32"), QStringLiteral("--questions"),
                                   QStringLiteral("4"), QStringLiteral("-q")});
    QCOMPARE(demo.exitCode, 0);
    m_vqa = train(QStringLiteral("vqa"), {QStringLiteral("fusion=cross_attention"), QStringLiteral("vision_channels=8"),
                                         QStringLiteral("text_dim=32"), QStringLiteral("fusion_dim=32"),
                                         QStringLiteral("fusion_hidden=32"), QStringLiteral("answer_hidden=32")});
    m_caption = train(QStringLiteral("caption"), {QStringLiteral("vision_channels=8"), QStringLiteral("decoder_dim=32"),
                                                 QStringLiteral("attention_dim=16")});
    QVERIFY(!m_vqa.isEmpty());
    QVERIFY(!m_caption.isEmpty());
    // A tagger made elsewhere (docs/examples/export_tagger.py): a TorchScript file and its manifest.
    m_tagger = QStringLiteral(TANDEM_TEST_DATA "/tagger/tagger.json");
    const CliResult added = runCli({QStringLiteral("models"), m_template, QStringLiteral("--add"), m_tagger});
    QVERIFY2(added.exitCode == 0, added.err.constData());
}

void TestGuiModels::init()
{
    m_project = m_dir.filePath(QStringLiteral("%1.tandem").arg(QTest::currentTestFunction()));
    QVERIFY(QFile::copy(m_template, m_project));
    openWindow(m_project);
}

void TestGuiModels::openWindow(const QString &project)
{
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QApplication::setActiveWindow(m_window.get());
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QSignalSpy ready(m_window.get(), &MainWindow::firstScreenReady);
    m_window->openProject(project);
    QVERIFY(ready.wait(5000));
    m_grid = m_window->findChild<ImageGridView *>(QStringLiteral("imageGrid"));
    m_images = qobject_cast<ImageListModel *>(m_grid->model());
    m_panel = m_window->findChild<ImagePanel *>(QStringLiteral("imagePanel"));
    QTRY_VERIFY(m_panel->imageId() > 0);
}

void TestGuiModels::cleanup()
{
    m_window.reset();
}

qint64 TestGuiModels::currentImage() const
{
    return m_images->idAt(m_grid->currentIndex().row());
}

ImageDetail TestGuiModels::stored(qint64 imageId)
{
    auto store = ProjectStore::open(m_project);
    if (!store)
        return {};
    auto detail = loadImageDetail(*store, imageId);
    return detail ? *detail : ImageDetail{};
}

// The project's model row of this checkpoint (the training made one), made current through the dock.
void TestGuiModels::useModel(const QString &checkpoint)
{
    auto *dock = m_window->findChild<ModelsDock *>(QStringLiteral("modelsPanel"));
    auto *table = m_window->findChild<QTableView *>(QStringLiteral("modelsTable"));
    QTRY_VERIFY(table->model()->rowCount() >= 2);
    for (int row = 0; row < table->model()->rowCount(); ++row) {
        if (!table->model()->index(row, 0).data(Qt::ToolTipRole).toString().contains(checkpoint))
            continue;
        table->selectRow(row);
        QSignalSpy changed(dock, &ModelsDock::currentModelChanged);
        auto *use = dock->findChild<QPushButton *>(QString(), Qt::FindChildrenRecursively);
        for (QPushButton *b : dock->findChildren<QPushButton *>())
            if (b->text() == QLatin1String("Use"))
                use = b;
        QTest::mouseClick(use, Qt::LeftButton);
        QVERIFY(changed.wait(5000));
        QCOMPARE(dock->currentModel()->checkpoint, checkpoint);
        return;
    }
    QFAIL("the model is not listed");
}

void TestGuiModels::screenshot(const QString &name)
{
    const QString folder = qEnvironmentVariable("TANDEM_SCREENSHOTS");
    if (!folder.isEmpty())
        m_window->grab().save(folder + QLatin1Char('/') + name + QStringLiteral(".png"));
}

void TestGuiModels::runAcceptUndo()
{
    useModel(m_caption);
    const qint64 image = currentImage();
    const int captionsBefore = int(stored(image).captions.size());
    auto *dock = m_window->findChild<ModelsDock *>(QStringLiteral("modelsPanel"));
    auto *scope = dock->findChild<QComboBox *>(QStringLiteral("runScope"));
    scope->setCurrentIndex(0); // the current image
    QSignalSpy finished(dock, &ModelsDock::runFinished);
    QTest::mouseClick(dock->findChild<QPushButton *>(QStringLiteral("runModel")), Qt::LeftButton);
    QVERIFY(finished.wait(60000));
    QVERIFY(dock->findChild<QLabel *>(QStringLiteral("runStatus"))->text().contains(QStringLiteral("cpu")));

    // The suggestion shows beside the labels, and the image is now "predicted".
    auto *suggestions = m_window->findChild<QListView *>(QStringLiteral("suggestionsView"));
    QTRY_COMPARE(suggestions->model()->rowCount(), 1);
    QCOMPARE(stored(image).summary.status, ReviewStatus::Predicted);
    screenshot(QStringLiteral("suggestions"));
    suggestions->setCurrentIndex(suggestions->model()->index(0, 0));
    QTest::mouseClick(m_window->findChild<QPushButton *>(QStringLiteral("acceptSuggestion")), Qt::LeftButton);
    QTRY_COMPARE(int(stored(image).captions.size()), captionsBefore + 1);
    QCOMPARE(stored(image).suggestions.front().state, SuggestionState::Accepted);

    m_grid->setFocus();
    QTest::keyClick(m_grid, Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(int(stored(image).captions.size()), captionsBefore);
    QCOMPARE(stored(image).suggestions.front().state, SuggestionState::Open);
}

// A tagging model's suggestions show as tags; accepting one tags the image (the
// tags field shows it), and undo takes it away again.
void TestGuiModels::tagSuggestionBecomesATag()
{
    useModel(m_tagger);
    const qint64 image = currentImage();
    QVERIFY(stored(image).tags.isEmpty());
    auto *dock = m_window->findChild<ModelsDock *>(QStringLiteral("modelsPanel"));
    dock->findChild<QComboBox *>(QStringLiteral("runScope"))->setCurrentIndex(0); // the current image
    QSignalSpy finished(dock, &ModelsDock::runFinished);
    QTest::mouseClick(dock->findChild<QPushButton *>(QStringLiteral("runModel")), Qt::LeftButton);
    QVERIFY(finished.wait(60000));
    auto *suggestions = m_window->findChild<QListView *>(QStringLiteral("suggestionsView"));
    QTRY_VERIFY(suggestions->model()->rowCount() >= 1);
    const QModelIndexList shapes = suggestions->model()->match(suggestions->model()->index(0, 0), Qt::DisplayRole,
                                                               QStringLiteral("Tag: shapes"), 1, Qt::MatchStartsWith);
    QCOMPARE(shapes.size(), 1);
    screenshot(QStringLiteral("tag-suggestions"));
    suggestions->setCurrentIndex(shapes.front());
    QTest::mouseClick(m_window->findChild<QPushButton *>(QStringLiteral("acceptSuggestion")), Qt::LeftButton);
    QTRY_COMPARE(stored(image).tags, QStringList{QStringLiteral("shapes")});
    QTRY_COMPARE(m_window->findChild<QLineEdit *>(QStringLiteral("tagsEdit"))->text(), QStringLiteral("shapes"));
    m_grid->setFocus();
    QTest::keyClick(m_grid, Qt::Key_Z, Qt::ControlModifier);
    QTRY_VERIFY(stored(image).tags.isEmpty());
    for (const PredictionRecord &p : stored(image).suggestions)
        QCOMPARE(p.state, SuggestionState::Open);
}

void TestGuiModels::askWhileTyping()
{
    useModel(m_vqa);
    auto *ask = m_window->findChild<QLineEdit *>(QStringLiteral("askEdit"));
    QTRY_VERIFY(ask->isEnabled());
    QTest::keyClicks(ask, QStringLiteral("what shape is the red zebra"));
    auto *answers = m_window->findChild<QTableWidget *>(QStringLiteral("answersTable"));
    QTRY_VERIFY_WITH_TIMEOUT(!answers->item(0, 0)->text().isEmpty(), 20000);
    auto *words = m_window->findChild<QLabel *>(QStringLiteral("questionWords"));
    QTRY_VERIFY(words->text().contains(QStringLiteral("line-through'")) || words->text().contains(QStringLiteral("line-through")));
    QVERIFY(words->toolTip().contains(QStringLiteral("zebra")));
    screenshot(QStringLiteral("ask"));
}

void TestGuiModels::wordMapOverlay()
{
    useModel(m_caption);
    auto *view = m_window->findChild<ImageView *>(QStringLiteral("imageView"));
    QTRY_VERIFY(!view->image().isNull());
    QTest::mouseClick(m_window->findChild<QPushButton *>(QStringLiteral("explainButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(view->hasMap(), 20000);
    auto *words = m_window->findChild<QListWidget *>(QStringLiteral("mapWords"));
    QVERIFY(words->count() >= 1);
    QCOMPARE(words->currentRow(), 0);
    QVERIFY(view->blendedImage() != view->image()); // the map is drawn over the image
    if (words->count() > 1) {
        words->setCurrentRow(1);
        QVERIFY(view->hasMap());
    }
    screenshot(QStringLiteral("attention"));
}

void TestGuiModels::badCheckpointIsRefused()
{
    // A file that is not a checkpoint cannot become a model (tandem-cli uses the same core job).
    const QString bogus = m_dir.filePath(QStringLiteral("bogus.ckpt"));
    writeFile(bogus, "not a checkpoint");
    const CliResult r = runCli({QStringLiteral("models"), m_project, QStringLiteral("--add"), bogus});
    QCOMPARE(r.exitCode, 3);
    QVERIFY(r.err.contains("not a Tandem checkpoint"));
    auto store = ProjectStore::open(m_project);
    QVERIFY(store);
    QCOMPARE(int(models::list(*store)->size()), 3); // the two trained and the tagger
}

void TestGuiModels::cancelledRunStoresNothing()
{
    useModel(m_caption);
    auto *dock = m_window->findChild<ModelsDock *>(QStringLiteral("modelsPanel"));
    dock->findChild<QComboBox *>(QStringLiteral("runScope"))->setCurrentIndex(2); // every image shown
    QTest::mouseClick(dock->findChild<QPushButton *>(QStringLiteral("runModel")), Qt::LeftButton);
    QVERIFY(dock->isRunning());
    QTest::mouseClick(dock->findChild<QPushButton *>(QStringLiteral("cancelRun")), Qt::LeftButton); // before the first batch
    QTRY_VERIFY_WITH_TIMEOUT(!dock->isRunning(), 30000);
    QVERIFY(dock->findChild<QLabel *>(QStringLiteral("runStatus"))->text().startsWith(QStringLiteral("Cancelled")));
    auto store = ProjectStore::open(m_project);
    QCOMPARE(*store->database().scalar("SELECT count(*) FROM runs WHERE kind = 'infer'"), int64_t(0));
    QCOMPARE(*store->database().scalar("SELECT count(*) FROM images WHERE status = 1"), int64_t(0));
}

// Export… writes the selected model as TorchScript with its manifest in the
// background, and the status line names the manifest (test_ml_external checks
// what the files hold).
void TestGuiModels::exportWritesTorchScript()
{
    useModel(m_vqa);
    auto *dock = m_window->findChild<ModelsDock *>(QStringLiteral("modelsPanel"));
    const QString folder = m_dir.filePath(QStringLiteral("exported"));
    QVERIFY(dock->exportSelected(folder));
    QTRY_VERIFY_WITH_TIMEOUT(dock->statusLabel()->text().startsWith(QStringLiteral("Exported as TorchScript")), 30000);
    QVERIFY(QFileInfo::exists(folder + QStringLiteral("/vqa.json")));
    QVERIFY(QFileInfo::exists(folder + QStringLiteral("/vqa.pt")));
    QVERIFY2(dock->statusLabel()->text().contains(QStringLiteral("vqa.json")), qPrintable(dock->statusLabel()->text()));
}

// The screenshots of the README and docs/gui.md, made with real models:
// TANDEM_SHOWCASE=project.tandem (with a model named "captioner" and one named
// "cross-attention VQA") and TANDEM_SCREENSHOTS=folder. Skipped otherwise.
void TestGuiModels::showcase()
{
    const QString project = qEnvironmentVariable("TANDEM_SHOWCASE");
    if (project.isEmpty())
        QSKIP("set TANDEM_SHOWCASE to a project with trained models");
    m_window.reset();
    openWindow(project);
    m_window->resize(1600, 1000);
    const auto checkpointNamed = [](const QString &project, const QString &name) {
        auto store = ProjectStore::open(project);
        const auto list = models::list(*store);
        for (const ModelRecord &m : *list)
            if (m.name == name)
                return m.checkpoint;
        return QString();
    };
    m_grid->setCurrentIndex(m_images->index(12));
    useModel(checkpointNamed(project, QStringLiteral("captioner")));
    auto *dock = m_window->findChild<ModelsDock *>(QStringLiteral("modelsPanel"));
    dock->findChild<QComboBox *>(QStringLiteral("runScope"))->setCurrentIndex(0);
    QSignalSpy finished(dock, &ModelsDock::runFinished);
    QTest::mouseClick(dock->findChild<QPushButton *>(QStringLiteral("runModel")), Qt::LeftButton);
    QVERIFY(finished.wait(60000));
    auto *suggestions = m_window->findChild<QListView *>(QStringLiteral("suggestionsView"));
    QTRY_VERIFY(suggestions->model()->rowCount() > 0);
    suggestions->setCurrentIndex(QModelIndex());
    suggestions->setCurrentIndex(suggestions->model()->index(0, 0)); // shows its stored word maps
    auto *words = m_window->findChild<QListWidget *>(QStringLiteral("mapWords"));
    QTRY_VERIFY(words->count() > 3);
    words->setCurrentRow(words->count() > 6 ? 6 : 2);
    QTest::qWait(300);
    screenshot(QStringLiteral("suggestions"));
    auto *summary = m_window->findChild<QLabel *>(QStringLiteral("explainSummary"));
    QTest::mouseClick(m_window->findChild<QPushButton *>(QStringLiteral("explainButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!summary->text().contains(QStringLiteral("run ")) && words->count() > 3
                                 && !summary->text().startsWith(QStringLiteral("Explaining")), 20000);
    for (int i = 0; i < words->count(); ++i)
        if (QStringList{QStringLiteral("red"), QStringLiteral("blue"), QStringLiteral("green")}.contains(words->item(i)->text()))
            words->setCurrentRow(i);
    for (QCheckBox *box : m_window->findChildren<QCheckBox *>())
        if (box->text() == QLatin1String("Outlines"))
            box->setChecked(true); // the demo's object boxes, to judge the map by
    QTest::qWait(300);
    screenshot(QStringLiteral("attention"));
    useModel(checkpointNamed(project, QStringLiteral("cross-attention VQA")));
    auto *ask = m_window->findChild<QLineEdit *>(QStringLiteral("askEdit"));
    QTest::keyClicks(ask, QStringLiteral("what shape is the object closest to the red objcet?"));
    auto *answers = m_window->findChild<QTableWidget *>(QStringLiteral("answersTable"));
    QTRY_VERIFY_WITH_TIMEOUT(!answers->item(0, 0)->text().isEmpty(), 20000);
    QTest::mouseClick(m_window->findChild<QPushButton *>(QStringLiteral("explainButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->findChild<ImageView *>(QStringLiteral("imageView"))->hasMap(), 20000);
    QTest::qWait(300);
    screenshot(QStringLiteral("ask"));
}

QTEST_MAIN(TestGuiModels)
#include "test_gui_models.moc"
