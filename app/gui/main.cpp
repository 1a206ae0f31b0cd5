// tandem: the GUI. `tandem [project] [--screenshot file.png] [--report-open]`.
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QTimer>

namespace {

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

} // namespace

int main(int argc, char **argv)
{
    QElapsedTimer sinceStart;
    sinceStart.start();
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
    parser.addOptions({screenshot, reportOpen});
    parser.process(app);

    tandem::MainWindow window;
    window.show();
    const bool hasProject = !parser.positionalArguments().isEmpty();
    if (hasProject)
        window.openProject(parser.positionalArguments().first());
    const auto finish = [&] {
        if (parser.isSet(screenshot))
            window.grab().save(parser.value(screenshot));
        if (parser.isSet(reportOpen))
            QTextStream(stdout) << QStringLiteral("{\"first_screen_ms\": %1, \"peak_rss_mb\": %2}\n")
                                       .arg(sinceStart.elapsed()).arg(peakRssMb(), 0, 'f', 1);
        app.quit();
    };
    if (parser.isSet(screenshot) || parser.isSet(reportOpen)) {
        if (hasProject) {
            // The large view decodes its image in a worker too: give it a moment for the picture.
            QObject::connect(&window, &tandem::MainWindow::firstScreenReady, &window, [&] {
                if (parser.isSet(screenshot))
                    QTimer::singleShot(400, &window, finish);
                else
                    finish();
            }, Qt::SingleShotConnection);
        }
        QTimer::singleShot(hasProject ? 60000 : 1500, &window, finish); // never hang a script
    }
    return app.exec();
}
