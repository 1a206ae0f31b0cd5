// tandem-cli: every job of the GUI, headless. One subcommand per job; each
// has --help. Exit codes are listed in `tandem-cli --help`.
#include "cli.h"

#include "util/memory.h"
#include "util/threadsetup.h"

#include <QCoreApplication>
#include <cstdio>
#include <cstring>

using namespace tandem::cli;

namespace {

void printOverview()
{
    QString text = QStringLiteral("Usage: tandem-cli <command> [options]\n\n"
                                  "Tandem: image-text datasets and the vision-language models that learn from them.\n\n"
                                  "Commands:\n");
    for (const Command &c : commands())
        text += QStringLiteral("  %1  %2\n").arg(c.name.leftJustified(14), c.summary);
    text += QStringLiteral("\n'tandem-cli <command> --help' describes a command.\n\n"
                           "Exit codes: 0 success; 1 the job found problems; 2 bad command line;\n"
                           "3 malformed or unreadable input; 4 project database error; 5 cannot write output;\n"
                           "130 cancelled (Ctrl+C), the project is unchanged.\n");
    std::fputs(text.toUtf8().constData(), stdout);
}

const Command *findCommand(const QString &name)
{
    for (const Command &c : commands())
        if (c.name == name)
            return &c;
    return nullptr;
}

int runCommand(const Command &command, QStringList arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(command.summary + QStringLiteral("\n\n") + command.description);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    command.declare(parser);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), command.name);
    if (parser.isSet(help)) {
        // helpText() names the binary's full path; show the command instead.
        QString text = parser.helpText();
        const qsizetype options = text.indexOf(QLatin1String(" [options]"));
        if (text.startsWith(QLatin1String("Usage: ")) && options > 0)
            text.replace(0, options, QStringLiteral("Usage: tandem-cli ") + command.name);
        std::fputs(text.toUtf8().constData(), stdout);
        return ExitOk;
    }
    return command.run(parser);
}

// Commands that never run a model keep glibc's allocator defaults and skip
// prepareProcess's second start: its settings only matter to LibTorch and
// OpenBLAS, the start costs 0.1 s, and the allocator tuned for training keeps
// freed blocks (a COCO-sized import's 73 MB of JSON text) resident.
bool runsModels(int argc, char **argv)
{
    static const char *const dataOnly[] = {"demo", "import", "export", "info", "search", "check", "formats",
                                           "plugins", "version", "--version", "help", "--help", "-h"};
    if (argc < 2)
        return false;
    for (const char *name : dataOnly)
        if (std::strcmp(argv[1], name) == 0)
            return false;
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    if (runsModels(argc, argv)) {
        tandem::memory::tuneAllocator();
        tandem::threads::prepareProcess(argv);
    }
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tandem-cli"));
    QCoreApplication::setOrganizationName(QStringLiteral("Tandem"));
    QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() < 2 || arguments[1] == QLatin1String("--help") || arguments[1] == QLatin1String("-h")
        || arguments[1] == QLatin1String("help")) {
        if (arguments.size() >= 3 && arguments[1] == QLatin1String("help")) {
            if (const Command *c = findCommand(arguments[2]))
                return runCommand(*c, {arguments[0], QStringLiteral("--help")});
        }
        printOverview();
        return arguments.size() < 2 ? ExitUsage : ExitOk;
    }
    if (arguments[1] == QLatin1String("--version"))
        arguments[1] = QStringLiteral("version");
    const Command *command = findCommand(arguments[1]);
    if (!command) {
        std::fprintf(stderr, "tandem-cli: unknown command '%s'. Try 'tandem-cli --help'.\n", qPrintable(arguments[1]));
        return ExitUsage;
    }
    arguments.removeAt(1);
    return runCommand(*command, arguments);
}
