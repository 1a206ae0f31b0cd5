// Models made elsewhere: TorchScript files built here in C++
// (torch::jit::Module::define) with a manifest beside them, run through the
// backend as the CLI and the window do: answers stored as a run, ask,
// attention and Grad-CAM, a captioner's words with their maps, a dual
// encoder's embed run and retrieval. Bad manifests and models are refused with
// the file, the field and both shapes named.
#include "data/projectstore.h"
#include "demo/sortofclevr.h"
#include "ml/checkpoint.h"
#include "ml/models.h"
#include "testsupport.h"
#include "train/backendregistry.h"
#include "train/modelmanifest.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

namespace {

using Options = QMap<QString, QString>; // --model-option keys

const QStringList kVocabulary{"<pad>", "<unk>", "<eos>", "what", "shape", "is", "the", "red", "object", "square", "circle"};
const QStringList kAnswers{"square", "circle", "yes"};

// forward(images, tokens, lengths) -> logits [B, 3], attention [B, 4, 4], features [B, 3, 4, 4]:
// the answer reads the image's mean colour and the words; the map is the pooled brightness.
torch::jit::Module vqaModule()
{
    torch::manual_seed(1);
    torch::jit::Module m("ToyVqa");
    m.register_parameter("w", torch::randn({3, 3}), false);
    m.register_parameter("e", torch::randn({kVocabulary.size(), 3}), false);
    m.define(R"(
def forward(self, images, tokens, lengths):
    features = torch.adaptive_avg_pool2d(images, [4, 4])
    logits = torch.matmul(features.mean([2, 3]), self.w) + torch.embedding(self.e, tokens).sum(1)
    return logits, features.mean(1), features
)");
    return m;
}

// encode_image(images) -> [B, 4]; encode_text(tokens, lengths) -> [B, 4].
torch::jit::Module retrievalModule()
{
    torch::manual_seed(2);
    torch::jit::Module m("ToyDualEncoder");
    m.register_parameter("w", torch::randn({3, 4}), false);
    m.register_parameter("e", torch::randn({kVocabulary.size(), 4}), false);
    m.define(R"(
def encode_image(self, images):
    return torch.matmul(images.mean([2, 3]), self.w)

def encode_text(self, tokens, lengths):
    return torch.embedding(self.e, tokens).sum(1)
)");
    return m;
}

// forward(images) -> tokens [B, 4] ("red square <eos> <pad>"), attention [B, 4, 2, 2].
torch::jit::Module captionModule()
{
    torch::jit::Module m("ToyCaptioner");
    m.define(R"(
def forward(self, images):
    b = images.size(0)
    tokens = torch.tensor([7, 9, 2, 0]).unsqueeze(0).repeat(b, 1)
    attention = torch.adaptive_avg_pool2d(images.mean(1, keepdim=True), [2, 2]).repeat(1, 4, 1, 1)
    return tokens, attention
)");
    return m;
}

const QStringList kTags{"shapes", "scene", "night"};

// forward(images) -> logits [B, 3]: "shapes" 0.98, "scene" 0.73, "night" 0.02 after the sigmoid, for every image.
torch::jit::Module taggingModule()
{
    torch::jit::Module m("ToyTagger");
    m.define(R"(
def forward(self, images):
    return torch.tensor([4.0, 1.0, -4.0]).unsqueeze(0).repeat(images.size(0), 1) + 0.0 * images.mean()
)");
    return m;
}

QJsonArray outputs(std::initializer_list<QJsonObject> list)
{
    QJsonArray a;
    for (const QJsonObject &o : list)
        a.append(o);
    return a;
}

QJsonObject output(const QString &name, const QJsonArray &shape, const QString &role = {})
{
    QJsonObject o{{QStringLiteral("name"), name}, {QStringLiteral("shape"), shape}};
    if (!role.isEmpty())
        o[role] = true;
    return o;
}


// A tiny model trained for a few steps barely moves its position scores from
// zero (the region centres); random ones make the positions count in a comparison.
void randomiseParameter(const QString &checkpoint, const std::string &name)
{
    const std::string path = checkpoint.toStdString();
    auto config = ml::readCheckpointConfig(path);
    auto attachments = ml::readCheckpointAttachments(path);
    QVERIFY(config && attachments);
    ml::VqaModel model(config.value());
    QVERIFY(ml::loadModel(model, path).ok());
    {
        torch::NoGradGuard noGrad;
        model->named_parameters()[name].normal_(0, 2);
    }
    QVERIFY(ml::saveModel(model, path, nullptr, attachments.value()).ok());
}

} // namespace

class TestMlExternal : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void vqaAnswersAndStoresARun();
    void askFlagsUnknownWords();
    void attentionAndGradCam();
    void captionerWordsWithMaps();
    void dualEncoderEmbedsAndRetrieves();
    void taggerSuggestsTagsToAccept();
    void cliTagsAndAccepts();
    void manifestErrorsNameTheField_data();
    void manifestErrorsNameTheField();
    void outputsThatDoNotMatchAreRefused();
    void fileThatIsNotTorchScript();
    void newerFileFormatNamesBothVersions();
    void wrongTaskIsAUsageError();
    void cliAsksAnExternalModel();
    void exportGivesTheCheckpointsAnswers_data();
    void exportGivesTheCheckpointsAnswers();
    void exportedDualEncoderRanksAlike();
    void exportedCaptionerWritesAlike();
    void exportRefusesWhatItCannotWrite();

private:
    QString trainTiny(const QString &fusion, const QMap<QString, QString> &options, TaskKind task = TaskKind::Vqa);
    void checkInPython(const QString &modelFile);
    InferenceRequest wholeProject(const QString &checkpoint) const;
    AskRequest askRequest(const QString &checkpoint, const QString &question = QStringLiteral("what shape")) const;
    QString writeModel(const QString &name, torch::jit::Module module, QJsonObject manifest);
    QJsonObject vqaManifest() const;
    ModelBackend *m_backend = nullptr;
    QTemporaryDir m_dir;
    QString m_project;
    QString m_vqa, m_retrieval, m_caption, m_tagger;
};

void TestMlExternal::initTestCase()
{
    QVERIFY(m_dir.isValid());
    DemoOptions options;
    options.images = 10;
    options.imageSize = 32;
    options.questionsPerImage = 2;
    const QString media = m_dir.filePath(QStringLiteral("images"));
    auto dataset = generateDemo(options, media);
    QVERIFY(dataset);
    m_project = m_dir.filePath(QStringLiteral("p.tandem"));
    auto store = ProjectStore::create(m_project);
    QVERIFY(store && store->importDataset(*dataset, media));
    test::writeFile(m_dir.filePath(QStringLiteral("vocab.txt")), kVocabulary.join('\n').toUtf8() + "\n");
    test::writeFile(m_dir.filePath(QStringLiteral("answers.txt")), kAnswers.join('\n').toUtf8() + "\n");
    m_vqa = writeModel(QStringLiteral("vqa"), vqaModule(), vqaManifest());
    QJsonObject retrieval = vqaManifest();
    retrieval[QStringLiteral("task")] = QStringLiteral("retrieval");
    retrieval.remove(QStringLiteral("answers"));
    retrieval[QStringLiteral("outputs")] = outputs({output("image", {"batch", "dim"}), output("text", {"batch", "dim"})});
    m_retrieval = writeModel(QStringLiteral("retrieval"), retrievalModule(), retrieval);
    QJsonObject caption = vqaManifest();
    caption[QStringLiteral("task")] = QStringLiteral("caption");
    caption.remove(QStringLiteral("answers"));
    caption[QStringLiteral("outputs")] = outputs({output("tokens", {"batch", "length"}),
                                                  output("attention", {"batch", "length", 2, 2}, "attention")});
    m_caption = writeModel(QStringLiteral("caption"), captionModule(), caption);
    test::writeFile(m_dir.filePath(QStringLiteral("tags.txt")), kTags.join('\n').toUtf8() + "\n");
    QJsonObject tagger = vqaManifest();
    tagger[QStringLiteral("task")] = QStringLiteral("tagging");
    tagger.remove(QStringLiteral("answers"));
    tagger.remove(QStringLiteral("text"));
    tagger[QStringLiteral("tags")] = QStringLiteral("tags.txt");
    tagger[QStringLiteral("outputs")] = outputs({output("scores", {"batch", "tags"})});
    m_tagger = writeModel(QStringLiteral("tagger"), taggingModule(), tagger);
    auto backend = BackendRegistry::instance().backend(QStringLiteral("torch"));
    QVERIFY2(backend, qPrintable(backend ? QString() : backend.error().toString()));
    m_backend = *backend;
}

// Every image of the project.
InferenceRequest TestMlExternal::wholeProject(const QString &checkpoint) const
{
    InferenceRequest request;
    request.project = m_project;
    request.checkpoint = checkpoint;
    request.split = QString();
    return request;
}

AskRequest TestMlExternal::askRequest(const QString &checkpoint, const QString &question) const
{
    AskRequest request;
    request.project = m_project;
    request.checkpoint = checkpoint;
    request.image = QStringLiteral("1");
    request.question = question;
    return request;
}

QJsonObject TestMlExternal::vqaManifest() const
{
    return {{QStringLiteral("format"), QStringLiteral("tandem-torchscript/1")},
            {QStringLiteral("task"), QStringLiteral("vqa")},
            {QStringLiteral("model"), QStringLiteral("vqa.pt")},
            {QStringLiteral("input"), QJsonObject{{QStringLiteral("size"), 32},
                                                  {QStringLiteral("mean"), QJsonArray{0.5, 0.5, 0.5}},
                                                  {QStringLiteral("std"), QJsonArray{0.25, 0.25, 0.25}}}},
            {QStringLiteral("text"), QJsonObject{{QStringLiteral("vocabulary"), QStringLiteral("vocab.txt")}}},
            {QStringLiteral("answers"), QStringLiteral("answers.txt")},
            {QStringLiteral("outputs"), outputs({output("logits", {"batch", "answers"}),
                                                 output("attention", {"batch", 4, 4}, "attention"),
                                                 output("features", {"batch", 3, 4, 4}, "features")})}};
}

QString TestMlExternal::writeModel(const QString &name, torch::jit::Module module, QJsonObject manifest)
{
    manifest[QStringLiteral("model")] = name + QStringLiteral(".pt");
    module.save(m_dir.filePath(name + QStringLiteral(".pt")).toStdString());
    const QString path = m_dir.filePath(name + QStringLiteral(".json"));
    test::writeFile(path, QJsonDocument(manifest).toJson());
    return path;
}

void TestMlExternal::vqaAnswersAndStoresARun()
{
    auto info = m_backend->inspect(m_vqa);
    QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
    QCOMPARE(info->task, TaskKind::Vqa);
    QVERIFY(info->summary.contains(QStringLiteral("TorchScript vqa.pt")));
    InferenceRequest request = wholeProject(m_vqa);
    request.saveAs = QStringLiteral("toy answers");
    auto result = m_backend->answer(request, nullptr);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(int(result->answers.size()), 20);
    for (const AnswerPrediction &a : result->answers) {
        QVERIFY(kAnswers.contains(a.answer));
        QVERIFY(a.score > 0 && a.score <= 1);
    }
    QVERIFY(result->runId > 0);
    auto store = ProjectStore::open(m_project);
    QCOMPARE(*store->database().scalar("SELECT count(*) FROM predictions WHERE run_id = " + std::to_string(result->runId)), qint64(20));
}

void TestMlExternal::askFlagsUnknownWords()
{
    const AskRequest request = askRequest(m_vqa, QStringLiteral("What shape is the red zebra?"));
    auto result = m_backend->ask(request);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(int(result->answers.size()), 3);
    double total = 0;
    for (const AnswerScore &a : result->answers)
        total += a.probability;
    QVERIFY(std::abs(total - 1.0) < 1e-5);
    QCOMPARE(result->unknownWords, QStringList{QStringLiteral("zebra")});
}

void TestMlExternal::attentionAndGradCam()
{
    for (ExplainMethod method : {ExplainMethod::Attention, ExplainMethod::GradCam}) {
        ExplainRequest request;
        request.project = m_project;
        request.checkpoint = m_vqa;
        request.image = QStringLiteral("2");
        request.text = QStringLiteral("what shape is the red object");
        request.method = method;
        auto result = m_backend->explain(request);
        QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
        QCOMPARE(result->gridHeight, 4);
        QCOMPARE(result->gridWidth, 4);
        QCOMPARE(int(result->maps.size()), 1);
        QVERIFY(kAnswers.contains(result->maps[0].label));
        QCOMPARE(*std::max_element(result->maps[0].weights.begin(), result->maps[0].weights.end()), 1.0f);
    }
}

void TestMlExternal::captionerWordsWithMaps()
{
    InferenceRequest request = wholeProject(m_caption);
    auto result = m_backend->caption(request, nullptr);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(int(result->captions.size()), 10);
    QCOMPARE(result->captions[0].caption, QStringLiteral("red square")); // stops at <eos>
    QCOMPARE(int(result->captions[0].attention.size()), 2);
    QCOMPARE(result->captions[0].gridHeight, 2);
    ExplainRequest explain;
    explain.project = m_project;
    explain.checkpoint = m_caption;
    explain.image = QStringLiteral("1");
    explain.target = ExplainTarget::Caption;
    auto maps = m_backend->explain(explain);
    QVERIFY2(maps, qPrintable(maps ? QString() : maps.error().toString()));
    QCOMPARE(int(maps->maps.size()), 2);
    QCOMPARE(maps->maps[1].label, QStringLiteral("square"));
}

void TestMlExternal::dualEncoderEmbedsAndRetrieves()
{
    InferenceRequest request = wholeProject(m_retrieval);
    auto embedded = m_backend->embed(request, nullptr);
    QVERIFY2(embedded, qPrintable(embedded ? QString() : embedded.error().toString()));
    QCOMPARE(embedded->dimension, 4);
    QCOMPARE(embedded->images, qint64(10));
    QVERIFY(embedded->captions > 0);
    RetrieveRequest retrieve;
    retrieve.project = m_project;
    retrieve.embeddingsRun = embedded->runId;
    retrieve.text = QStringLiteral("a red square");
    retrieve.k = 3;
    auto ranked = m_backend->retrieve(retrieve, nullptr);
    QVERIFY2(ranked, qPrintable(ranked ? QString() : ranked.error().toString()));
    QCOMPARE(int(ranked->items.size()), 3);
    QVERIFY(ranked->items[0].score >= ranked->items[2].score);
}

// Tags at or above the threshold, likeliest first, stored as suggestions that
// accepting makes the image's tags (and reopening takes away again, but never a
// tag a person had given); scored against the tags people gave.
void TestMlExternal::taggerSuggestsTagsToAccept()
{
    auto info = m_backend->inspect(m_tagger);
    QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
    QCOMPARE(info->task, TaskKind::Tagging);
    auto store = ProjectStore::open(m_project);
    QVERIFY(store->database().exec("INSERT INTO tags(name) VALUES ('shapes'), ('red')"));
    QVERIFY(store->database().exec("INSERT INTO image_tags(image_id, tag_id) SELECT 1, id FROM tags"));
    InferenceRequest request = wholeProject(m_tagger);
    request.saveAs = QStringLiteral("toy tags");
    auto result = m_backend->tag(request, nullptr);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(int(result->tags.size()), 20); // shapes and scene on each of the 10 images; night is below 0.5
    QCOMPARE(result->tags[0].tag, QStringLiteral("shapes"));
    QVERIFY(std::abs(result->tags[0].score - 1.0 / (1.0 + std::exp(-4.0))) < 1e-5);
    QCOMPARE(result->tags[1].tag, QStringLiteral("scene"));
    // Image 1 (tagged shapes, red): one of its two suggestions is right and one of its two tags found.
    QCOMPARE(result->metrics.value(QStringLiteral("tag_precision")).toDouble(), 50.0);
    QCOMPARE(result->metrics.value(QStringLiteral("tag_recall")).toDouble(), 50.0);
    QCOMPARE(result->metrics.value(QStringLiteral("images")).toInt(), 1);
    request.tagThreshold = 0.9;
    request.saveAs.clear();
    QCOMPARE(int(m_backend->tag(request, nullptr)->tags.size()), 10);
    request.tagThreshold = 0.0;
    request.maxTags = 1;
    QCOMPARE(int(m_backend->tag(request, nullptr)->tags.size()), 10);

    const auto openTags = [&](qint64 image) {
        std::vector<PredictionRecord> tags;
        auto all = predictions::forImage(*store, image, true);
        for (const PredictionRecord &p : all ? *all : std::vector<PredictionRecord>{})
            if (p.tag)
                tags.push_back(p);
        return tags;
    };
    const std::vector<PredictionRecord> suggested = openTags(2); // beside the toy VQA run's answers
    QCOMPARE(int(suggested.size()), 2);
    const PredictionRecord scene = suggested.at(1);
    QCOMPARE(scene.text, QStringLiteral("scene"));
    auto accepted = predictions::accept(*store, {scene.id});
    QVERIFY2(accepted, qPrintable(accepted ? QString() : accepted.error().toString()));
    const std::string sceneTags = "SELECT count(*) FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE t.name = 'scene'";
    QCOMPARE(*store->database().scalar(sceneTags), qint64(1));
    QVERIFY(predictions::reopen(*store, accepted->changed));
    QCOMPARE(*store->database().scalar(sceneTags), qint64(0));
    QCOMPARE(*store->database().scalar("SELECT count(*) FROM tags WHERE name = 'scene'"), qint64(0)); // no image has it
    // Image 1 had "shapes" already: accepting adds nothing, and undoing it keeps the person's tag.
    const std::vector<PredictionRecord> first = openTags(1);
    QVERIFY(!first.empty() && first.front().text == QLatin1String("shapes"));
    accepted = predictions::accept(*store, {first.front().id});
    QVERIFY(accepted && accepted->changed.size() == 1);
    QVERIFY(predictions::reopen(*store, accepted->changed));
    QCOMPARE(*store->database().scalar("SELECT count(*) FROM image_tags WHERE image_id = 1"), qint64(2));
    // Not a caption: a captioning evaluation of the run leaves its tags alone.
    QCOMPARE(*store->database().scalar("SELECT count(*) FROM captions WHERE text IN ('shapes', 'scene')"), qint64(0));
}

void TestMlExternal::cliTagsAndAccepts()
{
    auto tagged = test::runCli({QStringLiteral("tag"), m_project, QStringLiteral("--model"), m_tagger, QStringLiteral("--split"),
                                QString(), QStringLiteral("--threshold"), QStringLiteral("0.9"), QStringLiteral("--save"),
                                QStringLiteral("cli tags"), QStringLiteral("--json")});
    QVERIFY2(tagged.exitCode == 0, tagged.err.constData());
    const QJsonObject o = QJsonDocument::fromJson(tagged.out).object();
    QCOMPARE(o.value(QStringLiteral("tags")).toArray().size(), 10);
    const QString run = QString::number(o.value(QStringLiteral("run_id")).toInteger());
    auto accepted = test::runCli({QStringLiteral("accept"), m_project, QStringLiteral("--run"), run});
    QVERIFY2(accepted.exitCode == 0, accepted.err.constData());
    auto store = ProjectStore::open(m_project);
    QCOMPARE(*store->database().scalar("SELECT count(*) FROM image_tags it JOIN tags t ON t.id = it.tag_id "
                                       "WHERE t.name = 'shapes'"),
             qint64(10));
    auto refused = test::runCli({QStringLiteral("tag"), m_project, QStringLiteral("--model"), m_vqa});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("vqa model, not a tagging model"), refused.err.constData());
    auto badThreshold = test::runCli({QStringLiteral("tag"), m_project, QStringLiteral("--model"), m_tagger,
                                      QStringLiteral("--threshold"), QStringLiteral("2")});
    QCOMPARE(badThreshold.exitCode, 2);
}

void TestMlExternal::manifestErrorsNameTheField_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("format") << "format" << QJsonValue("onnx/1") << "format: expected \"tandem-torchscript/1\", found \"onnx/1\"";
    QTest::newRow("task") << "task" << QJsonValue("tagging-v2") << "task: expected one of vqa, caption, retrieval, embedding";
    QTest::newRow("model") << "model" << QJsonValue("absent.pt") << "model: no such file";
    QTest::newRow("size") << "input" << QJsonValue(QJsonObject{{"size", "big"}}) << "input.size: expected the input's size";
    QTest::newRow("mean") << "input" << QJsonValue(QJsonObject{{"size", 32}, {"mean", QJsonArray{1, 2}}}) << "input.mean: expected three numbers";
    QTest::newRow("answers") << "answers" << QJsonValue(QJsonValue::Null) << "answers: missing";
    QTest::newRow("tags") << "task" << QJsonValue("tagging") << "tags: missing";
    QTest::newRow("vocabulary") << "text" << QJsonValue(QJsonObject{{"vocabulary", "absent.txt"}}) << "text.vocabulary: cannot read";
    QTest::newRow("unknown token") << "text" << QJsonValue(QJsonObject{{"vocabulary", "vocab.txt"}, {"unknown", "[UNK]"}})
                                   << "text.unknown: the vocabulary has no token \"[UNK]\"";
    QTest::newRow("outputs") << "outputs" << QJsonValue(QJsonArray{}) << "outputs: expected a list";
    QTest::newRow("logits rank") << "outputs" << QJsonValue(outputs({output("logits", {"batch"})}))
                                 << "outputs[0].shape: a VQA model's first output is its logits";
}

void TestMlExternal::manifestErrorsNameTheField()
{
    QFETCH(QString, key);
    QFETCH(QJsonValue, value);
    QFETCH(QString, expected);
    QJsonObject manifest = vqaManifest();
    manifest[QStringLiteral("model")] = QStringLiteral("vqa.pt");
    if (value.isNull())
        manifest.remove(key);
    else
        manifest[key] = value;
    const QString path = m_dir.filePath(QStringLiteral("bad.json"));
    test::writeFile(path, QJsonDocument(manifest).toJson());
    auto read = readManifest(path);
    QVERIFY(!read);
    QCOMPARE(read.error().file, path);
    QVERIFY2(read.error().message.contains(expected), qPrintable(read.error().message));
    auto viaBackend = m_backend->inspect(path); // the Models dock's Add… says the same
    QVERIFY(!viaBackend);
    QVERIFY(viaBackend.error().message.contains(expected));
    test::writeFile(path, "{\"format\": ");
    QVERIFY(readManifest(path).error().message.contains(QStringLiteral("not a JSON manifest")));
}

void TestMlExternal::outputsThatDoNotMatchAreRefused()
{
    QJsonObject manifest = vqaManifest();
    manifest[QStringLiteral("outputs")] = outputs({output("logits", {"batch", 5}), output("attention", {"batch", 4, 4}, "attention"),
                                                   output("features", {"batch", 3, 4, 4}, "features")});
    const QString path = writeModel(QStringLiteral("wrongshape"), vqaModule(), manifest);
    AskRequest request = askRequest(path);
    auto result = m_backend->ask(request);
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(QStringLiteral("wrongshape.json: outputs[0] (\"logits\"): the manifest says [batch, 5], "
                                                            "the model returned [1, 3]")),
             qPrintable(result.error().message));
    // The answers file does not fit the model: four answers for three logits.
    test::writeFile(m_dir.filePath(QStringLiteral("answers4.txt")), "square\ncircle\nyes\nno\n");
    manifest = vqaManifest();
    manifest[QStringLiteral("answers")] = QStringLiteral("answers4.txt");
    request.checkpoint = writeModel(QStringLiteral("fouranswers"), vqaModule(), manifest);
    result = m_backend->ask(request);
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(QStringLiteral("with answers = 4, the model returned [1, 3]")), qPrintable(result.error().message));
    // One output fewer than the manifest lists.
    manifest = vqaManifest();
    QJsonArray three = manifest[QStringLiteral("outputs")].toArray();
    three.append(output("extra", {"batch"}));
    manifest[QStringLiteral("outputs")] = three;
    request.checkpoint = writeModel(QStringLiteral("extra"), vqaModule(), manifest);
    result = m_backend->ask(request);
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(QStringLiteral("the manifest lists 4 output(s) for forward(), the model returned 3")),
             qPrintable(result.error().message));
}

void TestMlExternal::fileThatIsNotTorchScript()
{
    test::writeFile(m_dir.filePath(QStringLiteral("garbage.pt")), "definitely not a zip archive");
    QJsonObject manifest = vqaManifest();
    manifest[QStringLiteral("model")] = QStringLiteral("garbage.pt");
    const QString path = m_dir.filePath(QStringLiteral("garbage.json"));
    test::writeFile(path, QJsonDocument(manifest).toJson());
    AskRequest request = askRequest(path, QStringLiteral("what"));
    auto result = m_backend->ask(request);
    QVERIFY(!result);
    QCOMPARE(result.error().file, m_dir.filePath(QStringLiteral("garbage.pt")));
    QVERIFY2(result.error().message.contains(QStringLiteral("not a TorchScript file")), qPrintable(result.error().message));
}

// A file whose format version is beyond what this LibTorch reads, as one saved
// by a newer PyTorch: the message names both versions.
void TestMlExternal::newerFileFormatNamesBothVersions()
{
    const QString newer = m_dir.filePath(QStringLiteral("newer.pt"));
    QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("vqa.pt")), newer));
    const QString script = QStringLiteral(
        "import sys, zipfile\n"
        "src = zipfile.ZipFile(sys.argv[1])\n"
        "items = [(i, src.read(i.filename)) for i in src.infolist()]\n"
        "out = zipfile.ZipFile(sys.argv[1] + '.tmp', 'w')\n"
        "for info, data in items:\n"
        "    out.writestr(info, b'99\\n' if info.filename.endswith('/version') else data)\n"
        "out.close()\n");
    QProcess python;
    python.start(QStringLiteral("python3"), {QStringLiteral("-c"), script, newer});
    if (!python.waitForFinished() || python.exitCode() != 0)
        QSKIP("python3 is needed to rewrite the archive's version record");
    QVERIFY(QFile::remove(newer) && QFile::rename(newer + QStringLiteral(".tmp"), newer));
    QJsonObject manifest = vqaManifest();
    manifest[QStringLiteral("model")] = QStringLiteral("newer.pt");
    const QString path = m_dir.filePath(QStringLiteral("newer.json"));
    test::writeFile(path, QJsonDocument(manifest).toJson());
    AskRequest request = askRequest(path, QStringLiteral("what"));
    auto result = m_backend->ask(request);
    QVERIFY(!result);
    QVERIFY2(result.error().message.contains(QStringLiteral("saved by a newer PyTorch (file format version 99)"))
                 && result.error().message.contains(QStringLiteral("LibTorch 1.")),
             qPrintable(result.error().message));
}

void TestMlExternal::wrongTaskIsAUsageError()
{
    AskRequest request = askRequest(m_caption);
    auto result = m_backend->ask(request);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ErrorKind::Usage);
    QVERIFY2(result.error().message.contains(QStringLiteral("caption model, not a vqa model")), qPrintable(result.error().message));
}

void TestMlExternal::cliAsksAnExternalModel()
{
    auto asked = test::runCli({QStringLiteral("ask"), m_project, QStringLiteral("--model"), m_vqa, QStringLiteral("--image"),
                               QStringLiteral("1"), QStringLiteral("what shape is the red object"), QStringLiteral("--json")});
    QVERIFY2(asked.exitCode == 0, asked.err.constData());
    const QJsonArray answers = QJsonDocument::fromJson(asked.out).object().value(QStringLiteral("answers")).toArray();
    QCOMPARE(answers.size(), 3);
    auto added = test::runCli({QStringLiteral("models"), m_project, QStringLiteral("--add"), m_vqa});
    QVERIFY2(added.exitCode == 0, added.err.constData());
    auto listed = test::runCli({QStringLiteral("models"), m_project, QStringLiteral("--json")});
    const QJsonObject model = QJsonDocument::fromJson(listed.out).object().value(QStringLiteral("models")).toArray().last().toObject();
    QCOMPARE(model.value(QStringLiteral("architecture")).toObject().value(QStringLiteral("external")).toString(), QStringLiteral("torchscript"));
}

QString TestMlExternal::trainTiny(const QString &fusion, const QMap<QString, QString> &options, TaskKind task)
{
    TrainRequest r;
    r.project = m_project;
    r.task = task;
    r.fusion = fusion;
    r.modelOptions = {{QStringLiteral("vision_channels"), QStringLiteral("8")}, {QStringLiteral("embed_dim"), QStringLiteral("16")},
                      {QStringLiteral("text_dim"), QStringLiteral("32")},      {QStringLiteral("fusion_hidden"), QStringLiteral("32")},
                      {QStringLiteral("fusion_dim"), QStringLiteral("32")},    {QStringLiteral("answer_hidden"), QStringLiteral("32")}};
    for (auto it = options.begin(); it != options.end(); ++it)
        if (it.key() == QLatin1String("vision")) // the encoders are request fields, not architecture keys
            r.vision = it.value();
        else if (it.key() == QLatin1String("text"))
            r.text = it.value();
        else
            r.modelOptions[it.key()] = it.value();
    r.epochs = 1;
    r.batchImages = 4;
    r.imageSize = 32;
    r.augment = false;
    r.device = QStringLiteral("cpu");
    r.threads = 1;
    r.checkpoint = m_dir.filePath(taskName(task) + fusion + QString::number(options.size()) + QStringLiteral(".ckpt"));
    auto trained = m_backend->train(r, nullptr);
    if (!trained)
        qWarning("%s", qPrintable(trained.error().toString()));
    return r.checkpoint;
}

void TestMlExternal::exportGivesTheCheckpointsAnswers_data()
{
    QTest::addColumn<QString>("fusion");
    QTest::addColumn<Options>("options");
    QTest::newRow("concat") << "concat" << Options{};
    QTest::newRow("late") << "late" << Options{};
    QTest::newRow("gmu, no appended coordinates") << "gmu" << Options{{"append_coordinates", "false"}};
    QTest::newRow("mfb") << "mfb" << Options{{"mfb_factor", "3"}};
    QTest::newRow("cross_attention") << "cross_attention" << Options{{"fusion_heads", "4"}};
    QTest::newRow("relation, two g layers") << "relation" << Options{{"relation_layers", "2"}};
    QTest::newRow("resnet, film") << "film" << Options{{"vision", "resnet"}, {"vision_stages", "3"}};
    QTest::newRow("transformer, cross_attention") << "cross_attention" << Options{{"text", "transformer"}, {"text_layers", "2"}};
    QTest::newRow("transformer with [CLS], concat") << "concat" << Options{{"text", "transformer"}, {"text_pooling", "cls"}};
    QTest::newRow("film, context, CoordConv, two GRU layers")
        << "film" << Options{{"film_blocks", "2"}, {"film_context", "true"}, {"coordinate_channels", "true"}, {"text_layers", "2"}};
    QTest::newRow("film, gate, pixel path, CoordConv")
        << "film" << Options{{"film_gate", "true"}, {"pixel_channels", "8"}, {"coordinate_channels", "true"}};
    QTest::newRow("film, attention, three blocks, max-pooled GRU")
        << "film" << Options{{"film_blocks", "3"}, {"film_attention", "true"}, {"text_pooling", "max"}};
    QTest::newRow("film, attention, relative offsets, gate, three blocks")
        << "film" << Options{{"film_blocks", "3"}, {"film_attention", "true"}, {"film_relative", "true"}, {"film_gate", "true"}};
    QTest::newRow("film, offsets between object positions, pixel path")
        << "film" << Options{{"film_attention", "true"}, {"film_relative", "true"}, {"pixel_channels", "4"}, {"object_positions", "true"}};
    QTest::newRow("max-pooled transformer, mfb") << "mfb" << Options{{"text", "transformer"}, {"text_pooling", "max"}};
}

// The exported model, loaded back into Tandem, answers as the checkpoint does
// (to 1e-5), and loaded into PyTorch (Debian's python3-torch) gives the
// logits LibTorch gives.
void TestMlExternal::exportGivesTheCheckpointsAnswers()
{
    QFETCH(QString, fusion);
    QFETCH(Options, options);
    const QString checkpoint = trainTiny(fusion, options);
    QVERIFY(QFileInfo::exists(checkpoint));
    if (options.contains(QStringLiteral("object_positions")))
        randomiseParameter(checkpoint, "vision.pixel.score.weight");
    const QString folder = m_dir.filePath(QStringLiteral("exported"));
    auto exported = m_backend->exportTorchScript(checkpoint, folder);
    QVERIFY2(exported, qPrintable(exported ? QString() : exported.error().toString()));
    QCOMPARE(exported->files.size(), 4);
    for (const QString &question : {QStringLiteral("What shape is the red object?"), QStringLiteral("How many objects are there?")}) {
        for (const QString &image : {QStringLiteral("1"), QStringLiteral("4")}) {
            AskRequest request = askRequest(checkpoint, question);
            request.image = image;
            request.k = 50;
            auto ours = m_backend->ask(request);
            request.checkpoint = exported->manifest;
            auto theirs = m_backend->ask(request);
            QVERIFY2(ours, qPrintable(ours ? QString() : ours.error().toString()));
            QVERIFY2(theirs, qPrintable(theirs ? QString() : theirs.error().toString()));
            QCOMPARE(theirs->answers.size(), ours->answers.size());
            for (size_t i = 0; i < ours->answers.size(); ++i) {
                QCOMPARE(theirs->answers[i].answer, ours->answers[i].answer);
                QVERIFY(std::abs(theirs->answers[i].probability - ours->answers[i].probability) < 1e-5);
            }
        }
    }
    // The fusions that attend export their map too: the same as the checkpoint's.
    if (fusion == QLatin1String("mfb") || fusion == QLatin1String("cross_attention") || fusion == QLatin1String("relation")) {
        ExplainRequest explain;
        explain.project = m_project;
        explain.image = QStringLiteral("2");
        explain.text = QStringLiteral("What shape is the red object?");
        explain.checkpoint = checkpoint;
        auto ours = m_backend->explain(explain);
        explain.checkpoint = exported->manifest;
        auto theirs = m_backend->explain(explain);
        QVERIFY2(ours, qPrintable(ours ? QString() : ours.error().toString()));
        QVERIFY2(theirs, qPrintable(theirs ? QString() : theirs.error().toString()));
        QCOMPARE(theirs->gridHeight, ours->gridHeight);
        QCOMPARE(theirs->maps[0].weights.size(), ours->maps[0].weights.size());
        for (size_t i = 0; i < ours->maps[0].weights.size(); ++i)
            QVERIFY(std::abs(theirs->maps[0].weights[i] - ours->maps[0].weights[i]) < 1e-5);
    }
    // PyTorch: the same file on the same inputs.
    try {
        checkInPython(folder + QLatin1Char('/') + QFileInfo(checkpoint).completeBaseName() + QStringLiteral(".pt"));
    } catch (const std::exception &e) {
        QFAIL(e.what());
    }
}

void TestMlExternal::checkInPython(const QString &modelFile)
{
    torch::jit::Module model = torch::jit::load(modelFile.toStdString());
    torch::manual_seed(5);
    torch::jit::Module inputs("Inputs");
    inputs.register_buffer("images", torch::rand({2, 3, 32, 32}));
    inputs.register_buffer("tokens", torch::randint(0, 8, {2, 6}, at::kLong));
    inputs.register_buffer("lengths", torch::tensor({6, 2}, at::kLong));
    inputs.register_buffer("expected", model.forward({inputs.attr("images"), inputs.attr("tokens"), inputs.attr("lengths")})
                                           .toTupleRef().elements()[0].toTensor().detach());
    const QString inputsFile = m_dir.filePath(QStringLiteral("inputs.pt"));
    inputs.save(inputsFile.toStdString());
    const QString script = QStringLiteral(
        "import sys, torch\n"
        "m = torch.jit.load(sys.argv[1]); i = torch.jit.load(sys.argv[2])\n"
        "d = (m(i.images, i.tokens, i.lengths)[0] - i.expected).abs().max().item()\n"
        "print(d); sys.exit(0 if d <= 1e-5 else 1)\n");
    const QString python = QFileInfo::exists(QStringLiteral("/usr/bin/python3")) ? QStringLiteral("/usr/bin/python3") : QStringLiteral("python3");
    QProcess check;
    check.start(python, {QStringLiteral("-c"), QStringLiteral("import torch")});
    if (!check.waitForFinished() || check.exitCode() != 0)
        QSKIP("Debian's python3-torch is needed for the PyTorch half (scripts/tandem.sh installs it)");
    check.start(python, {QStringLiteral("-c"), script, modelFile, inputsFile});
    QVERIFY(check.waitForFinished(60000));
    QVERIFY2(check.exitCode() == 0, (check.readAllStandardOutput() + check.readAllStandardError()).constData());
}

// A retrieval model exported: the same images for a text, with the same
// cosines (to 1e-5), whether the checkpoint or the TorchScript file ranks them.
void TestMlExternal::exportedDualEncoderRanksAlike()
{
    const QString checkpoint = trainTiny(QString(), {{QStringLiteral("retrieval_dim"), QStringLiteral("16")}}, TaskKind::Retrieval);
    auto exported = m_backend->exportTorchScript(checkpoint, m_dir.filePath(QStringLiteral("exported-retrieval")));
    QVERIFY2(exported, qPrintable(exported ? QString() : exported.error().toString()));
    QCOMPARE(exported->files.size(), 3); // no answers file
    RetrieveRequest request;
    request.project = m_project;
    request.split = QString();
    request.text = QStringLiteral("a red square and a blue circle");
    request.k = 5;
    request.checkpoint = checkpoint;
    auto ours = m_backend->retrieve(request, nullptr);
    request.checkpoint = exported->manifest;
    auto theirs = m_backend->retrieve(request, nullptr);
    QVERIFY2(ours, qPrintable(ours ? QString() : ours.error().toString()));
    QVERIFY2(theirs, qPrintable(theirs ? QString() : theirs.error().toString()));
    QCOMPARE(theirs->items.size(), ours->items.size());
    for (size_t i = 0; i < ours->items.size(); ++i) {
        QCOMPARE(theirs->items[i].id, ours->items[i].id);
        QVERIFY(std::abs(theirs->items[i].score - ours->items[i].score) < 1e-5);
    }
}

// A captioner exported: the same greedy captions and word maps (to 1e-5).
void TestMlExternal::exportedCaptionerWritesAlike()
{
    const QString checkpoint = trainTiny(QString(), {{QStringLiteral("decoder_dim"), QStringLiteral("32")},
                                                     {QStringLiteral("attention_dim"), QStringLiteral("16")}}, TaskKind::Caption);
    auto exported = m_backend->exportTorchScript(checkpoint, m_dir.filePath(QStringLiteral("exported-captioner")));
    QVERIFY2(exported, qPrintable(exported ? QString() : exported.error().toString()));
    InferenceRequest request = wholeProject(checkpoint);
    request.beam = 1; // the export decodes greedily
    auto ours = m_backend->caption(request, nullptr);
    request.checkpoint = exported->manifest;
    auto theirs = m_backend->caption(request, nullptr);
    QVERIFY2(ours, qPrintable(ours ? QString() : ours.error().toString()));
    QVERIFY2(theirs, qPrintable(theirs ? QString() : theirs.error().toString()));
    QCOMPARE(theirs->captions.size(), ours->captions.size());
    for (size_t i = 0; i < ours->captions.size(); ++i) {
        QCOMPARE(theirs->captions[i].caption, ours->captions[i].caption);
        QCOMPARE(theirs->captions[i].attention.size(), ours->captions[i].attention.size());
        for (size_t w = 0; w < ours->captions[i].attention.size(); ++w)
            for (size_t r = 0; r < ours->captions[i].attention[w].size(); ++r) // scaled to their maximum either way
                QVERIFY(std::abs(theirs->captions[i].attention[w][r] / *std::max_element(theirs->captions[i].attention[w].begin(), theirs->captions[i].attention[w].end())
                                 - ours->captions[i].attention[w][r] / *std::max_element(ours->captions[i].attention[w].begin(), ours->captions[i].attention[w].end()))
                        < 1e-5);
    }
}

void TestMlExternal::exportRefusesWhatItCannotWrite()
{
    auto again = m_backend->exportTorchScript(m_vqa, m_dir.filePath(QStringLiteral("again")));
    QVERIFY(!again);
    QCOMPARE(again.error().kind, ErrorKind::Usage);
    QVERIFY(again.error().message.contains(QStringLiteral("already a TorchScript model")));
    const QString bogus = m_dir.filePath(QStringLiteral("bogus.ckpt"));
    test::writeFile(bogus, "not a checkpoint");
    auto refused = m_backend->exportTorchScript(bogus, m_dir.filePath(QStringLiteral("bogus")));
    QVERIFY(!refused);
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("bogus"))));
}

QTEST_GUILESS_MAIN(TestMlExternal)
#include "test_ml_external.moc"
