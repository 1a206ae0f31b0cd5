// The trainer of the LibTorch backend plugin, reached as the CLI and the GUI
// reach it (BackendRegistry): a tiny VQA run stores its run and model and
// learns; cancelling keeps a checkpoint; resuming (after an epoch, or in the
// middle of one) ends with the same weights as an uninterrupted run; a
// checkpoint of another architecture is refused. Also the attention blob.
// Torch before any Qt header: Qt's `slots` macro would break torch's IValue::slots().
#include "ml/checkpoint.h"
#include "ml/models.h"

#include <ATen/ATen.h>

#include "data/attentionblob.h"
#include "data/projectstore.h"
#include "demo/sortofclevr.h"
#include "jobs/trainjobs.h"
#include "train/backendregistry.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <functional>

using namespace tandem;

namespace {

// Calls `onStep` after each step and `onEpoch` after each epoch; either may cancel.
class ScriptedObserver : public TrainObserver {
public:
    std::function<void(ScriptedObserver &, const TrainProgress &)> onStep;
    std::function<void(ScriptedObserver &, const EpochReport &)> onEpoch;
    void stepDone(const TrainProgress &p) override
    {
        ++steps;
        if (onStep)
            onStep(*this, p);
    }
    void epochDone(const EpochReport &r) override
    {
        if (onEpoch)
            onEpoch(*this, r);
    }
    int steps = 0;
};

// Every parameter and buffer of two checkpoints of the same architecture, exactly equal.
template <typename Model = ml::VqaModel>
bool sameWeights(const QString &a, const QString &b, QString *why)
{
    auto config = ml::readCheckpointConfig(a.toStdString());
    Model first(config.value()), second(config.value());
    if (!ml::loadModel(first, a.toStdString()) || !ml::loadModel(second, b.toStdString())) {
        *why = QStringLiteral("a checkpoint does not load");
        return false;
    }
    const auto x = first->named_parameters(), y = second->named_parameters();
    for (const auto &item : x)
        if (!at::equal(item.value(), y[item.key()])) {
            *why = QString::fromStdString(item.key()) + QStringLiteral(" differs");
            return false;
        }
    const auto bx = first->named_buffers(), by = second->named_buffers();
    for (const auto &item : bx)
        if (!at::equal(item.value(), by[item.key()])) {
            *why = QString::fromStdString(item.key()) + QStringLiteral(" (buffer) differs");
            return false;
        }
    return true;
}

} // namespace

class TestMlTrainer : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void trainsAndStoresRunAndModel();
    void resumeAfterAnEpochMatches();
    void decodedImageCacheChangesNothing();
    void cancelKeepsACheckpointThatResumes();
    void finishKeepsTheBestEpoch();
    void fineTuneStartsFromAModel();
    void otherArchitectureIsRefused();
    void answersAreStored();
    void normalizationStatisticsCoverTheTrainImages();
    void captionsAreStoredWithAttention();
    void selfCriticalTrainingResumes();
    void attentionBlobRoundTrips();

private:
    TrainRequest tinyRequest(const QString &checkpoint) const;
    TrainRequest tinyCaptionRequest(const QString &checkpoint) const;
    QString m_project;
    QTemporaryDir m_dir;
    ModelBackend *m_backend = nullptr;
    QString m_reference; // checkpoint of the uninterrupted run
    TrainResult m_referenceResult;
};

void TestMlTrainer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    DemoOptions options;
    options.images = 40;
    options.imageSize = 32;
    options.questionsPerImage = 4;
    options.seed = 5;
    auto dataset = generateDemo(options, m_dir.filePath(QStringLiteral("images")));
    QVERIFY(dataset);
    m_project = m_dir.filePath(QStringLiteral("tiny.tandem"));
    auto store = ProjectStore::create(m_project);
    QVERIFY(store);
    QVERIFY(store->importDataset(*dataset, m_dir.filePath(QStringLiteral("images"))));
    auto backend = BackendRegistry::instance().backend(QStringLiteral("torch"));
    QVERIFY2(backend, qPrintable(backend ? QString() : backend.error().toString()));
    m_backend = *backend;
}

TrainRequest TestMlTrainer::tinyRequest(const QString &checkpoint) const
{
    TrainRequest r;
    r.project = m_project;
    r.task = TaskKind::Vqa;
    r.fusion = QStringLiteral("film");
    r.modelOptions = {{QStringLiteral("vision_channels"), QStringLiteral("8")},
                      {QStringLiteral("embed_dim"), QStringLiteral("16")},
                      {QStringLiteral("text_dim"), QStringLiteral("32")},
                      {QStringLiteral("fusion_hidden"), QStringLiteral("32")},
                      {QStringLiteral("fusion_dim"), QStringLiteral("32")},
                      {QStringLiteral("answer_hidden"), QStringLiteral("32")},
                      {QStringLiteral("film_blocks"), QStringLiteral("1")}};
    r.epochs = 2;
    r.batchImages = 8;
    r.learningRate = 3e-3;
    r.imageSize = 32;
    r.seed = 3;
    r.device = QStringLiteral("cpu");
    r.threads = 1;
    r.checkpoint = m_dir.filePath(checkpoint);
    return r;
}

void TestMlTrainer::trainsAndStoresRunAndModel()
{
    ScriptedObserver observer;
    auto result = m_backend->train(tinyRequest(QStringLiteral("reference.ckpt")), &observer);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    m_reference = result->checkpoint;
    m_referenceResult = *result;
    QVERIFY(!result->cancelled);
    QCOMPARE(result->steps, qint64(8)); // 32 train images, 8 a step, 2 epochs
    QCOMPARE(observer.steps, 8);
    QCOMPARE(int(result->epochs.size()), 2);
    qInfo("train loss %.4f -> %.4f, val %s, %.0f samples/s", result->epochs[0].trainLoss, result->epochs[1].trainLoss,
          QJsonDocument(result->epochs[1].validation).toJson(QJsonDocument::Compact).constData(), result->samplesPerSecond);
    QVERIFY(result->epochs[1].trainLoss < result->epochs[0].trainLoss);
    QVERIFY(result->epochs[1].validation.contains(QStringLiteral("answer_accuracy")));

    auto store = ProjectStore::open(m_project);
    auto run = store->database().prepare("SELECT kind, status, metrics, model_id FROM runs WHERE id = ?1");
    run->bind(1, result->runId);
    QVERIFY(run->step());
    QCOMPARE(run->qtext(0), QStringLiteral("train"));
    QCOMPARE(run->qtext(1), QStringLiteral("completed"));
    const QJsonObject metrics = QJsonDocument::fromJson(run->qtext(2).toUtf8()).object();
    QCOMPARE(metrics.value(QStringLiteral("epochs")).toArray().size(), 2);
    QCOMPARE(metrics.value(QStringLiteral("curve")).toArray().size(), 8); // a point a step in a run this short
    QVERIFY(metrics.value(QStringLiteral("best_epoch")).toInt() >= 1);
    auto views = trainRuns(m_project);
    QVERIFY(views);
    QCOMPARE(views->front().curve.size(), size_t(8));
    QCOMPARE(views->front().curve.back().step, qint64(8));
    QCOMPARE(views->front().curve.back().epoch, 2.0);
    QCOMPARE(views->front().epochs.size(), size_t(2));
    QVERIFY(!views->front().resumable);
    QCOMPARE(run->int64(3), result->modelId);
    auto model = store->database().prepare("SELECT checkpoint, architecture FROM models WHERE id = ?1");
    model->bind(1, result->modelId);
    QVERIFY(model->step());
    QCOMPARE(model->qtext(0), m_reference);
    QVERIFY(model->qtext(1).contains(QStringLiteral("\"fusion\":\"film\"")));
}

void TestMlTrainer::resumeAfterAnEpochMatches()
{
    QVERIFY(!m_reference.isEmpty());
    const TrainRequest request = tinyRequest(QStringLiteral("resumed.ckpt"));
    ScriptedObserver stopAfterFirstEpoch;
    stopAfterFirstEpoch.onEpoch = [](ScriptedObserver &o, const EpochReport &) { o.requestCancel(); };
    auto first = m_backend->train(request, &stopAfterFirstEpoch);
    QVERIFY(first);
    QVERIFY(first->cancelled);
    QCOMPARE(first->steps, qint64(4));

    TrainRequest again = request;
    again.resume = true;
    ScriptedObserver observer;
    auto second = m_backend->train(again, &observer);
    QVERIFY2(second, qPrintable(second ? QString() : second.error().toString()));
    QVERIFY(!second->cancelled);
    QCOMPARE(observer.steps, 4);
    QCOMPARE(second->runId, first->runId); // the same run, continued
    QCOMPARE(int(second->epochs.size()), 2);
    QCOMPARE(second->epochs[1].trainLoss, m_referenceResult.epochs[1].trainLoss);
    QString why;
    QVERIFY2(sameWeights(m_reference, second->checkpoint, &why), qPrintable(why));
}

// Epochs after the first take their images from the run's cache of decoded
// images: the same run with the cache turned off (and so every image decoded
// again, augmented afresh each epoch) ends with exactly the same weights.
void TestMlTrainer::decodedImageCacheChangesNothing()
{
    QVERIFY(!m_reference.isEmpty());
    QVERIFY(tinyRequest(QStringLiteral("x")).augment); // augmenting must not change the cached copy
    qputenv("TANDEM_IMAGE_CACHE_MB", "0");
    ScriptedObserver observer;
    auto uncached = m_backend->train(tinyRequest(QStringLiteral("uncached.ckpt")), &observer);
    qunsetenv("TANDEM_IMAGE_CACHE_MB");
    QVERIFY2(uncached, qPrintable(uncached ? QString() : uncached.error().toString()));
    QCOMPARE(uncached->epochs[1].trainLoss, m_referenceResult.epochs[1].trainLoss);
    QString why;
    QVERIFY2(sameWeights(m_reference, uncached->checkpoint, &why), qPrintable(why));
}

void TestMlTrainer::cancelKeepsACheckpointThatResumes()
{
    const TrainRequest request = tinyRequest(QStringLiteral("cancelled.ckpt"));
    ScriptedObserver cancelAtThree;
    cancelAtThree.onStep = [](ScriptedObserver &o, const TrainProgress &p) {
        if (p.step == 3)
            o.requestCancel();
    };
    auto cancelled = m_backend->train(request, &cancelAtThree);
    QVERIFY(cancelled);
    QVERIFY(cancelled->cancelled);
    QCOMPARE(cancelled->steps, qint64(3)); // stopped at the next step
    QVERIFY(cancelled->epochs.empty());
    auto config = ml::readCheckpointConfig(request.checkpoint.toStdString());
    QVERIFY(config);
    ml::VqaModel model(config.value());
    QVERIFY(ml::loadModel(model, request.checkpoint.toStdString()));
    auto store = ProjectStore::open(m_project);
    auto status = store->database().prepare("SELECT status FROM runs WHERE id = ?1");
    status->bind(1, cancelled->runId);
    QVERIFY(status->step());
    QCOMPARE(status->qtext(0), QStringLiteral("cancelled"));

    TrainRequest again = request; // in the middle of epoch 1
    again.resume = true;
    auto resumed = m_backend->train(again, nullptr);
    QVERIFY2(resumed, qPrintable(resumed ? QString() : resumed.error().toString()));
    QCOMPARE(resumed->epochs.back().trainLoss, m_referenceResult.epochs.back().trainLoss);
    QCOMPARE(resumed->epochs.front().trainLoss, m_referenceResult.epochs.front().trainLoss);
    QString why;
    QVERIFY2(sameWeights(m_reference, resumed->checkpoint, &why), qPrintable(why));
}

// Stop for good in the third of four epochs: the run is completed, and the
// checkpoint holds the best epoch's weights (its state says which epoch it is).
void TestMlTrainer::finishKeepsTheBestEpoch()
{
    TrainRequest request = tinyRequest(QStringLiteral("finished.ckpt"));
    request.epochs = 4;
    ScriptedObserver observer;
    observer.onStep = [](ScriptedObserver &o, const TrainProgress &p) {
        if (p.epoch == 3)
            o.requestFinish();
    };
    auto result = m_backend->train(request, &observer);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QVERIFY(result->stoppedEarly && !result->cancelled);
    QCOMPARE(int(result->epochs.size()), 2);
    QVERIFY(result->bestEpoch == 1 || result->bestEpoch == 2);
    auto attachments = ml::readCheckpointAttachments(result->checkpoint.toStdString());
    QVERIFY(attachments);
    const QJsonObject state = QJsonDocument::fromJson(QByteArray::fromStdString(attachments->at("train_state"))).object();
    QCOMPARE(state.value(QStringLiteral("epoch")).toInt(), result->bestEpoch);
    QVERIFY(QFileInfo::exists(m_dir.filePath(QStringLiteral("finished.last.ckpt"))));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("finished.ckpt.lock"))));
    auto store = ProjectStore::open(m_project);
    auto run = runs::get(*store, result->runId);
    QCOMPARE(run->status, RunStatus::Completed);
    QVERIFY(run->metrics.value(QStringLiteral("stopped_early")).toBool());
}

// Fine-tuning starts where the model was: its first epoch's loss is below a fresh run's.
void TestMlTrainer::fineTuneStartsFromAModel()
{
    TrainRequest request = tinyRequest(QStringLiteral("finetuned.ckpt"));
    request.initFrom = m_reference;
    request.epochs = 1;
    request.modelOptions.clear(); // the architecture comes from the model
    request.fusion = QStringLiteral("concat");
    auto result = m_backend->train(request, nullptr);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QVERIFY(result->epochs.front().trainLoss < m_referenceResult.epochs.front().trainLoss);
    auto info = m_backend->inspect(result->checkpoint);
    QCOMPARE(info->architecture.value(QStringLiteral("fusion")).toString(), QStringLiteral("film"));

    request.task = TaskKind::Caption;
    request.checkpoint = m_dir.filePath(QStringLiteral("wrongtask.ckpt"));
    auto refused = m_backend->train(request, nullptr);
    QVERIFY(!refused);
    QVERIFY2(refused.error().message.contains(QStringLiteral("tasks differ")), qPrintable(refused.error().toString()));
    QVERIFY(!QFileInfo::exists(request.checkpoint));
}

void TestMlTrainer::otherArchitectureIsRefused()
{
    TrainRequest request = tinyRequest(QStringLiteral("reference.ckpt"));
    request.resume = true;
    request.fusion = QStringLiteral("relation");
    auto result = m_backend->train(request, nullptr);
    QVERIFY(!result);
    const QString message = result.error().toString();
    QVERIFY2(message.contains(QStringLiteral("another architecture")) && message.contains(QStringLiteral("film"))
                 && message.contains(QStringLiteral("relation")),
             qPrintable(message));
    QVERIFY(message.contains(QStringLiteral("reference.ckpt")));
}

void TestMlTrainer::answersAreStored()
{
    QVERIFY(!m_reference.isEmpty());
    InferenceRequest request;
    request.project = m_project;
    request.checkpoint = m_reference;
    request.split = QStringLiteral("val");
    request.saveAs = QStringLiteral("val answers");
    request.device = QStringLiteral("cpu");
    request.threads = 1;
    auto result = m_backend->answer(request, nullptr);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(int(result->answers.size()), 16); // 4 val images, 4 questions each
    QVERIFY(result->metrics.contains(QStringLiteral("answer_accuracy")));
    auto store = ProjectStore::open(m_project);
    auto count = store->database().scalar("SELECT count(*) FROM predictions WHERE run_id = "
                                          + std::to_string(result->runId) + " AND question_id IS NOT NULL");
    QCOMPARE(*count, int64_t(16));

    request.checkpoint = m_dir.filePath(QStringLiteral("absent.ckpt"));
    QVERIFY(!m_backend->answer(request, nullptr));
    request.checkpoint = m_reference;
    auto wrongTask = m_backend->caption(request, nullptr);
    QVERIFY(!wrongTask);
    QVERIFY(wrongTask.error().message.contains(QStringLiteral("vqa model")));
}

// The checkpoint's BatchNorm statistics are those of the train images under
// the final weights (precise BatchNorm), not a running average that trails
// the weights: the first BatchNorm's running mean equals the mean of the first
// convolution's output over exactly those images.
void TestMlTrainer::normalizationStatisticsCoverTheTrainImages()
{
    QVERIFY(!m_reference.isEmpty());
    auto config = ml::readCheckpointConfig(m_reference.toStdString());
    QVERIFY(config);
    ml::VqaModel model(config.value());
    QVERIFY(ml::loadCheckpoint(*model, model->config(), m_reference.toStdString()));
    DemoOptions options;
    options.images = 40;
    options.imageSize = 32;
    options.questionsPerImage = 4;
    options.seed = 5;
    auto store = ProjectStore::open(m_project);
    auto names = store->database().prepare("SELECT name FROM images WHERE split = 'train' ORDER BY id");
    std::vector<at::Tensor> images;
    while (names->step()) {
        const int index = names->qtext(0).mid(6, 6).toInt(); // scene_000123.png
        const std::vector<std::uint8_t> rgb = renderDemoScene(generateDemoSample(options, index).scene);
        images.push_back(ml::imageFromRgb(rgb.data(), 32, 32));
    }
    QCOMPARE(int(images.size()), 32);
    auto modules = model->named_modules();
    const at::Tensor conv = modules["vision.layers.0"]->as<torch::nn::Conv2d>()->forward(at::stack(images));
    const at::Tensor runningMean = modules["vision.layers.1"]->as<torch::nn::BatchNorm2d>()->running_mean;
    QVERIFY2(at::allclose(runningMean, conv.mean({0, 2, 3}), 1e-4, 1e-5),
             qPrintable(QStringLiteral("running mean %1 vs %2").arg(runningMean[0].item<double>())
                            .arg(conv.mean({0, 2, 3})[0].item<double>())));
}

TrainRequest TestMlTrainer::tinyCaptionRequest(const QString &checkpoint) const
{
    TrainRequest r = tinyRequest(checkpoint);
    r.task = TaskKind::Caption;
    r.epochs = 1;
    r.modelOptions = {{QStringLiteral("vision_channels"), QStringLiteral("8")},
                      {QStringLiteral("embed_dim"), QStringLiteral("16")},
                      {QStringLiteral("decoder_dim"), QStringLiteral("32")},
                      {QStringLiteral("attention_dim"), QStringLiteral("16")}};
    return r;
}

void TestMlTrainer::captionsAreStoredWithAttention()
{
    const TrainRequest train = tinyCaptionRequest(QStringLiteral("caption.ckpt"));
    auto trained = m_backend->train(train, nullptr);
    QVERIFY2(trained, qPrintable(trained ? QString() : trained.error().toString()));
    QVERIFY(trained->epochs.front().validation.contains(QStringLiteral("cider_d")));

    InferenceRequest request;
    request.project = m_project;
    request.checkpoint = trained->checkpoint;
    request.saveAs = QStringLiteral("beam 2");
    request.beam = 2;
    request.maxLength = 6;
    request.device = QStringLiteral("cpu");
    request.threads = 1;
    auto result = m_backend->caption(request, nullptr);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(int(result->captions.size()), 4); // the val images
    auto store = ProjectStore::open(m_project);
    auto rows = store->database().prepare("SELECT text, attention FROM predictions WHERE run_id = ?1 ORDER BY id");
    rows->bind(1, result->runId);
    for (const CaptionPrediction &expected : result->captions) {
        QVERIFY(rows->step());
        QCOMPARE(rows->qtext(0), expected.caption);
        const auto maps = decodeAttention(rows->blob(1));
        QVERIFY(maps);
        QCOMPARE(maps->gridHeight, 2); // 32 pixels, halved 4 times
        QCOMPARE(maps->gridWidth, 2);
        QCOMPARE(maps->words.size(), expected.attention.size());
        for (const auto &word : maps->words) // each word's attention is a distribution over the regions
            QVERIFY(std::abs(word[0] + word[1] + word[2] + word[3] - 1.0f) < 1e-2f);
    }
}

void TestMlTrainer::selfCriticalTrainingResumes()
{
    TrainRequest request = tinyCaptionRequest(QStringLiteral("scst.ckpt"));
    request.epochs = 2;
    request.selfCriticalEpochs = 1; // epoch 2 samples captions and learns from their CIDEr-D
    auto whole = m_backend->train(request, nullptr);
    QVERIFY2(whole, qPrintable(whole ? QString() : whole.error().toString()));
    QCOMPARE(int(whole->epochs.size()), 2);
    QVERIFY(whole->epochs[1].validation.contains(QStringLiteral("cider_d")));
    auto store = ProjectStore::open(m_project);
    auto run = store->database().prepare("SELECT config FROM runs WHERE id = ?1");
    run->bind(1, whole->runId);
    QVERIFY(run->step());
    QCOMPARE(QJsonDocument::fromJson(run->qtext(0).toUtf8()).object().value(QStringLiteral("self_critical_epochs")).toInt(), 1);

    // Stopped after the cross-entropy epoch and resumed: the sampled epoch draws the same captions.
    TrainRequest split = request;
    split.checkpoint = m_dir.filePath(QStringLiteral("scst-resumed.ckpt"));
    ScriptedObserver stopAfterFirstEpoch;
    stopAfterFirstEpoch.onEpoch = [](ScriptedObserver &o, const EpochReport &) { o.requestCancel(); };
    QVERIFY(m_backend->train(split, &stopAfterFirstEpoch));
    split.resume = true;
    auto resumed = m_backend->train(split, nullptr);
    QVERIFY2(resumed, qPrintable(resumed ? QString() : resumed.error().toString()));
    QCOMPARE(resumed->epochs[1].trainLoss, whole->epochs[1].trainLoss);
    QString why;
    QVERIFY2(sameWeights<ml::CaptionModel>(whole->checkpoint, resumed->checkpoint, &why), qPrintable(why));

    TrainRequest bleu = request;
    bleu.checkpoint = m_dir.filePath(QStringLiteral("scst-bleu.ckpt"));
    bleu.selfCriticalReward = QStringLiteral("bleu4");
    auto bleuRun = m_backend->train(bleu, nullptr);
    QVERIFY2(bleuRun, qPrintable(bleuRun ? QString() : bleuRun.error().toString()));
    QVERIFY(bleuRun->epochs[1].trainLoss != whole->epochs[1].trainLoss); // another reward, other updates
    bleu.selfCriticalReward = QStringLiteral("spice");
    auto unknown = m_backend->train(bleu, nullptr);
    QVERIFY(!unknown);
    QVERIFY2(unknown.error().toString().contains(QStringLiteral("spice")), qPrintable(unknown.error().toString()));

    TrainRequest vqa = tinyRequest(QStringLiteral("scst-vqa.ckpt"));
    vqa.selfCriticalEpochs = 1;
    auto refused = m_backend->train(vqa, nullptr);
    QVERIFY(!refused);
    QVERIFY2(refused.error().toString().contains(QStringLiteral("self-critical")), qPrintable(refused.error().toString()));
}

void TestMlTrainer::attentionBlobRoundTrips()
{
    AttentionMaps maps{2, 3, {{0.5f, 0.25f, 0.125f, 0.0f, 0.1f, 0.025f}, {1.0f, 0, 0, 0, 0, 0}}};
    const QByteArray blob = encodeAttention(maps);
    QCOMPARE(blob.size(), 6 + 2 * 2 * 6);
    const auto decoded = decodeAttention(blob);
    QVERIFY(decoded);
    QCOMPARE(decoded->gridHeight, 2);
    QCOMPARE(decoded->gridWidth, 3);
    QCOMPARE(decoded->words.size(), size_t(2));
    for (size_t w = 0; w < 2; ++w)
        for (size_t i = 0; i < 6; ++i)
            QVERIFY(std::abs(decoded->words[w][i] - maps.words[w][i]) < 1e-3f);
    QCOMPARE(halfToFloat(floatToHalf(65504.0f)), 65504.0f);
    QCOMPARE(halfToFloat(floatToHalf(1e-7f)), halfToFloat(1)); // the nearest subnormal
    QVERIFY(!decodeAttention(blob.left(blob.size() - 1)));
}

QTEST_GUILESS_MAIN(TestMlTrainer)
#include "test_ml_trainer.moc"
