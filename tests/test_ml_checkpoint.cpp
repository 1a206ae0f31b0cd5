// Checkpoints: identical outputs after a round trip, optimizer state and
// attachments restored, and checkpoints of another architecture refused with
// a message naming what differs, leaving the model untouched.
#include "ml/checkpoint.h"
#include "ml/models.h"
#include "ml/vocabulary.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <QFile>
#include <QTemporaryDir>
#include <QFileInfo>
#include <QTest>
#include <csignal>
#include <sys/resource.h>

using namespace tandem::ml;

namespace {

ModelConfig smallConfig(const std::string &fusion, int64_t fusionDim = 32)
{
    ModelConfig c;
    c.vocabSize = 20;
    c.visionChannels = 8;
    c.embedDim = 16;
    c.textDim = 24;
    c.fusion = fusion;
    c.fusionHidden = 32;
    c.fusionDim = fusionDim;
    c.numAnswers = 5;
    c.answerHidden = 16;
    c.decoderDim = 24;
    c.attentionDim = 8;
    c.retrievalDim = 8;
    return c;
}

struct Inputs {
    at::Tensor images = at::rand({3, 3, 32, 32});
    TokenBatch questions = padBatch({{4, 5, 6}, {7, 8}, {9}});
    at::Tensor answers = at::tensor({0, 3, 1}, at::kLong);
};

void trainSteps(VqaModel &model, torch::optim::Optimizer &optimizer, const Inputs &in, int steps)
{
    model->train();
    for (int i = 0; i < steps; ++i) {
        optimizer.zero_grad();
        answerLoss(model->forward(in.images, in.questions.ids, in.questions.lengths), in.answers).backward();
        optimizer.step();
    }
}

at::Tensor evalOutput(VqaModel &model, const Inputs &in)
{
    model->eval();
    torch::NoGradGuard noGrad;
    return model->forward(in.images, in.questions.ids, in.questions.lengths);
}

std::string path(const QTemporaryDir &dir, const char *name)
{
    return dir.filePath(QString::fromLatin1(name)).toStdString();
}

} // namespace

class TestMlCheckpoint : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void roundTripGivesIdenticalOutputs();
    void otherModelsRoundTrip();
    void refusesOtherSize();
    void refusesOtherFusion();
    void refusesUnreadableFiles();
    void failedWriteKeepsThePreviousCheckpoint();

private:
    QTemporaryDir m_dir;
};

void TestMlCheckpoint::initTestCase()
{
    at::set_num_threads(1); // tiny tensors: OpenMP hand-offs would cost more than they save
    QVERIFY(m_dir.isValid());
}

void TestMlCheckpoint::roundTripGivesIdenticalOutputs()
{
    torch::manual_seed(0);
    const Inputs in;
    VqaModel model(smallConfig("film"));
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    trainSteps(model, optimizer, in, 3); // moves BatchNorm statistics and Adam's moments
    const at::Tensor expected = evalOutput(model, in);
    const std::string file = path(m_dir, "film.ckpt");
    const Outcome saved = saveModel(model, file, &optimizer, {{"vocabulary", Vocabulary().toText()}});
    QVERIFY2(saved.ok(), saved.ok() ? "" : saved.error().c_str());
    QVERIFY(QFile::exists(QString::fromStdString(file)));
    QVERIFY(!QFile::exists(QString::fromStdString(file + ".tmp")));

    torch::manual_seed(99); // other initial weights
    VqaModel loaded(smallConfig("film"));
    torch::optim::Adam loadedOptimizer(loaded->parameters(), torch::optim::AdamOptions(1e-3));
    QVERIFY(!at::allclose(evalOutput(loaded, in), expected));
    const Outcome result = loadModel(loaded, file, &loadedOptimizer);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().c_str());
    QVERIFY(at::equal(evalOutput(loaded, in), expected));

    // The optimizer continues where it was: one more step on each gives the same weights.
    trainSteps(model, optimizer, in, 1);
    trainSteps(loaded, loadedOptimizer, in, 1);
    QVERIFY(at::allclose(evalOutput(loaded, in), evalOutput(model, in), 1e-5, 1e-6));

    const auto config = readCheckpointConfig(file);
    QVERIFY(config.ok());
    QCOMPARE(config->fusion, std::string("film"));
    const auto attachments = readCheckpointAttachments(file);
    QVERIFY(attachments.ok());
    QVERIFY(Vocabulary::fromText(attachments->at("vocabulary")).ok());
}

void TestMlCheckpoint::otherModelsRoundTrip()
{
    torch::manual_seed(1);
    ModelConfig config = smallConfig("concat");
    config.task = "caption";
    config.vision = "resnet";
    CaptionModel caption(config);
    caption->eval();
    const at::Tensor images = at::rand({2, 3, 32, 32});
    const std::string file = path(m_dir, "caption.ckpt");
    QVERIFY(saveModel(caption, file).ok());
    CaptionModel loadedCaption(config);
    loadedCaption->eval();
    QVERIFY(loadModel(loadedCaption, file).ok());
    QVERIFY(caption->greedy(images, 6)[1].tokens == loadedCaption->greedy(images, 6)[1].tokens);

    config.task = "retrieval";
    config.text = "transformer";
    RetrievalModel retrieval(config);
    retrieval->eval();
    QVERIFY(saveModel(retrieval, file).ok()); // overwrites in place
    RetrievalModel loadedRetrieval(config);
    loadedRetrieval->eval();
    QVERIFY(loadModel(loadedRetrieval, file).ok());
    QVERIFY(at::equal(retrieval->embedImages(images), loadedRetrieval->embedImages(images)));
}

void TestMlCheckpoint::refusesOtherSize()
{
    torch::manual_seed(2);
    VqaModel big(smallConfig("relation", 48));
    const std::string file = path(m_dir, "relation48.ckpt");
    QVERIFY(saveModel(big, file).ok());

    VqaModel small(smallConfig("relation", 32));
    const Inputs in;
    const at::Tensor before = evalOutput(small, in);
    const Outcome result = loadModel(small, file);
    QVERIFY(!result.ok());
    const std::string &message = result.error();
    QVERIFY2(message.find("fusion_dim: '48' vs '32'") != std::string::npos, message.c_str());
    // The last layer of f: [48, 32] saved, [32, 32] here; the head reads 48 or 32.
    QVERIFY2(message.find("'fusion.f.2.weight' has shape [48, 32] in the checkpoint but [32, 32] in the model")
                 != std::string::npos,
             message.c_str());
    QVERIFY2(message.find("'head.mlp.0.weight' has shape [16, 48] in the checkpoint but [16, 32] in the model")
                 != std::string::npos,
             message.c_str());
    QVERIFY(at::equal(evalOutput(small, in), before)); // untouched
}

void TestMlCheckpoint::refusesOtherFusion()
{
    torch::manual_seed(3);
    VqaModel relation(smallConfig("relation"));
    const std::string file = path(m_dir, "relation.ckpt");
    QVERIFY(saveModel(relation, file).ok());
    VqaModel gmu(smallConfig("gmu"));
    const Outcome result = loadModel(gmu, file);
    QVERIFY(!result.ok());
    QVERIFY2(result.error().find("fusion: 'relation' vs 'gmu'") != std::string::npos, result.error().c_str());
    QVERIFY2(result.error().find("'fusion.gate.weight' [32, 34] of the model is not in the checkpoint")
                 != std::string::npos,
             result.error().c_str());
}

void TestMlCheckpoint::refusesUnreadableFiles()
{
    VqaModel model(smallConfig("concat"));
    const std::string missing = path(m_dir, "missing.ckpt");
    const Outcome absent = loadModel(model, missing);
    QVERIFY(!absent.ok());
    QVERIFY(absent.error().find(missing) != std::string::npos);

    const std::string garbage = path(m_dir, "garbage.ckpt");
    QFile file(QString::fromStdString(garbage));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("PK\x03\x04 certainly not a checkpoint");
    file.close();
    const Outcome corrupt = loadModel(model, garbage);
    QVERIFY(!corrupt.ok());
    QVERIFY(corrupt.error().find(garbage) != std::string::npos);
    QVERIFY(!readCheckpointConfig(garbage).ok());

    const Outcome unwritable = saveModel(model, "/nonexistent-folder/x.ckpt");
    QVERIFY(!unwritable.ok());
    QVERIFY(unwritable.error().find("/nonexistent-folder/x.ckpt") != std::string::npos);
}

// A disk that fills up while a checkpoint is written: writes past a file-size
// limit fail as they would on a full disk (EFBIG instead of ENOSPC). The save
// fails with a message, leaves no temporary file, and the previous checkpoint
// still loads.
void TestMlCheckpoint::failedWriteKeepsThePreviousCheckpoint()
{
    torch::manual_seed(0);
    const Inputs in;
    VqaModel model(smallConfig("film"));
    const std::string file = path(m_dir, "full-disk.ckpt");
    QVERIFY(saveModel(model, file).ok());
    const at::Tensor expected = evalOutput(model, in);
    const qint64 size = QFileInfo(QString::fromStdString(file)).size();

    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
    trainSteps(model, optimizer, in, 2);
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit limited = old;
    limited.rlim_cur = rlim_t(size / 2);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &limited), 0);
    const Outcome failed = saveModel(model, file, &optimizer);
    setrlimit(RLIMIT_FSIZE, &old);
    QVERIFY(!failed.ok());
    QVERIFY2(failed.error().find(file) != std::string::npos, failed.error().c_str());
    QVERIFY(!QFile::exists(QString::fromStdString(file + ".tmp")));

    torch::manual_seed(99);
    VqaModel loaded(smallConfig("film"));
    QVERIFY(loadModel(loaded, file).ok());
    QVERIFY(at::equal(evalOutput(loaded, in), expected));
}

QTEST_GUILESS_MAIN(TestMlCheckpoint)
#include "test_ml_checkpoint.moc"
