#include "vectorfile.h"

#include "formats/csvreader.h"

#include <QFile>
#include <QRegularExpression>
#include <QtEndian>
#include <charconv>
#include <cstring>

namespace tandem {

namespace {

std::optional<float> number(std::string_view cell)
{
    while (!cell.empty() && cell.front() == ' ')
        cell.remove_prefix(1);
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\r'))
        cell.remove_suffix(1);
    double value = 0;
    const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    if (cell.empty() || error != std::errc() || end != cell.data() + cell.size())
        return std::nullopt;
    return float(value);
}

int lineOf(std::string_view text, size_t offset)
{
    return 1 + int(std::count(text.begin(), text.begin() + qsizetype(std::min(offset, text.size())), '\n'));
}

// One CSV record into `file`: a header (first record, not a number after the
// name column) is skipped.
Status readRecord(const std::vector<CsvCell> &cells, std::string_view text, const QString &path, VectorFile &file,
                  bool &named)
{
    const int line = lineOf(text, cells.front().begin);
    if (file.vectors.rows == 0 && file.names.isEmpty()) {
        named = !number(cells.front().text) && cells.size() > 1;
        if (!number(cells.back().text))
            return {}; // a header row
    }
    const size_t first = named ? 1 : 0;
    const int dimension = int(cells.size() - first);
    if (file.vectors.rows > 0 && dimension != file.vectors.dimension)
        return Error::input(QStringLiteral("this row has %1 values; the rows before have %2")
                                .arg(dimension).arg(file.vectors.dimension), path, line);
    for (size_t c = first; c < cells.size(); ++c) {
        const auto value = number(cells[c].text);
        if (!value)
            return Error::input(QStringLiteral("'%1' is not a number").arg(QString::fromUtf8(cells[c].text.data(), int(cells[c].text.size()))),
                                path, line, int(c + 1));
        file.vectors.values.push_back(*value);
    }
    if (named)
        file.names.append(QString::fromUtf8(cells.front().text.data(), int(cells.front().text.size())));
    file.vectors.dimension = dimension;
    ++file.vectors.rows;
    return {};
}

Expected<VectorFile> readCsv(const QByteArray &bytes, const QString &path)
{
    const std::string_view text(bytes.constData(), size_t(bytes.size()));
    CsvReader reader(text, CsvReader::sniffDelimiter(text));
    VectorFile file;
    bool named = false;
    while (reader.next()) {
        const auto &cells = reader.cells();
        if (cells.size() == 1 && cells.front().text.empty())
            continue; // a blank line
        if (auto s = readRecord(cells, text, path, file, named); !s)
            return s.error();
    }
    if (const CsvProblem *problem = reader.problem())
        return Error::input(problem->message, path, lineOf(text, problem->offset));
    return file;
}

// The .npy header: {'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }
Expected<VectorFile> readNpy(const QByteArray &bytes, const QString &path)
{
    if (bytes.size() < 10 || !bytes.startsWith("\x93NUMPY"))
        return Error::input(QStringLiteral("not a NumPy .npy file"), path);
    const int major = uchar(bytes[6]);
    const qsizetype headerLength = major == 1 ? qFromLittleEndian<quint16>(bytes.constData() + 8)
                                              : qsizetype(qFromLittleEndian<quint32>(bytes.constData() + 8));
    const qsizetype start = major == 1 ? 10 : 12;
    const QString header = QString::fromLatin1(bytes.mid(start, headerLength));
    const auto shape = QRegularExpression(QStringLiteral("'shape':\\s*\\((\\d+),\\s*(\\d+)\\)")).match(header);
    const bool f4 = header.contains(QLatin1String("'<f4'")), f8 = header.contains(QLatin1String("'<f8'"));
    if (!shape.hasMatch() || (!f4 && !f8) || header.contains(QLatin1String("'fortran_order': True")))
        return Error::input(QStringLiteral("expected a 2-D little-endian float32 or float64 array in C order; the header says %1")
                                .arg(header.trimmed()), path);
    VectorFile file;
    file.vectors.rows = shape.captured(1).toULongLong();
    file.vectors.dimension = shape.captured(2).toInt();
    const size_t count = file.vectors.rows * size_t(file.vectors.dimension), width = f4 ? 4 : 8;
    if (size_t(bytes.size() - start - headerLength) < count * width)
        return Error::input(QStringLiteral("the file ends before its %1 x %2 values").arg(file.vectors.rows).arg(file.vectors.dimension), path);
    const char *data = bytes.constData() + start + headerLength;
    file.vectors.values.resize(count);
    for (size_t i = 0; i < count; ++i)
        file.vectors.values[i] = f4 ? qFromLittleEndian<float>(data + 4 * i) : float(qFromLittleEndian<double>(data + 8 * i));
    return file;
}

} // namespace

Expected<VectorFile> readVectorFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error::input(QStringLiteral("cannot read: %1").arg(f.errorString()), path);
    const QByteArray bytes = f.readAll();
    if (path.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive))
        return readNpy(bytes, path);
    auto file = readCsv(bytes, path);
    if (file && file->vectors.rows == 0)
        return Error::input(QStringLiteral("no vectors in the file"), path);
    return file;
}

} // namespace tandem
