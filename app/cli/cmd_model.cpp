// train, answer, caption: the subcommands that train and run models. They
// reach LibTorch through the model-backend plugin, loaded only here, so the
// other subcommands start without it.
#include "commands.h"
#include "jobs/trainjobs.h"
#include "modelcli.h"
#include "train/trainpresets.h"
#include "train/trainsettings.h"

#include <QDateTime>
#include <QJsonArray>
#include <cstdio>
#include <utility>
#include <unistd.h>

namespace tandem::cli {

namespace {

} // namespace

int parseTrain(QCommandLineParser &p, TrainRequest &r)
{
    const QString cmd = QStringLiteral("train");
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one project path"), cmd);
    r.project = p.positionalArguments().first();
    const std::pair<const char *, QString *> texts[] = {{"fusion", &r.fusion},
                                                        {"vision", &r.vision}, {"text", &r.text},
                                                        {"device", &r.device}, {"checkpoint", &r.checkpoint},
                                                        {"name", &r.name}, {"reward", &r.selfCriticalReward},
                                                        {"init-from", &r.initFrom}, {"train-split", &r.trainSplit},
                                                        {"val-split", &r.valSplit}};
    // `compare` declares the shared options only: ask for the others without a warning.
    const QStringList given = p.optionNames();
    for (const auto &[option, field] : texts)
        if (given.contains(QLatin1String(option)))
            *field = p.value(QLatin1String(option));
    const std::optional<TaskKind> task = p.isSet(QStringLiteral("task")) ? parseTask(p.value(QStringLiteral("task"))) : TaskKind::Vqa;
    if (!task || *task == TaskKind::Tagging)
        return usageError(QStringLiteral("--task must be vqa, caption or retrieval (tagging models come as TorchScript "
                                         "manifests: see docs/user-guide.md)"),
                          cmd);
    r.task = *task;
    const QString presetName = given.contains(QStringLiteral("preset")) ? p.value(QStringLiteral("preset")) : QStringLiteral("standard");
    const std::optional<TrainPreset> preset = parseTrainPreset(presetName);
    if (!preset)
        return usageError(QStringLiteral("--preset must be quick, standard or thorough"), cmd);
    applyTrainPreset(r, *preset);
    if (!readInt(p, QStringLiteral("epochs"), 1, &r.epochs) || !readInt(p, QStringLiteral("batch"), 1, &r.batchImages)
        || !readInt(p, QStringLiteral("image-size"), 16, &r.imageSize) || !readInt(p, QStringLiteral("threads"), 0, &r.threads))
        return usageError(QStringLiteral("--epochs and --batch need a number >= 1, --image-size >= 16"), cmd);
    if (!readInt(p, QStringLiteral("self-critical"), 0, &r.selfCriticalEpochs))
        return usageError(QStringLiteral("--self-critical needs a number of epochs >= 0"), cmd);
    if (!readInt(p, QStringLiteral("curriculum"), 0, &r.curriculumEpochs))
        return usageError(QStringLiteral("--curriculum needs a number of epochs >= 0"), cmd);
    bool ok = true;
    if (p.isSet(QStringLiteral("lr")))
        r.learningRate = p.value(QStringLiteral("lr")).toDouble(&ok);
    if (!ok || r.learningRate <= 0)
        return usageError(QStringLiteral("--lr needs a positive number"), cmd);
    if (p.isSet(QStringLiteral("seed")))
        r.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        return usageError(QStringLiteral("--seed needs a whole number"), cmd);
    for (const QString &pair : p.values(QStringLiteral("model-option"))) {
        const auto options = parseModelOptions(pair);
        if (!options)
            return usageError(QStringLiteral("--model-option wants KEY=VALUE, got '%1'").arg(pair), cmd);
        r.modelOptions.insert(*options);
    }
    r.resume = given.contains(QStringLiteral("resume"));
    const bool augment = given.contains(QStringLiteral("augment")) && p.isSet(QStringLiteral("augment"));
    const bool noAugment = p.isSet(QStringLiteral("no-augment"));
    if (augment && noAugment)
        return usageError(QStringLiteral("--augment and --no-augment exclude each other"), cmd);
    if (augment || noAugment) // otherwise the preset's choice
        r.augment = augment;
    r.bf16 = given.contains(QStringLiteral("bf16")) && p.isSet(QStringLiteral("bf16"));
    if (r.resume && r.checkpoint.isEmpty())
        return usageError(QStringLiteral("--resume needs the --checkpoint to continue from"), cmd);
    return ExitOk;
}

namespace {

void printTrainResult(const TrainResult &result, bool json)
{
    if (json) {
        QJsonArray epochs;
        for (const auto &e : result.epochs)
            epochs.append(epochToJson(e));
        printJson({{QStringLiteral("run_id"), result.runId}, {QStringLiteral("model_id"), result.modelId},
                   {QStringLiteral("checkpoint"), result.checkpoint}, {QStringLiteral("device"), result.device},
                   {QStringLiteral("cancelled"), result.cancelled}, {QStringLiteral("steps"), result.steps},
                   {QStringLiteral("samples_per_second"), result.samplesPerSecond}, {QStringLiteral("epochs"), epochs},
                   {QStringLiteral("best_epoch"), result.bestEpoch}, {QStringLiteral("stopped_early"), result.stoppedEarly}});
        return;
    }
    out(QStringLiteral("Run        %1 (model %2)").arg(result.runId).arg(result.modelId));
    out(QStringLiteral("Checkpoint %1").arg(result.checkpoint));
    out(QStringLiteral("Device     %1, %2 samples/s").arg(result.device).arg(result.samplesPerSecond, 0, 'f', 1));
    if (result.bestEpoch > 0)
        out(QStringLiteral("Best epoch %1 (by validation): its weights are the checkpoint's").arg(result.bestEpoch));
    if (!result.epochs.empty()) {
        const EpochReport &last = result.epochs.back();
        out(QStringLiteral("Epoch %1    train loss %2%3").arg(last.epoch).arg(last.trainLoss, 0, 'f', 4)
                .arg(last.validation.isEmpty() ? QString() : QStringLiteral(", val ") + metricsText(last.validation)));
    }
}

} // namespace

void declareTrain(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    declareTrainOptions(p);
    const auto add = [&](const char *name, const char *help, const char *value) {
        p.addOption({QLatin1String(name), QLatin1String(help), QLatin1String(value)});
    };
    add("resume-run", "Continue a paused, interrupted or failed run (see 'tandem-cli runs') with its own settings.", "id");
    add("init-from", "Fine-tune: start from this checkpoint's weights, vocabulary and architecture (same task).", "file");
    add("checkpoint", "Where the checkpoint goes, rewritten after every epoch (default: models/ next to the project).", "file");
    add("name", "The model's name in the project (default: the checkpoint's name).", "name");
    p.addOption({QStringLiteral("resume"), QStringLiteral("Continue the --checkpoint where it stopped (same architecture).")});
    addCommonOptions(p, true, true);
}

void declareTrainOptions(QCommandLineParser &p)
{
    const auto add = [&](const char *name, const char *help, const char *value) {
        p.addOption({QLatin1String(name), QLatin1String(help), QLatin1String(value)});
    };
    add("task", "vqa, caption or retrieval (default vqa).", "task");
    add("fusion", "VQA fusion: concat, late, gmu, film, mfb, cross_attention, relation (default film).", "name");
    add("vision", "Vision encoder: cnn or resnet (default cnn).", "kind");
    add("text", "Text encoder: gru or transformer (default gru).", "kind");
    add("preset", "quick, standard (default) or thorough: epochs, batch, learning rate, self-critical epochs, "
                  "augmentation and (VQA, standard and thorough) the recipe's model options coordinate_channels=true "
                  "pixel_channels=32 film_gate=true film_attention=true film_relative=true object_positions=true "
                  "(standard: 14 epochs for VQA), as the train dialog's "
                  "presets set them; the options below override them.", "name");
    add("epochs", "Passes over the train split (standard: 14 for VQA, 10 otherwise).", "n");
    add("batch", "Images per step, each with all its questions or captions (standard: 8 for VQA, 32 otherwise).", "n");
    add("lr", "Peak learning rate of AdamW (standard: 0.001).", "x");
    add("self-critical", "Captions: the last N epochs learn from the --reward of sampled captions (thorough: 5).", "n");
    add("curriculum", "VQA: the first N epochs learn from the shorter half of the questions only (by word count: "
                      "the non-relational ones of Sort-of-CLEVR), then from all (default 0).", "n");
    add("reward", "Self-critical reward: cider_d (default) or bleu4.", "metric");
    add("image-size", "Images are resized to this many pixels square (default 64).", "px");
    add("seed", "Seed of the weights, the data order and the augmentation (default 1).", "n");
    add("device", "auto, cpu or cuda (default auto: CUDA when available).", "device");
    add("threads", "CPU threads (default: every core).", "n");
    add("model-option", "An architecture setting as in a checkpoint, e.g. fusion_dim=128 (repeatable; "
                        "film_gate=false turns off the preset's; its pixel path goes with pixel_channels=0 "
                        "object_positions=false).", "key=value");
    add("train-split", "The split to learn from (default train).", "split");
    add("val-split", "The split scored after every epoch, which picks the best epoch (default val; \"\" for none).", "split");
    p.addOption({QStringLiteral("augment"), QStringLiteral("Small shifts and brightness changes (the presets' choice for "
                                                           "captions and retrieval; off for VQA, whose questions talk about positions).")});
    p.addOption({QStringLiteral("no-augment"), QStringLiteral("Train on the images exactly as they are.")});
    p.addOption({QStringLiteral("bf16"), QStringLiteral("Multiply in bfloat16 while training (about 1.3x the steps a "
                                                        "second on CPUs with AVX-512 BF16 or AMX; weights stay float32).")});
}

int runTrain(QCommandLineParser &p)
{
    TrainRequest request;
    qint64 resumedRun = 0;
    if (p.isSet(QStringLiteral("resume-run"))) {
        bool ok = false;
        resumedRun = p.value(QStringLiteral("resume-run")).toLongLong(&ok);
        if (!ok || resumedRun < 1 || p.positionalArguments().size() != 1)
            return usageError(QStringLiteral("--resume-run needs a run id (see 'tandem-cli runs') and one project path"),
                              QStringLiteral("train"));
    } else if (const int code = parseTrain(p, request); code != ExitOk) {
        return code;
    }
    ProgressBar bar(p.isSet(QStringLiteral("quiet")));
    LineObserver observer(bar.progress(), p.isSet(QStringLiteral("quiet")));
    auto result = resumedRun > 0 ? resumeRun(p.positionalArguments().first(), resumedRun, &observer,
                                             p.value(QStringLiteral("device")))
                                 : trainModel(request, &observer);
    if (!result)
        return fail(result.error());
    printTrainResult(*result, p.isSet(QStringLiteral("json")));
    if (!result->cancelled)
        return ExitOk;
    std::fprintf(stderr, "tandem-cli: paused after step %lld; 'tandem-cli train PROJECT --resume-run %lld' continues it\n",
                 static_cast<long long>(result->steps), static_cast<long long>(result->runId));
    return ExitCancelled;
}

void declareAnswer(QCommandLineParser &p)
{
    declareInferenceOptions(p);
}

int runAnswer(QCommandLineParser &p)
{
    InferenceRequest request = inferenceRequest(p);
    if (const int code = checkInferenceArgs(p, QStringLiteral("answer"), request); code != ExitOk)
        return code;
    auto result = runModelJob(p.isSet(QStringLiteral("quiet")),
                              [&](ModelBackend *backend, TrainObserver &observer) { return backend->answer(request, &observer); });
    if (!result)
        return fail(result.error());
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray answers;
        for (const auto &a : result->answers)
            answers.append(QJsonObject{{QStringLiteral("question_id"), a.questionId}, {QStringLiteral("image_id"), a.imageId},
                                       {QStringLiteral("question"), a.question}, {QStringLiteral("answer"), a.answer},
                                       {QStringLiteral("score"), a.score}, {QStringLiteral("accuracy"), a.accuracy}});
        printJson({{QStringLiteral("run_id"), result->runId}, {QStringLiteral("metrics"), result->metrics},
                   {QStringLiteral("answers"), answers}});
        return ExitOk;
    }
    const int show = p.value(QStringLiteral("show")).toInt();
    for (int i = 0; i < show && i < int(result->answers.size()); ++i) {
        const auto &a = result->answers[size_t(i)];
        out(QStringLiteral("%1  %2 -> %3 (%4)").arg(a.imageId).arg(a.question, a.answer).arg(a.score, 0, 'f', 2));
    }
    out(QStringLiteral("%1 questions; %2").arg(result->answers.size()).arg(metricsText(result->metrics)));
    if (result->runId > 0)
        out(QStringLiteral("Saved as run %1").arg(result->runId));
    return ExitOk;
}

void declareCaption(QCommandLineParser &p)
{
    declareInferenceOptions(p);
    p.addOption({QStringLiteral("beam"), QStringLiteral("Beam width; 1 is greedy (default 3)."), QStringLiteral("k"), QStringLiteral("3")});
    p.addOption({QStringLiteral("max-words"),
                 QStringLiteral("Words per caption at most (default: as many as the longest caption the model trained on)."),
                 QStringLiteral("n")});
    p.addOption({QStringLiteral("length-penalty"),
                 QStringLiteral("Beam search ranks captions by log P / length^a (default 1: mean log P per word; "
                                "0 prefers short captions)."),
                 QStringLiteral("a"), QStringLiteral("1")});
}

int runCaption(QCommandLineParser &p)
{
    InferenceRequest request = inferenceRequest(p);
    if (!readInt(p, QStringLiteral("beam"), 1, &request.beam) || !readInt(p, QStringLiteral("max-words"), 1, &request.maxLength))
        return usageError(QStringLiteral("--beam and --max-words need a number >= 1"), QStringLiteral("caption"));
    bool ok = true;
    if (p.isSet(QStringLiteral("length-penalty")))
        request.lengthPenalty = p.value(QStringLiteral("length-penalty")).toDouble(&ok);
    if (!ok || request.lengthPenalty < 0)
        return usageError(QStringLiteral("--length-penalty needs a number >= 0"), QStringLiteral("caption"));
    if (const int code = checkInferenceArgs(p, QStringLiteral("caption"), request); code != ExitOk)
        return code;
    auto result = runModelJob(p.isSet(QStringLiteral("quiet")),
                              [&](ModelBackend *backend, TrainObserver &observer) { return backend->caption(request, &observer); });
    if (!result)
        return fail(result.error());
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray captions;
        for (const auto &c : result->captions)
            captions.append(QJsonObject{{QStringLiteral("image_id"), c.imageId}, {QStringLiteral("image"), c.image},
                                        {QStringLiteral("caption"), c.caption}, {QStringLiteral("log_prob"), c.logProb},
                                        {QStringLiteral("grid"), QJsonArray{c.gridHeight, c.gridWidth}}});
        printJson({{QStringLiteral("run_id"), result->runId}, {QStringLiteral("metrics"), result->metrics},
                   {QStringLiteral("captions"), captions}});
        return ExitOk;
    }
    const int show = p.value(QStringLiteral("show")).toInt();
    for (int i = 0; i < show && i < int(result->captions.size()); ++i)
        out(QStringLiteral("%1  %2").arg(result->captions[size_t(i)].image, result->captions[size_t(i)].caption));
    out(QStringLiteral("%1 images; %2").arg(result->captions.size()).arg(metricsText(result->metrics)));
    if (result->runId > 0)
        out(QStringLiteral("Saved as run %1, with attention maps").arg(result->runId));
    return ExitOk;
}

void declareTag(QCommandLineParser &p)
{
    declareInferenceOptions(p);
    p.addOption({QStringLiteral("threshold"), QStringLiteral("Suggest a tag from this probability on (default 0.5)."),
                 QStringLiteral("p"), QStringLiteral("0.5")});
    p.addOption({QStringLiteral("max-tags"), QStringLiteral("Tags per image at most (default 5)."), QStringLiteral("n"),
                 QStringLiteral("5")});
}

int runTag(QCommandLineParser &p)
{
    InferenceRequest request = inferenceRequest(p);
    bool ok = true;
    request.tagThreshold = p.value(QStringLiteral("threshold")).toDouble(&ok);
    if (!ok || request.tagThreshold < 0 || request.tagThreshold > 1)
        return usageError(QStringLiteral("--threshold needs a probability from 0 to 1"), QStringLiteral("tag"));
    if (!readInt(p, QStringLiteral("max-tags"), 1, &request.maxTags))
        return usageError(QStringLiteral("--max-tags needs a number >= 1"), QStringLiteral("tag"));
    if (const int code = checkInferenceArgs(p, QStringLiteral("tag"), request); code != ExitOk)
        return code;
    auto result = runModelJob(p.isSet(QStringLiteral("quiet")),
                              [&](ModelBackend *backend, TrainObserver &observer) { return backend->tag(request, &observer); });
    if (!result)
        return fail(result.error());
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray tags;
        for (const auto &t : result->tags)
            tags.append(QJsonObject{{QStringLiteral("image_id"), t.imageId}, {QStringLiteral("image"), t.image},
                                    {QStringLiteral("tag"), t.tag}, {QStringLiteral("score"), t.score}});
        printJson({{QStringLiteral("run_id"), result->runId}, {QStringLiteral("metrics"), result->metrics},
                   {QStringLiteral("tags"), tags}});
        return ExitOk;
    }
    const int show = p.value(QStringLiteral("show")).toInt();
    for (int i = 0; i < show && i < int(result->tags.size()); ++i) {
        const auto &t = result->tags[size_t(i)];
        out(QStringLiteral("%1  %2 (%3)").arg(t.image, t.tag).arg(t.score, 0, 'f', 2));
    }
    out(QStringLiteral("%1 tags; %2")
            .arg(result->tags.size())
            .arg(result->metrics.isEmpty() ? QStringLiteral("no image has tags to score them against")
                                           : metricsText(result->metrics)));
    if (result->runId > 0)
        out(QStringLiteral("Saved as run %1").arg(result->runId));
    return ExitOk;
}

} // namespace tandem::cli
