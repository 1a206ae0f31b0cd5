// models: the project's models, as the GUI's Models dock shows them; add a
// checkpoint, rename, remove, choose the current one.
#include "commands.h"
#include "modelcli.h"

#include "data/projectstore.h"

#include <QJsonArray>

namespace tandem::cli {

namespace {

QJsonObject modelJson(const ModelRecord &m, qint64 current)
{
    return {{QStringLiteral("id"), m.id}, {QStringLiteral("name"), m.name},
            {QStringLiteral("task"), m.task() ? taskName(*m.task()) : QString()},
            {QStringLiteral("checkpoint"), m.checkpoint}, {QStringLiteral("created_at"), m.createdAt},
            {QStringLiteral("architecture"), m.architecture}, {QStringLiteral("current"), m.id == current}};
}

int listModels(ProjectStore &store, bool json)
{
    auto list = models::list(store);
    if (!list)
        return fail(list.error());
    const qint64 current = models::current(store);
    if (json) {
        QJsonArray array;
        for (const ModelRecord &m : *list)
            array.append(modelJson(m, current));
        printJson({{QStringLiteral("models"), array}});
        return ExitOk;
    }
    if (list->empty())
        out(QStringLiteral("No models yet: 'tandem-cli train' makes one, 'tandem-cli models --add FILE' adds a checkpoint"));
    for (const ModelRecord &m : *list)
        out(QStringLiteral("%1 %2  %3  %4  %5").arg(m.id == current ? QStringLiteral("*") : QStringLiteral(" "))
                .arg(m.id, 3).arg(m.task() ? taskName(*m.task()) : QStringLiteral("?"), -9).arg(m.name, m.checkpoint));
    return ExitOk;
}

// --rename ID NAME, --remove ID, --use ID on the store; ExitOk when none was asked.
int changeModels(QCommandLineParser &p, ProjectStore &store)
{
    int id = 0;
    const QStringList args = p.positionalArguments();
    Status done;
    if (p.isSet(QStringLiteral("rename"))) {
        if (!readInt(p, QStringLiteral("rename"), 1, &id) || args.size() != 2)
            return usageError(QStringLiteral("--rename ID takes the new name after the project"), QStringLiteral("models"));
        done = models::rename(store, id, args[1]);
    } else if (p.isSet(QStringLiteral("remove"))) {
        if (!readInt(p, QStringLiteral("remove"), 1, &id))
            return usageError(QStringLiteral("--remove needs a model id"), QStringLiteral("models"));
        done = models::remove(store, id);
    } else if (p.isSet(QStringLiteral("use"))) {
        if (!readInt(p, QStringLiteral("use"), 1, &id))
            return usageError(QStringLiteral("--use needs a model id"), QStringLiteral("models"));
        auto model = models::get(store, id);
        done = model ? models::setCurrent(store, id) : Status(model.error());
    }
    return done ? ExitOk : fail(done.error());
}

} // namespace

void declareModels(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addPositionalArgument(QStringLiteral("name"), QStringLiteral("With --add or --rename: the model's name."), QStringLiteral("[name]"));
    p.addOption({QStringLiteral("add"), QStringLiteral("Add this checkpoint file to the project's models."), QStringLiteral("file")});
    p.addOption({QStringLiteral("rename"), QStringLiteral("Rename the model of this id."), QStringLiteral("id")});
    p.addOption({QStringLiteral("remove"), QStringLiteral("Remove the model of this id (the file stays)."), QStringLiteral("id")});
    p.addOption({QStringLiteral("use"), QStringLiteral("Make the model of this id the current one."), QStringLiteral("id")});
    addCommonOptions(p, true, false);
}

int runModels(QCommandLineParser &p)
{
    const QStringList args = p.positionalArguments();
    if (args.isEmpty() || args.size() > 2)
        return usageError(QStringLiteral("expected a project path"), QStringLiteral("models"));
    if (p.isSet(QStringLiteral("add"))) {
        auto added = addModel(args[0], p.value(QStringLiteral("add")), args.value(1));
        if (!added)
            return fail(added.error());
        out(QStringLiteral("Added model %1: %2").arg(added->id).arg(added->name));
    }
    auto store = ProjectStore::open(args[0]);
    if (!store)
        return fail(store.error());
    if (const int code = changeModels(p, *store); code != ExitOk)
        return code;
    return listModels(*store, p.isSet(QStringLiteral("json")));
}

void declareExportModel(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("model"), QStringLiteral("The checkpoint to export."), QStringLiteral("file")});
    p.addOption({QStringLiteral("out"), QStringLiteral("The folder to write into (created if missing)."), QStringLiteral("folder")});
    addCommonOptions(p, true, false);
}

int runExportModel(QCommandLineParser &p)
{
    if (!p.isSet(QStringLiteral("model")) || !p.isSet(QStringLiteral("out")))
        return usageError(QStringLiteral("name the checkpoint (--model) and the folder (--out)"), QStringLiteral("export-model"));
    auto exported = exportModel(p.value(QStringLiteral("model")), p.value(QStringLiteral("out")));
    if (!exported)
        return fail(exported.error());
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("manifest"), exported->manifest}, {QStringLiteral("files"), QJsonArray::fromStringList(exported->files)},
                   {QStringLiteral("summary"), exported->summary}});
        return ExitOk;
    }
    out(QStringLiteral("Exported %1 as TorchScript:").arg(exported->summary));
    for (const QString &file : exported->files)
        out(QStringLiteral("  %1").arg(file));
    return ExitOk;
}

} // namespace tandem::cli
