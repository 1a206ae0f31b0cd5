#pragma once
// The training dashboard: start a run (Train dialog), watch its loss, its
// validation metric and its learning rate live, pause / resume / stop it;
// every train run of the project with its curves, several overlaid in a
// colour each; its checkpoints with their metrics; smoothing, linear or log
// axes, x by step, epoch or time; export as CSV and PNG. A run that a killed
// program left behind is offered for resuming. Training runs in a worker
// thread (TrainJob); the store is read in the background.
#include "trainingcurves.h"

#include "jobs/comparejobs.h"

#include <QColor>
#include <QSet>
#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QListWidget;
class QMenu;
class QProgressBar;
class QPushButton;
class QSlider;
class QTreeWidget;

namespace tandem {

class TrainJob;

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget *parent = nullptr);

    void setProject(const QString &path);
    const QString &project() const { return m_project; }
    // The Train menu: train, pause, resume, stop, with their shortcuts.
    void fillMenu(QMenu *menu);
    bool isTraining() const { return m_job != nullptr; }
    const std::vector<TrainSeries> &storedRuns() const { return m_stored; }
    const std::optional<TrainSeries> &liveRun() const { return m_live; }
    const std::vector<TrainRunView> &runViews() const { return m_views; }
    // Tick only these runs in the list (the others stay listed, unplotted).
    void plotOnly(const QSet<qint64> &runIds);

public slots:
    void showTrainDialog();
    void startTraining(const tandem::TrainRequest &request);
    void resumeRun(qint64 runId);
    void showCompareDialog();
    void startComparison(const tandem::CompareRequest &request);
    void pause();
    void stop();
    void refreshRuns();
    bool exportCsv(const QString &file);
    bool exportPng(const QString &file);

signals:
    void modelsChanged();        // a run made a model, or a checkpoint was added as one
    void runsLoaded();           // the store's runs are shown (after refreshRuns)
    void trainingStarted();
    void trainingFinished(bool ok);
    void attentionNeeded();      // a run was interrupted: show the dashboard
    void buttonsChanged();
    void message(const QString &text);

private:
    QWidget *buildToolbar();
    QWidget *buildSide();
    QWidget *buildPlots();
    QWidget *buildViewControls();
    void watch(TrainJob *job, const TrainSeries &start);
    void showRuns(std::vector<TrainRunView> views);
    void showProgress(const TrainProgress &p);
    void onFinished(const TrainResult &result);
    void onFailed(const Error &error);
    void scheduleReplot();
    void replot();
    void updateMetricChoice(const std::vector<TrainSeries> &shown);
    void plotSeries(const TrainSeries &series, const QColor &colour, CurveAxis axis, double smoothing);
    void showCheckpoints();
    void addCheckpointAsModel();
    void offerInterrupted();
    void updateButtons();
    qint64 selectedRun() const;
    const TrainRunView *viewOf(qint64 runId) const;
    QColor colourOf(qint64 runId) const;
    std::vector<TrainSeries> shownSeries() const;

    QString m_project;
    std::vector<TrainRunView> m_views;
    std::vector<TrainSeries> m_stored;
    std::optional<TrainSeries> m_live;
    std::vector<TrainSeries> m_doneInJob; // earlier runs of a comparison still in progress
    QSet<qint64> m_hidden;       // runs unticked in the list
    TrainJob *m_job = nullptr;
    QSet<qint64> m_offered;      // interrupted runs already offered for resuming
    bool m_replotPending = false;

    QPushButton *m_train, *m_pause, *m_resume, *m_stop, *m_addModel;
    QLabel *m_status, *m_banner;
    QPushButton *m_bannerResume;
    qint64 m_bannerRun = 0;
    QProgressBar *m_progress;
    QListWidget *m_runs;
    QTreeWidget *m_checkpoints;
    QCustomPlot *m_loss, *m_metric, *m_learningRate;
    QWidget *m_plots;
    QSlider *m_smoothing;
    QLabel *m_smoothingValue;
    QComboBox *m_axis, *m_metricChoice;
    QCheckBox *m_logX, *m_logY;
};

} // namespace tandem
