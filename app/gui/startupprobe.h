#pragma once
// What `tandem --screenshot/--report-open/--report-scroll` do once the first
// screen of thumbnails is up: save a picture of the window (the README's GUI
// shot) and print timings and memory as JSON (bench/gui_open_bench.py).
#include <QElapsedTimer>
#include <QString>

namespace tandem {

class MainWindow;

struct ProbeOptions {
    QString screenshot;   // file to save, "" for none
    bool reportOpen = false;
    int scrollPages = 0;  // pages to scroll through the grid, timing the event loop
    bool hasProject = false;
    bool active() const { return !screenshot.isEmpty() || reportOpen || scrollPages > 0; }
};

// Quits the application when done (or after a minute, so a script never hangs).
void startProbe(MainWindow &window, const ProbeOptions &options, const QElapsedTimer &sinceStart);

} // namespace tandem
