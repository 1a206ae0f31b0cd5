// info, search, check, formats, version: the subcommands that look.
#include "cli.h"
#include "commands.h"

#include "data/projectstore.h"
#include "formats/formatregistry.h"
#include "util/plugincatalog.h"
#include "util/threadsetup.h"

#include <QFileInfo>
#include <QJsonArray>
#include <algorithm>
#include <opencv2/core/version.hpp>
#include <sqlite3.h>

namespace tandem::cli {

namespace {

QJsonObject countsJson(const QMap<QString, qint64> &counts)
{
    QJsonObject o;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        o[it.key()] = it.value();
    return o;
}

QString countsText(const QMap<QString, qint64> &counts)
{
    QStringList parts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
    return parts.isEmpty() ? QStringLiteral("-") : parts.join(QStringLiteral(", "));
}

QJsonObject infoJson(const ProjectInfo &info)
{
    QJsonArray flagged;
    for (const FlaggedImage &f : info.flagged)
        flagged.append(QJsonObject{{QStringLiteral("id"), f.id}, {QStringLiteral("path"), f.path},
                                   {QStringLiteral("flag"), f.flag}, {QStringLiteral("detail"), f.detail}});
    return {{QStringLiteral("project"), info.path},         {QStringLiteral("schema"), info.schemaVersion},
            {QStringLiteral("images"), info.images},        {QStringLiteral("captions"), info.captions},
            {QStringLiteral("questions"), info.questions},  {QStringLiteral("answers"), info.answers},
            {QStringLiteral("tags"), info.tags},            {QStringLiteral("runs"), info.runs},
            {QStringLiteral("models"), info.models},        {QStringLiteral("splits"), countsJson(info.splits)},
            {QStringLiteral("statuses"), countsJson(info.statuses)}, {QStringLiteral("flags"), countsJson(info.flags)},
            {QStringLiteral("flagged"), flagged},           {QStringLiteral("media_roots"), QJsonArray::fromStringList(info.mediaRoots)}};
}

void printInfo(const ProjectInfo &info)
{
    out(QStringLiteral("Project   %1 (schema %2)").arg(info.path).arg(info.schemaVersion));
    out(QStringLiteral("Images    %1").arg(info.images));
    out(QStringLiteral("Captions  %1").arg(info.captions));
    out(QStringLiteral("Questions %1 (%2 answers)").arg(info.questions).arg(info.answers));
    out(QStringLiteral("Tags      %1").arg(info.tags));
    out(QStringLiteral("Runs      %1, models %2").arg(info.runs).arg(info.models));
    out(QStringLiteral("Splits    %1").arg(countsText(info.splits)));
    out(QStringLiteral("Status    %1").arg(countsText(info.statuses)));
    out(QStringLiteral("Files     %1").arg(countsText(info.flags)));
    for (const QString &root : info.mediaRoots)
        out(QStringLiteral("Media     %1").arg(root));
    if (!info.flagged.empty())
        out(QStringLiteral("Flagged images:"));
    for (const FlaggedImage &f : info.flagged)
        out(QStringLiteral("  %1  %2  %3").arg(f.flag.leftJustified(11), f.path, f.detail));
}

int intOption(QCommandLineParser &p, const QString &name, int fallback)
{
    bool ok = false;
    const int value = p.value(name).toInt(&ok);
    return ok && value >= 0 ? value : fallback;
}

} // namespace

void declareInfo(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addOption({QStringLiteral("flagged"), QStringLiteral("List at most this many flagged images (default 20)."), QStringLiteral("n"), QStringLiteral("20")});
    addCommonOptions(p, true, false);
}

int runInfo(QCommandLineParser &p)
{
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one project path"), QStringLiteral("info"));
    auto store = ProjectStore::open(p.positionalArguments().first());
    if (!store)
        return fail(store.error());
    auto info = store->info(intOption(p, QStringLiteral("flagged"), 20));
    if (!info)
        return fail(info.error());
    if (p.isSet(QStringLiteral("json")))
        printJson(infoJson(*info));
    else
        printInfo(*info);
    return ExitOk;
}

void declareSearch(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addPositionalArgument(QStringLiteral("query"), QStringLiteral("Words to find."), QStringLiteral("query..."));
    p.addOption({QStringLiteral("limit"), QStringLiteral("At most this many results (default 50)."), QStringLiteral("n"), QStringLiteral("50")});
    addCommonOptions(p, true, false);
}

int runSearch(QCommandLineParser &p)
{
    const QStringList positional = p.positionalArguments();
    if (positional.size() < 2)
        return usageError(QStringLiteral("expected a project and a query"), QStringLiteral("search"));
    auto store = ProjectStore::open(positional.first());
    if (!store)
        return fail(store.error());
    auto result = store->search(positional.mid(1).join(QLatin1Char(' ')), intOption(p, QStringLiteral("limit"), 50));
    if (!result)
        return fail(result.error());
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray hits;
        for (const SearchHit &h : result->hits)
            hits.append(QJsonObject{{QStringLiteral("image_id"), h.imageId}, {QStringLiteral("image"), h.image},
                                    {QStringLiteral("kind"), h.kind}, {QStringLiteral("text"), h.text}});
        printJson({{QStringLiteral("total"), result->total}, {QStringLiteral("hits"), hits}});
        return ExitOk;
    }
    for (const SearchHit &h : result->hits)
        out(QStringLiteral("%1\t%2\t%3").arg(h.image, h.kind, h.text));
    std::fprintf(stderr, "%lld matches%s\n", result->total,
                 result->total > qint64(result->hits.size()) ? qPrintable(QStringLiteral(", %1 shown").arg(result->hits.size())) : "");
    return ExitOk;
}

void declareCheck(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addOption({QStringLiteral("decode"), QStringLiteral("Decode every image fully (slower, finds more damage).")});
    p.addOption({QStringLiteral("strict"), QStringLiteral("Exit with code 1 when any image is flagged.")});
    addCommonOptions(p, true, true);
}

int runCheck(QCommandLineParser &p)
{
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one project path"), QStringLiteral("check"));
    auto store = ProjectStore::open(p.positionalArguments().first());
    if (!store)
        return fail(store.error());
    ProgressBar bar(p.isSet(QStringLiteral("quiet")));
    auto report = store->checkImages(p.isSet(QStringLiteral("decode")), bar.progress());
    bar.finish();
    if (!report)
        return fail(report.error());
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("checked"), report->checked}, {QStringLiteral("flags"), countsJson(report->flags)}});
    else
        out(QStringLiteral("Checked %1 images: %2").arg(report->checked).arg(countsText(report->flags)));
    const qint64 bad = report->checked - report->flags.value(QStringLiteral("ok"));
    return p.isSet(QStringLiteral("strict")) && bad > 0 ? ExitFailure : ExitOk;
}

void declareFormats(QCommandLineParser &p)
{
    addCommonOptions(p, true, false);
}

int runFormats(QCommandLineParser &p)
{
    QJsonArray list;
    qsizetype nameWidth = 0;
    for (const FormatInfo &f : FormatRegistry::instance().formats())
        nameWidth = std::max(nameWidth, f.name.size() + 2);
    for (const FormatInfo &f : FormatRegistry::instance().formats()) {
        if (!p.isSet(QStringLiteral("json"))) {
            out(QStringLiteral("%1%2%3").arg(f.id.leftJustified(8), f.name.leftJustified(nameWidth), f.description));
            continue;
        }
        list.append(QJsonObject{{QStringLiteral("id"), f.id}, {QStringLiteral("name"), f.name},
                                {QStringLiteral("description"), f.description},
                                {QStringLiteral("extensions"), QJsonArray::fromStringList(f.extensions)},
                                {QStringLiteral("captions"), f.captions}, {QStringLiteral("questions"), f.questions},
                                {QStringLiteral("plugin"), f.pluginPath}});
    }
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("formats"), list}});
    else if (FormatRegistry::instance().formats().isEmpty())
        return fail(Error::usage(QStringLiteral("no format plugins found; set TANDEM_PLUGIN_PATH to the plugins folder")));
    return ExitOk;
}

void declarePlugins(QCommandLineParser &p)
{
    addCommonOptions(p, true, false);
    p.addOption({QStringLiteral("enable"), QStringLiteral("Turn a plugin on again (format/ID or backend/ID)."), QStringLiteral("key")});
    p.addOption({QStringLiteral("disable"), QStringLiteral("Turn a plugin off (format/ID or backend/ID)."), QStringLiteral("key")});
}

static QJsonObject pluginJson(const PluginEntry &e)
{
    return {{QStringLiteral("kind"), pluginKindName(e.kind)}, {QStringLiteral("id"), e.id},
            {QStringLiteral("name"), e.name}, {QStringLiteral("state"), pluginStateName(e.state)},
            {QStringLiteral("problem"), e.problem}, {QStringLiteral("interface"), e.interfaceId},
            {QStringLiteral("file"), e.file}, {QStringLiteral("shadowed"), e.shadowed}};
}

int runPlugins(QCommandLineParser &p)
{
    PluginCatalog &catalog = PluginCatalog::instance();
    for (const auto &[option, disable] : {std::pair{"enable", false}, std::pair{"disable", true}}) {
        if (!p.isSet(QLatin1String(option)))
            continue;
        const QString key = p.value(QLatin1String(option));
        bool known = false;
        for (const PluginEntry &e : catalog.entries())
            known = known || PluginCatalog::key(e.kind, e.id) == key;
        if (!known)
            return fail(Error::usage(QStringLiteral("no plugin '%1' (see 'tandem-cli plugins')").arg(key)));
        PluginCatalog::setDisabled(key, disable);
        out(QStringLiteral("%1 %2 (from the next start)").arg(key, disable ? QStringLiteral("disabled") : QStringLiteral("enabled")));
        return ExitOk;
    }
    QJsonArray list;
    for (const PluginEntry &e : catalog.entries()) {
        list.append(pluginJson(e));
        if (p.isSet(QStringLiteral("json")))
            continue;
        const QString key = e.id.isEmpty() ? QFileInfo(e.file).fileName() : PluginCatalog::key(e.kind, e.id);
        QString line = QStringLiteral("%1 %2 %3").arg(key.leftJustified(18), pluginStateName(e.state).leftJustified(12), e.file);
        if (e.shadowed)
            line += QStringLiteral("  (skipped: the same plugin was found earlier)");
        out(line);
        if (!e.problem.isEmpty())
            out(QStringLiteral("    %1").arg(e.problem));
    }
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("folders"), QJsonArray::fromStringList(catalog.folders())}, {QStringLiteral("plugins"), list}});
    return ExitOk;
}

void declareVersion(QCommandLineParser &p)
{
    addCommonOptions(p, true, false);
}

int runVersion(QCommandLineParser &p)
{
    QJsonObject versions{{QStringLiteral("tandem"), QStringLiteral(TANDEM_VERSION)},
                         {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
                         {QStringLiteral("sqlite"), QString::fromLatin1(sqlite3_libversion())},
                         {QStringLiteral("opencv"), QStringLiteral(CV_VERSION)}};
    if (p.isSet(QStringLiteral("json"))) {
        // What the commands that run models set for their thread pools and OpenBLAS
        QJsonObject environment;
        for (const auto &[name, value] : threads::modelEnvironment())
            environment[QString::fromStdString(name)] = QString::fromStdString(value);
        versions[QStringLiteral("model_environment")] = environment;
        printJson(versions);
        return ExitOk;
    }
    // The GNU layout (name and version first) that help2man reads for the man page.
    out(QStringLiteral("tandem-cli %1").arg(QStringLiteral(TANDEM_VERSION)));
    out(QStringLiteral("Built with Qt %1, SQLite %2, OpenCV %3.")
            .arg(versions[QStringLiteral("qt")].toString(), versions[QStringLiteral("sqlite")].toString(),
                 versions[QStringLiteral("opencv")].toString()));
    return ExitOk;
}

} // namespace tandem::cli
