// The training dashboard, offscreen, on a small demo project: a run starts,
// draws its curve live, pauses (a resumable run in the store), resumes and
// stops (completed, its model the best epoch); curves export as CSV and PNG;
// a run left "running" by a killed program is offered for resuming. And the
// Train dialog: presets, and bad values refused next to their field.
#include "comparisonview.h"
#include "evaluationpanel.h"
#include "traindialog.h"
#include "train/trainpresets.h"
#include "train/trainsettings.h"
#include "trainingpanel.h"

#include "data/projectstore.h"
#include "testsupport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTableWidget>
#include <QTreeWidget>

using namespace tandem;
using namespace tandem::test;

class TestGuiTraining : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void dialogPresetsAndProblems();
    void trainPauseResumeStop();
    void interruptedRunIsOffered();
    void compareFromTheWindow();
    void evaluationDrillsDown();
    void showcase();

private:
    TrainRequest tinyRequest() const;
    std::optional<TrainRunView> storedRun(qint64 id);
    bool openPanel(TrainingPanel &panel);

    QTemporaryDir m_dir;
    QString m_project;
    qint64 m_runId = 0;
};

void TestGuiTraining::initTestCase()
{
    m_project = m_dir.filePath(QStringLiteral("p.tandem"));
    QCOMPARE(runCli({QStringLiteral("demo"), m_project, QStringLiteral("--images"), QStringLiteral("40"), QStringLiteral("--size"),
                     QStringLiteral("32"), QStringLiteral("--questions"), QStringLiteral("4"), QStringLiteral("-q")}).exitCode, 0);
}

TrainRequest TestGuiTraining::tinyRequest() const
{
    TrainRequest r;
    r.project = m_project;
    r.modelOptions = {{QStringLiteral("vision_channels"), QStringLiteral("8")}, {QStringLiteral("text_dim"), QStringLiteral("32")},
                      {QStringLiteral("film_blocks"), QStringLiteral("1")}};
    r.epochs = 400; // far more than the test lets it run: it is paused and stopped
    r.batchImages = 4;
    r.imageSize = 32;
    r.threads = 1;
    r.device = QStringLiteral("cpu");
    r.name = QStringLiteral("tiny film");
    r.checkpoint = m_dir.filePath(QStringLiteral("tiny.ckpt"));
    return r;
}

// Shown on the test project, its runs read.
bool TestGuiTraining::openPanel(TrainingPanel &panel)
{
    panel.resize(1000, 600);
    panel.show();
    QSignalSpy loaded(&panel, &TrainingPanel::runsLoaded);
    panel.setProject(m_project);
    return loaded.wait(10000);
}

std::optional<TrainRunView> TestGuiTraining::storedRun(qint64 id)
{
    auto views = trainRuns(m_project);
    if (views)
        for (const TrainRunView &v : *views)
            if (v.run.id == id)
                return v;
    return std::nullopt;
}

void TestGuiTraining::dialogPresetsAndProblems()
{
    TrainDialog dialog(m_project, {});
    dialog.applyPreset(TrainDialog::Preset::Quick);
    QCOMPARE(dialog.request().epochs, 3);
    QVERIFY(dialog.request().modelOptions.isEmpty());
    dialog.applyPreset(TrainDialog::Preset::Thorough);
    QCOMPARE(dialog.request().epochs, 30);
    // VQA's recipe comes with the preset, in the architecture options field, as the CLI's --preset gives it.
    QCOMPARE(dialog.request().modelOptions, trainPresetValues(TrainPreset::Thorough, TaskKind::Vqa).modelOptions);
    QCOMPARE(dialog.request().modelOptions.value(QStringLiteral("film_gate")), QStringLiteral("true"));
    QCOMPARE(dialog.request().batchImages, 8);
    QComboBox *task = nullptr;
    for (QComboBox *box : dialog.findChildren<QComboBox *>())
        if (box->itemText(0) == QLatin1String("Visual question answering"))
            task = box;
    QVERIFY(task);
    QComboBox *preset = nullptr;
    for (QComboBox *box : dialog.findChildren<QComboBox *>())
        if (box->findData(int(TrainDialog::Preset::Custom)) >= 0 && box->itemText(0).startsWith(QLatin1String("Quick")))
            preset = box;
    QVERIFY(preset);
    const int standard = preset->findData(int(TrainDialog::Preset::Standard));
    QCOMPARE(preset->itemText(standard), QStringLiteral("Standard (14 epochs)")); // VQA's: the relations need them
    task->setCurrentIndex(task->findData(int(TaskKind::Caption)));
    QVERIFY(dialog.request().modelOptions.isEmpty());
    QCOMPARE(dialog.request().batchImages, 32);
    QCOMPARE(preset->itemText(standard), QStringLiteral("Standard (10 epochs)"));
    task->setCurrentIndex(task->findData(int(TaskKind::Vqa)));
    QCOMPARE(dialog.request().batchImages, 8);
    auto *lr = dialog.findChild<QLineEdit *>();
    QVERIFY(lr);
    auto *ok = dialog.findChild<QPushButton *>();
    for (QPushButton *button : dialog.findChildren<QPushButton *>())
        if (button->text() == QLatin1String("Start Training"))
            ok = button;
    QVERIFY(ok->isEnabled());
    auto *problem = dialog.findChild<QLabel *>(QStringLiteral("problem_learning_rate"));
    QVERIFY(problem && problem->isHidden());

    TrainRequest bad = dialog.request();
    bad.learningRate = 0;
    bad.selfCriticalEpochs = 40;
    bad.name = QStringLiteral(" ");
    const auto problems = trainRequestProblems(bad);
    QVERIFY(problems.contains(QStringLiteral("learning_rate")));
    QVERIFY(problems.contains(QStringLiteral("self_critical")));
    QVERIFY(problems.contains(QStringLiteral("name")));
    QVERIFY(trainRequestProblems(dialog.request()).isEmpty());

    // Architecture options and the curriculum reach the request as the CLI's flags do.
    QLineEdit *options = nullptr;
    for (QLineEdit *edit : dialog.findChildren<QLineEdit *>())
        if (edit->placeholderText().contains(QLatin1String("coordinate_channels")))
            options = edit;
    QVERIFY(options);
    options->setText(QStringLiteral("coordinate_channels=true, film_attention=true"));
    QCOMPARE(dialog.request().modelOptions.value(QStringLiteral("film_attention")), QStringLiteral("true"));
    QCOMPARE(dialog.request().modelOptions.size(), 2);
    auto *optionsProblem = dialog.findChild<QLabel *>(QStringLiteral("problem_model_options"));
    QVERIFY(optionsProblem && optionsProblem->isHidden() && ok->isEnabled());
    options->setText(QStringLiteral("coordinate_channels"));
    QVERIFY(!optionsProblem->isHidden());
    QVERIFY(!ok->isEnabled());
    options->clear();
    QVERIFY(ok->isEnabled());
    for (QSpinBox *box : dialog.findChildren<QSpinBox *>())
        if (box->toolTip().contains(QLatin1String("shorter half")))
            box->setValue(4);
    QCOMPARE(dialog.request().curriculumEpochs, 4);
    QVERIFY(!dialog.request().bf16);
    for (QCheckBox *box : dialog.findChildren<QCheckBox *>())
        if (box->text().contains(QLatin1String("bfloat16")))
            box->setChecked(true);
    QVERIFY(dialog.request().bf16);
    if (const QString folder = qEnvironmentVariable("TANDEM_SCREENSHOTS"); !folder.isEmpty()) {
        TrainDialog fresh(m_project, {}); // as a new user first sees it
        fresh.resize(fresh.sizeHint());
        fresh.show();
        QVERIFY(QTest::qWaitForWindowExposed(&fresh));
        fresh.grab().save(folder + QStringLiteral("/train-dialog.png"));
    }
    QVERIFY(!parseModelOptions(QStringLiteral("=true")));
    QCOMPARE(parseModelOptions(QStringLiteral(" a=1  b=x=y ")).value().value(QStringLiteral("b")), QStringLiteral("x=y"));
}

void TestGuiTraining::trainPauseResumeStop()
{
    TrainingPanel panel;
    QVERIFY(openPanel(panel));
    QVERIFY(panel.storedRuns().empty());

    QSignalSpy finished(&panel, &TrainingPanel::trainingFinished);
    panel.startTraining(tinyRequest());
    QVERIFY(panel.liveRun()->curve.empty());
    QVERIFY(panel.isTraining());
    QTRY_VERIFY_WITH_TIMEOUT(panel.liveRun() && panel.liveRun()->epochs.size() >= 2, 60000);
    QVERIFY(panel.liveRun()->curve.size() >= 16); // a point a step: 32 images, 4 a step
    panel.pause();
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    QVERIFY(!panel.isTraining());
    QTRY_VERIFY(!panel.storedRuns().empty());
    m_runId = panel.storedRuns().front().runId;
    auto paused = storedRun(m_runId);
    QVERIFY(paused);
    QCOMPARE(paused->run.status, RunStatus::Cancelled);
    QVERIFY(paused->resumable);
    const size_t pausedPoints = paused->curve.size();
    QVERIFY(pausedPoints >= 16);
    QVERIFY(QFileInfo::exists(tinyRequest().checkpoint));

    auto *resume = panel.findChild<QPushButton *>();
    for (QPushButton *b : panel.findChildren<QPushButton *>())
        if (b->text() == QLatin1String("Resume") && b->objectName().isEmpty() && b->parentWidget()->isVisible())
            resume = b;
    QVERIFY(resume->isEnabled());
    QTest::mouseClick(resume, Qt::LeftButton);
    QVERIFY(panel.isTraining());
    const size_t epochsBefore = paused->epochs.size();
    QTRY_VERIFY_WITH_TIMEOUT(panel.liveRun() && panel.liveRun()->epochs.size() >= epochsBefore + 2, 60000);
    panel.stop();
    QVERIFY(finished.wait(30000));
    QTRY_VERIFY(!panel.storedRuns().empty() && storedRun(m_runId)->run.status == RunStatus::Completed);

    const auto done = storedRun(m_runId);
    QVERIFY(done->curve.size() > pausedPoints);
    QVERIFY(done->run.metrics.value(QStringLiteral("stopped_early")).toBool());
    const int best = done->run.metrics.value(QStringLiteral("best_epoch")).toInt();
    QVERIFY(best >= 1 && best <= int(done->epochs.size()));
    auto *checkpoints = panel.findChild<QTreeWidget *>();
    QTRY_VERIFY(checkpoints->topLevelItemCount() >= 1
                && checkpoints->topLevelItem(0)->text(0) == QLatin1String("model (best)")); // once the store is read again
    QCOMPARE(checkpoints->topLevelItem(0)->text(1).toInt(), best);

    const QString csv = m_dir.filePath(QStringLiteral("curves.csv")), png = m_dir.filePath(QStringLiteral("curves.png"));
    QVERIFY(panel.exportCsv(csv));
    const QList<QByteArray> lines = readFile(csv).split('\n');
    QVERIFY(lines.front().startsWith("run_id,run,step,epoch,minutes,loss,smoothed_loss"));
    QVERIFY(lines.front().contains("val_answer_accuracy"));
    QCOMPARE(size_t(lines.size()), done->curve.size() + 2); // header, rows, the empty line after the last newline
    QVERIFY(panel.exportPng(png));
    QVERIFY(QImage(png).width() > 100);
    if (const QByteArray dir = qgetenv("TANDEM_SCREENSHOTS"); !dir.isEmpty())
        panel.grab().save(QString::fromUtf8(dir) + QStringLiteral("/training.png"));
}

void TestGuiTraining::interruptedRunIsOffered()
{
    QVERIFY(m_runId > 0);
    // As a killed program leaves it: status running, its lock file gone with the process.
    {
        auto store = ProjectStore::open(m_project);
        QVERIFY(runs::setStatus(*store, m_runId, RunStatus::Running));
        QVERIFY(runs::update(*store, m_runId, runs::get(*store, m_runId)->metrics, RunStatus::Running));
    }
    TrainingPanel panel;
    panel.show();
    QSignalSpy attention(&panel, &TrainingPanel::attentionNeeded);
    panel.setProject(m_project);
    QVERIFY(attention.wait(10000));
    auto *banner = panel.findChild<QLabel *>(QStringLiteral("interruptedBanner"));
    QVERIFY(banner && banner->isVisible());
    QVERIFY(banner->text().contains(QStringLiteral("interrupted")));
    QCOMPARE(storedRun(m_runId)->run.status, RunStatus::Interrupted);
}

// Two fusions trained from the dashboard, then shown side by side with what each computes.
void TestGuiTraining::compareFromTheWindow()
{
    TrainingPanel panel;
    QVERIFY(openPanel(panel));
    CompareRequest request;
    request.base = tinyRequest();
    request.base.epochs = 2;
    request.base.checkpoint.clear();
    request.fusions = {QStringLiteral("film"), QStringLiteral("concat")};
    request.name = QStringLiteral("lesson 1");
    QSignalSpy finished(&panel, &TrainingPanel::trainingFinished);
    panel.startComparison(request);
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.takeFirst().at(0).toBool(), true);
    QTRY_VERIFY(!comparisonsOf(panel.runViews()).empty());

    ComparisonView view;
    view.resize(900, 400);
    view.show();
    view.setComparisons(comparisonsOf(panel.runViews()));
    QVERIFY(view.current());
    QCOMPARE(view.current()->name, QStringLiteral("lesson 1"));
    auto *table = view.findChild<QTableWidget *>(QStringLiteral("comparisonTable"));
    QCOMPARE(table->rowCount(), 2);
    for (int row = 0; row < 2; ++row)
        QCOMPARE(table->item(row, 6)->text(), QStringLiteral("completed"));
    table->selectRow(0);
    const QString details = view.findChildren<QLabel *>().at(1)->text();
    QVERIFY2(details.contains(QStringLiteral("<i>")), qPrintable(details)); // the formula
    QSignalSpy plotted(&view, &ComparisonView::plotRuns);
    for (QPushButton *b : view.findChildren<QPushButton *>())
        if (b->text() == QLatin1String("Plot Its Curves"))
            QTest::mouseClick(b, Qt::LeftButton);
    QCOMPARE(plotted.size(), 1);
    QCOMPARE(plotted.first().at(0).value<QSet<qint64>>().size(), 2);
    panel.plotOnly(plotted.first().at(0).value<QSet<qint64>>());
    if (const QByteArray dir = qgetenv("TANDEM_SCREENSHOTS"); !dir.isEmpty()) {
        view.grab().save(QString::fromUtf8(dir) + QStringLiteral("/comparison.png"));
        panel.grab().save(QString::fromUtf8(dir) + QStringLiteral("/comparison-curves.png"));
    }
}

// The model the dashboard trained answers the project's questions as a saved run;
// the panel scores it, a confusion cell narrows the samples, a sample opens its image.
void TestGuiTraining::evaluationDrillsDown()
{
    QVERIFY(QFileInfo::exists(tinyRequest().checkpoint));
    const CliResult answered = runCli({QStringLiteral("answer"), m_project, QStringLiteral("--model"), tinyRequest().checkpoint,
                                       QStringLiteral("--split"), QString(), QStringLiteral("--save"), QStringLiteral("tiny answers"),
                                       QStringLiteral("-q")});
    QVERIFY2(answered.exitCode == 0, answered.err.constData());
    EvaluationPanel panel;
    panel.resize(1100, 600);
    panel.show();
    QSignalSpy evaluated(&panel, &EvaluationPanel::evaluated);
    panel.setProject(m_project);
    QVERIFY(evaluated.wait(20000));
    const RunEvaluation *e = panel.evaluation();
    QVERIFY(e);
    QCOMPARE(int(e->samples.size()), 160); // 40 images x 4 questions
    auto *samples = panel.findChild<QTableWidget *>(QStringLiteral("evaluationSamples"));
    QCOMPARE(samples->rowCount(), 160);
    QVERIFY(samples->item(0, 4)->data(Qt::DisplayRole).toDouble() <= samples->item(159, 4)->data(Qt::DisplayRole).toDouble());

    auto *confusion = panel.findChild<QTableWidget *>(QStringLiteral("confusionMatrix"));
    QVERIFY(confusion->rowCount() >= 2);
    int row = -1, column = -1;
    for (int r = 0; r < confusion->rowCount() && row < 0; ++r)
        for (int c = 0; c < confusion->columnCount(); ++c)
            if (!confusion->item(r, c)->text().isEmpty()) {
                row = r;
                column = c;
                break;
            }
    QVERIFY(row >= 0);
    const int count = confusion->item(row, column)->text().toInt();
    QTest::mouseClick(confusion->viewport(), Qt::LeftButton, {}, confusion->visualItemRect(confusion->item(row, column)).center());
    QCOMPARE(samples->rowCount(), count);
    for (int r = 0; r < samples->rowCount(); ++r)
        QCOMPARE(samples->item(r, 3)->text(), e->confusionLabels[row]);

    QSignalSpy opened(&panel, &EvaluationPanel::openImage);
    const QPoint sample = samples->visualItemRect(samples->item(0, 1)).center();
    QTest::mouseClick(samples->viewport(), Qt::LeftButton, {}, sample);
    QTest::mouseDClick(samples->viewport(), Qt::LeftButton, {}, sample);
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.first().at(0).toLongLong(), samples->item(0, 0)->data(Qt::UserRole).toLongLong());
    QVERIFY(opened.first().at(0).toLongLong() > 0);
    if (const QByteArray dir = qgetenv("TANDEM_SCREENSHOTS"); !dir.isEmpty()) {
        panel.filterSamples({}, {});
        panel.grab().save(QString::fromUtf8(dir) + QStringLiteral("/evaluation.png"));
    }

    // A caption run: each caption's CIDEr-D, BLEU-4 and ROUGE-L.
    std::vector<NewPrediction> rows;
    for (qint64 image = 1; image <= 5; ++image)
        rows.push_back({image, 0, QStringLiteral("there are two squares and four circles"), -2.0, {}});
    qint64 captionRun = 0;
    {
        auto store = ProjectStore::open(m_project);
        captionRun = *predictions::saveRun(*store, RunKind::Infer, QStringLiteral("captions"),
                                           {{QStringLiteral("task"), QStringLiteral("caption")}}, {}, rows);
    }
    panel.evaluate(captionRun);
    QVERIFY(evaluated.wait(20000));
    QCOMPARE(panel.evaluation()->metric, QStringLiteral("CIDEr-D"));
    QCOMPARE(samples->rowCount(), 5);
    QCOMPARE(samples->horizontalHeaderItem(4)->text(), QStringLiteral("CIDEr-D"));
    QVERIFY(!samples->isColumnHidden(7) && !samples->isColumnHidden(8));
}

// The README's pictures, from a project with a fusion comparison and two saved
// answer runs (bench-like data, not the tests' tiny models): skipped unless
// TANDEM_SHOWCASE names that project and TANDEM_SCREENSHOTS a folder.
void TestGuiTraining::showcase()
{
    const QString project = qEnvironmentVariable("TANDEM_SHOWCASE"), dir = qEnvironmentVariable("TANDEM_SCREENSHOTS");
    if (project.isEmpty() || dir.isEmpty())
        QSKIP("set TANDEM_SHOWCASE to a project with a comparison and saved runs, TANDEM_SCREENSHOTS to a folder");
    TrainingPanel panel;
    panel.resize(1200, 640);
    panel.show();
    QSignalSpy loaded(&panel, &TrainingPanel::runsLoaded);
    panel.setProject(project);
    QVERIFY(loaded.wait(20000));
    const auto compared = comparisonsOf(panel.runViews());
    QVERIFY(!compared.empty());
    QSet<qint64> ids;
    for (const CompareRow &r : compared.front().rows)
        ids.insert(r.runId);
    panel.plotOnly(ids);
    QTest::qWait(300);
    QVERIFY(panel.grab().save(dir + QStringLiteral("/training.png")));

    ComparisonView view;
    view.resize(1000, 440);
    view.show();
    view.setComparisons(compared);
    view.findChild<QTableWidget *>(QStringLiteral("comparisonTable"))->selectRow(0);
    QVERIFY(view.grab().save(dir + QStringLiteral("/comparison.png")));

    EvaluationPanel evaluation;
    evaluation.resize(1200, 640);
    evaluation.show();
    QSignalSpy evaluated(&evaluation, &EvaluationPanel::evaluated);
    evaluation.setProject(project);
    QVERIFY(evaluated.wait(20000));
    auto runs = evaluableRuns(project);
    QVERIFY(runs && runs->size() >= 2);
    evaluation.evaluate(runs->at(1).id, runs->at(0).id);
    QVERIFY(evaluated.wait(20000));
    QVERIFY(evaluation.grab().save(dir + QStringLiteral("/evaluation.png")));
}

QTEST_MAIN(TestGuiTraining)
#include "test_gui_training.moc"
