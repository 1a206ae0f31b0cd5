#include "startupprobe.h"

#include "mainwindow.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QFile>
#include <QScrollBar>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <memory>
#include <vector>

namespace tandem {

namespace {

constexpr int kTickMs = 10;

// Peak resident memory of this process in MB (Linux: VmHWM), -1 if unknown.
double peakRssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    return -1;
}

struct ScrollTiming {
    std::vector<qint64> gaps; // ms between timer ticks: how long the event loop was held up
    QElapsedTimer sinceTick;
};

// Scrolls one page per tick; the GUI thread is blocked for as long as a gap exceeds the tick.
void scrollGrid(MainWindow &window, int pages, const std::function<void(const ScrollTiming &)> &done)
{
    auto *grid = window.findChild<QAbstractItemView *>(QStringLiteral("imageGrid"));
    auto timing = std::make_shared<ScrollTiming>();
    auto *timer = new QTimer(&window);
    timer->setInterval(kTickMs);
    timing->sinceTick.start();
    QObject::connect(timer, &QTimer::timeout, &window, [=] {
        timing->gaps.push_back(timing->sinceTick.restart());
        QScrollBar *bar = grid->verticalScrollBar();
        if (int(timing->gaps.size()) >= pages || bar->value() >= bar->maximum()) {
            timer->stop();
            done(*timing);
            return;
        }
        bar->setValue(bar->value() + bar->pageStep());
    });
    timer->start();
}

QString scrollJson(const ScrollTiming &t)
{
    std::vector<qint64> gaps = t.gaps;
    std::sort(gaps.begin(), gaps.end());
    const qint64 worst = gaps.empty() ? 0 : gaps.back();
    const qint64 p99 = gaps.empty() ? 0 : gaps[size_t(double(gaps.size() - 1) * 0.99)];
    return QStringLiteral(", \"scroll_pages\": %1, \"scroll_tick_ms\": %2, \"scroll_p99_gap_ms\": %3, \"scroll_max_gap_ms\": %4")
        .arg(gaps.size()).arg(kTickMs).arg(p99).arg(worst);
}

} // namespace

void startProbe(MainWindow &window, const ProbeOptions &options, const QElapsedTimer &sinceStart)
{
    if (!options.active())
        return;
    auto report = std::make_shared<QString>();
    const auto finish = [&window, options, report, sinceStart] {
        if (!options.screenshot.isEmpty())
            window.grab().save(options.screenshot);
        if (options.reportOpen || options.scrollPages > 0)
            QTextStream(stdout) << QStringLiteral("{%1, \"peak_rss_mb\": %2}\n").arg(*report).arg(peakRssMb(), 0, 'f', 1);
        QApplication::quit();
    };
    const auto onFirstScreen = [&window, options, report, sinceStart, finish] {
        *report = QStringLiteral("\"first_screen_ms\": %1").arg(sinceStart.elapsed());
        if (options.scrollPages > 0) {
            scrollGrid(window, options.scrollPages, [report, finish](const ScrollTiming &t) {
                *report += scrollJson(t);
                finish();
            });
        } else {
            // The large view decodes its image in a worker too: give it a moment for the picture.
            QTimer::singleShot(options.screenshot.isEmpty() ? 0 : 400, &window, finish);
        }
    };
    if (options.hasProject)
        QObject::connect(&window, &MainWindow::firstScreenReady, &window, onFirstScreen, Qt::SingleShotConnection);
    QTimer::singleShot(options.hasProject ? 60000 : 1500, &window, finish); // never hang a script
}

} // namespace tandem
