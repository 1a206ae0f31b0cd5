// The "folder" format: images with .txt sidecar captions.
#include "formattests.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace tandem;

namespace {

DatasetFormat *folderFormat()
{
    return FormatRegistry::instance().format(QStringLiteral("folder"));
}

Expected<Dataset> readFolder(const QString &folder, const Progress &progress = {})
{
    ImportOptions options;
    options.files = {folder};
    return folderFormat()->read(options, progress);
}

// A tiny real PNG (whatever the name's extension says).
void writeImage(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QImage image(4, 3, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    if (!image.save(path, "PNG"))
        throw std::runtime_error("cannot write " + path.toStdString());
}

// Every file under `root`, relative and sorted.
QStringList filesUnder(const QString &root)
{
    QStringList files;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(root).relativeFilePath(it.next());
    files.sort();
    return files;
}

QString str(const std::string &s) { return QString::fromStdString(s); }

// A training-set layout: split folders, a nested folder, CRLF and blank lines,
// an image without sidecar, a sidecar without image, and a file that is neither.
void makeFixture(const QString &root)
{
    writeImage(root + QStringLiteral("/train/a.png"));
    test::writeFile(root + QStringLiteral("/train/a.txt"), "  a red square \r\n\r\na second caption\r\n");
    writeImage(root + QStringLiteral("/valid/b.JPG"));
    test::writeFile(root + QStringLiteral("/valid/b.txt"), "a blue circle");
    writeImage(root + QStringLiteral("/test/sub/c.webp"));
    writeImage(root + QStringLiteral("/d.jpeg"));
    test::writeFile(root + QStringLiteral("/d.txt"), "\xEF\xBB\xBF" "top level\n");
    test::writeFile(root + QStringLiteral("/orphan.txt"), "nobody's caption\n");
    test::writeFile(root + QStringLiteral("/notes.md"), "not an image\n");
}

} // namespace

class TestFormatFolder : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void readsTrainingLayout();
    void imagesDirDefaultsToTheFolder();
    void relativeFolderPath();
    void latin1Sidecar();
    void notAFolder();
    void roundTrip();
    void unsafeNamesStayInside_data();
    void unsafeNamesStayInside();
    void refusesSymlinkOut_data();
    void refusesSymlinkOut();
    void sniff_data();
    void sniff();
    void cancels();

private:
    QTemporaryDir m_dir;
    QString m_fixture;
};

void TestFormatFolder::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(folderFormat(), "the folder plugin did not load; is TANDEM_PLUGIN_PATH set?");
    m_fixture = m_dir.filePath(QStringLiteral("dataset"));
    makeFixture(m_fixture);
}

void TestFormatFolder::readsTrainingLayout()
{
    auto dataset = readFolder(m_fixture);
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(int(dataset->images.size()), 4);
    const QStringList names = {"d.jpeg", "test/sub/c.webp", "train/a.png", "valid/b.JPG"}; // sorted
    const QStringList splits = {"", "test", "train", "val"};
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(str(dataset->images[size_t(i)].name), names[i]);
        QCOMPARE(str(dataset->images[size_t(i)].split), splits[i]);
    }
    QCOMPARE(dataset->images[2].sourcePath, QDir(m_fixture).absoluteFilePath(QStringLiteral("train/a.png")));
    QCOMPARE(test::captionLines(*dataset), QStringList({"d.jpeg|top level", "train/a.png|a red square",
                                                       "train/a.png|a second caption", "valid/b.JPG|a blue circle"}));
    QCOMPARE(dataset->warnings.size(), 1);
    QVERIFY(dataset->warnings[0].contains(QLatin1String("orphan.txt: no image with this name")));
}

void TestFormatFolder::imagesDirDefaultsToTheFolder()
{
    ImportOptions options;
    options.files = {m_fixture};
    QCOMPARE(resolvedImagesDir(options), QDir(m_fixture).absolutePath());
    options.files = {test::dataPath(QStringLiteral("csv/results.csv"))};
    QCOMPARE(resolvedImagesDir(options), QFileInfo(test::dataPath(QStringLiteral("csv"))).absoluteFilePath());
}

// `tandem-cli import p.tandem photos/` from the folder above: the same images and captions.
void TestFormatFolder::relativeFolderPath()
{
    const QString before = QDir::currentPath();
    QVERIFY(QDir::setCurrent(QFileInfo(m_fixture).absolutePath()));
    auto dataset = readFolder(QFileInfo(m_fixture).fileName());
    QDir::setCurrent(before);
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(int(dataset->images.size()), 4);
    QCOMPARE(str(dataset->images[2].name), QStringLiteral("train/a.png"));
    QCOMPARE(test::captionLines(*dataset).size(), 4);
}

void TestFormatFolder::latin1Sidecar()
{
    const QString root = m_dir.filePath(QStringLiteral("latin1"));
    writeImage(root + QStringLiteral("/x.png"));
    test::writeFile(root + QStringLiteral("/x.txt"), "caf\xE9\n");
    auto dataset = readFolder(root);
    QVERIFY2(dataset, why(dataset));
    QCOMPARE(test::captionLines(*dataset), QStringList({QString::fromUtf8("x.png|café")}));
    QCOMPARE(dataset->warnings.size(), 1);
    QVERIFY(dataset->warnings[0].contains(QLatin1String("x.txt: text is not valid UTF-8")));
}

void TestFormatFolder::notAFolder()
{
    auto dataset = readFolder(test::dataPath(QStringLiteral("csv/results.csv")));
    QVERIFY(!dataset);
    QCOMPARE(dataset.error().kind, ErrorKind::Input);
    QVERIFY(dataset.error().message.contains(QLatin1String("expected a folder")));
}

void TestFormatFolder::roundTrip()
{
    auto original = readFolder(m_fixture);
    QVERIFY(original);
    ExportOptions out;
    out.output = m_dir.filePath(QStringLiteral("exported"));
    out.copyImages = true;
    const Status written = folderFormat()->write(*original, out, {});
    QVERIFY2(written, why(written));
    QCOMPARE(filesUnder(out.output), QStringList({"d.jpeg", "d.txt", "test/sub/c.webp", "train/a.png", "train/a.txt",
                                                  "valid/b.JPG", "valid/b.txt"}));
    QCOMPARE(test::readFile(out.output + QStringLiteral("/train/a.txt")), QByteArray("a red square\na second caption\n"));
    auto again = readFolder(out.output);
    QVERIFY2(again, why(again));
    QCOMPARE(test::captionLines(*again), test::captionLines(*original));
    QVERIFY(again->warnings.isEmpty());
}

void TestFormatFolder::unsafeNamesStayInside_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("written");
    QTest::newRow("parent") << "../../escaped.jpg" << QStringList({"escaped.jpg", "escaped.txt"});
    QTest::newRow("inner parent") << "a/../../../escaped.jpg" << QStringList({"a/escaped.jpg", "a/escaped.txt"});
    QTest::newRow("absolute") << "/tmp/abs.jpg" << QStringList({"tmp/abs.jpg", "tmp/abs.txt"});
    QTest::newRow("drive") << "C:/x/win.jpg" << QStringList({"x/win.jpg", "x/win.txt"});
    QTest::newRow("only dots") << "../.." << QStringList({"unnamed", "unnamed.txt"});
    QTest::newRow("txt image") << "notes.txt" << QStringList({"notes.txt"}); // never overwrites its own sidecar
}

void TestFormatFolder::unsafeNamesStayInside()
{
    QFETCH(QString, name);
    QFETCH(QStringList, written);
    QTemporaryDir sandbox;
    const QString source = sandbox.filePath(QStringLiteral("source.png"));
    writeImage(source);
    Dataset dataset;
    dataset.images.resize(1);
    dataset.images[0].name = name.toStdString();
    dataset.images[0].sourcePath = source;
    dataset.captions = {{0, "a caption", ""}};
    ExportOptions out;
    out.output = sandbox.filePath(QStringLiteral("deep/inside/out"));
    out.copyImages = true;
    const Status status = folderFormat()->write(dataset, out, {});
    QVERIFY2(status, why(status));
    QStringList expected;
    for (const QString &file : written)
        expected << QStringLiteral("deep/inside/out/") + file;
    expected << QStringLiteral("source.png");
    expected.sort();
    QCOMPARE(filesUnder(sandbox.path()), expected); // nothing anywhere else
}

void TestFormatFolder::refusesSymlinkOut_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("file through link") << "link/x.jpg";
    QTest::newRow("folder through link") << "link/sub/x.jpg"; // mkpath must not run through it
    QTest::newRow("dangling link") << "dangling/sub/x.jpg";
}

void TestFormatFolder::refusesSymlinkOut()
{
    QFETCH(QString, name);
    QTemporaryDir sandbox;
    const QString out = sandbox.filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(out));
    QVERIFY(QDir().mkpath(sandbox.filePath(QStringLiteral("elsewhere"))));
    QVERIFY(QFile::link(sandbox.filePath(QStringLiteral("elsewhere")), out + QStringLiteral("/link")));
    QVERIFY(QFile::link(sandbox.filePath(QStringLiteral("not-yet")), out + QStringLiteral("/dangling")));
    Dataset dataset;
    dataset.images.resize(1);
    dataset.images[0].name = name.toStdString();
    dataset.captions = {{0, "a caption", ""}};
    ExportOptions options;
    options.output = out;
    const Status status = folderFormat()->write(dataset, options, {});
    QVERIFY(!status);
    QCOMPARE(status.error().kind, ErrorKind::Io);
    QVERIFY(QDir(sandbox.filePath(QStringLiteral("elsewhere"))).isEmpty());
    QVERIFY(!QFileInfo::exists(sandbox.filePath(QStringLiteral("not-yet"))));
}

void TestFormatFolder::sniff_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    QTest::newRow("image folder") << QString() << "folder";
    QTest::newRow("csv file") << test::dataPath(QStringLiteral("csv/results.csv")) << "csv";
    QTest::newRow("flickr file") << test::dataPath(QStringLiteral("flickr/Flickr8k.token.txt")) << "flickr";
}

void TestFormatFolder::sniff()
{
    QFETCH(QString, path);
    QFETCH(QString, format);
    if (path.isEmpty())
        path = m_fixture;
    QCOMPARE(folderFormat()->sniff(path) > 50, format == QLatin1String("folder"));
    QCOMPARE(FormatRegistry::instance().detect(path).value(), format);
    QCOMPARE(folderFormat()->sniff(test::dataPath(QStringLiteral("csv"))), 0); // a folder without images
}

void TestFormatFolder::cancels()
{
    const QString output = m_dir.filePath(QStringLiteral("cancelled"));
    test::checkCancelsBeforeStart(folderFormat(), {m_fixture}, output);
    QVERIFY(filesUnder(output).isEmpty());
}

QTEST_GUILESS_MAIN(TestFormatFolder)
#include "test_format_folder.moc"
