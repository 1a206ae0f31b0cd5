// tandem: the GUI. `tandem [project] [--screenshot file.png]`.
#include "mainwindow.h"
#include "util/memory.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QScreen>
#include <QTimer>

int main(int argc, char **argv)
{
    tandem::memory::tuneAllocator();
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Tandem"));
    QApplication::setOrganizationName(QStringLiteral("Tandem"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Workbench for image-text datasets and vision-language models."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("A project file to open."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save a picture of the window after it has loaded, then quit."),
                                        QStringLiteral("file.png"));
    parser.addOption(screenshot);
    parser.process(app);

    tandem::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().first());
    if (parser.isSet(screenshot)) {
        QTimer::singleShot(1500, &window, [&] {
            window.grab().save(parser.value(screenshot));
            app.quit();
        });
    }
    return app.exec();
}
