#include "trainstate.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/Generator.h>

#include <QJsonDocument>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace tandem::backend {

std::string captureRng()
{
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    const at::Tensor state = generator.get_state().contiguous();
    return QByteArray(reinterpret_cast<const char *>(state.data_ptr<uint8_t>()), int(state.numel())).toHex().toStdString();
}

void restoreRng(const std::string &hex)
{
    if (hex.empty())
        return;
    const QByteArray bytes = QByteArray::fromHex(QByteArray::fromStdString(hex));
    at::Tensor state = at::empty({bytes.size()}, at::kByte);
    std::memcpy(state.data_ptr<uint8_t>(), bytes.constData(), size_t(bytes.size()));
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
}

ml::Attachments makeAttachments(const TextCodec &codec, const TrainState &state)
{
    const QJsonObject json{{QStringLiteral("epoch"), qint64(state.epoch)},
                           {QStringLiteral("batch"), qint64(state.batch)},
                           {QStringLiteral("step"), qint64(state.step)},
                           {QStringLiteral("loss_sum"), state.lossSum},
                           {QStringLiteral("loss_count"), qint64(state.lossCount)},
                           {QStringLiteral("seed"), QString::number(state.seed)},
                           {QStringLiteral("run_id"), state.runId},
                           {QStringLiteral("epochs"), state.epochs},
                           {QStringLiteral("curve"), state.curve},
                           {QStringLiteral("seconds"), state.seconds},
                           {QStringLiteral("best_epoch"), state.bestEpoch},
                           {QStringLiteral("best_value"), state.bestValue},
                           {QStringLiteral("rng"), QString::fromStdString(state.rng)}};
    return {{"vocabulary", codec.vocabulary.toText()},
            {"answers", codec.labels.toText()},
            {"preprocess", "image_size=" + std::to_string(state.imageSize)},
            {"train_state", QJsonDocument(json).toJson(QJsonDocument::Compact).toStdString()}};
}

int imageSizeFromAttachments(const ml::Attachments &attachments, int fallback)
{
    const auto it = attachments.find("preprocess");
    if (it == attachments.end() || it->second.rfind("image_size=", 0) != 0)
        return fallback;
    const int size = std::atoi(it->second.c_str() + 11);
    return size > 0 ? size : fallback;
}

Expected<TextCodec> codecFromAttachments(const ml::Attachments &attachments, const QString &file)
{
    const auto vocabulary = attachments.find("vocabulary");
    if (vocabulary == attachments.end())
        return Error::input(QStringLiteral("the checkpoint has no vocabulary; it was not written by 'tandem-cli train'"), file);
    auto words = ml::Vocabulary::fromText(vocabulary->second);
    if (!words)
        return Error::input(QStringLiteral("unreadable vocabulary: %1").arg(QString::fromStdString(words.error())), file);
    TextCodec codec{words.value(), {}};
    if (const auto answers = attachments.find("answers"); answers != attachments.end()) {
        auto labels = ml::LabelSet::fromText(answers->second);
        if (!labels)
            return Error::input(QStringLiteral("unreadable answer list: %1").arg(QString::fromStdString(labels.error())), file);
        codec.labels = labels.value();
    }
    return codec;
}

Expected<TrainState> stateFromAttachments(const ml::Attachments &attachments, const QString &file)
{
    const auto it = attachments.find("train_state");
    if (it == attachments.end())
        return Error::input(QStringLiteral("the checkpoint has no training state to resume from"), file);
    const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(it->second)).object();
    TrainState state;
    state.epoch = o.value(QLatin1String("epoch")).toInteger();
    state.batch = o.value(QLatin1String("batch")).toInteger();
    state.step = o.value(QLatin1String("step")).toInteger();
    state.lossSum = o.value(QLatin1String("loss_sum")).toDouble();
    state.lossCount = o.value(QLatin1String("loss_count")).toInteger();
    state.seed = o.value(QLatin1String("seed")).toString().toULongLong();
    state.runId = o.value(QLatin1String("run_id")).toInteger();
    state.epochs = o.value(QLatin1String("epochs")).toArray();
    state.curve = o.value(QLatin1String("curve")).toArray();
    state.seconds = o.value(QLatin1String("seconds")).toDouble();
    state.bestEpoch = o.value(QLatin1String("best_epoch")).toInt();
    state.bestValue = o.value(QLatin1String("best_value")).toDouble();
    state.rng = o.value(QLatin1String("rng")).toString().toStdString();
    state.imageSize = imageSizeFromAttachments(attachments, 64);
    return state;
}

} // namespace tandem::backend
