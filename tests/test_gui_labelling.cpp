// Drives the real main window (offscreen) the way a labeller does, with the
// keyboard, and checks what a separate connection finds in the project file.
#include "data/imagedetail.h"
#include "data/imagequery.h"
#include "data/projectstore.h"
#include "demo/sortofclevr.h"
#include "filterbar.h"
#include "imagegridview.h"
#include "imagelistmodel.h"
#include "imagepanel.h"
#include "mainwindow.h"
#include "testsupport.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QListView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <memory>

using namespace tandem;

class TestGuiLabelling : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void typeCaptionUndoRedo();
    void editCaptionInPlace();
    void addQuestionAndTags();
    void reviewShortcuts();
    void bulkStatusOnSelection();
    void filterBySearchAndStatus();

private:
    ImageDetail stored(qint64 imageId);
    qint64 imageAt(int row) const { return m_images->idAt(row); }
    void press(int key, Qt::KeyboardModifiers modifiers = Qt::NoModifier);

    QTemporaryDir m_dir;
    QString m_project;
    std::unique_ptr<MainWindow> m_window;
    ImageGridView *m_grid = nullptr;
    ImageListModel *m_images = nullptr;
    ImagePanel *m_panel = nullptr;
};

void TestGuiLabelling::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // keep the user's settings out of it
    DemoOptions options;
    options.images = 24;
    options.imageSize = 32;
    options.questionsPerImage = 2;
    const QString media = m_dir.filePath(QStringLiteral("media"));
    auto dataset = generateDemo(options, media);
    QVERIFY(dataset);
    m_project = m_dir.filePath(QStringLiteral("template.tandem"));
    auto store = ProjectStore::create(m_project);
    QVERIFY(store);
    QVERIFY(store->importDataset(*dataset, media));
}

// Every test starts from a fresh copy of the project and a fresh window.
void TestGuiLabelling::init()
{
    const QString copy = m_dir.filePath(QStringLiteral("%1.tandem").arg(QTest::currentTestFunction()));
    QVERIFY(QFile::copy(m_project, copy));
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1200, 800);
    m_window->show();
    QApplication::setActiveWindow(m_window.get());
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QSignalSpy ready(m_window.get(), &MainWindow::firstScreenReady);
    m_window->openProject(copy);
    QVERIFY(ready.wait(5000));
    m_project = copy;
    m_grid = m_window->findChild<ImageGridView *>(QStringLiteral("imageGrid"));
    m_images = qobject_cast<ImageListModel *>(m_grid->model());
    m_panel = m_window->findChild<ImagePanel *>(QStringLiteral("imagePanel"));
    QCOMPARE(m_images->rowCount(), 24);
    QTRY_COMPARE(m_panel->imageId(), imageAt(0));
    m_grid->setFocus();
}

void TestGuiLabelling::cleanup()
{
    m_window.reset();
    m_project = m_dir.filePath(QStringLiteral("template.tandem"));
}

ImageDetail TestGuiLabelling::stored(qint64 imageId)
{
    auto store = ProjectStore::open(m_project);
    if (!store)
        return {};
    auto detail = loadImageDetail(*store, imageId);
    return detail ? *detail : ImageDetail{};
}

static QStringList captionTexts(const ImageDetail &detail)
{
    QStringList texts;
    for (const CaptionRecord &c : detail.captions)
        texts << c.text;
    return texts;
}

void TestGuiLabelling::press(int key, Qt::KeyboardModifiers modifiers)
{
    QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : m_window.get();
    QTest::keyClick(target, Qt::Key(key), modifiers);
}

void TestGuiLabelling::typeCaptionUndoRedo()
{
    const qint64 id = imageAt(0);
    const int before = int(stored(id).captions.size());
    press(Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier); // Add Caption
    auto *edit = m_window->findChild<QLineEdit *>(QStringLiteral("newCaptionEdit"));
    QCOMPARE(QApplication::focusWidget(), edit);
    QTest::keyClicks(edit, QStringLiteral("a hand-typed caption"));
    press(Qt::Key_Return);
    QTRY_VERIFY(captionTexts(stored(id)).contains(QStringLiteral("a hand-typed caption")));
    QVERIFY(edit->text().isEmpty());

    m_grid->setFocus();
    press(Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(int(stored(id).captions.size()), before);
    press(Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(captionTexts(stored(id)).contains(QStringLiteral("a hand-typed caption")));
    // The panel shows what the store holds.
    auto *list = m_window->findChild<QListView *>(QStringLiteral("captionsView"));
    QTRY_COMPARE(list->model()->rowCount(), before + 1);
}

void TestGuiLabelling::editCaptionInPlace()
{
    const qint64 id = imageAt(0);
    auto *list = m_window->findChild<QListView *>(QStringLiteral("captionsView"));
    QTRY_VERIFY(list->model()->rowCount() > 0);
    const QString old = list->model()->index(0, 0).data().toString();
    list->setFocus();
    list->setCurrentIndex(list->model()->index(0, 0));
    press(Qt::Key_F2);
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("a corrected caption"));
    press(Qt::Key_Return);
    QTRY_COMPARE(stored(id).captions.at(0).text, QStringLiteral("a corrected caption"));
    press(Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(stored(id).captions.at(0).text, old);
}

void TestGuiLabelling::addQuestionAndTags()
{
    const qint64 id = imageAt(0);
    press(Qt::Key_Q, Qt::ControlModifier | Qt::ShiftModifier);
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("how many squares are there?"));
    press(Qt::Key_Return);
    QTRY_COMPARE(int(stored(id).questions.size()), 3);
    QCOMPARE(stored(id).questions.back().text, QStringLiteral("how many squares are there?"));

    // Answers go into the new question's row, separated by ';'.
    auto *table = m_window->findChild<QTableView *>(QStringLiteral("questionsView"));
    QTRY_COMPARE(table->model()->rowCount(), 3);
    table->setFocus();
    table->setCurrentIndex(table->model()->index(2, 2));
    press(Qt::Key_F2);
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("3; 3; three"));
    press(Qt::Key_Return);
    QTRY_COMPARE(int(stored(id).questions.back().answers.size()), 3);
    QCOMPARE(stored(id).questions.back().multipleChoiceAnswer, QStringLiteral("3"));

    press(Qt::Key_T, Qt::ControlModifier);
    QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("outdoor, toy"));
    press(Qt::Key_Return);
    QTRY_COMPARE(stored(id).tags, QStringList({QStringLiteral("outdoor"), QStringLiteral("toy")}));
}

void TestGuiLabelling::reviewShortcuts()
{
    press(Qt::Key_Return, Qt::ControlModifier); // verify and next
    QTRY_COMPARE(stored(imageAt(0)).summary.status, ReviewStatus::Verified);
    QCOMPARE(m_grid->currentIndex().row(), 1);
    press(Qt::Key_Return, Qt::ControlModifier | Qt::ShiftModifier); // reject and next
    QTRY_COMPARE(stored(imageAt(1)).summary.status, ReviewStatus::Rejected);
    QCOMPARE(m_grid->currentIndex().row(), 2);
    QTRY_COMPARE(m_panel->imageId(), imageAt(2));

    press(Qt::Key_F8, Qt::ShiftModifier); // previous unlabeled: none before row 2
    QCOMPARE(m_grid->currentIndex().row(), 2);
    m_grid->setCurrentIndex(m_images->index(0));
    press(Qt::Key_F8); // next unlabeled skips the two reviewed images
    QCOMPARE(m_grid->currentIndex().row(), 2);

    press(Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(stored(imageAt(1)).summary.status, ReviewStatus::Unlabeled);
    QCOMPARE(m_images->statusAt(1), ReviewStatus::Unlabeled);
}

void TestGuiLabelling::bulkStatusOnSelection()
{
    m_grid->selectAll();
    press(Qt::Key_3, Qt::AltModifier); // Mark verified
    const auto verified = [this] {
        auto store = ProjectStore::open(m_project);
        return store ? statusCounts(*store)->byStatus[size_t(ReviewStatus::Verified)] : -1;
    };
    QTRY_COMPARE(verified(), 24);
    QCOMPARE(m_images->statusAt(23), ReviewStatus::Verified);
    press(Qt::Key_Z, Qt::ControlModifier);
    QTRY_COMPARE(verified(), 0);
}

void TestGuiLabelling::filterBySearchAndStatus()
{
    auto store = ProjectStore::open(m_project);
    ImageQuery query;
    query.text = QStringLiteral("square");
    const int squares = int(queryImages(*store, query)->ids.size());
    QVERIFY(squares > 0 && squares < 24);

    auto *search = m_window->findChild<QLineEdit *>(QStringLiteral("searchEdit"));
    QTest::keyClicks(search, QStringLiteral("square"));
    QTRY_COMPARE(m_images->rowCount(), squares);

    search->clear();
    QTRY_COMPARE(m_images->rowCount(), 24);
    const qint64 current = m_images->idAt(m_grid->currentIndex().row());
    press(Qt::Key_Return, Qt::ControlModifier); // verify the current image
    QTRY_COMPARE(stored(current).summary.status, ReviewStatus::Verified);
    auto *status = m_window->findChild<QComboBox *>(QStringLiteral("statusFilter"));
    status->setFocus();
    for (int i = 0; i < 3; ++i) // Any status -> unlabeled -> predicted -> verified
        press(Qt::Key_Down);
    QCOMPARE(status->currentText(), QStringLiteral("verified"));
    QTRY_COMPARE(m_images->rowCount(), 1);
}

QTEST_MAIN(TestGuiLabelling)
#include "test_gui_labelling.moc"
