// Image probe: signature, size and truncation from a file's first and last
// bytes. Format notes are next to each reader; offsets are from the file start.
#include "imageprobe.h"

#include <QFile>
#include <QImage>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <opencv2/imgcodecs.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <numeric>

namespace tandem {

namespace {

enum class Format { Unknown, Jpeg, Png, Gif, Bmp, Webp, Tiff };

constexpr int kHeadBytes = 4096;        // every header but JPEG's and TIFF's fits
constexpr int kTailBytes = 64;          // end markers, after tolerated padding
constexpr qint64 kJpegScanLimit = 1 << 20; // SOFn follows EXIF/ICC segments, rarely far
constexpr int kJpegMaxSegments = 1000;     // bounds the work on a crafted file

// Random access to a file, the first kHeadBytes kept in memory so that most
// probes cost one read for the head and one for the tail.
class FileBytes {
public:
    explicit FileBytes(QFile &file) : m_file(file), m_size(file.size()), m_head(file.read(kHeadBytes)) {}

    qint64 size() const { return m_size; }
    const QByteArray &head() const { return m_head; }

    // Up to n bytes at offset (fewer at the end of the file).
    QByteArray at(qint64 offset, int n)
    {
        if (offset < 0 || offset >= m_size)
            return {};
        if (offset + n <= m_head.size())
            return m_head.mid(int(offset), n);
        return m_file.seek(offset) ? m_file.read(n) : QByteArray();
    }

private:
    QFile &m_file;
    qint64 m_size;
    QByteArray m_head;
};

// Integers at `at` in `bytes`; 0 when out of range.
quint32 readUInt(const QByteArray &bytes, qint64 at, int count, bool bigEndian)
{
    if (at < 0 || at + count > bytes.size())
        return 0;
    quint32 value = 0;
    for (int i = 0; i < count; ++i) {
        const int k = bigEndian ? i : count - 1 - i;
        value = (value << 8) | quint8(bytes[int(at) + k]);
    }
    return value;
}
quint32 be16(const QByteArray &b, qint64 at) { return readUInt(b, at, 2, true); }
quint32 be32(const QByteArray &b, qint64 at) { return readUInt(b, at, 4, true); }
quint32 le16(const QByteArray &b, qint64 at) { return readUInt(b, at, 2, false); }
quint32 le24(const QByteArray &b, qint64 at) { return readUInt(b, at, 3, false); }
quint32 le32(const QByteArray &b, qint64 at) { return readUInt(b, at, 4, false); }

bool startsWith(const QByteArray &bytes, qint64 at, const char *text, int length)
{
    return at >= 0 && at + length <= bytes.size() && memcmp(bytes.constData() + at, text, size_t(length)) == 0;
}

Format detectFormat(const QByteArray &h)
{
    if (startsWith(h, 0, "\xFF\xD8\xFF", 3))
        return Format::Jpeg;
    if (startsWith(h, 0, "\x89PNG\r\n\x1A\n", 8))
        return Format::Png;
    if (startsWith(h, 0, "GIF87a", 6) || startsWith(h, 0, "GIF89a", 6))
        return Format::Gif;
    if (startsWith(h, 0, "RIFF", 4) && startsWith(h, 8, "WEBP", 4))
        return Format::Webp;
    if (startsWith(h, 0, "II*\0", 4) || startsWith(h, 0, "MM\0*", 4))
        return Format::Tiff;
    // "BM" alone is too common at the start of a text file: require a known DIB header size.
    const quint32 dib = le32(h, 14);
    if (startsWith(h, 0, "BM", 2) && (dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 || dib == 124))
        return Format::Bmp;
    return Format::Unknown;
}

struct Size {
    int width = 0;
    int height = 0;
};

Size clampedSize(qint64 width, qint64 height)
{
    if (width <= 0 || height <= 0 || width > 1'000'000'000 || height > 1'000'000'000)
        return {};
    return {int(width), int(height)};
}

// JPEG: segments FF xx [length BE16 including itself]; the size is in the
// first SOFn (C0–CF except C4 DHT, C8 JPG, CC DAC): FF Cn len precision height width.
Size jpegSize(FileBytes &file)
{
    qint64 pos = 2;
    for (int segments = 0; pos < kJpegScanLimit && segments < kJpegMaxSegments; ++segments) {
        const QByteArray segment = file.at(pos, 9);
        if (segment.size() < 4 || quint8(segment[0]) != 0xFF)
            return {};
        const quint8 marker = quint8(segment[1]);
        if (marker == 0xFF) { // fill byte before a marker
            ++pos;
            continue;
        }
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof)
            return clampedSize(be16(segment, 7), be16(segment, 5));
        if (marker == 0xD9 || marker == 0xDA) // end of image, start of scan: no SOF before the data
            return {};
        const bool standalone = (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01;
        if (!standalone && be16(segment, 2) < 2) // a length counts its own two bytes
            return {};
        pos += standalone ? 2 : 2 + be16(segment, 2);
    }
    return {};
}

// TIFF: byte order, 42, offset of the first IFD; IFD = count (16 bit) then
// 12-byte entries: tag, type (3 SHORT, 4 LONG), count, value. 256 width, 257 height.
Size tiffSize(FileBytes &file)
{
    const QByteArray &h = file.head();
    const bool big = h[0] == 'M';
    const qint64 ifd = readUInt(h, 4, 4, big);
    const int entries = int(readUInt(file.at(ifd, 2), 0, 2, big));
    const QByteArray table = file.at(ifd + 2, 12 * std::min(entries, 1024));
    qint64 width = 0, height = 0;
    for (int i = 0; i < table.size() / 12; ++i) {
        const int at = 12 * i;
        const quint32 tag = readUInt(table, at, 2, big);
        const quint32 type = readUInt(table, at + 2, 2, big);
        const quint32 value = type == 3 ? readUInt(table, at + 8, 2, big) : readUInt(table, at + 8, 4, big);
        if (tag == 256)
            width = value;
        else if (tag == 257)
            height = value;
    }
    return clampedSize(width, height);
}

// WEBP: RIFF size "WEBP", then a chunk: "VP8 " (lossy: frame tag, 9D 01 2A, 14-bit
// sizes), "VP8L" (lossless: 0x2F, then 14 bits width-1, 14 bits height-1) or
// "VP8X" (extended: 24-bit canvas width-1 and height-1).
Size webpSize(const QByteArray &h)
{
    if (startsWith(h, 12, "VP8 ", 4) && startsWith(h, 23, "\x9D\x01\x2A", 3))
        return clampedSize(le16(h, 26) & 0x3FFF, le16(h, 28) & 0x3FFF);
    if (startsWith(h, 12, "VP8L", 4) && h.size() > 24 && quint8(h[20]) == 0x2F) {
        const quint32 bits = le32(h, 21);
        return clampedSize((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    if (startsWith(h, 12, "VP8X", 4) && h.size() >= 30)
        return clampedSize(qint64(le24(h, 24)) + 1, qint64(le24(h, 27)) + 1);
    return {};
}

Size imageSize(Format format, FileBytes &file)
{
    const QByteArray &h = file.head();
    switch (format) {
    case Format::Png: // signature, IHDR chunk: length, "IHDR", width BE32, height BE32
        return startsWith(h, 12, "IHDR", 4) ? clampedSize(be32(h, 16), be32(h, 20)) : Size{};
    case Format::Gif: // "GIF89a", logical screen width LE16, height LE16
        return clampedSize(le16(h, 6), le16(h, 8));
    case Format::Bmp: { // "BM", file size, reserved, data offset, DIB header (12: 16-bit sizes)
        if (le32(h, 14) == 12)
            return clampedSize(le16(h, 18), le16(h, 20));
        return clampedSize(qint32(le32(h, 18)), std::abs(qint64(qint32(le32(h, 22)))));
    }
    case Format::Webp:
        return webpSize(h);
    case Format::Jpeg:
        return jpegSize(file);
    case Format::Tiff:
        return tiffSize(file);
    case Format::Unknown:
        break;
    }
    return {};
}

// The last bytes with trailing padding (NUL, whitespace) removed.
QByteArray unpaddedTail(FileBytes &file)
{
    const qint64 start = std::max<qint64>(0, file.size() - kTailBytes);
    QByteArray tail = file.at(start, int(file.size() - start));
    while (!tail.isEmpty() && (tail.back() == '\0' || tail.back() == ' ' || tail.back() == '\n'
                               || tail.back() == '\r' || tail.back() == '\t'))
        tail.chop(1);
    return tail;
}

// Why a file of a known format ends early; empty when it looks complete.
QString truncation(Format format, FileBytes &file)
{
    const QByteArray &h = file.head();
    switch (format) {
    case Format::Jpeg:
        return unpaddedTail(file).endsWith("\xFF\xD9") ? QString()
                                                       : QStringLiteral("JPEG without its end marker (FFD9): the file ends early");
    case Format::Png:
        return unpaddedTail(file).endsWith(QByteArray("\0\0\0\0IEND\xAE\x42\x60\x82", 12))
            ? QString() : QStringLiteral("PNG without its IEND chunk: the file ends early");
    case Format::Gif:
        return unpaddedTail(file).endsWith(';') ? QString()
                                                : QStringLiteral("GIF without its trailer (3B): the file ends early");
    case Format::Bmp: // declared file size (0 is allowed) and pixel data offset
        return le32(h, 2) > file.size() || le32(h, 10) >= file.size()
            ? QStringLiteral("BMP shorter than its header says: %1 bytes").arg(file.size()) : QString();
    case Format::Webp: // RIFF payload size + 8
        return qint64(le32(h, 4)) + 8 > file.size()
            ? QStringLiteral("WEBP shorter than its RIFF header says: %1 bytes").arg(file.size()) : QString();
    case Format::Tiff: {
        const qint64 ifd = readUInt(h, 4, 4, h[0] == 'M');
        return ifd + 2 > file.size() ? QStringLiteral("TIFF whose directory lies past the end of the file") : QString();
    }
    case Format::Unknown:
        break;
    }
    return {};
}

struct Probed {
    ProbeResult result;
    Format format = Format::Unknown;
};

Probed probe(const QString &path)
{
    Probed p;
    // One open() decides "missing" with a single syscall: QFile::exists() and
    // QFile::open() would each stat the file first (100k+ files per import).
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        p.result.flag = ImageFlag::Missing;
        p.result.detail = errno == ENOENT ? QStringLiteral("no such file")
                                          : QStringLiteral("cannot open: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return p;
    }
    QFile file;
    file.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle);
    if (file.size() == 0) {
        p.result.flag = ImageFlag::Empty;
        p.result.detail = QStringLiteral("the file is empty (0 bytes)");
        return p;
    }
    FileBytes bytes(file);
    p.format = detectFormat(bytes.head());
    if (p.format == Format::Unknown) {
        p.result.flag = ImageFlag::NotImage;
        p.result.detail = QStringLiteral("not a JPEG, PNG, GIF, BMP, WEBP or TIFF file");
        return p;
    }
    const Size size = imageSize(p.format, bytes);
    p.result.width = size.width;
    p.result.height = size.height;
    p.result.detail = truncation(p.format, bytes);
    p.result.flag = p.result.detail.isEmpty() ? ImageFlag::Ok : ImageFlag::Truncated;
    return p;
}

// Full decode. OpenCV 4.6 has no GIF reader: Qt's does that one.
bool decodes(Format format, const QByteArray &data)
{
    if (format == Format::Gif)
        return !QImage::fromData(data, "GIF").isNull();
    try {
        const cv::Mat buffer(1, int(data.size()), CV_8U, const_cast<char *>(data.constData()));
        return !cv::imdecode(buffer, cv::IMREAD_UNCHANGED).empty();
    } catch (const cv::Exception &) {
        return false;
    }
}

} // namespace

ImageFlag probeImage(const QString &path, int *width, int *height, QString *detail)
{
    const ProbeResult result = probe(path).result;
    if (width)
        *width = result.width;
    if (height)
        *height = result.height;
    if (detail)
        *detail = result.detail;
    return result.flag;
}

// The probe, then a full decode of the files the probe finds sound.
static ProbeResult decoded(const QString &path)
{
    Probed p = probe(path);
    if (p.result.flag == ImageFlag::Ok) {
        QFile file(path);
        const bool ok = file.open(QIODevice::ReadOnly) && decodes(p.format, file.readAll());
        if (!ok) {
            p.result.flag = ImageFlag::NotImage;
            p.result.detail = QStringLiteral("the decoder refuses the image data");
        }
    }
    return p.result;
}

ImageFlag decodeCheck(const QString &path, QString *detail)
{
    const ProbeResult result = decoded(path);
    if (detail)
        *detail = result.detail;
    return result.flag;
}

// Runs `check` over every path on a pool in batches, reporting progress and
// stopping early on cancel (the rest stay Unchecked).
template <typename Check>
static std::vector<ProbeResult> checkAll(const QStringList &paths, const Progress &progress, const QString &stage,
                                         Check check)
{
    constexpr int kBatch = 512; // paths between progress reports and cancel checks
    QThreadPool pool; // disk latency, not CPU, is the limit: more threads than cores
    pool.setMaxThreadCount(std::max(8, 2 * QThread::idealThreadCount()));
    std::vector<ProbeResult> results(size_t(paths.size()));
    progress.report(0, paths.size(), stage);
    for (qsizetype start = 0; start < paths.size(); start += kBatch) {
        if (progress.cancelled())
            break;
        std::vector<qsizetype> batch(size_t(std::min<qsizetype>(kBatch, paths.size() - start)));
        std::iota(batch.begin(), batch.end(), start);
        QtConcurrent::blockingMap(&pool, batch, [&](qsizetype i) { results[size_t(i)] = check(paths[i]); });
        progress.report(start + qsizetype(batch.size()), paths.size(), stage);
    }
    return results;
}

std::vector<ProbeResult> probeImages(const QStringList &paths, const Progress &progress)
{
    return checkAll(paths, progress, QStringLiteral("Checking images"),
                    [](const QString &path) { return probe(path).result; });
}

std::vector<ProbeResult> decodeImages(const QStringList &paths, const Progress &progress)
{
    return checkAll(paths, progress, QStringLiteral("Decoding images"), decoded);
}

} // namespace tandem
