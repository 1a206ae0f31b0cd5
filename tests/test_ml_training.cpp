// Learning checks: every head overfits a tiny batch (VQA with each fusion,
// the captioner, the contrastive dual encoder), a short training on generated
// Sort-of-CLEVR answers non-relational questions clearly above chance, and the
// speed of a VQA training step is measured.
#include "mltestdata.h"

#include "ml/device.h"
#include "ml/models.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <QElapsedTimer>
#include <QTest>

#include <cstdlib>
#include <sys/resource.h>

using namespace tandem;
using namespace tandem::ml;

namespace {

ModelConfig tinyConfig(const Vocabulary &vocabulary, int64_t answers)
{
    ModelConfig c;
    c.vocabSize = vocabulary.size();
    c.visionChannels = 16;
    c.embedDim = 32;
    c.textDim = 64;
    c.fusionHidden = 64;
    c.fusionDim = 64;
    c.relationLayers = 2;
    c.numAnswers = answers;
    c.answerHidden = 64;
    c.decoderDim = 96;
    c.attentionDim = 32;
    c.retrievalDim = 32;
    return c;
}

// Runs Adam on `loss` until it drops below `target`, but at least 50 steps so
// that BatchNorm's running statistics (momentum 0.1) settle on the batch's own
// and eval mode sees the same features as training; returns the last loss.
template <typename LossFn>
float trainUntil(torch::nn::Module &model, LossFn &&loss, float target, int maxSteps, double learningRate,
                 int *stepsTaken = nullptr)
{
    torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(learningRate));
    model.train();
    float value = 0;
    for (int step = 1; step <= maxSteps; ++step) {
        optimizer.zero_grad();
        const at::Tensor l = loss();
        l.backward();
        optimizer.step();
        value = l.item<float>();
        if (stepsTaken)
            *stepsTaken = step;
        if (value < target && step >= 50)
            break;
    }
    return value;
}

std::vector<std::vector<int64_t>> firstCaptions(const std::vector<DemoSample> &samples, const Vocabulary &vocabulary)
{
    std::vector<std::vector<int64_t>> captions;
    for (const auto &sample : samples)
        captions.push_back(vocabulary.encode(sample.captions.front(), true));
    return captions;
}

std::vector<std::string> allCaptions(const std::vector<DemoSample> &samples)
{
    std::vector<std::string> texts;
    for (const auto &sample : samples)
        texts.insert(texts.end(), sample.captions.begin(), sample.captions.end());
    return texts;
}

} // namespace

class TestMlTraining : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void vqaOverfits_data();
    void vqaOverfits();
    void captionerOverfits();
    void contrastiveOverfits();
    void sortOfClevrLearns();
    void vqaStepSpeed();
};

void TestMlTraining::initTestCase()
{
    at::set_num_threads(1);
}

void TestMlTraining::vqaOverfits_data()
{
    QTest::addColumn<QString>("fusion");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("vision");
    for (const auto &name : fusionNames())
        QTest::newRow(name.c_str()) << QString::fromStdString(name) << "gru" << "cnn";
    QTest::newRow("film transformer resnet") << "film" << "transformer" << "resnet";
}

void TestMlTraining::vqaOverfits()
{
    QFETCH(QString, fusion);
    QFETCH(QString, text);
    QFETCH(QString, vision);
    torch::manual_seed(0);
    // One question on each of 8 images: even late fusion, whose image and
    // question votes only add up, can fit that.
    const auto samples = test::demoSamples(8, 64);
    const Vocabulary vocabulary = Vocabulary::build(test::questionTexts(samples));
    const LabelSet answers = LabelSet::build(test::answerTexts(samples));
    const test::VqaBatch batch = test::vqaBatch(samples, vocabulary, answers, 1);
    ModelConfig config = tinyConfig(vocabulary, answers.size());
    config.fusion = fusion.toStdString();
    config.text = text.toStdString();
    config.vision = vision.toStdString();
    VqaModel model(config);
    int steps = 0;
    const float loss = trainUntil(
        *model,
        [&] {
            return answerLoss(model->forward(batch.images, batch.questions, batch.lengths, batch.imageIndex),
                              batch.answers);
        },
        0.02f, 300, 3e-3, &steps);
    qInfo("%s: loss %.4f after %d steps", qPrintable(fusion), loss, steps);
    QVERIFY2(loss < 0.02f, qPrintable(QStringLiteral("loss %1 after %2 steps").arg(loss).arg(steps)));
}

void TestMlTraining::captionerOverfits()
{
    torch::manual_seed(0);
    const auto samples = test::demoSamples(4, 64);
    const Vocabulary vocabulary = Vocabulary::build(allCaptions(samples));
    const auto captions = firstCaptions(samples, vocabulary);
    const TokenBatch batch = padBatch(captions);
    const at::Tensor images = test::demoImages(samples);
    ModelConfig config = tinyConfig(vocabulary, 2);
    config.task = "caption";
    CaptionModel model(config);
    int steps = 0;
    const float loss = trainUntil(
        *model, [&] { return captionLoss(model->forward(images, batch.ids), batch.ids); }, 0.02f, 400, 3e-3,
        &steps);
    qInfo("captioner: loss %.4f after %d steps", loss, steps);
    QVERIFY2(loss < 0.02f, qPrintable(QStringLiteral("loss %1 after %2 steps").arg(loss).arg(steps)));

    model->eval();
    torch::NoGradGuard noGrad;
    const auto greedy = model->greedy(images, 40);
    const auto beam = model->beamSearch(images, 3, 40);
    for (size_t i = 0; i < samples.size(); ++i) {
        const std::string expected = vocabulary.decode(captions[i]);
        QCOMPARE(vocabulary.decode(greedy[i].tokens), expected);
        QCOMPARE(vocabulary.decode(beam[i].tokens), expected);
        QVERIFY(greedy[i].finished);
        QCOMPARE(greedy[i].attention.size(), greedy[i].tokens.size());
    }
}

void TestMlTraining::contrastiveOverfits()
{
    torch::manual_seed(0);
    const auto samples = test::demoSamples(8, 64);
    const Vocabulary vocabulary = Vocabulary::build(allCaptions(samples));
    std::vector<std::vector<int64_t>> texts;
    for (const auto &sample : samples) // the full-scene caption tells every image apart
        texts.push_back(vocabulary.encode(sample.captions.back()));
    const TokenBatch batch = padBatch(texts);
    const at::Tensor images = test::demoImages(samples);
    ModelConfig config = tinyConfig(vocabulary, 2);
    config.task = "retrieval";
    RetrievalModel model(config);
    int steps = 0;
    const float loss = trainUntil(
        *model, [&] { return model->forward(images, batch.ids, batch.lengths); }, 0.02f, 300, 3e-3, &steps);
    qInfo("contrastive: loss %.4f after %d steps, scale %.1f", loss, steps, model->head()->logitScale().item<float>());
    QVERIFY2(loss < 0.02f, qPrintable(QStringLiteral("loss %1 after %2 steps").arg(loss).arg(steps)));

    model->eval();
    torch::NoGradGuard noGrad;
    const at::Tensor similarity = at::matmul(model->embedImages(images), model->embedTexts(batch.ids, batch.lengths).t());
    QVERIFY(at::equal(similarity.argmax(1), at::arange(8, at::kLong))); // recall@1 = 1, image -> text
    QVERIFY(at::equal(similarity.argmax(0), at::arange(8, at::kLong))); // and text -> image
}

void TestMlTraining::sortOfClevrLearns()
{
    // Opt-in: breaking out of the answer-prior plateau (loss ~0.84, chance
    // accuracy) takes this architecture over a thousand Adam steps here and in
    // the same model written in Python, far beyond the suite's time budget.
    // TANDEM_ML_CLEVR_IMAGES=4000 TANDEM_ML_CLEVR_EPOCHS=10 test_ml_training sortOfClevrLearns
    if (!std::getenv("TANDEM_ML_CLEVR_IMAGES"))
        QSKIP("long learning run; set TANDEM_ML_CLEVR_IMAGES (and _EPOCHS, _BATCH, _LR, _FUSION) to run it");
    const int trainImages = std::atoi(std::getenv("TANDEM_ML_CLEVR_IMAGES"));
    const int epochs = std::getenv("TANDEM_ML_CLEVR_EPOCHS") ? std::atoi(std::getenv("TANDEM_ML_CLEVR_EPOCHS")) : 4;
    const std::string fusion = std::getenv("TANDEM_ML_CLEVR_FUSION") ? std::getenv("TANDEM_ML_CLEVR_FUSION") : "film";
    torch::manual_seed(0);
    const auto train = test::demoSamples(trainImages, 64);
    const auto heldOut = test::demoSamples(40, 64, trainImages);
    const Vocabulary vocabulary = Vocabulary::build(test::questionTexts(train));
    const LabelSet answers = LabelSet::build(test::answerTexts(train));
    ModelConfig config = tinyConfig(vocabulary, answers.size());
    config.fusion = fusion;
    config.coordinateChannels = std::getenv("TANDEM_ML_CLEVR_COORDCONV") != nullptr;
    if (std::getenv("TANDEM_ML_CLEVR_CHANNELS"))
        config.visionChannels = std::atoi(std::getenv("TANDEM_ML_CLEVR_CHANNELS"));
    VqaModel model(config);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(std::getenv("TANDEM_ML_CLEVR_LR") ? std::atof(std::getenv("TANDEM_ML_CLEVR_LR")) : 2e-3));

    const int kImagesPerBatch = std::getenv("TANDEM_ML_CLEVR_BATCH") ? std::atoi(std::getenv("TANDEM_ML_CLEVR_BATCH")) : 16; // x 20 questions, each image encoded once
    QElapsedTimer timer;
    timer.start();
    for (int epoch = 0; epoch < epochs; ++epoch) {
        model->train();
        float total = 0;
        int batches = 0;
        for (int first = 0; first + kImagesPerBatch <= trainImages; first += kImagesPerBatch) {
            const std::vector<DemoSample> slice(train.begin() + first, train.begin() + first + kImagesPerBatch);
            const test::VqaBatch batch = test::vqaBatch(slice, vocabulary, answers);
            optimizer.zero_grad();
            const at::Tensor loss = answerLoss(
                model->forward(batch.images, batch.questions, batch.lengths, batch.imageIndex), batch.answers);
            loss.backward();
            optimizer.step();
            total += loss.item<float>();
            ++batches;
        }
        qInfo("epoch %d: loss %.3f (%.1f s)", epoch + 1, total / batches, timer.elapsed() / 1000.0);
    }

    model->eval();
    torch::NoGradGuard noGrad;
    const test::VqaBatch batch = test::vqaBatch(heldOut, vocabulary, answers);
    const at::Tensor correct =
        model->forward(batch.images, batch.questions, batch.lengths, batch.imageIndex).argmax(1).eq(batch.answers);
    int right[2] = {0, 0}, count[2] = {0, 0};
    for (size_t q = 0; q < batch.relational.size(); ++q) {
        count[batch.relational[q]] += 1;
        right[batch.relational[q]] += correct[int64_t(q)].item<bool>() ? 1 : 0;
    }
    const double nonRelational = double(right[0]) / count[0], relational = double(right[1]) / count[1];
    qInfo("%s held-out accuracy: non-relational %.3f, relational %.3f", fusion.c_str(), nonRelational, relational);
    // Every non-relational question has two answers: chance is 0.5.
    QVERIFY2(nonRelational > 0.7, qPrintable(QString::number(nonRelational)));
}

void TestMlTraining::vqaStepSpeed()
{
    // TANDEM_ML_BENCH_STEPS=50 TANDEM_ML_BENCH_THREADS=2 TANDEM_ML_BENCH_FUSION=relation
    //   build/bin/test_ml_training vqaStepSpeed
    const int steps = std::getenv("TANDEM_ML_BENCH_STEPS") ? std::atoi(std::getenv("TANDEM_ML_BENCH_STEPS")) : 2;
    const int threads = std::getenv("TANDEM_ML_BENCH_THREADS") ? std::atoi(std::getenv("TANDEM_ML_BENCH_THREADS")) : 1;
    const int imageSize = std::getenv("TANDEM_ML_BENCH_SIZE") ? std::atoi(std::getenv("TANDEM_ML_BENCH_SIZE")) : 64;
    const std::string fusion = std::getenv("TANDEM_ML_BENCH_FUSION") ? std::getenv("TANDEM_ML_BENCH_FUSION") : "film";
    const bool shared = !std::getenv("TANDEM_ML_BENCH_UNSHARED");
    const bool tuned = std::getenv("TANDEM_ML_BENCH_TUNE_MALLOC") && tuneAllocatorForTraining();
    at::set_num_threads(threads);
    torch::manual_seed(0);
    const auto samples = test::demoSamples(16, imageSize);
    const Vocabulary vocabulary = Vocabulary::build(test::questionTexts(samples));
    const LabelSet answers = LabelSet::build(test::answerTexts(samples));
    test::VqaBatch batch = test::vqaBatch(samples, vocabulary, answers);
    if (!shared) { // every question with its own copy of the image
        batch.images = batch.images.index_select(0, batch.imageIndex);
        batch.imageIndex = at::arange(batch.images.size(0), at::kLong);
    }
    // The Sort-of-CLEVR RN's sizes: 24 channels, g and f 256 wide.
    ModelConfig config = tinyConfig(vocabulary, answers.size());
    config.fusion = fusion;
    config.visionChannels = 24;
    config.textDim = 128;
    config.fusionHidden = 256;
    config.fusionDim = 256;
    config.relationLayers = 4;
    config.answerHidden = 256;
    VqaModel model(config);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-4));
    model->train();
    const auto step = [&] {
        optimizer.zero_grad();
        answerLoss(model->forward(batch.images, batch.questions, batch.lengths, batch.imageIndex), batch.answers)
            .backward();
        optimizer.step();
    };
    const auto minorFaults = [] {
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        return usage.ru_minflt;
    };
    step(); // warm-up: first-touch allocations
    QElapsedTimer timer;
    timer.start();
    const long faultsBefore = minorFaults();
    for (int i = 0; i < steps; ++i)
        step();
    const double seconds = timer.nsecsElapsed() / 1e9;
    const int64_t questions = batch.questions.size(0);
    qInfo("VQA step (%s, %dpx, %lld questions on %lld images, %d threads, malloc %s): %.1f ms/step, "
          "%.0f samples/s, %.0f minor page faults/step",
          fusion.c_str(), imageSize, (long long)questions, (long long)batch.images.size(0), threads,
          tuned ? "tuned" : "default", 1000 * seconds / steps, questions * steps / seconds,
          double(minorFaults() - faultsBefore) / steps);
    at::set_num_threads(1);
}

QTEST_GUILESS_MAIN(TestMlTraining)
#include "test_ml_training.moc"
