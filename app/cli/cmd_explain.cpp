// ask, explain, accept: one image and a model (the top answers to a question,
// where the model looks), and turning a run's suggestions into labels.
#include "commands.h"
#include "train/trainsettings.h"
#include "modelcli.h"

#include "data/imagequery.h"
#include "data/projectstore.h"
#include "data/runstore.h"
#include "explain/heatmap.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <functional>

namespace tandem::cli {

namespace {

void declareImageQuery(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addOption({QStringLiteral("model"), QStringLiteral("The checkpoint written by 'train'."), QStringLiteral("file")});
    p.addOption({QStringLiteral("image"), QStringLiteral("A project image id or name."), QStringLiteral("id-or-name")});
    p.addOption({QStringLiteral("device"), QStringLiteral("auto, cpu or cuda (default auto)."), QStringLiteral("device"), QStringLiteral("auto")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("CPU threads (default: every core)."), QStringLiteral("n")});
    p.addOption({QStringLiteral("repeat"), QStringLiteral("Time N more calls in this process: median, p90 and max in ms."), QStringLiteral("n")});
    p.addOption({QStringLiteral("warmup"), QStringLiteral("Untimed calls before those N (default 2)."), QStringLiteral("n"), QStringLiteral("2")});
}

// --repeat: the backend call timed in-process, as the GUI waits for it (no
// process start, no plugin load), with the model kept between calls.
struct TimingOptions {
    int repeat = 0;          // 0: one call, not reported
    int warmup = 2;
};

struct Timing {
    std::vector<double> ms;  // the repeated calls
    double firstMs = 0;      // the first call, loading the model
    double newImageMs = -1;  // ask: the image again after another one (encoded anew); -1 when not measured
};

int parseImageQuery(QCommandLineParser &p, const QString &command, ImageRequest &q, TimingOptions &t)
{
    q.project = p.positionalArguments().value(0);
    q.checkpoint = p.value(QStringLiteral("model"));
    q.image = p.value(QStringLiteral("image"));
    q.device = p.value(QStringLiteral("device"));
    if (q.checkpoint.isEmpty() || q.image.isEmpty())
        return usageError(QStringLiteral("expected one project path, --model FILE and --image ID"), command);
    if (!readInt(p, QStringLiteral("threads"), 0, &q.threads) || !readInt(p, QStringLiteral("repeat"), 1, &t.repeat)
        || !readInt(p, QStringLiteral("warmup"), 0, &t.warmup))
        return usageError(QStringLiteral("--threads, --repeat and --warmup need whole numbers (--repeat >= 1)"), command);
    return ExitOk;
}

double msSince(const QElapsedTimer &clock)
{
    return double(clock.nsecsElapsed()) / 1e6;
}

// call(image) once; with --repeat, warm-up and timed calls after it, keeping
// the last result. otherImage(id), when given, names an image to call on
// before one more timed call on `image`, so that it is encoded anew.
template <typename Call>
auto timedCalls(const TimingOptions &o, const QString &image, Timing &timing, Call &&call,
                const std::function<QString(qint64)> &otherImage = {}) -> decltype(call(image))
{
    QElapsedTimer clock;
    clock.start();
    auto result = call(image);
    timing.firstMs = msSince(clock);
    if (!result || o.repeat == 0)
        return result;
    if (const QString other = otherImage ? otherImage(result->imageId) : QString(); !other.isEmpty() && call(other)) {
        clock.restart();
        result = call(image);
        timing.newImageMs = msSince(clock);
    }
    for (int i = 0; result && i < o.warmup + o.repeat; ++i) {
        clock.restart();
        result = call(image);
        if (i >= o.warmup)
            timing.ms.push_back(msSince(clock));
    }
    return result;
}

// A usable image of the project other than `id`; "" when there is none.
QString anotherImage(const QString &project, qint64 id)
{
    auto store = ProjectStore::open(project);
    if (!store)
        return {};
    ImageQuery query;
    query.flags = FlagFilter::Usable;
    const auto images = queryImages(*store, query);
    if (images)
        for (qint64 other : images->ids)
            if (other != id)
                return QString::number(other);
    return {};
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double> &sorted, double p)
{
    const size_t rank = size_t(std::ceil(p * double(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

QJsonObject timingJson(const Timing &t, const TimingOptions &options)
{
    std::vector<double> s = t.ms;
    std::sort(s.begin(), s.end());
    const size_t n = s.size();
    QJsonObject json{{QStringLiteral("calls"), qint64(n)}, {QStringLiteral("warmup"), options.warmup},
                     {QStringLiteral("first_ms"), t.firstMs},
                     {QStringLiteral("median_ms"), n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2},
                     {QStringLiteral("p90_ms"), percentile(s, 0.9)}, {QStringLiteral("max_ms"), s.back()}};
    if (t.newImageMs >= 0)
        json[QStringLiteral("new_image_ms")] = t.newImageMs;
    return json;
}

QString timingText(const QJsonObject &t)
{
    QString line = QStringLiteral("timing: %1 calls, median %2 ms, p90 %3 ms, max %4 ms; first call %5 ms (loads the model)")
                       .arg(t.value(QStringLiteral("calls")).toInt())
                       .arg(t.value(QStringLiteral("median_ms")).toDouble(), 0, 'f', 2)
                       .arg(t.value(QStringLiteral("p90_ms")).toDouble(), 0, 'f', 2)
                       .arg(t.value(QStringLiteral("max_ms")).toDouble(), 0, 'f', 2)
                       .arg(t.value(QStringLiteral("first_ms")).toDouble(), 0, 'f', 1);
    if (t.contains(QStringLiteral("new_image_ms")))
        line += QStringLiteral(", a new image %1 ms").arg(t.value(QStringLiteral("new_image_ms")).toDouble(), 0, 'f', 2);
    return line;
}

QJsonArray numbers(const std::vector<float> &values)
{
    QJsonArray array;
    for (float v : values)
        array.append(double(v));
    return array;
}

QJsonObject explainJson(const ExplainResult &r)
{
    QJsonArray maps;
    for (const ExplainMap &m : r.maps)
        maps.append(QJsonObject{{QStringLiteral("label"), m.label}, {QStringLiteral("score"), m.score},
                                {QStringLiteral("weights"), numbers(m.weights)}});
    return {{QStringLiteral("image_id"), r.imageId}, {QStringLiteral("summary"), r.summary},
            {QStringLiteral("grid_height"), r.gridHeight}, {QStringLiteral("grid_width"), r.gridWidth},
            {QStringLiteral("words"), QJsonArray::fromStringList(r.words)},
            {QStringLiteral("word_weights"), numbers(r.wordWeights)}, {QStringLiteral("maps"), maps},
            {QStringLiteral("device"), r.device}};
}

// map.png for one map; map-01-red.png, map-02-circle.png ... for a caption's words.
QString mapPath(const QString &out, size_t index, size_t count, const QString &label)
{
    if (count == 1)
        return out;
    const QFileInfo info(out);
    QString word = label;
    word.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]")), QStringLiteral("_"));
    return info.path() + QLatin1Char('/') + info.completeBaseName()
           + QStringLiteral("-%1-%2.").arg(index + 1, 2, 10, QLatin1Char('0')).arg(word) + info.suffix();
}

Expected<QStringList> writeMaps(const ExplainResult &r, const QString &out, double opacity)
{
    QImageReader reader(r.imagePath);
    const QImage image = reader.read();
    if (image.isNull())
        return Error::input(QStringLiteral("cannot decode the image: %1").arg(reader.errorString()), r.imagePath);
    QStringList written;
    for (size_t i = 0; i < r.maps.size(); ++i) {
        const QString path = mapPath(out, i, r.maps.size(), r.maps[i].label);
        if (!explain::blendMap(image, r.maps[i].weights, r.gridHeight, r.gridWidth, opacity).save(path, "PNG"))
            return Error::io(QStringLiteral("cannot write the map"), path);
        written << path;
    }
    return written;
}

} // namespace

void declareAsk(QCommandLineParser &p)
{
    declareImageQuery(p);
    p.addPositionalArgument(QStringLiteral("question"), QStringLiteral("The question, in quotes."));
    p.addOption({QStringLiteral("k"), QStringLiteral("How many answers (default 5)."), QStringLiteral("n"), QStringLiteral("5")});
    addCommonOptions(p, true, false);
}

int runAsk(QCommandLineParser &p)
{
    AskRequest request;
    const QString cmd = QStringLiteral("ask");
    if (p.positionalArguments().size() != 2)
        return usageError(QStringLiteral("expected a project path and a question"), cmd);
    TimingOptions timing;
    if (const int code = parseImageQuery(p, cmd, request, timing); code != ExitOk)
        return code;
    request.question = p.positionalArguments().value(1);
    if (!readInt(p, QStringLiteral("k"), 1, &request.k))
        return usageError(QStringLiteral("--k needs a number >= 1"), cmd);
    Timing times;
    auto result = runModelJob(true, [&](ModelBackend *backend, TrainObserver &) {
        // Typing a question: the image stays encoded and each call re-reads only the question.
        return timedCalls(timing, request.image, times, [&](const QString &image) {
            AskRequest r = request;
            r.image = image;
            return backend->ask(r);
        }, [&](qint64 id) { return anotherImage(request.project, id); });
    });
    if (!result)
        return fail(result.error());
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray answers;
        for (const AnswerScore &a : result->answers)
            answers.append(QJsonObject{{QStringLiteral("answer"), a.answer}, {QStringLiteral("probability"), a.probability}});
        QJsonObject o{{QStringLiteral("image_id"), result->imageId}, {QStringLiteral("question"), request.question},
                      {QStringLiteral("answers"), answers}, {QStringLiteral("words"), QJsonArray::fromStringList(result->words)},
                      {QStringLiteral("unknown_words"), QJsonArray::fromStringList(result->unknownWords)},
                      {QStringLiteral("device"), result->device}};
        if (timing.repeat > 0)
            o[QStringLiteral("timing")] = timingJson(times, timing);
        printJson(o);
        return ExitOk;
    }
    for (const AnswerScore &a : result->answers)
        out(QStringLiteral("%1%  %2").arg(100.0 * a.probability, 6, 'f', 2).arg(a.answer));
    if (!result->unknownWords.isEmpty())
        out(QStringLiteral("words the model does not know: %1").arg(result->unknownWords.join(QStringLiteral(", "))));
    if (timing.repeat > 0)
        out(timingText(timingJson(times, timing)));
    return ExitOk;
}

void declareExplain(QCommandLineParser &p)
{
    declareImageQuery(p);
    p.addOption({QStringLiteral("question"), QStringLiteral("VQA: explain the answer to this question."), QStringLiteral("text")});
    p.addOption({QStringLiteral("caption"), QStringLiteral("Captioner: the map of every word of its caption.")});
    p.addOption({QStringLiteral("text"), QStringLiteral("Retrieval: explain the image's score against this text."), QStringLiteral("text")});
    p.addOption({QStringLiteral("method"), QStringLiteral("attention, gradcam, hirescam, gradient, occlusion or occlusion-features (VQA)\n"
                                                        "(default: attention, gradcam for --text)."), QStringLiteral("method")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Write the map over the image as PNG (a caption: one file per word)."), QStringLiteral("file")});
    p.addOption({QStringLiteral("opacity"), QStringLiteral("Of the map over the image, 0..1 (default 0.6)."), QStringLiteral("x"), QStringLiteral("0.6")});
    addCommonOptions(p, true, false);
}

int runExplain(QCommandLineParser &p)
{
    ExplainRequest request;
    const QString cmd = QStringLiteral("explain");
    if (p.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one project path"), cmd);
    TimingOptions timing;
    if (const int code = parseImageQuery(p, cmd, request, timing); code != ExitOk)
        return code;
    const int targets = int(p.isSet(QStringLiteral("question"))) + int(p.isSet(QStringLiteral("caption"))) + int(p.isSet(QStringLiteral("text")));
    if (targets != 1)
        return usageError(QStringLiteral("give one of --question TEXT, --caption or --text TEXT"), cmd);
    request.target = p.isSet(QStringLiteral("question")) ? ExplainTarget::Question
                     : p.isSet(QStringLiteral("caption")) ? ExplainTarget::Caption : ExplainTarget::Text;
    request.text = p.value(request.target == ExplainTarget::Question ? QStringLiteral("question") : QStringLiteral("text"));
    const QString method = p.value(QStringLiteral("method"));
    const auto parsed = method.isEmpty() ? std::optional<ExplainMethod>() : parseExplainMethod(method);
    if (!method.isEmpty() && !parsed)
        return usageError(QStringLiteral("--method must be one of: ") + explainMethodNames(), cmd);
    request.method = parsed ? *parsed : request.target == ExplainTarget::Text ? ExplainMethod::GradCam : ExplainMethod::Attention;
    bool ok = false;
    const double opacity = p.value(QStringLiteral("opacity")).toDouble(&ok);
    if (!ok || opacity < 0 || opacity > 1)
        return usageError(QStringLiteral("--opacity must be between 0 and 1"), cmd);
    if (!p.isSet(QStringLiteral("out")) && !p.isSet(QStringLiteral("json")) && timing.repeat == 0)
        return usageError(QStringLiteral("say where the map goes: --out map.png, or --json for the raw weights"), cmd);
    Timing times;
    // Each call decodes and encodes the image again: what selecting an image costs.
    auto result = runModelJob(true, [&](ModelBackend *backend, TrainObserver &) {
        return timedCalls(timing, request.image, times, [&](const QString &) { return backend->explain(request); });
    });
    if (!result)
        return fail(result.error());
    QStringList written;
    if (p.isSet(QStringLiteral("out"))) {
        auto files = writeMaps(*result, p.value(QStringLiteral("out")), opacity);
        if (!files)
            return fail(files.error());
        written = *files;
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonObject o = explainJson(*result);
        o[QStringLiteral("files")] = QJsonArray::fromStringList(written);
        if (timing.repeat > 0)
            o[QStringLiteral("timing")] = timingJson(times, timing);
        printJson(o);
        return ExitOk;
    }
    out(result->summary);
    for (const QString &file : written)
        out(QStringLiteral("wrote %1").arg(file));
    if (timing.repeat > 0)
        out(timingText(timingJson(times, timing)));
    return ExitOk;
}

void declareAccept(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("project"), QStringLiteral("The project file."));
    p.addOption({QStringLiteral("run"), QStringLiteral("The run whose predictions become labels."), QStringLiteral("run-id")});
    p.addOption({QStringLiteral("min-score"), QStringLiteral("Only predictions scoring at least this (default: all)."), QStringLiteral("x")});
    addCommonOptions(p, true, false);
}

int runAccept(QCommandLineParser &p)
{
    const QString cmd = QStringLiteral("accept");
    int run = 0;
    if (p.positionalArguments().size() != 1 || !p.isSet(QStringLiteral("run")) || !readInt(p, QStringLiteral("run"), 1, &run))
        return usageError(QStringLiteral("expected one project path and --run N"), cmd);
    double minScore = -1e300;
    if (p.isSet(QStringLiteral("min-score"))) {
        bool ok = false;
        minScore = p.value(QStringLiteral("min-score")).toDouble(&ok);
        if (!ok)
            return usageError(QStringLiteral("--min-score needs a number"), cmd);
    }
    auto store = ProjectStore::open(p.positionalArguments().first());
    if (!store)
        return fail(store.error());
    if (auto exists = runs::get(*store, run); !exists)
        return fail(exists.error());
    auto ids = predictions::openIds(*store, run, minScore);
    if (!ids)
        return fail(ids.error());
    auto change = predictions::accept(*store, *ids);
    if (!change)
        return fail(change.error());
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("run_id"), run}, {QStringLiteral("accepted"), qint64(change->changed.size())},
                   {QStringLiteral("images"), qint64(change->images.size())},
                   {QStringLiteral("skipped"), QJsonArray::fromStringList(change->skipped)}});
        return ExitOk;
    }
    out(QStringLiteral("Accepted %1 suggestions of run %2 on %3 images").arg(change->changed.size()).arg(run).arg(change->images.size()));
    for (const QString &why : change->skipped)
        out(QStringLiteral("  skipped: %1").arg(why));
    return ExitOk;
}

} // namespace tandem::cli
