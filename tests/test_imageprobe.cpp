// Image probe: real tiny images written at test time, and the ways image files
// go wrong (missing, empty, cut short, not images at all).
#include "data/imageprobe.h"
#include "testsupport.h"

#include <QTest>
#include <opencv2/imgcodecs.hpp>

#include <atomic>
#include <random>

using namespace tandem;

namespace {

QByteArray encoded(const char *extension, int width, int height)
{
    cv::Mat image(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 7), uchar(y * 11), uchar((x + y) * 5));
    std::vector<uchar> bytes;
    if (!cv::imencode(extension, image, bytes))
        throw std::runtime_error(std::string("cannot encode ") + extension);
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
}

// The classic 1×1 GIF, with its logical screen (the image size) set to width × height.
QByteArray gif(int width, int height)
{
    QByteArray bytes("GIF89a");
    for (int v : {width, height})
        bytes += char(v & 0xFF), bytes += char(v >> 8);
    bytes += QByteArray("\x80\x00\x00" "\x00\x00\x00\xFF\xFF\xFF" // 2-colour table
                        "\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00" // one 1×1 frame at 0,0
                        "\x02\x02\x44\x01\x00" ";", 25);           // LZW data, trailer
    return bytes;
}

QByteArray randomBytes(int count)
{
    std::mt19937 rng(12345);
    QByteArray bytes(count, '\0');
    for (char &b : bytes)
        b = char(rng() & 0xFF);
    return bytes;
}

// A JPEG whose SOF lies past the probe's first read, behind a 20 KB APP1 segment.
QByteArray jpegWithBigExif()
{
    const QByteArray jpeg = encoded(".jpg", 41, 29);
    const int length = 20000;
    QByteArray app1("\xFF\xE1", 2);
    app1 += char(length >> 8), app1 += char(length & 0xFF);
    app1 += QByteArray(length - 2, 'e');
    return jpeg.left(2) + app1 + jpeg.mid(2);
}

QByteArray corruptedPng()
{
    QByteArray png = encoded(".png", 37, 23);
    const qsizetype data = png.indexOf("IDAT") + 4;
    for (int i = 2; i < 10; ++i) // past the zlib header: the CRC no longer matches
        png[data + i] = char(png[data + i] ^ 0x5A);
    return png;
}

} // namespace

class TestImageProbe : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void probes_data();
    void probes();
    void probesManyInOrder();
    void cancelLeavesUnchecked();

private:
    QString writeCase(const QString &name, const QByteArray &bytes, bool exists)
    {
        const QString path = m_dir.filePath(name);
        if (exists)
            test::writeFile(path, bytes);
        return path;
    }

    QTemporaryDir m_dir;
    QStringList m_paths; // every case's file, for the parallel probe
    std::vector<ImageFlag> m_flags;
};

void TestImageProbe::probes_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("exists");
    QTest::addColumn<int>("flag");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("decoded");
    const int ok = int(ImageFlag::Ok), cut = int(ImageFlag::Truncated), bad = int(ImageFlag::NotImage);
    const QByteArray png = encoded(".png", 37, 23), jpeg = encoded(".jpg", 41, 29), bmp = encoded(".bmp", 13, 11);
    const QByteArray webp = encoded(".webp", 17, 9), tiff = encoded(".tiff", 19, 7);
    QTest::newRow("png") << png << true << ok << 37 << 23 << ok;
    QTest::newRow("jpeg") << jpeg << true << ok << 41 << 29 << ok;
    QTest::newRow("bmp") << bmp << true << ok << 13 << 11 << ok;
    QTest::newRow("gif") << gif(5, 3) << true << ok << 5 << 3 << ok;
    QTest::newRow("webp") << webp << true << ok << 17 << 9 << ok;
    QTest::newRow("tiff") << tiff << true << ok << 19 << 7 << ok;
    QTest::newRow("jpeg with big exif") << jpegWithBigExif() << true << ok << 41 << 29 << ok;
    QTest::newRow("jpeg with padding") << jpeg + QByteArray("\0\0\r\n", 4) << true << ok << 41 << 29 << ok;
    QTest::newRow("truncated jpeg") << jpeg.left(jpeg.size() / 2) << true << cut << 41 << 29 << cut;
    QTest::newRow("truncated png") << png.left(png.size() / 2) << true << cut << 37 << 23 << cut;
    QTest::newRow("png without IEND") << png.chopped(12) << true << cut << 37 << 23 << cut;
    QTest::newRow("truncated gif") << gif(5, 3).chopped(1) << true << cut << 5 << 3 << cut;
    QTest::newRow("truncated bmp") << bmp.left(bmp.size() / 2) << true << cut << 13 << 11 << cut;
    QTest::newRow("truncated webp") << webp.left(webp.size() / 2) << true << cut << 17 << 9 << cut;
    QTest::newRow("corrupt png data") << corruptedPng() << true << ok << 37 << 23 << bad;
    QTest::newRow("text named jpg") << QByteArray("just some text\n") << true << bad << 0 << 0 << bad;
    QTest::newRow("text starting BM") << QByteArray("BMW owners club minutes, 2019\n") << true << bad << 0 << 0 << bad;
    QTest::newRow("random bytes") << randomBytes(2000) << true << bad << 0 << 0 << bad;
    QTest::newRow("empty") << QByteArray() << true << int(ImageFlag::Empty) << 0 << 0 << int(ImageFlag::Empty);
    QTest::newRow("missing") << QByteArray() << false << int(ImageFlag::Missing) << 0 << 0 << int(ImageFlag::Missing);
}

void TestImageProbe::probes()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, exists);
    QFETCH(int, flag);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(int, decoded);
    const QString path = writeCase(QString::fromLatin1(QTest::currentDataTag()) + QStringLiteral(".jpg"), bytes, exists);
    int w = -1, h = -1;
    QString detail;
    QCOMPARE(int(probeImage(path, &w, &h, &detail)), flag);
    QCOMPARE(w, width);
    QCOMPARE(h, height);
    QCOMPARE(detail.isEmpty(), flag == int(ImageFlag::Ok));
    QString decodeDetail;
    QCOMPARE(int(decodeCheck(path, &decodeDetail)), decoded);
    QCOMPARE(decodeDetail.isEmpty(), decoded == int(ImageFlag::Ok));
    m_paths << path;
    m_flags.push_back(ImageFlag(flag));
}

void TestImageProbe::probesManyInOrder()
{
    QStringList paths;
    std::vector<ImageFlag> flags;
    for (int round = 0; round < 60; ++round) // more than one batch
        paths << m_paths, flags.insert(flags.end(), m_flags.begin(), m_flags.end());
    std::atomic<qint64> lastDone{-1};
    const auto results = probeImages(paths, Progress([&](qint64 done, qint64, const QString &) { lastDone = done; }));
    QCOMPARE(int(results.size()), int(paths.size()));
    QCOMPARE(qint64(lastDone), qint64(paths.size()));
    for (size_t i = 0; i < results.size(); ++i) {
        int w = 0, h = 0;
        QCOMPARE(results[i].flag, flags[i]);
        probeImage(paths[int(i)], &w, &h);
        QCOMPARE(results[i].width, w);
        QCOMPARE(results[i].height, h);
    }
}

void TestImageProbe::cancelLeavesUnchecked()
{
    std::atomic_bool cancel{true};
    const auto results = probeImages(m_paths, Progress({}, &cancel));
    QCOMPARE(int(results.size()), int(m_paths.size()));
    for (const ProbeResult &r : results)
        QCOMPARE(r.flag, ImageFlag::Unchecked);
}

QTEST_GUILESS_MAIN(TestImageProbe)
#include "test_imageprobe.moc"
