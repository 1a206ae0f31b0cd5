// tandem: the GUI. `tandem [project] [--screenshot file.png] [--report-open] [--report-scroll pages]
// [--report-training seconds]`.
#include "mainwindow.h"
#include "startupprobe.h"
#include "trainingprobe.h"
#include "util/memory.h"
#include "util/threadsetup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>

int main(int argc, char **argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    tandem::memory::tuneAllocator();
    tandem::threads::prepareProcess(argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Tandem"));
    QApplication::setOrganizationName(QStringLiteral("Tandem"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Workbench for image-text datasets and vision-language models."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("A project file to open."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save a picture of the window once the first screen of thumbnails "
                                                       "has loaded, then quit."),
                                        QStringLiteral("file.png"));
    const QCommandLineOption reportOpen(QStringLiteral("report-open"),
                                        QStringLiteral("Print the time from start to the first screen of thumbnails and "
                                                       "the peak resident memory as JSON, then quit (for bench/)."));
    const QCommandLineOption reportScroll(QStringLiteral("report-scroll"),
                                          QStringLiteral("After the first screen, scroll the grid page by page and print "
                                                         "how long the event loop was held up, as JSON (for bench/)."),
                                          QStringLiteral("pages"));
    const QCommandLineOption reportTraining(QStringLiteral("report-training"),
                                            QStringLiteral("Time the event loop idle and while the default VQA model trains "
                                                           "in the window, five windows of each, and print it as JSON (for bench/)."),
                                            QStringLiteral("seconds"));
    const QCommandLineOption probeCheckpoint(QStringLiteral("probe-checkpoint"),
                                             QStringLiteral("Where --report-training writes its checkpoint."), QStringLiteral("file"));
    parser.addOptions({screenshot, reportOpen, reportScroll, reportTraining, probeCheckpoint});
    parser.process(app);

    tandem::MainWindow window;
    window.show();
    tandem::ProbeOptions probe;
    probe.screenshot = parser.value(screenshot);
    probe.reportOpen = parser.isSet(reportOpen);
    probe.scrollPages = parser.value(reportScroll).toInt();
    probe.hasProject = !parser.positionalArguments().isEmpty();
    if (probe.hasProject)
        window.openProject(parser.positionalArguments().first());
    if (parser.isSet(reportTraining) && probe.hasProject)
        tandem::startTrainingProbe(window, parser.value(reportTraining).toInt(), parser.value(probeCheckpoint));
    else
        tandem::startProbe(window, probe, sinceStart);
    return app.exec();
}
