#include "trainingprobe.h"

#include "mainwindow.h"
#include "trainingpanel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <memory>
#include <vector>

namespace tandem {

namespace {

constexpr int kTickMs = 10;
constexpr int kPairs = 5;

struct Probe {
    MainWindow *window = nullptr;
    TrainingPanel *panel = nullptr;
    TrainRequest request;
    int seconds = 5;
    int windowIndex = 0;         // even: idle, odd: training
    bool measuring = false;
    std::vector<qint64> idle, training;      // every gap, pooled
    std::vector<qint64> idleP99, trainingP99; // each window's own p99
    size_t windowStart = 0;
    QElapsedTimer sinceTick, inWindow;
};

qint64 quantile(std::vector<qint64> gaps, double q)
{
    std::sort(gaps.begin(), gaps.end());
    return gaps.empty() ? 0 : gaps[size_t(double(gaps.size() - 1) * q)];
}

QString stats(const char *name, const std::vector<qint64> &gaps, const std::vector<qint64> &windowP99)
{
    QStringList windows;
    for (qint64 p : windowP99)
        windows << QString::number(p);
    return QStringLiteral("\"%1_ticks\": %2, \"%1_p50_ms\": %3, \"%1_p99_ms\": %4, \"%1_max_ms\": %5, "
                          "\"%1_window_p99_ms\": [%6]")
        .arg(QLatin1String(name)).arg(gaps.size()).arg(quantile(gaps, 0.5)).arg(quantile(gaps, 0.99))
        .arg(quantile(gaps, 1.0)).arg(windows.join(QStringLiteral(", ")));
}

void nextWindow(const std::shared_ptr<Probe> &p);

void endWindow(const std::shared_ptr<Probe> &p)
{
    p->measuring = false;
    const bool wasTraining = p->windowIndex % 2 == 1;
    const std::vector<qint64> &all = wasTraining ? p->training : p->idle;
    (wasTraining ? p->trainingP99 : p->idleP99)
        .push_back(quantile(std::vector<qint64>(all.begin() + long(p->windowStart), all.end()), 0.99));
    ++p->windowIndex;
    if (!wasTraining) {
        nextWindow(p);
        return;
    }
    // Pausing takes until the current step ends; that wait is measured by neither window.
    QObject::connect(p->panel, &TrainingPanel::trainingFinished, p->window, [p] { nextWindow(p); }, Qt::SingleShotConnection);
    p->panel->pause();
}

void nextWindow(const std::shared_ptr<Probe> &p)
{
    if (p->windowIndex >= 2 * kPairs) {
        QTextStream(stdout) << QStringLiteral("{\"tick_ms\": %1, \"window_s\": %2, %3, %4}\n")
                                   .arg(kTickMs).arg(p->seconds)
                                   .arg(stats("idle", p->idle, p->idleP99), stats("training", p->training, p->trainingP99));
        QApplication::quit();
        return;
    }
    if (p->windowIndex % 2 == 1) {
        const auto &runs = p->panel->storedRuns();
        if (p->windowIndex == 1 || runs.empty())
            p->panel->startTraining(p->request);
        else
            p->panel->resumeRun(runs.front().runId);
    }
    p->windowStart = (p->windowIndex % 2 == 1 ? p->training : p->idle).size();
    p->inWindow.start();
    p->sinceTick.start();
    p->measuring = true;
}

} // namespace

void startTrainingProbe(MainWindow &window, int seconds, const QString &checkpoint)
{
    auto p = std::make_shared<Probe>();
    p->window = &window;
    p->panel = window.findChild<TrainingPanel *>(QStringLiteral("trainingPanel"));
    p->seconds = seconds;
    p->request.epochs = 1000;
    p->request.checkpoint = checkpoint;
    p->request.name = QStringLiteral("event-loop probe");
    auto *timer = new QTimer(&window);
    timer->setInterval(kTickMs);
    QObject::connect(timer, &QTimer::timeout, &window, [p] {
        if (!p->measuring)
            return;
        (p->windowIndex % 2 == 1 ? p->training : p->idle).push_back(p->sinceTick.restart());
        if (p->inWindow.elapsed() >= p->seconds * 1000)
            endWindow(p);
    });
    QObject::connect(p->panel, &TrainingPanel::runsLoaded, &window, [p, timer] {
        p->request.project = p->panel->project();
        timer->start();
        nextWindow(p);
    }, Qt::SingleShotConnection);
}

} // namespace tandem
