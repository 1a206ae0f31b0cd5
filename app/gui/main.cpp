// tandem: the GUI. `tandem [project] [--screenshot file.png] [--report-open] [--report-scroll pages]
// [--report-training seconds]`; `--help` and `--version` need no display.
#include "mainwindow.h"
#include "startupprobe.h"
#include "trainingprobe.h"
#include "util/memory.h"
#include "util/threadsetup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <cstring>

namespace {

struct Options {
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QStringLiteral("Save a picture of the window once the first screen of thumbnails "
                                                 "has loaded, then quit."),
                                  QStringLiteral("file.png")};
    QCommandLineOption reportOpen{QStringLiteral("report-open"),
                                  QStringLiteral("Print the time from start to the first screen of thumbnails and "
                                                 "the peak resident memory as JSON, then quit (for bench/).")};
    QCommandLineOption reportScroll{QStringLiteral("report-scroll"),
                                    QStringLiteral("After the first screen, scroll the grid page by page and print "
                                                   "how long the event loop was held up, as JSON (for bench/)."),
                                    QStringLiteral("pages")};
    QCommandLineOption reportTraining{QStringLiteral("report-training"),
                                      QStringLiteral("Time the event loop idle and while the default VQA model trains "
                                                     "in the window, five windows of each, and print it as JSON (for bench/)."),
                                      QStringLiteral("seconds")};
    QCommandLineOption probeCheckpoint{QStringLiteral("probe-checkpoint"),
                                       QStringLiteral("Where --report-training writes its checkpoint."), QStringLiteral("file")};

    void declare(QCommandLineParser &parser) const
    {
        parser.setApplicationDescription(QStringLiteral("Workbench for image-text datasets and vision-language models.\n"
                                                        "Every job of the window also runs headless: see tandem-cli(1)."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("A project file to open."));
        parser.addOptions({screenshot, reportOpen, reportScroll, reportTraining, probeCheckpoint});
    }
};

void nameApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("Tandem")); // also names the settings file
    QCoreApplication::setOrganizationName(QStringLiteral("Tandem"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TANDEM_VERSION));
}

// --help and --version print and quit without a window, so they work where
// there is no display (a server, a package build making the man page).
void answerWithoutDisplay(int argc, char **argv)
{
    bool textOnly = false;
    for (int i = 1; i < argc; ++i)
        for (const char *flag : {"-h", "--help", "--help-all", "-v", "--version"})
            textOnly = textOnly || std::strcmp(argv[i], flag) == 0;
    if (!textOnly)
        return;
    QCoreApplication app(argc, argv);
    nameApplication();
    QCommandLineParser parser;
    Options().declare(parser);
    parser.process(app); // prints the help or the version and exits
}

} // namespace

int main(int argc, char **argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    answerWithoutDisplay(argc, argv);
    tandem::memory::tuneAllocator();
    tandem::threads::prepareProcess(argv);
    QApplication app(argc, argv);
    nameApplication();
    const Options options;
    QCommandLineParser parser;
    options.declare(parser);
    parser.process(app);
    const QCommandLineOption &screenshot = options.screenshot, &reportOpen = options.reportOpen,
                             &reportScroll = options.reportScroll, &reportTraining = options.reportTraining,
                             &probeCheckpoint = options.probeCheckpoint;

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
