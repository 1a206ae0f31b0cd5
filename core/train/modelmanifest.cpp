#include "train/modelmanifest.h"

#include "formats/textfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace tandem {

namespace {

constexpr const char *kFormat = "tandem-torchscript/1";
const QStringList kTaskNames{QStringLiteral("vqa"), QStringLiteral("caption"), QStringLiteral("retrieval"),
                             QStringLiteral("embedding"), QStringLiteral("tagging")}; // ManifestTask's order

// Reads one manifest, keeping the file for its errors.
class ManifestReader {
public:
    explicit ManifestReader(const QString &path) { m.file = path; }
    Expected<ModelManifest> read();

private:
    Error error(const QString &field, const QString &message) const
    {
        return Error::input(QStringLiteral("%1: %2").arg(field, message), m.file);
    }
    QString resolve(const QString &relative) const { return QFileInfo(m.file).dir().absoluteFilePath(relative); }
    Status readTask(const QJsonObject &root);
    Status readTags(const QJsonObject &root);
    Status readInput(const QJsonObject &input);
    Status readText(const QJsonObject &text);
    Expected<QStringList> readLines(const QString &field, const QString &file) const;
    // The lines of the file `field` names ("missing: WHO names the file of its FIELD" without one).
    Expected<QStringList> namedLines(const QJsonObject &root, const QString &field, const QString &who) const
    {
        const QString file = root.value(field).toString();
        if (file.isEmpty())
            return error(field, QStringLiteral("missing: %1 names the file of its %2").arg(who, field));
        return readLines(field, file);
    }
    Status readOutputs(const QJsonValue &outputs);
    Expected<std::array<double, 3>> triple(const QJsonObject &parent, const QString &field, const QString &key,
                                           double fallback) const;

    ModelManifest m;
};

Expected<ModelManifest> ManifestReader::read()
{
    QFile file(m.file);
    if (!file.open(QIODevice::ReadOnly))
        return Error::input(QStringLiteral("cannot read the manifest: %1").arg(file.errorString()), m.file);
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError)
        return Error::input(QStringLiteral("not a JSON manifest: %1 at byte %2").arg(parse.errorString()).arg(parse.offset), m.file);
    if (!doc.isObject())
        return Error::input(QStringLiteral("not a manifest: expected a JSON object"), m.file);
    const QJsonObject root = doc.object();
    const QJsonValue format = root.value(QLatin1String("format"));
    if (format.toString() != QLatin1String(kFormat))
        return error(QStringLiteral("format"), QStringLiteral("expected \"%1\", found %2")
                                                   .arg(QLatin1String(kFormat),
                                                        format.isUndefined() ? QStringLiteral("nothing")
                                                                             : QLatin1Char('"') + format.toVariant().toString() + QLatin1Char('"')));
    if (auto s = readTask(root); !s)
        return s.error();
    if (auto s = readInput(root.value(QLatin1String("input")).toObject()); !s)
        return s.error();
    if (m.hasText()) {
        if (!root.value(QLatin1String("text")).isObject())
            return error(QStringLiteral("text"), QStringLiteral("missing: a %1 model reads text, so the manifest names its vocabulary")
                                                     .arg(manifestTaskName(m.task)));
        if (auto s = readText(root.value(QLatin1String("text")).toObject()); !s)
            return s.error();
    }
    if (m.task == ManifestTask::Vqa) {
        auto lines = namedLines(root, QStringLiteral("answers"), QStringLiteral("a VQA model"));
        if (!lines)
            return lines.error();
        m.answers = *lines;
    }
    if (m.task == ManifestTask::Tagging)
        if (auto s = readTags(root); !s)
            return s.error();
    if (auto s = readOutputs(root.value(QLatin1String("outputs"))); !s)
        return s.error();
    return m;
}

Status ManifestReader::readTags(const QJsonObject &root)
{
    auto lines = namedLines(root, QStringLiteral("tags"), QStringLiteral("a tagging model"));
    if (!lines)
        return lines.error();
    m.tags = *lines;
    const QString scores = root.value(QLatin1String("scores")).toString(QStringLiteral("logits"));
    if (scores != QLatin1String("logits") && scores != QLatin1String("probabilities"))
        return error(QStringLiteral("scores"), QStringLiteral("expected \"logits\" (a sigmoid makes them probabilities) or "
                                                              "\"probabilities\", found \"%1\"").arg(scores));
    m.tagLogits = scores == QLatin1String("logits");
    return {};
}

Status ManifestReader::readTask(const QJsonObject &root)
{
    const QString task = root.value(QLatin1String("task")).toString();
    const int index = int(kTaskNames.indexOf(task));
    if (index < 0)
        return error(QStringLiteral("task"), QStringLiteral("expected one of %1, found \"%2\"")
                                                 .arg(kTaskNames.join(QStringLiteral(", ")), task));
    m.task = ManifestTask(index);
    const QString model = root.value(QLatin1String("model")).toString();
    if (model.isEmpty())
        return error(QStringLiteral("model"), QStringLiteral("missing: the TorchScript file, relative to the manifest"));
    m.model = resolve(model);
    if (!QFileInfo(m.model).isFile())
        return error(QStringLiteral("model"), QStringLiteral("no such file: %1").arg(m.model));
    return {};
}

Expected<std::array<double, 3>> ManifestReader::triple(const QJsonObject &parent, const QString &field,
                                                       const QString &key, double fallback) const
{
    const QJsonValue value = parent.value(key);
    if (value.isUndefined())
        return std::array<double, 3>{fallback, fallback, fallback};
    const QJsonArray list = value.toArray();
    if (list.size() != 3 || !list[0].isDouble() || !list[1].isDouble() || !list[2].isDouble())
        return error(field, QStringLiteral("expected three numbers, one per colour channel"));
    return std::array<double, 3>{list[0].toDouble(), list[1].toDouble(), list[2].toDouble()};
}

Status ManifestReader::readInput(const QJsonObject &input)
{
    const QJsonValue size = input.value(QLatin1String("size"));
    if (size.isDouble()) {
        m.width = m.height = size.toInt();
    } else if (size.isArray() && size.toArray().size() == 2) {
        m.width = size.toArray()[0].toInt();
        m.height = size.toArray()[1].toInt();
    } else {
        return error(QStringLiteral("input.size"), QStringLiteral("expected the input's size in pixels: a number or [width, height]"));
    }
    if (m.width < 8 || m.height < 8 || m.width > 4096 || m.height > 4096)
        return error(QStringLiteral("input.size"), QStringLiteral("expected 8 to 4096 pixels, found %1 x %2").arg(m.width).arg(m.height));
    auto mean = triple(input, QStringLiteral("input.mean"), QStringLiteral("mean"), 0);
    if (!mean)
        return mean.error();
    auto std = triple(input, QStringLiteral("input.std"), QStringLiteral("std"), 1);
    if (!std)
        return std.error();
    for (double s : *std)
        if (s <= 0)
            return error(QStringLiteral("input.std"), QStringLiteral("expected numbers above 0"));
    m.mean = *mean;
    m.std = *std;
    const QString colors = input.value(QLatin1String("colors")).toString(QStringLiteral("rgb"));
    if (colors != QLatin1String("rgb") && colors != QLatin1String("bgr"))
        return error(QStringLiteral("input.colors"), QStringLiteral("expected \"rgb\" or \"bgr\", found \"%1\"").arg(colors));
    m.bgr = colors == QLatin1String("bgr");
    return {};
}

Expected<QStringList> ManifestReader::readLines(const QString &field, const QString &relative) const
{
    const QString path = resolve(relative);
    auto text = formats::readTextFile(path);
    if (!text)
        return error(field, QStringLiteral("cannot read %1: %2").arg(path, text.error().message));
    QStringList lines = QString::fromUtf8(text->utf8).split(QLatin1Char('\n'));
    for (QString &line : lines)
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
    while (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (lines.isEmpty())
        return error(field, QStringLiteral("%1 is empty").arg(path));
    return lines;
}

Status ManifestReader::readText(const QJsonObject &text)
{
    const QString vocabulary = text.value(QLatin1String("vocabulary")).toString();
    if (vocabulary.isEmpty())
        return error(QStringLiteral("text.vocabulary"), QStringLiteral("missing: the file with one token a line"));
    auto lines = readLines(QStringLiteral("text.vocabulary"), vocabulary);
    if (!lines)
        return lines.error();
    m.vocabulary = *lines;
    m.lowercase = text.value(QLatin1String("lowercase")).toBool(true);
    const QString tokenizer = text.value(QLatin1String("tokenizer")).toString(QStringLiteral("words"));
    if (tokenizer != QLatin1String("words") && tokenizer != QLatin1String("tandem"))
        return error(QStringLiteral("text.tokenizer"), QStringLiteral("expected \"words\" or \"tandem\", found \"%1\"").arg(tokenizer));
    m.tandemTokenizer = tokenizer == QLatin1String("tandem");
    m.start = text.value(QLatin1String("start")).toString();
    if (!m.start.isEmpty() && !m.vocabulary.contains(m.start))
        return error(QStringLiteral("text.start"), QStringLiteral("the vocabulary has no token \"%1\"").arg(m.start));
    m.maxLength = text.value(QLatin1String("max_length")).toInt(32);
    if (m.maxLength < 1 || m.maxLength > 4096)
        return error(QStringLiteral("text.max_length"), QStringLiteral("expected 1 to 4096 tokens"));
    const std::pair<const char *, QString *> tokens[] = {{"pad", &m.pad}, {"unknown", &m.unknown}, {"end", &m.end}};
    for (const auto &[key, target] : tokens) {
        *target = text.value(QLatin1String(key)).toString(*target);
        const bool needed = QLatin1String(key) != QLatin1String("end") || m.task == ManifestTask::Caption;
        if (needed && !m.vocabulary.contains(*target))
            return error(QStringLiteral("text.%1").arg(QLatin1String(key)),
                         QStringLiteral("the vocabulary has no token \"%1\"").arg(*target));
    }
    return {};
}

Status ManifestReader::readOutputs(const QJsonValue &outputs)
{
    if (!outputs.isArray() || outputs.toArray().isEmpty())
        return error(QStringLiteral("outputs"), QStringLiteral("expected a list of {\"name\", \"shape\"}: what the model returns, in order"));
    const QJsonArray list = outputs.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString field = QStringLiteral("outputs[%1]").arg(i);
        const QJsonObject o = list[i].toObject();
        ManifestOutput out;
        out.name = o.value(QLatin1String("name")).toString();
        if (out.name.isEmpty())
            return error(field + QStringLiteral(".name"), QStringLiteral("missing"));
        const QJsonArray shape = o.value(QLatin1String("shape")).toArray();
        if (shape.isEmpty())
            return error(field + QStringLiteral(".shape"), QStringLiteral("expected a list of sizes: numbers or names such as \"batch\""));
        for (const QJsonValue &d : shape) {
            if (d.isDouble() && d.toDouble() >= 1 && d.toDouble() == double(d.toInteger()))
                out.shape.emplace_back(d.toInteger());
            else if (d.isString() && !d.toString().isEmpty())
                out.shape.emplace_back(d.toString());
            else
                return error(field + QStringLiteral(".shape"), QStringLiteral("expected sizes of at least 1 or names"));
        }
        out.attention = o.value(QLatin1String("attention")).toBool(false);
        out.features = o.value(QLatin1String("features")).toBool(false);
        m.outputs.push_back(out);
    }
    const std::vector<ManifestOutput> &o = m.outputs;
    const auto rank = [&](size_t i) { return o[i].shape.size(); };
    switch (m.task) {
    case ManifestTask::Vqa:
        if (rank(0) != 2)
            return error(QStringLiteral("outputs[0].shape"), QStringLiteral("a VQA model's first output is its logits: [batch, answers]"));
        break;
    case ManifestTask::Caption:
        if (rank(0) != 2)
            return error(QStringLiteral("outputs[0].shape"), QStringLiteral("a captioner's first output is its tokens: [batch, length]"));
        break;
    case ManifestTask::Retrieval:
        if (o.size() != 2 || rank(0) != 2 || rank(1) != 2)
            return error(QStringLiteral("outputs"), QStringLiteral("a retrieval model lists two outputs: the image embedding "
                                                                  "[batch, dim] (encode_image) and the text embedding [batch, dim] (encode_text)"));
        break;
    case ManifestTask::Embedding:
        if (rank(0) != 2)
            return error(QStringLiteral("outputs[0].shape"), QStringLiteral("an embedding model's output is [batch, dim]"));
        break;
    case ManifestTask::Tagging:
        if (rank(0) != 2)
            return error(QStringLiteral("outputs[0].shape"), QStringLiteral("a tagging model's first output is a score per tag: [batch, tags]"));
        break;
    }
    for (size_t i = 0; i < o.size(); ++i) {
        const size_t wanted = m.task == ManifestTask::Caption ? 4 : 3;
        if (o[i].attention && rank(i) != wanted)
            return error(QStringLiteral("outputs[%1].shape").arg(i),
                         QStringLiteral("an attention output is [batch, %1h, w]").arg(m.task == ManifestTask::Caption ? QStringLiteral("length, ") : QString()));
        if (o[i].features && rank(i) != 4)
            return error(QStringLiteral("outputs[%1].shape").arg(i), QStringLiteral("a features output is [batch, channels, h, w]"));
    }
    return {};
}

} // namespace

QString manifestTaskName(ManifestTask task) { return kTaskNames.value(int(task)); }

TaskKind taskKindOf(ManifestTask task)
{
    switch (task) {
    case ManifestTask::Vqa:
        return TaskKind::Vqa;
    case ManifestTask::Caption:
        return TaskKind::Caption;
    case ManifestTask::Tagging:
        return TaskKind::Tagging;
    case ManifestTask::Retrieval:
    case ManifestTask::Embedding:
        break;
    }
    return TaskKind::Retrieval;
}

int ModelManifest::outputIndex(bool attention, bool features) const
{
    for (size_t i = 0; i < outputs.size(); ++i)
        if ((attention && outputs[i].attention) || (features && outputs[i].features))
            return int(i);
    return -1;
}

qint64 ModelManifest::tokenId(const QString &token) const
{
    const qsizetype id = vocabulary.indexOf(token);
    return id >= 0 ? id : vocabulary.indexOf(unknown);
}

bool isManifestPath(const QString &path)
{
    return path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
}

Expected<ModelManifest> readManifest(const QString &path)
{
    if (!QFileInfo(path).isFile())
        return Error::input(QStringLiteral("no such manifest"), path);
    return ManifestReader(path).read();
}

QString shapeText(const std::vector<std::variant<qint64, QString>> &shape)
{
    QStringList parts;
    for (const auto &d : shape)
        parts << (std::holds_alternative<qint64>(d) ? QString::number(std::get<qint64>(d)) : std::get<QString>(d));
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

QString shapeText(const std::vector<qint64> &sizes)
{
    QStringList parts;
    for (qint64 s : sizes)
        parts << QString::number(s);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

Status checkOutputShape(const ModelManifest &manifest, int index, const std::vector<qint64> &sizes, QJsonObject &known)
{
    const ManifestOutput &out = manifest.outputs[size_t(index)];
    const auto mismatch = [&] {
        return Error::input(QStringLiteral("outputs[%1] (\"%2\"): the manifest says %3, the model returned %4")
                                .arg(index).arg(out.name, shapeText(out.shape), shapeText(sizes)),
                            manifest.file);
    };
    if (sizes.size() != out.shape.size())
        return mismatch();
    for (size_t d = 0; d < sizes.size(); ++d) {
        if (std::holds_alternative<qint64>(out.shape[d])) {
            if (std::get<qint64>(out.shape[d]) != sizes[d])
                return mismatch();
            continue;
        }
        const QString name = std::get<QString>(out.shape[d]);
        if (!known.contains(name))
            known[name] = sizes[d];
        else if (known.value(name).toInteger() != sizes[d])
            return Error::input(QStringLiteral("outputs[%1] (\"%2\"): the manifest says %3 with %4 = %5, the model returned %6")
                                    .arg(index).arg(out.name, shapeText(out.shape), name)
                                    .arg(known.value(name).toInteger()).arg(shapeText(sizes)),
                                manifest.file);
    }
    return {};
}

} // namespace tandem
