#include "train/trainsettings.h"

#include <QRegularExpression>

namespace tandem {

namespace {

const QLatin1String kEpochs("epochs"), kBatch("batch_images"), kLearningRate("learning_rate"),
    kWeightDecay("weight_decay"), kWarmup("warmup_fraction"), kClip("gradient_clip"), kImageSize("image_size"),
    kAugment("augment"), kSeed("seed"), kDevice("device"), kCheckpoint("checkpoint"), kResume("resume"),
    kSelfCritical("self_critical_epochs"), kReward("self_critical_reward"), kInitFrom("init_from"), kTask("task"),
    kName("name"), kThreads("threads"), kComparison("comparison"), kTrainSplit("train_split"), kValSplit("val_split"),
    kCurriculum("curriculum_epochs"), kBf16("bf16");

} // namespace

namespace {
const QStringList kExplainMethods{QStringLiteral("attention"), QStringLiteral("gradcam"), QStringLiteral("gradient"),
                                  QStringLiteral("hirescam"), QStringLiteral("occlusion"),
                                  QStringLiteral("occlusion-features")}; // ExplainMethod's order
} // namespace

QString explainMethodName(ExplainMethod method)
{
    return kExplainMethods.value(int(method));
}

QString explainMethodNames()
{
    return kExplainMethods.join(QStringLiteral(", "));
}

std::optional<ExplainMethod> parseExplainMethod(const QString &name)
{
    const int index = int(kExplainMethods.indexOf(name));
    return index < 0 ? std::nullopt : std::optional<ExplainMethod>(ExplainMethod(index));
}

std::optional<QMap<QString, QString>> parseModelOptions(const QString &text)
{
    QMap<QString, QString> options;
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    for (const QString &pair : text.split(separators, Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return std::nullopt;
        options[pair.left(eq)] = pair.mid(eq + 1);
    }
    return options;
}

QString modelOptionsText(const QMap<QString, QString> &options)
{
    QStringList pairs;
    for (auto it = options.cbegin(); it != options.cend(); ++it)
        pairs << it.key() + QLatin1Char('=') + it.value();
    return pairs.join(QLatin1Char(' '));
}

QJsonObject trainRequestToJson(const TrainRequest &r)
{
    return {{kTask, taskName(r.task)}, {kEpochs, r.epochs}, {kBatch, r.batchImages}, {kLearningRate, r.learningRate},
            {kWeightDecay, r.weightDecay}, {kWarmup, r.warmupFraction}, {kClip, r.gradientClip},
            {kImageSize, r.imageSize}, {kAugment, r.augment}, {kSeed, QString::number(r.seed)},
            {kDevice, r.device}, {kThreads, r.threads}, {kCheckpoint, r.checkpoint}, {kResume, r.resume},
            {kSelfCritical, r.selfCriticalEpochs}, {kReward, r.selfCriticalReward}, {kInitFrom, r.initFrom},
            {kName, r.name}, {kComparison, r.comparison}, {kTrainSplit, r.trainSplit}, {kValSplit, r.valSplit},
            {kCurriculum, r.curriculumEpochs}, {kBf16, r.bf16}};
}

TrainRequest resumeRequestFromJson(const QString &project, const QJsonObject &c)
{
    TrainRequest r;
    r.project = project;
    r.task = parseTask(c.value(kTask).toString()).value_or(TaskKind::Vqa);
    r.epochs = c.value(kEpochs).toInt(r.epochs);
    r.batchImages = c.value(kBatch).toInt(r.batchImages);
    r.learningRate = c.value(kLearningRate).toDouble(r.learningRate);
    r.weightDecay = c.value(kWeightDecay).toDouble(r.weightDecay);
    r.warmupFraction = c.value(kWarmup).toDouble(r.warmupFraction);
    r.gradientClip = c.value(kClip).toDouble(r.gradientClip);
    r.imageSize = c.value(kImageSize).toInt(r.imageSize);
    r.augment = c.value(kAugment).toBool(r.augment);
    r.seed = c.value(kSeed).toString().toULongLong();
    r.device = c.value(kDevice).toString(r.device);
    r.threads = c.value(kThreads).toInt(0);
    r.checkpoint = c.value(kCheckpoint).toString();
    r.selfCriticalEpochs = c.value(kSelfCritical).toInt(0);
    r.selfCriticalReward = c.value(kReward).toString(r.selfCriticalReward);
    r.curriculumEpochs = c.value(kCurriculum).toInt(0);
    r.bf16 = c.value(kBf16).toBool(false);
    r.name = c.value(kName).toString();
    r.comparison = c.value(kComparison).toString();
    r.trainSplit = c.value(kTrainSplit).toString(r.trainSplit);
    r.valSplit = c.value(kValSplit).toString(r.valSplit);
    r.resume = true;
    r.architectureFromCheckpoint = true;
    return r;
}

std::optional<PrimaryMetric> primaryMetric(TaskKind task, const QJsonObject &v)
{
    const auto named = [&](const char *name) -> std::optional<PrimaryMetric> {
        const QJsonValue value = v.value(QLatin1String(name));
        if (!value.isDouble())
            return std::nullopt;
        return PrimaryMetric{QString::fromLatin1(name), value.toDouble()};
    };
    switch (task) {
    case TaskKind::Vqa:
        if (auto vqa = named("vqa_accuracy"))
            return vqa;
        return named("answer_accuracy");
    case TaskKind::Caption:
        return named("cider_d");
    case TaskKind::Tagging:
        return named("tag_f1");
    case TaskKind::Retrieval: {
        double sum = 0;
        for (const char *key : {"recall_i2t_1", "recall_i2t_5", "recall_i2t_10", "recall_t2i_1", "recall_t2i_5", "recall_t2i_10"}) {
            const QJsonValue value = v.value(QLatin1String(key));
            if (!value.isDouble())
                return std::nullopt;
            sum += value.toDouble();
        }
        return PrimaryMetric{QStringLiteral("recall_sum"), sum};
    }
    }
    return std::nullopt;
}

QJsonValue curvePointToJson(const CurvePoint &p)
{
    return QJsonArray{p.step, p.steps, p.epoch, p.loss, p.learningRate, p.seconds, p.samplesPerSecond};
}

QJsonArray curveToJson(const std::vector<CurvePoint> &points)
{
    QJsonArray out;
    for (const CurvePoint &p : points)
        out.append(curvePointToJson(p));
    return out;
}

std::vector<CurvePoint> curveFromJson(const QJsonArray &points)
{
    std::vector<CurvePoint> out;
    out.reserve(size_t(points.size()));
    for (const QJsonValue &value : points) {
        const QJsonArray a = value.toArray();
        if (a.size() < 7)
            continue;
        out.push_back({a[0].toInteger(), a[1].toInt(), a[2].toDouble(), a[3].toDouble(), a[4].toDouble(),
                       a[5].toDouble(), a[6].toDouble()});
    }
    return out;
}

QJsonObject epochToJson(const EpochReport &r)
{
    return {{QStringLiteral("epoch"), r.epoch}, {QStringLiteral("train_loss"), r.trainLoss},
            {QStringLiteral("validation"), r.validation}, {QStringLiteral("seconds"), r.seconds}};
}

std::vector<EpochReport> epochsFromJson(const QJsonArray &epochs)
{
    std::vector<EpochReport> out;
    for (const QJsonValue &value : epochs) {
        const QJsonObject o = value.toObject();
        out.push_back({o.value(QLatin1String("epoch")).toInt(), o.value(QLatin1String("train_loss")).toDouble(),
                       o.value(QLatin1String("validation")).toObject(), o.value(QLatin1String("seconds")).toDouble()});
    }
    return out;
}

} // namespace tandem
