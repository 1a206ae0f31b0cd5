#include "trainer.h"

#include "batchloader.h"
#include "projectdata.h"
#include "selfcritical.h"
#include "stepprofiler.h"
#include "taskmodel.h"
#include "trainstate.h"

#include "ml/adamw.h"
#include "ml/device.h"
#include "train/throughputmeter.h"
#include "train/trainsettings.h"

#include <ATen/record_function.h>
#include <torch/utils.h>

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLockFile>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>

namespace tandem::backend {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Linear warm-up from 0, then a cosine from the peak down to 0 at the last step.
double learningRateAt(int64_t step, int64_t totalSteps, const TrainRequest &request)
{
    const int64_t warmup = std::max<int64_t>(1, int64_t(std::lround(request.warmupFraction * double(totalSteps))));
    if (step < warmup)
        return request.learningRate * double(step + 1) / double(warmup);
    const double progress = double(step - warmup) / double(std::max<int64_t>(1, totalSteps - warmup));
    return request.learningRate * 0.5 * (1.0 + std::cos(kPi * std::min(1.0, progress)));
}

Expected<ml::ModelConfig> configFor(const TrainRequest &request, const TextCodec &codec)
{
    ml::ModelConfig config;
    config.task = taskName(request.task).toStdString();
    config.vision = request.vision.toStdString();
    config.text = request.text.toStdString();
    config.fusion = request.fusion.toStdString();
    config.vocabSize = codec.vocabulary.size();
    config.numAnswers = std::max<int64_t>(2, codec.labels.size());
    std::string text = ml::configToString(config);
    for (auto it = request.modelOptions.cbegin(); it != request.modelOptions.cend(); ++it)
        text += "\n" + it.key().toStdString() + "=" + it.value().toStdString();
    auto parsed = ml::configFromString(text);
    if (!parsed)
        return Error::usage(QStringLiteral("bad model option: %1").arg(QString::fromStdString(parsed.error())));
    if (auto valid = ml::validateConfig(parsed.value()); !valid)
        return Error::usage(QString::fromStdString(valid.error()));
    return parsed.value();
}


class Trainer {
public:
    Trainer(const TrainRequest &request, TrainObserver *observer) : m_request(request), m_observer(observer) {}
    Expected<TrainResult> run();

private:
    Status openProject();
    Status prepareModel();
    Status startFresh();
    Status fineTune();
    Status resume();
    Status openRun();
    Status trainEpoch(int64_t epoch);
    // waitedSeconds: how long the batch took to arrive from the loader, counted in the speed.
    void step(const Batch &batch, int64_t epoch, double waitedSeconds);
    Status finishEpoch(int64_t epoch);
    double validationLoss(); // the training loss over the val split, in eval mode; NaN without one
    Status writeCheckpoint();
    bool recordIfBest(const EpochReport &report); // true: the best epoch so far
    Status copyToBest();
    Status promoteBest();
    Status finishRun(RunStatus status);
    void addToCurve(double loss, double lr, int64_t epoch);
    QJsonObject runMetrics() const;
    QString bestCheckpointPath() const;
    double secondsSoFar() const { return m_secondsBefore + m_sessionClock.elapsed() / 1000.0; }
    std::vector<size_t> epochOrder(int64_t epoch) const;
    bool cancelRequested() const { return m_observer && m_observer->cancelRequested(); }
    bool selfCritical(int64_t epoch) const { return epoch >= m_request.epochs - m_request.selfCriticalEpochs; }
    const CaptionReward &reward();

    TrainRequest m_request;
    TrainObserver *m_observer;
    std::optional<ProjectStore> m_store;
    SplitData m_train, m_val;
    std::vector<size_t> m_trainImages;
    TextCodec m_codec;
    TaskModel m_model;
    std::unique_ptr<ml::FusedAdamW> m_optimizer;
    c10::Device m_device = c10::kCPU;
    TrainState m_state;
    TrainResult m_result;
    int64_t m_stepsPerEpoch = 0;
    int64_t m_totalSteps = 0;
    QElapsedTimer m_epochTimer;
    ThroughputMeter m_throughput;
    double m_smoothedRate = 0;
    double m_smoothedStepSeconds = 0;
    std::optional<CaptionReward> m_reward;
    StepProfiler m_profiler;
    DecodedImageCache m_images; // train and val images, decoded once for the whole run
    std::unique_ptr<QLockFile> m_lock; // held while the run trains: a run whose lock is free was interrupted
    QElapsedTimer m_sessionClock;
    double m_secondsBefore = 0;        // training time of the sessions before this one
    int64_t m_curveEvery = 1;          // steps per curve point: a few thousand points per run at most
    double m_curveLoss = 0;
    int m_curveSteps = 0;
};

const CaptionReward &Trainer::reward()
{
    if (!m_reward)
        m_reward.emplace(m_request.selfCriticalReward, m_train, m_trainImages, m_codec);
    return *m_reward;
}

Status Trainer::openProject()
{
    auto store = ProjectStore::open(m_request.project);
    if (!store)
        return store.error();
    m_store.emplace(std::move(store.value()));
    auto train = loadSplit(*m_store, m_request.trainSplit);
    if (!train)
        return train.error();
    m_train = std::move(train.value());
    auto val = m_request.valSplit.isEmpty() ? Expected<SplitData>(SplitData{}) : loadSplit(*m_store, m_request.valSplit);
    if (!val)
        return val.error();
    m_val = std::move(val.value());
    m_trainImages = usableImages(m_train, m_request.task);
    if (m_trainImages.empty())
        return Error::input(QStringLiteral("the split '%1' has no images with %2 to learn from")
                                .arg(m_request.trainSplit,
                                     m_request.task == TaskKind::Vqa ? QStringLiteral("questions") : QStringLiteral("captions")),
                            m_request.project);
    return {};
}

Status Trainer::startFresh()
{
    m_state.imageSize = m_request.imageSize;
    m_state.seed = m_request.seed;
    if (!m_request.initFrom.isEmpty())
        return fineTune();
    std::vector<std::string> texts, answers;
    for (const auto &q : m_train.questions) {
        if (m_request.task == TaskKind::Vqa)
            texts.push_back(q.text);
        if (!q.label.empty())
            answers.push_back(q.label);
    }
    if (m_request.task != TaskKind::Vqa)
        for (const auto &c : m_train.captions)
            texts.push_back(c.text);
    m_codec.vocabulary = ml::Vocabulary::build(texts);
    if (m_request.task == TaskKind::Vqa)
        m_codec.labels = ml::LabelSet::build(answers);
    auto config = configFor(m_request, m_codec);
    if (!config)
        return config.error();
    torch::manual_seed(m_request.seed);
    m_model = makeTaskModel(config.value());
    return {};
}

// The weights, vocabulary, answers, architecture and image size of another
// checkpoint of the same task; the optimizer and the schedule start afresh.
Status Trainer::fineTune()
{
    const QString file = m_request.initFrom;
    auto saved = ml::readCheckpointConfig(file.toStdString());
    auto attachments = ml::readCheckpointAttachments(file.toStdString());
    if (!saved || !attachments)
        return Error::input(QString::fromStdString(saved ? attachments.error() : saved.error()), file);
    if (saved->task != taskName(m_request.task).toStdString())
        return Error::input(QStringLiteral("cannot fine-tune a %1 model for %2: the tasks differ")
                                .arg(QString::fromStdString(saved->task), taskName(m_request.task)),
                            file);
    auto codec = codecFromAttachments(attachments.value(), file);
    if (!codec)
        return codec.error();
    m_codec = codec.value();
    m_state.imageSize = imageSizeFromAttachments(attachments.value(), m_request.imageSize);
    torch::manual_seed(m_request.seed);
    m_model = makeTaskModel(saved.value());
    auto loaded = ml::loadCheckpoint(*m_model.module, m_model.config, file.toStdString(), nullptr);
    if (!loaded)
        return Error::input(QString::fromStdString(loaded.error()), file);
    return {};
}

Status Trainer::resume()
{
    const QString file = m_request.checkpoint;
    if (!QFileInfo::exists(file))
        return Error::input(QStringLiteral("nothing to resume: the checkpoint does not exist"), file);
    auto saved = ml::readCheckpointConfig(file.toStdString());
    auto attachments = ml::readCheckpointAttachments(file.toStdString());
    if (!saved || !attachments)
        return Error::input(QString::fromStdString(saved ? attachments.error() : saved.error()), file);
    auto codec = codecFromAttachments(attachments.value(), file);
    if (!codec)
        return codec.error();
    auto state = stateFromAttachments(attachments.value(), file);
    if (!state)
        return state.error();
    m_codec = codec.value();
    m_state = state.value();
    if (m_request.architectureFromCheckpoint) {
        m_model = makeTaskModel(saved.value());
        return {};
    }
    auto config = configFor(m_request, m_codec);
    if (!config)
        return config.error();
    const auto differences = ml::architectureDifferences(saved.value(), config.value());
    if (!differences.empty()) {
        QStringList list;
        for (const auto &d : differences)
            list << QString::fromStdString(d);
        return Error::input(QStringLiteral("cannot resume: the checkpoint has another architecture (%1, checkpoint vs "
                                           "request); pass the options it was trained with, or train without --resume")
                                .arg(list.join(QStringLiteral("; "))),
                            file);
    }
    m_model = makeTaskModel(config.value());
    return {};
}

Status Trainer::prepareModel()
{
    if (auto s = m_request.resume ? resume() : startFresh(); !s)
        return s;
    m_model.module->to(m_device);
    torch::optim::AdamWOptions options(m_request.learningRate);
    options.weight_decay(m_request.weightDecay);
    m_optimizer = std::make_unique<ml::FusedAdamW>(m_model.module->parameters(), options);
    if (m_request.resume) {
        auto loaded = ml::loadCheckpoint(*m_model.module, m_model.config, m_request.checkpoint.toStdString(), m_optimizer.get());
        if (!loaded)
            return Error::input(QString::fromStdString(loaded.error()), m_request.checkpoint);
        restoreRng(m_state.rng);
    }
    m_stepsPerEpoch = int64_t((m_trainImages.size() + size_t(m_request.batchImages) - 1) / size_t(m_request.batchImages));
    m_totalSteps = m_stepsPerEpoch * m_request.epochs;
    return {};
}

Status Trainer::openRun()
{
    if (m_request.checkpoint.isEmpty())
        m_request.checkpoint = QFileInfo(m_request.project).absolutePath() + QStringLiteral("/models/%1-%2.ckpt")
                                   .arg(taskName(m_request.task), QString::number(QDateTime::currentSecsSinceEpoch()));
    QDir().mkpath(QFileInfo(m_request.checkpoint).absolutePath());
    m_lock = std::make_unique<QLockFile>(m_request.checkpoint + QStringLiteral(".lock"));
    m_lock->setStaleLockTime(0); // a lock is stale only when its process is gone
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        m_lock->getLockInfo(&pid, &host, &app);
        return Error::input(QStringLiteral("this checkpoint is being trained by another process (%1, pid %2)")
                                .arg(app).arg(pid), m_request.checkpoint);
    }
    if (m_state.runId > 0 && runs::exists(*m_store, m_state.runId)) {
        m_result.epochs = epochsFromJson(m_state.epochs);
    } else {
        QJsonObject config = trainRequestToJson(m_request);
        config[QStringLiteral("model")] = configJson(m_model.config);
        auto run = runs::create(*m_store, RunKind::Train, m_request.name, config);
        if (!run)
            return run.error();
        m_state.runId = *run;
    }
    m_result.runId = m_state.runId;
    m_result.checkpoint = QFileInfo(m_request.checkpoint).absoluteFilePath();
    return {};
}

std::vector<size_t> Trainer::epochOrder(int64_t epoch) const
{
    std::vector<size_t> order = m_trainImages;
    std::mt19937_64 rng(mixSeed(m_state.seed, uint64_t(epoch), 0));
    std::shuffle(order.begin(), order.end(), rng);
    return order;
}

void Trainer::step(const Batch &cpuBatch, int64_t epoch, double waitedSeconds)
{
    m_profiler.beforeStep(m_state.step);
    RECORD_FUNCTION("tandem::step", std::vector<c10::IValue>());
    QElapsedTimer timer;
    timer.start();
    const Batch batch = toDevice(cpuBatch, m_device);
    const double lr = learningRateAt(m_state.step, m_totalSteps, m_request);
    for (auto &group : m_optimizer->param_groups())
        static_cast<torch::optim::AdamWOptions &>(group.options()).lr(lr);
    m_optimizer->clearGradients();
    at::Tensor loss;
    {
        const ml::Bf16Autocast bf16(m_request.bf16, m_device.is_cuda());
        loss = selfCritical(epoch) ? selfCriticalLoss(m_model, batch, reward(), {}) : trainingLoss(m_model, batch);
    }
    loss.backward();
    if (m_request.gradientClip > 0)
        m_optimizer->clipGradientNorm(m_request.gradientClip); // applied in the step's pass
    m_optimizer->step();
    const double value = loss.item<double>();
    m_state.lossSum += value;
    ++m_state.lossCount;
    ++m_state.step;
    ++m_state.batch;

    addToCurve(value, lr, epoch);
    const double seconds = std::max(1e-6, waitedSeconds + timer.nsecsElapsed() / 1e9);
    m_throughput.add(seconds, cpuBatch.samples);
    const double rate = double(cpuBatch.samples) / seconds;
    const bool first = m_smoothedStepSeconds == 0;
    m_smoothedRate = first ? rate : 0.9 * m_smoothedRate + 0.1 * rate;
    m_smoothedStepSeconds = first ? seconds : 0.9 * m_smoothedStepSeconds + 0.1 * seconds;
    if (m_observer)
        m_observer->stepDone({m_state.step, m_totalSteps, int(epoch + 1), m_request.epochs, value, lr, m_smoothedRate,
                              m_smoothedStepSeconds * double(m_totalSteps - m_state.step)});
}

void Trainer::addToCurve(double loss, double lr, int64_t epoch)
{
    m_curveLoss += loss;
    ++m_curveSteps;
    if (m_curveSteps < m_curveEvery && m_state.batch < m_stepsPerEpoch)
        return;
    CurvePoint point;
    point.step = m_state.step;
    point.steps = m_curveSteps;
    point.epoch = double(epoch) + double(m_state.batch) / double(std::max<int64_t>(1, m_stepsPerEpoch));
    point.loss = m_curveLoss / m_curveSteps;
    point.learningRate = lr;
    point.seconds = secondsSoFar();
    point.samplesPerSecond = m_smoothedRate;
    m_state.curve.append(curvePointToJson(point));
    m_curveLoss = 0;
    m_curveSteps = 0;
    if (m_observer)
        m_observer->curvePoint(point);
}

Status Trainer::trainEpoch(int64_t epoch)
{
    const std::vector<size_t> order = epochOrder(epoch);
    BatchOptions options;
    options.task = m_request.task;
    options.imageSize = m_state.imageSize;
    options.maxLength = m_model.config.maxLength;
    options.augment = m_request.augment;
    options.seed = m_state.seed;
    options.epoch = epoch;
    options.cache = &m_images;
    if (m_request.task == TaskKind::Vqa && epoch < m_request.curriculumEpochs)
        options.maxQuestionWords = medianQuestionWords(m_train);
    const size_t batchImages = size_t(m_request.batchImages);
    BatchLoader<Batch> loader(
        [&](size_t b) {
            const size_t first = b * batchImages;
            const std::vector<size_t> images(order.begin() + long(first),
                                             order.begin() + long(std::min(order.size(), first + batchImages)));
            return makeBatch(m_train, images, m_codec.vocabulary, m_codec.labels, options);
        },
        size_t(m_state.batch), size_t(m_stepsPerEpoch));
    m_model.module->train();
    QElapsedTimer waiting;
    waiting.start();
    while (auto batch = loader.next()) {
        if (cancelRequested()) {
            m_result.cancelled = true;
            return writeCheckpoint();
        }
        step(*batch, epoch, waiting.nsecsElapsed() / 1e9);
        waiting.restart();
    }
    return finishEpoch(epoch);
}

Status Trainer::finishEpoch(int64_t epoch)
{
    EpochReport report;
    report.epoch = int(epoch + 1);
    report.trainLoss = m_state.lossCount > 0 ? m_state.lossSum / double(m_state.lossCount) : 0.0;
    PredictOptions options;
    options.imageSize = m_state.imageSize;
    options.batchImages = m_request.batchImages;
    options.device = m_device;
    options.cache = &m_images;
    options.cancelled = [this] { return cancelRequested(); };
    try {
        recalibrateNormalization(m_model, m_train, options);
        torch::NoGradGuard noGrad;
        report.validation = evaluate(m_model, m_val, m_codec, options);
        if (const double loss = validationLoss(); std::isfinite(loss))
            report.validation[QStringLiteral("loss")] = loss;
    } catch (const CancelledError &) {
        m_result.cancelled = true; // the epoch's weights are kept, without its validation
    }
    m_model.module->train();
    report.seconds = m_epochTimer.restart() / 1000.0;
    m_state.epochs.append(epochToJson(report));
    m_result.epochs.push_back(report);
    m_state.epoch = epoch + 1;
    m_state.batch = 0;
    m_state.lossSum = 0;
    m_state.lossCount = 0;
    const bool best = recordIfBest(report);
    if (auto s = writeCheckpoint(); !s)
        return s;
    if (auto s = best ? copyToBest() : Status(); !s)
        return s;
    if (m_observer)
        m_observer->epochDone(report);
    return runs::update(*m_store, m_state.runId, runMetrics(), RunStatus::Running);
}

double Trainer::validationLoss()
{
    const std::vector<size_t> images = usableImages(m_val, m_request.task);
    if (images.empty())
        return std::numeric_limits<double>::quiet_NaN();
    BatchOptions options;
    options.task = m_request.task;
    options.imageSize = m_state.imageSize;
    options.maxLength = m_model.config.maxLength;
    options.augment = false;
    options.training = true; // questions whose answer the model cannot give are left out, as in training
    options.seed = m_state.seed;
    options.cache = &m_images;
    m_model.module->eval();
    double sum = 0;
    int64_t samples = 0;
    const size_t size = size_t(m_request.batchImages);
    for (size_t first = 0; first < images.size(); first += size) {
        if (cancelRequested())
            throw CancelledError();
        const std::vector<size_t> slice(images.begin() + long(first), images.begin() + long(std::min(images.size(), first + size)));
        const Batch batch = makeBatch(m_val, slice, m_codec.vocabulary, m_codec.labels, options);
        if (batch.samples == 0)
            continue;
        sum += trainingLoss(m_model, toDevice(batch, m_device)).item<double>() * double(batch.samples);
        samples += batch.samples;
    }
    return samples > 0 ? sum / double(samples) : std::numeric_limits<double>::quiet_NaN();
}

QString Trainer::bestCheckpointPath() const
{
    const QFileInfo file(m_request.checkpoint);
    return file.absolutePath() + QLatin1Char('/') + file.completeBaseName() + QStringLiteral(".best.") + file.suffix();
}

bool Trainer::recordIfBest(const EpochReport &report)
{
    const auto metric = primaryMetric(m_request.task, report.validation);
    if (!metric || (m_state.bestEpoch > 0 && metric->value <= m_state.bestValue))
        return false;
    m_state.bestEpoch = report.epoch;
    m_state.bestValue = metric->value;
    return true;
}

// A copy of the checkpoint just written, made atomically like the checkpoint itself.
Status Trainer::copyToBest()
{
    const QString best = bestCheckpointPath(), temporary = best + QStringLiteral(".tmp");
    QFile::remove(temporary);
    if (!QFile::copy(m_request.checkpoint, temporary) || std::rename(qPrintable(temporary), qPrintable(best)) != 0) {
        QFile::remove(temporary);
        return Error::io(QStringLiteral("cannot keep the best checkpoint (is the disk full?)"), best);
    }
    return {};
}

// At the end of a run its model takes the best epoch's weights; the last
// epoch's stay beside them as NAME.last.ckpt.
Status Trainer::promoteBest()
{
    const QString best = bestCheckpointPath();
    if (m_state.bestEpoch == 0 || !QFileInfo::exists(best))
        return {};
    m_result.bestEpoch = m_state.bestEpoch;
    m_result.bestCheckpoint = m_result.checkpoint;
    if (m_state.bestEpoch == m_state.epoch && m_state.batch == 0) { // the last epoch was the best
        QFile::remove(best);
        return {};
    }
    const QFileInfo file(m_request.checkpoint);
    const QString last = file.absolutePath() + QLatin1Char('/') + file.completeBaseName() + QStringLiteral(".last.") + file.suffix();
    QFile::remove(last);
    if (!QFile::rename(m_request.checkpoint, last) || !QFile::rename(best, m_request.checkpoint))
        return Error::io(QStringLiteral("cannot put the best epoch's checkpoint in place"), m_request.checkpoint);
    return {};
}

QJsonObject Trainer::runMetrics() const
{
    QJsonObject metrics{{QStringLiteral("epochs"), m_state.epochs}, {QStringLiteral("curve"), m_state.curve},
                        {QStringLiteral("steps"), qint64(m_state.step)}, {QStringLiteral("total_steps"), qint64(m_totalSteps)},
                        {QStringLiteral("seconds"), secondsSoFar()}, {QStringLiteral("device"), m_result.device}};
    if (m_state.bestEpoch > 0)
        metrics[QStringLiteral("best_epoch")] = m_state.bestEpoch;
    return metrics;
}

Status Trainer::writeCheckpoint()
{
    m_state.rng = captureRng();
    m_state.seconds = secondsSoFar();
    auto saved = ml::saveCheckpoint(*m_model.module, m_model.config, m_request.checkpoint.toStdString(),
                                    m_optimizer.get(), makeAttachments(m_codec, m_state));
    if (!saved)
        return Error::io(QString::fromStdString(saved.error()), m_request.checkpoint);
    if (m_result.modelId > 0)
        return {};
    const QString name = m_request.name.isEmpty() ? QFileInfo(m_request.checkpoint).completeBaseName() : m_request.name;
    auto model = models::save(*m_store, name, configJson(m_model.config), m_request.checkpoint);
    if (!model)
        return model.error();
    m_result.modelId = *model;
    return runs::linkToModel(*m_store, m_state.runId, m_result.modelId);
}

Status Trainer::finishRun(RunStatus status)
{
    m_result.steps = m_state.step;
    m_result.samplesPerSecond = m_throughput.rate();
    QJsonObject metrics = runMetrics();
    metrics[QStringLiteral("samples_per_second")] = m_result.samplesPerSecond;
    if (m_result.stoppedEarly)
        metrics[QStringLiteral("stopped_early")] = true;
    return runs::update(*m_store, m_state.runId, metrics, status);
}

Expected<TrainResult> Trainer::run()
{
    if (m_request.task == TaskKind::Tagging)
        return Error::usage(QStringLiteral("Tandem trains no tagging models: bring one as a TorchScript manifest"));
    if (m_request.epochs < 1 || m_request.batchImages < 1 || m_request.imageSize < 16 || m_request.learningRate <= 0)
        return Error::usage(QStringLiteral("epochs and batch must be at least 1, the image size at least 16 pixels "
                                           "and the learning rate positive"));
    if (m_request.curriculumEpochs < 0 || m_request.curriculumEpochs > m_request.epochs
        || (m_request.curriculumEpochs > 0 && m_request.task != TaskKind::Vqa))
        return Error::usage(QStringLiteral("curriculum epochs are for VQA, from 0 to the number of epochs"));
    if (m_request.selfCriticalEpochs < 0 || m_request.selfCriticalEpochs > m_request.epochs
        || (m_request.selfCriticalEpochs > 0 && m_request.task != TaskKind::Caption))
        return Error::usage(QStringLiteral("self-critical epochs are for captioning, from 0 to the number of epochs"));
    if (!CaptionReward::known(m_request.selfCriticalReward))
        return Error::usage(QStringLiteral("unknown self-critical reward '%1': cider_d or bleu4").arg(m_request.selfCriticalReward));
    static const bool tuned = ml::tuneAllocatorForTraining();
    Q_UNUSED(tuned)
    ml::configureThreads(m_request.threads);
    const ml::DeviceChoice device = ml::chooseDevice(m_request.device.toStdString());
    if (!device.error.empty())
        return Error::usage(QString::fromStdString(device.error));
    m_device = device.cuda ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    m_result.device = QString::fromStdString(device.description);
    for (auto stage : {&Trainer::openProject, &Trainer::prepareModel, &Trainer::openRun})
        if (auto s = (this->*stage)(); !s)
            return s.error();
    m_curveEvery = std::max<int64_t>(1, m_totalSteps / 2000);
    m_secondsBefore = m_state.seconds;
    m_sessionClock.start();
    if (m_observer)
        m_observer->started(m_result.device, m_totalSteps);
    m_epochTimer.start();
    try {
        for (int64_t epoch = m_state.epoch; epoch < m_request.epochs && !m_result.cancelled; ++epoch)
            if (auto s = trainEpoch(epoch); !s) {
                (void)finishRun(RunStatus::Failed);
                return s.error();
            }
    } catch (const std::exception &e) {
        (void)finishRun(RunStatus::Failed);
        return Error::input(QStringLiteral("training stopped: %1").arg(QString::fromUtf8(e.what())), m_request.project);
    }
    if (m_result.cancelled && m_observer && m_observer->finishRequested()) {
        m_result.cancelled = false;
        m_result.stoppedEarly = true;
    }
    if (!m_result.cancelled)
        if (auto s = promoteBest(); !s) {
            (void)finishRun(RunStatus::Failed);
            return s.error();
        }
    if (auto s = finishRun(m_result.cancelled ? RunStatus::Cancelled : RunStatus::Completed); !s)
        return s.error();
    return m_result;
}

} // namespace

Expected<TrainResult> runTraining(const TrainRequest &request, TrainObserver *observer)
{
    return Trainer(request, observer).run();
}

} // namespace tandem::backend
