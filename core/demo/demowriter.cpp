// Renders Sort-of-CLEVR scenes with OpenCV and writes the demo dataset to disk,
// rendering, encoding and writing images in parallel.
#include "sortofclevr_p.h"

#include <QDir>
#include <QFile>
#include <QtConcurrent/QtConcurrentMap>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace tandem {

namespace {

constexpr int kBatch = 256; // images between progress reports and cancel checks

void renderBgr(const DemoScene &scene, cv::Mat &image)
{
    image.create(scene.imageSize, scene.imageSize, CV_8UC3);
    image.setTo(cv::Scalar(255, 255, 255));
    const int half = scene.objectSize / 2;
    const int edges = scene.palette == DemoPalette::Pure ? cv::LINE_8 : cv::LINE_AA;
    for (const DemoObject &o : scene.objects) {
        const auto rgb = demoColorRgb(o.color, scene.palette);
        const cv::Scalar bgr(rgb[2], rgb[1], rgb[0]);
        if (o.shape == DemoShape::Square)
            cv::rectangle(image, {o.x - half, o.y - half}, {o.x + half, o.y + half}, bgr, cv::FILLED, edges);
        else
            cv::circle(image, {o.x, o.y}, half, bgr, cv::FILLED, edges);
    }
}

// One image's work: what the worker produced, or why it failed.
struct Slot {
    int index = 0;
    DemoSample sample;
    QString error;
    bool written = false;
};

void produce(const DemoOptions &options, const QDir &folder, Slot &slot)
{
    slot.sample = generateDemoSample(options, slot.index);
    const QString path = folder.filePath(demoImageName(slot.index));
    const QByteArray png = encodeDemoPng(slot.sample.scene);
    if (png.isEmpty()) {
        slot.error = QStringLiteral("cannot encode %1").arg(path);
        return;
    }
    QFile file(path);
    slot.written = file.open(QIODevice::WriteOnly); // from here on the file is ours to remove
    if (!slot.written || file.write(png) != png.size() || !file.flush())
        slot.error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
}

// Leaves the folder as it was: removes images [0, finished) and the batch's.
void removeWritten(const QDir &folder, int finished, const std::vector<Slot> &batch)
{
    for (int i = 0; i < finished; ++i)
        QFile::remove(folder.filePath(demoImageName(i)));
    for (const Slot &slot : batch)
        if (slot.written)
            QFile::remove(folder.filePath(demoImageName(slot.index)));
}

void append(Dataset &dataset, const DemoOptions &options, const std::string &split, Slot &slot)
{
    const size_t image = dataset.images.size();
    DatasetImage entry;
    entry.name = demoImageName(slot.index).toStdString();
    entry.extId = std::to_string(slot.index);
    entry.width = entry.height = options.imageSize;
    entry.split = split;
    dataset.images.push_back(std::move(entry));
    for (std::string &text : slot.sample.captions)
        dataset.captions.push_back({image, std::move(text), std::to_string(dataset.captions.size())});
    for (DemoQuestion &q : slot.sample.questions) {
        DatasetQuestion question{image, std::move(q.text), std::to_string(dataset.questions.size()),
                                 q.type, q.answerType, q.answer, {{q.answer, "yes"}}};
        dataset.questions.push_back(std::move(question));
    }
    // One region per object, the pixels it is drawn on (centre pixel +- objectSize / 2):
    // what the pointing game scores explanation maps against.
    const DemoScene &scene = slot.sample.scene;
    const int half = scene.objectSize / 2;
    for (const DemoObject &o : scene.objects)
        dataset.regions.push_back({image, double(o.x - half), double(o.y - half), double(scene.objectSize),
                                   double(scene.objectSize), demodetail::describe(o)});
}

} // namespace

std::vector<std::uint8_t> renderDemoScene(const DemoScene &scene)
{
    cv::Mat bgr, rgb;
    renderBgr(scene, bgr);
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return std::vector<std::uint8_t>(rgb.data, rgb.data + rgb.total() * rgb.elemSize());
}

QByteArray encodeDemoPng(const DemoScene &scene)
{
    // Reused by each worker thread: fresh 48 KB buffers per image cost more in
    // page faults (glibc returns freed memory to the system) than the encoding.
    thread_local cv::Mat canvas;
    thread_local std::vector<uchar> bytes;
    try {
        renderBgr(scene, canvas);
        // No parameters on purpose: OpenCV's default is its speed setting (zlib
        // level 1, RLE, the SUB filter only), 2-3x faster here than naming level 1,
        // which also makes libpng try every row filter. Flat colours compress well.
        cv::imencode(".png", canvas, bytes);
    } catch (const cv::Exception &) {
        return {};
    }
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
}

Expected<Dataset> generateDemo(const DemoOptions &options, const QString &outputFolder, const Progress &progress)
{
    if (Status valid = validateDemoOptions(options); !valid)
        return valid.error();
    const QDir folder(outputFolder);
    if (!QDir().mkpath(outputFolder))
        return Error::io(QStringLiteral("cannot create the folder"), outputFolder);

    const std::vector<std::string> splits = assignDemoSplits(options);
    Dataset dataset;
    dataset.images.reserve(size_t(options.images));
    const QString stage = QStringLiteral("Generating demo images");
    progress.report(0, options.images, stage);
    for (int start = 0; start < options.images; start += kBatch) {
        if (progress.cancelled()) {
            removeWritten(folder, start, {});
            return Error::cancelled();
        }
        std::vector<Slot> batch(size_t(std::min(kBatch, options.images - start)));
        for (size_t k = 0; k < batch.size(); ++k)
            batch[k].index = start + int(k);
        QtConcurrent::blockingMap(batch, [&](Slot &slot) { produce(options, folder, slot); });
        for (Slot &slot : batch) {
            if (!slot.error.isEmpty()) {
                removeWritten(folder, start, batch);
                return Error::io(slot.error, outputFolder);
            }
            append(dataset, options, splits[size_t(slot.index)], slot);
        }
        progress.report(start + int(batch.size()), options.images, stage);
    }
    return dataset;
}

} // namespace tandem
