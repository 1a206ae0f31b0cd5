#pragma once
// `tandem PROJECT --report-training SECONDS`: how long the GUI event loop is
// held up while a model trains in the window. A 10 ms timer records the gaps
// between its ticks in alternating windows of SECONDS each, idle then
// training (the Training dock live, the default VQA model on the project),
// five pairs; the run is paused between training windows and resumed for the
// next. Prints p50 / p99 / max of both as JSON, then quits (bench/).
class QString;

namespace tandem {

class MainWindow;

void startTrainingProbe(MainWindow &window, int seconds, const QString &checkpoint);

} // namespace tandem
