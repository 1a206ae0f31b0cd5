// File > Import and File > Export through the real main window (offscreen):
// the menu action, the dialog's widgets, the background job, its progress
// dialog and error box; the project is checked through a separate connection.
#include "backgroundjob.h"
#include "data/projectstore.h"
#include "datasetdialogs.h"
#include "demodialog.h"
#include "demo/sortofclevr.h"
#include "imagegridview.h"
#include "imagelistmodel.h"
#include "mainwindow.h"
#include "testsupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSpinBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>
#include <QTimer>
#include <functional>
#include <memory>

using namespace tandem;
using tandem::test::captionLines;
using tandem::test::dataPath;
using tandem::test::writeFile;

namespace {

// Runs `handle` on the first modal widget of type T that appears (polling, as
// a modal dialog's exec() blocks the caller), once.
template <typename T>
void whenModal(std::function<void(T *)> handle)
{
    auto *timer = new QTimer(qApp);
    timer->setInterval(5);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, handle] {
        if (auto *widget = qobject_cast<T *>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            handle(widget);
        }
    });
    timer->start();
}

void clickOk(QDialog *dialog)
{
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
}

void setText(QDialog *dialog, const char *name, const QString &text)
{
    dialog->findChild<QLineEdit *>(QLatin1String(name))->setText(text);
}

void chooseData(QDialog *dialog, const char *combo, const QVariant &data)
{
    auto *box = dialog->findChild<QComboBox *>(QLatin1String(combo));
    const int index = box->findData(data);
    QVERIFY(index >= 0);
    box->setCurrentIndex(index);
}

// Every caption of a project, as sorted "image|caption" lines, read through its own connection.
QStringList storedCaptions(const QString &project)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return {QStringLiteral("cannot open: ") + store.error().toString()};
    auto dataset = store->loadDataset();
    return dataset ? captionLines(*dataset) : QStringList{dataset.error().toString()};
}

} // namespace

class TestGuiImport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void importCoco();
    void importEachFormat_data();
    void importEachFormat();
    void malformedFileShowsWhereAndChangesNothing();
    void cancelLongImport();
    void exportJsonlAndImportIntoNewProject();
    void exportFolders();
    void demoDialogOptions();

private:
    // Triggers File > `text`; `fill` sets the dialog up and clicks OK. Returns the job started.
    BackgroundJob *runMenu(const QString &text, std::function<void(QDialog *)> fill);
    QString statusText() const { return m_window->statusBar()->currentMessage(); }

    QTemporaryDir m_dir;
    QString m_template;
    QString m_project;
    std::unique_ptr<MainWindow> m_window;
    ImageListModel *m_images = nullptr;
};

void TestGuiImport::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // keep the user's settings out of it
    DemoOptions options;
    options.images = 6;
    options.imageSize = 32;
    options.questionsPerImage = 1;
    const QString media = m_dir.filePath(QStringLiteral("media"));
    auto dataset = generateDemo(options, media);
    QVERIFY(dataset);
    m_template = m_dir.filePath(QStringLiteral("template.tandem"));
    auto store = ProjectStore::create(m_template);
    QVERIFY(store);
    QVERIFY(store->importDataset(*dataset, media));
}

void TestGuiImport::init()
{
    const QString row = QTest::currentDataTag() ? QStringLiteral("-%1").arg(QLatin1String(QTest::currentDataTag())) : QString();
    m_project = m_dir.filePath(QStringLiteral("%1%2.tandem").arg(QLatin1String(QTest::currentTestFunction()), row));
    QVERIFY(QFile::copy(m_template, m_project));
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy ready(m_window.get(), &MainWindow::firstScreenReady);
    m_window->openProject(m_project);
    QVERIFY(ready.wait(5000));
    m_images = qobject_cast<ImageListModel *>(m_window->findChild<ImageGridView *>(QStringLiteral("imageGrid"))->model());
    QCOMPARE(m_images->rowCount(), 6);
}

void TestGuiImport::cleanup()
{
    m_window.reset();
}

BackgroundJob *TestGuiImport::runMenu(const QString &text, std::function<void(QDialog *)> fill)
{
    QAction *action = nullptr;
    for (QAction *top : m_window->menuBar()->actions())
        if (top->menu())
            for (QAction *item : top->menu()->actions())
                if (item->text() == text)
                    action = item;
    if (!action)
        qFatal("no menu item %s", qPrintable(text));
    // A finished job deletes itself later; wait for that, so the one found below is the new one.
    if (!QTest::qWaitFor([this] { return !m_window->findChild<BackgroundJob *>(); }, 5000))
        qFatal("a previous job is still running");
    whenModal<QDialog>(fill);
    action->trigger(); // returns once the dialog is accepted and the job started
    auto *job = m_window->findChild<BackgroundJob *>();
    if (!job)
        qFatal("File > %s started no job", qPrintable(text));
    return job;
}

void TestGuiImport::importCoco()
{
    const QStringList before = storedCaptions(m_project);
    BackgroundJob *job = runMenu(QStringLiteral("&Import…"), [](QDialog *dialog) {
        setText(dialog, "files", dataPath(QStringLiteral("coco/captions_val2017.json")));
        clickOk(dialog);
    });
    QVERIFY(job);
    QSignalSpy finished(job, &BackgroundJob::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().toBool(), true);

    const QStringList after = storedCaptions(m_project);
    QCOMPARE(after.size(), before.size() + 9);
    QVERIFY(after.contains(QStringLiteral("000000397133.jpg|A man in an apron prepares pizzas on a kitchen counter.")));
    // The grid and the status bar follow.
    QTRY_COMPARE(m_images->rowCount(), 6 + 5);
    QVERIFY2(statusText().startsWith(QStringLiteral("Imported 5 images (5 new), 9 captions")), qPrintable(statusText()));
}

void TestGuiImport::importEachFormat_data()
{
    QTest::addColumn<QString>("format"); // "" = detect
    QTest::addColumn<QString>("files");
    QTest::addColumn<QString>("summary");
    const auto data = [](const char *name) { return dataPath(QLatin1String(name)); };
    QTest::newRow("coco") << QString() << data("coco/captions_val2017.json") << "Imported 5 images (5 new), 9 captions, 0 questions";
    QTest::newRow("vqa pair") << QString()
                              << data("vqa/v2_OpenEnded_mscoco_val2014_questions.json") + QLatin1Char(';') +
                                     data("vqa/v2_mscoco_val2014_annotations.json")
                              << "Imported 3 images (3 new), 0 captions, 6 questions";
    QTest::newRow("flickr") << QStringLiteral("flickr") << data("flickr/Flickr8k.token.txt") << "Imported 3 images (3 new), 15 captions, 0 questions";
    QTest::newRow("csv") << QString() << data("csv/captions.csv") << "Imported 3 images (3 new), 4 captions, 0 questions";
    QTest::newRow("jsonl") << QString() << data("jsonl/dataset.jsonl") << "Imported 4 images (4 new), 4 captions, 4 questions";
    QTest::newRow("folder") << QStringLiteral("folder") << m_dir.filePath(QStringLiteral("folder")) << "Imported 1 images (1 new), 2 captions";
}

// Each format through the same dialog and job; the store gains what the file holds.
void TestGuiImport::importEachFormat()
{
    QFETCH(QString, format);
    QFETCH(QString, files);
    QFETCH(QString, summary);
    if (format == QLatin1String("folder")) {
        writeFile(m_dir.filePath(QStringLiteral("folder/cat.txt")), "a cat\na small cat\n");
        QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("media/scene_000000.png")), m_dir.filePath(QStringLiteral("folder/cat.png"))));
    }
    BackgroundJob *job = runMenu(QStringLiteral("&Import…"), [&](QDialog *dialog) {
        chooseData(dialog, "format", format);
        setText(dialog, "files", files);
        clickOk(dialog);
    });
    QSignalSpy finished(job, &BackgroundJob::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().toBool(), true);
    QVERIFY2(statusText().startsWith(summary), qPrintable(statusText()));
    QTRY_VERIFY(m_images->rowCount() > 6);
}

void TestGuiImport::malformedFileShowsWhereAndChangesNothing()
{
    const QString broken = m_dir.filePath(QStringLiteral("broken.json"));
    writeFile(broken, "{\"images\": [{\"id\": 1, \"file_name\": \"a.jpg\"}],\n"
                      "\"annotations\": [{\"image_id\": 1, \"caption\": \"unterminated}\n]}\n");
    const QStringList before = storedCaptions(m_project);
    QString shown;
    whenModal<QMessageBox>([&shown](QMessageBox *box) {
        shown = box->text() + QLatin1Char('\n') + box->informativeText();
        box->button(QMessageBox::Ok)->click();
    });
    BackgroundJob *job = runMenu(QStringLiteral("&Import…"), [&broken](QDialog *dialog) {
        chooseData(dialog, "format", QStringLiteral("coco"));
        setText(dialog, "files", broken);
        clickOk(dialog);
    });
    QSignalSpy finished(job, &BackgroundJob::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().toBool(), false);
    QVERIFY2(shown.contains(QStringLiteral("In %1, line ").arg(broken)), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("the project is unchanged")), qPrintable(shown));
    QCOMPARE(storedCaptions(m_project), before);
}

void TestGuiImport::cancelLongImport()
{
    QByteArray csv = "image,caption\n";
    for (int row = 0; row < 200'000; ++row)
        csv += "img" + QByteArray::number(row % 50'000) + ".jpg,caption number " + QByteArray::number(row) + "\n";
    const QString file = m_dir.filePath(QStringLiteral("long.csv"));
    writeFile(file, csv);
    const QStringList before = storedCaptions(m_project);
    BackgroundJob *job = runMenu(QStringLiteral("&Import…"), [&file](QDialog *dialog) {
        setText(dialog, "files", file);
        clickOk(dialog);
    });
    QSignalSpy cancelled(job, &BackgroundJob::cancelled);
    QProgressDialog *progress = m_window->findChildren<QProgressDialog *>().value(0);
    QVERIFY(progress);
    // Cancel once the worker has reported (the dialog's label names a stage).
    QTRY_VERIFY_WITH_TIMEOUT(progress->labelText().contains(QLatin1Char(':')), 5000);
    QPushButton *cancel = progress->findChild<QPushButton *>();
    QVERIFY(cancel);
    cancel->click();
    // It stays up, saying so, until the worker has rolled back.
    QCOMPARE(progress->labelText(), QStringLiteral("Cancelling…"));
    QVERIFY(!progress->wasCanceled()); // QProgressDialog's own cancel() (which hides it) did not run
    QVERIFY(cancelled.wait(10000));
    QCOMPARE(storedCaptions(m_project), before);
    QCOMPARE(statusText(), QStringLiteral("Import cancelled: nothing was imported."));
    QCOMPARE(m_images->rowCount(), 6);
}

void TestGuiImport::exportJsonlAndImportIntoNewProject()
{
    const QString jsonl = m_dir.filePath(QStringLiteral("media/exported.jsonl")); // next to the images
    BackgroundJob *job = runMenu(QStringLiteral("&Export…"), [&jsonl](QDialog *dialog) {
        chooseData(dialog, "format", QStringLiteral("jsonl"));
        setText(dialog, "output", jsonl);
        clickOk(dialog);
    });
    QSignalSpy exported(job, &BackgroundJob::finished);
    QVERIFY(exported.wait(10000));
    QCOMPARE(exported.first().first().toBool(), true);
    QVERIFY2(statusText().startsWith(QStringLiteral("Exported 6 images")), qPrintable(statusText()));

    const QString copy = m_dir.filePath(QStringLiteral("reimported.tandem"));
    job = runMenu(QStringLiteral("&Import…"), [&jsonl, &copy](QDialog *dialog) {
        chooseData(dialog, "target", QString());
        setText(dialog, "newProject", copy);
        setText(dialog, "files", jsonl);
        clickOk(dialog);
    });
    QSignalSpy ready(m_window.get(), &MainWindow::firstScreenReady);
    QSignalSpy imported(job, &BackgroundJob::finished);
    QVERIFY(imported.wait(10000));
    QCOMPARE(imported.first().first().toBool(), true);
    QCOMPARE(storedCaptions(copy), storedCaptions(m_project));
    QVERIFY(!storedCaptions(copy).isEmpty());
    // The window moves to the new project.
    QVERIFY(ready.wait(5000));
    QVERIFY(m_window->windowTitle().startsWith(QStringLiteral("reimported.tandem")));
}

// VQA and the folder format write folders; the folder format can copy the images.
void TestGuiImport::exportFolders()
{
    const QString vqa = m_dir.filePath(QStringLiteral("vqa-out"));
    BackgroundJob *job = runMenu(QStringLiteral("&Export…"), [&vqa](QDialog *dialog) {
        chooseData(dialog, "format", QStringLiteral("vqa"));
        QVERIFY(!dialog->findChild<QCheckBox *>(QStringLiteral("copyImages"))->isEnabled());
        setText(dialog, "output", vqa);
        clickOk(dialog);
    });
    QSignalSpy vqaDone(job, &BackgroundJob::finished);
    QVERIFY(vqaDone.wait(10000));
    QVERIFY(QFile::exists(vqa + QStringLiteral("/questions.json")));
    QVERIFY(QFile::exists(vqa + QStringLiteral("/annotations.json")));

    const QString folder = m_dir.filePath(QStringLiteral("folder-out"));
    job = runMenu(QStringLiteral("&Export…"), [&folder](QDialog *dialog) {
        chooseData(dialog, "format", QStringLiteral("folder"));
        chooseData(dialog, "status", int(ReviewStatus::Unlabeled));
        dialog->findChild<QCheckBox *>(QStringLiteral("copyImages"))->setChecked(true);
        setText(dialog, "output", folder);
        clickOk(dialog);
    });
    QSignalSpy folderDone(job, &BackgroundJob::finished);
    QVERIFY(folderDone.wait(10000));
    QVERIFY2(statusText().startsWith(QStringLiteral("Exported 6 images")), qPrintable(statusText()));
    QVERIFY(QFile::exists(folder + QStringLiteral("/scene_000000.png")));
    QVERIFY(QFile::exists(folder + QStringLiteral("/scene_000000.txt")));
}

// New Demo Project's dialog: another generator's style in, the same options
// `tandem-cli demo` takes out; "automatic" object size is 0. With
// TANDEM_SCREENSHOTS the dialog is saved there.
void TestGuiImport::demoDialogOptions()
{
    DemoOptions initial;
    initial.images = 700;
    DemoDialog dialog(initial);
    QCOMPARE(dialog.options().images, 700);
    QCOMPARE(dialog.options().objectSize, 0);
    QCOMPARE(dialog.options().palette, DemoPalette::Muted);
    dialog.findChild<QSpinBox *>(QStringLiteral("image_size"))->setValue(75);
    auto *objectSize = dialog.findChild<QSpinBox *>(QStringLiteral("object_size"));
    QCOMPARE(objectSize->maximum(), 15); // a fifth of the image
    objectSize->setValue(10);
    chooseData(&dialog, "colors", int(DemoPalette::Pure));
    chooseData(&dialog, "wording", int(DemoWording::Alternate));
    const DemoOptions options = dialog.options();
    QCOMPARE(options.imageSize, 75);
    QCOMPARE(options.objectSize, 10);
    QCOMPARE(options.palette, DemoPalette::Pure);
    QCOMPARE(options.wording, DemoWording::Alternate);
    QVERIFY(validateDemoOptions(options));
    objectSize->setValue(objectSize->minimum());
    QCOMPARE(dialog.options().objectSize, 0);
    if (const QString dir = qEnvironmentVariable("TANDEM_SCREENSHOTS"); !dir.isEmpty()) {
        objectSize->setValue(10);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.grab().save(dir + QStringLiteral("/demo_dialog.png")));
    }
}

QTEST_MAIN(TestGuiImport)
#include "test_gui_import.moc"
