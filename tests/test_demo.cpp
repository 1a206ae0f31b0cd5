// Sort-of-CLEVR demo data: determinism, counts, geometry, and answers and
// captions checked against the objects found again in the rendered PNGs.
#include "demo/sortofclevr.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>
#include <QThreadPool>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <set>

using namespace tandem;

namespace {

// An object found in a decoded image by its exact colour (antialiased edge
// pixels are blends with the background and never match).
struct Found {
    double x = 0; // centroid, pixel indices
    double y = 0;
    QString shape;
    int pixels = 0;
};

std::vector<Found> findObjects(const cv::Mat &bgr, DemoPalette palette = DemoPalette::Muted)
{
    std::vector<Found> found(kDemoColors);
    for (int c = 0; c < kDemoColors; ++c) {
        const auto rgb = demoColorRgb(c, palette);
        double sx = 0, sy = 0;
        int n = 0, minX = bgr.cols, maxX = -1, minY = bgr.rows, maxY = -1;
        for (int y = 0; y < bgr.rows; ++y)
            for (int x = 0; x < bgr.cols; ++x) {
                const cv::Vec3b p = bgr.at<cv::Vec3b>(y, x);
                if (p[2] == rgb[0] && p[1] == rgb[1] && p[0] == rgb[2]) {
                    sx += x, sy += y, ++n;
                    minX = std::min(minX, x), maxX = std::max(maxX, x);
                    minY = std::min(minY, y), maxY = std::max(maxY, y);
                }
            }
        if (n == 0)
            continue;
        const double fill = double(n) / ((maxX - minX + 1) * (maxY - minY + 1));
        found[size_t(c)] = {sx / n, sy / n, fill > 0.9 ? QStringLiteral("square") : QStringLiteral("circle"), n};
    }
    return found;
}

double distance(const Found &a, const Found &b) { return std::hypot(a.x - b.x, a.y - b.y); }

int colorIndex(const QString &name)
{
    for (int c = 0; c < kDemoColors; ++c)
        if (name == QLatin1String(demoColorName(c)))
            return c;
    return -1;
}

int nearestOrFurthest(const std::vector<Found> &objects, int from, bool nearest)
{
    int best = -1;
    for (int c = 0; c < kDemoColors; ++c) {
        if (c == from)
            continue;
        const double d = distance(objects[size_t(from)], objects[size_t(c)]);
        if (best < 0 || (nearest ? d < distance(objects[size_t(from)], objects[size_t(best)])
                                 : d > distance(objects[size_t(from)], objects[size_t(best)])))
            best = c;
    }
    return best;
}

QString expectedAnswer(const QString &type, int c, const std::vector<Found> &objects, int imageSize)
{
    const Found &o = objects[size_t(c)];
    const double middle = imageSize / 2.0;
    if (type == QLatin1String("shape"))
        return o.shape;
    if (type == QLatin1String("left"))
        return o.x + 0.5 < middle ? QStringLiteral("yes") : QStringLiteral("no"); // pixel centre at x + 0.5
    if (type == QLatin1String("top"))
        return o.y + 0.5 < middle ? QStringLiteral("yes") : QStringLiteral("no");
    if (type == QLatin1String("closest"))
        return objects[size_t(nearestOrFurthest(objects, c, true))].shape;
    if (type == QLatin1String("furthest"))
        return objects[size_t(nearestOrFurthest(objects, c, false))].shape;
    int same = 0;
    for (const Found &other : objects)
        same += other.shape == o.shape;
    return QString::number(same);
}

const QString kObject = QStringLiteral("(red|green|blue|orange|gray|yellow) (square|circle)");

// Checks one caption against the objects; returns the template's name, or an
// empty string when the caption is false or matches no template.
class CaptionChecker {
public:
    CaptionChecker(const std::vector<Found> &objects, int imageSize) : m_objects(objects), m_size(imageSize) {}

    QString check(const QString &caption)
    {
        QRegularExpressionMatch m;
        if (match(caption, QStringLiteral("^(?:a|an) %1 is to the left of (?:a|an) %1$"), m))
            return ok(m, 1) && ok(m, 3) && at(m, 1).x < at(m, 3).x ? QStringLiteral("left of") : QString();
        if (match(caption, QStringLiteral("^the %1 is to the right of the %1$"), m))
            return ok(m, 1) && ok(m, 3) && at(m, 1).x > at(m, 3).x ? QStringLiteral("right of") : QString();
        if (match(caption, QStringLiteral("^the %1 is (above|below) the %1$"), m)) {
            const bool above = at(m, 1).y < at(m, 4).y;
            return ok(m, 1) && ok(m, 4) && above == (m.captured(3) == QLatin1String("above")) ? QStringLiteral("above/below") : QString();
        }
        if (match(caption, QStringLiteral("^there (?:is|are) (\\w+) (circle|square)s? and (\\w+) (circle|square)s?$"), m))
            return number(m.captured(1)) == count(m.captured(2)) && number(m.captured(3)) == count(m.captured(4))
                       && m.captured(2) != m.captured(4) ? QStringLiteral("counts") : QString();
        if (match(caption, QStringLiteral("^all six objects are (circle|square)s$"), m))
            return count(m.captured(1)) == 6 ? QStringLiteral("all same") : QString();
        if (match(caption, QStringLiteral("^the %1 is in the (top|bottom) (left|right) corner$"), m))
            return ok(m, 1) && inCorner(at(m, 1), m.captured(3), m.captured(4)) ? QStringLiteral("corner") : QString();
        if (match(caption, QStringLiteral("^the (leftmost|rightmost|topmost|bottommost) object is the %1$"), m))
            return ok(m, 2) && isExtreme(m.captured(2), m.captured(1)) ? QStringLiteral("extreme") : QString();
        if (match(caption, QStringLiteral("^the object closest to the %1 is the %1$"), m))
            return ok(m, 1) && ok(m, 3) && nearestOrFurthest(m_objects, colorIndex(m.captured(1)), true) == colorIndex(m.captured(3))
                ? QStringLiteral("closest") : QString();
        if (caption.startsWith(QLatin1String("six shapes on a white background: ")))
            return listsAll(caption) ? QStringLiteral("listing") : QString();
        return {};
    }

private:
    static bool match(const QString &caption, const QString &pattern, QRegularExpressionMatch &m)
    {
        m = QRegularExpression(QString(pattern).replace(QLatin1String("%1"), kObject)).match(caption);
        return m.hasMatch();
    }
    const Found &at(const QRegularExpressionMatch &m, int group) const
    {
        return m_objects[size_t(colorIndex(m.captured(group)))];
    }
    // Colour in `group`, shape in the next one: the shape is right.
    bool ok(const QRegularExpressionMatch &m, int group) const { return at(m, group).shape == m.captured(group + 1); }
    int count(const QString &shape) const
    {
        return int(std::count_if(m_objects.begin(), m_objects.end(), [&](const Found &o) { return o.shape == shape; }));
    }
    static int number(const QString &word)
    {
        return QStringList{"no", "one", "two", "three", "four", "five", "six"}.indexOf(word);
    }
    bool inCorner(const Found &o, const QString &vertical, const QString &horizontal) const
    {
        const int third = m_size / 3;
        const bool v = vertical == QLatin1String("top") ? o.y < third : o.y >= m_size - third;
        const bool h = horizontal == QLatin1String("left") ? o.x < third : o.x >= m_size - third;
        return v && h;
    }
    bool isExtreme(const QString &color, const QString &direction) const
    {
        const Found &subject = m_objects[size_t(colorIndex(color))];
        for (const Found &o : m_objects) {
            const bool beaten = direction == QLatin1String("leftmost") ? o.x < subject.x
                : direction == QLatin1String("rightmost")              ? o.x > subject.x
                : direction == QLatin1String("topmost")                ? o.y < subject.y
                                                                       : o.y > subject.y;
            if (beaten)
                return false;
        }
        return true;
    }
    bool listsAll(const QString &caption) const
    {
        const QRegularExpression item(QStringLiteral("(?:a|an) %1").arg(kObject));
        std::set<int> seen;
        for (auto it = item.globalMatch(caption); it.hasNext();) {
            const auto m = it.next();
            if (!ok(m, 1))
                return false;
            seen.insert(colorIndex(m.captured(1)));
        }
        return seen.size() == size_t(kDemoColors);
    }

    const std::vector<Found> &m_objects;
    int m_size;
};

std::vector<std::string> orderedLines(const Dataset &d)
{
    std::vector<std::string> lines;
    for (const DatasetImage &i : d.images)
        lines.push_back(i.name + "|" + i.extId + "|" + i.split + "|" + std::to_string(i.width));
    for (const DatasetCaption &c : d.captions)
        lines.push_back(std::to_string(c.image) + "|" + c.extId + "|" + c.text);
    for (const DatasetQuestion &q : d.questions)
        lines.push_back(std::to_string(q.image) + "|" + q.extId + "|" + q.text + "|" + q.questionType + "|"
                        + q.answerType + "|" + q.multipleChoiceAnswer + "|" + q.answers.at(0).text);
    return lines;
}

DemoOptions smallOptions()
{
    DemoOptions options;
    options.images = 40;
    options.seed = 7;
    return options;
}

} // namespace

class TestDemo : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void rejectsBadOptions_data();
    void rejectsBadOptions();
    void writesRequestedCounts();
    void sameSeedSameBytesWhateverTheThreads();
    void differentSeedDiffers();
    void objectsDoNotOverlap();
    void renderedObjectsMatchScene();
    void otherGeneratorsStyleKeepsScenesAndAnswers();
    void answersMatchRenderedImage();
    void captionsAreTrue();
    void splitsFollowFractions();
    void balancesRelationalQuestions();
    void cancelRemovesImages();
    void speed();

private:
    QTemporaryDir m_dir;
    Dataset m_dataset;
};

void TestDemo::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto dataset = generateDemo(smallOptions(), m_dir.filePath(QStringLiteral("a")));
    QVERIFY2(dataset.ok(), qPrintable(dataset ? QString() : dataset.error().toString()));
    m_dataset = std::move(dataset).value();
}

void TestDemo::rejectsBadOptions_data()
{
    QTest::addColumn<int>("images");
    QTest::addColumn<int>("imageSize");
    QTest::addColumn<int>("questions");
    QTest::addColumn<double>("val");
    QTest::addColumn<double>("test");
    QTest::newRow("no images") << 0 << 128 << 20 << 0.1 << 0.1;
    QTest::newRow("tiny images") << 10 << 16 << 20 << 0.1 << 0.1;
    QTest::newRow("negative questions") << 10 << 128 << -1 << 0.1 << 0.1;
    QTest::newRow("fractions over one") << 10 << 128 << 20 << 0.6 << 0.6;
    QTest::newRow("negative fraction") << 10 << 128 << 20 << -0.1 << 0.1;
    QTest::newRow("nan fraction") << 10 << 128 << 20 << std::numeric_limits<double>::quiet_NaN() << 0.1;
}

void TestDemo::rejectsBadOptions()
{
    QFETCH(int, images);
    QFETCH(int, imageSize);
    QFETCH(int, questions);
    QFETCH(double, val);
    QFETCH(double, test);
    const DemoOptions options{images, imageSize, questions, 1, val, test};
    const auto result = generateDemo(options, m_dir.filePath(QStringLiteral("bad")));
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, ErrorKind::Usage);
    QVERIFY(!QDir(m_dir.filePath(QStringLiteral("bad"))).exists());
}

void TestDemo::writesRequestedCounts()
{
    const DemoOptions options = smallOptions();
    QCOMPARE(int(m_dataset.images.size()), options.images);
    QCOMPARE(int(m_dataset.questions.size()), options.images * options.questionsPerImage);
    std::vector<int> captions(m_dataset.images.size(), 0);
    for (const DatasetCaption &c : m_dataset.captions)
        ++captions[c.image];
    for (size_t i = 0; i < m_dataset.images.size(); ++i) {
        const DatasetImage &image = m_dataset.images[i];
        QVERIFY(captions[i] >= 3 && captions[i] <= 5);
        QCOMPARE(QString::fromStdString(image.name), demoImageName(int(i)));
        QCOMPARE(image.extId, std::to_string(i));
        QCOMPARE(image.width, options.imageSize);
        QCOMPARE(image.height, options.imageSize);
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("a/") + demoImageName(int(i)))));
    }
    for (const DatasetQuestion &q : m_dataset.questions) {
        QCOMPARE(int(q.answers.size()), 1);
        QCOMPARE(q.answers[0].text, q.multipleChoiceAnswer);
    }
}

void TestDemo::sameSeedSameBytesWhateverTheThreads()
{
    const int threads = QThreadPool::globalInstance()->maxThreadCount();
    QThreadPool::globalInstance()->setMaxThreadCount(1);
    auto again = generateDemo(smallOptions(), m_dir.filePath(QStringLiteral("b")));
    QThreadPool::globalInstance()->setMaxThreadCount(threads);
    QVERIFY(again.ok());
    QVERIFY(orderedLines(*again) == orderedLines(m_dataset));
    for (int i = 0; i < smallOptions().images; ++i) {
        const QString name = demoImageName(i);
        QCOMPARE(test::readFile(m_dir.filePath(QStringLiteral("b/") + name)),
                 test::readFile(m_dir.filePath(QStringLiteral("a/") + name)));
    }
}

void TestDemo::differentSeedDiffers()
{
    DemoOptions options = smallOptions();
    options.seed = 8;
    const DemoSample a = generateDemoSample(smallOptions(), 0);
    const DemoSample b = generateDemoSample(options, 0);
    QVERIFY(encodeDemoPng(a.scene) != encodeDemoPng(b.scene));
    QVERIFY(a.captions != b.captions);
    // Neighbouring images of one seed differ too.
    QVERIFY(encodeDemoPng(a.scene) != encodeDemoPng(generateDemoSample(smallOptions(), 1).scene));
}

void TestDemo::objectsDoNotOverlap()
{
    for (int size : {32, 64, 128, 200}) {
        DemoOptions options;
        options.imageSize = size;
        for (int i = 0; i < 200; ++i) {
            const DemoScene scene = generateDemoSample(options, i).scene;
            const int s = scene.objectSize, half = s / 2;
            QVERIFY(s >= size / 8 && s <= size / 6 + 1);
            QCOMPARE(int(scene.objects.size()), kDemoColors);
            for (int a = 0; a < kDemoColors; ++a) {
                const DemoObject &p = scene.objects[size_t(a)];
                QCOMPARE(p.color, a);
                QVERIFY(p.x - half >= 0 && p.y - half >= 0 && p.x + half < size && p.y + half < size);
                for (int b = a + 1; b < kDemoColors; ++b) { // bounding squares apart
                    const DemoObject &q = scene.objects[size_t(b)];
                    QVERIFY(std::abs(p.x - q.x) >= s || std::abs(p.y - q.y) >= s);
                }
            }
        }
    }
}

void TestDemo::renderedObjectsMatchScene()
{
    const DemoOptions options = smallOptions();
    for (int i = 0; i < 10; ++i) {
        const DemoScene scene = generateDemoSample(options, i).scene;
        const QByteArray png = test::readFile(m_dir.filePath(QStringLiteral("a/") + demoImageName(i)));
        const cv::Mat bgr = cv::imdecode(cv::Mat(1, int(png.size()), CV_8U, const_cast<char *>(png.data())), cv::IMREAD_COLOR);
        const std::vector<Found> found = findObjects(bgr);
        for (const DemoObject &o : scene.objects) {
            const Found &f = found[size_t(o.color)];
            QVERIFY(std::abs(f.x - o.x) < 0.25 && std::abs(f.y - o.y) < 0.25);
            QCOMPARE(f.shape, QLatin1String(demoShapeName(o.shape)));
        }
        // The RGB render is the PNG's content.
        cv::Mat rgb;
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        QVERIFY(std::vector<std::uint8_t>(rgb.data, rgb.data + rgb.total() * 3) == renderDemoScene(scene));
    }
}

// Object size, colours and wording as another generator has them (75-pixel
// scenes, 10-pixel objects, pure colours, other templates): the same scenes
// and answers as the default style at that geometry, other words, pure hard-
// edged colours in the pixels.
void TestDemo::otherGeneratorsStyleKeepsScenesAndAnswers()
{
    DemoOptions standard;
    standard.imageSize = 75;
    standard.objectSize = 10;
    DemoOptions other = standard;
    other.palette = DemoPalette::Pure;
    other.wording = DemoWording::Alternate;
    QVERIFY(validateDemoOptions(other));
    DemoPalette palette;
    DemoWording wording;
    QVERIFY(parseDemoPalette(QStringLiteral("pure"), palette) && palette == DemoPalette::Pure);
    QVERIFY(parseDemoWording(QStringLiteral("alternate"), wording) && wording == DemoWording::Alternate);
    QVERIFY(!parseDemoPalette(QStringLiteral("neon"), palette));
    for (int i = 0; i < 5; ++i) {
        const DemoSample a = generateDemoSample(standard, i), b = generateDemoSample(other, i);
        QCOMPARE(b.scene.objectSize, 11); // made odd
        QCOMPARE(b.scene.objects.size(), a.scene.objects.size());
        for (size_t k = 0; k < a.scene.objects.size(); ++k)
            QVERIFY(a.scene.objects[k].x == b.scene.objects[k].x && a.scene.objects[k].y == b.scene.objects[k].y);
        QCOMPARE(b.questions.size(), a.questions.size());
        for (size_t q = 0; q < a.questions.size(); ++q) {
            QCOMPARE(b.questions[q].answer, a.questions[q].answer);
            QVERIFY(b.questions[q].text != a.questions[q].text);
            QVERIFY2(b.questions[q].text.find(demoColorName(b.questions[q].subject)) != std::string::npos,
                     b.questions[q].text.c_str());
        }
        const std::vector<std::uint8_t> rgb = renderDemoScene(b.scene);
        cv::Mat bgr(75, 75, CV_8UC3, const_cast<std::uint8_t *>(rgb.data()));
        cv::cvtColor(bgr.clone(), bgr, cv::COLOR_RGB2BGR);
        const std::vector<Found> found = findObjects(bgr, DemoPalette::Pure);
        for (const DemoObject &o : b.scene.objects) {
            QVERIFY(std::abs(found[size_t(o.color)].x - o.x) < 0.25 && std::abs(found[size_t(o.color)].y - o.y) < 0.25);
            QCOMPARE(found[size_t(o.color)].shape, QLatin1String(demoShapeName(o.shape)));
        }
        int objectPixels = 0; // hard edges: every pixel is the background or an object's exact colour
        for (const Found &f : found)
            objectPixels += f.pixels;
        int white = 0;
        for (size_t p = 0; p < rgb.size(); p += 3)
            white += rgb[p] == 255 && rgb[p + 1] == 255 && rgb[p + 2] == 255;
        QCOMPARE(white + objectPixels, 75 * 75);
    }
    other.objectSize = 16; // more than a fifth of 75
    QVERIFY(!validateDemoOptions(other));
    other.objectSize = 2;
    QVERIFY(!validateDemoOptions(other));
}

void TestDemo::answersMatchRenderedImage()
{
    const int size = smallOptions().imageSize;
    const QRegularExpression color(QStringLiteral("\\b(red|green|blue|orange|gray|yellow)\\b"));
    std::map<size_t, std::vector<Found>> found;
    for (const DatasetQuestion &q : m_dataset.questions) {
        if (!found.count(q.image)) {
            const cv::Mat bgr = cv::imread(m_dir.filePath(QStringLiteral("a/") + QString::fromStdString(m_dataset.images[q.image].name)).toStdString());
            found[q.image] = findObjects(bgr);
        }
        const QString text = QString::fromStdString(q.text);
        const int c = colorIndex(color.match(text).captured(1));
        QVERIFY2(c >= 0, qPrintable(text));
        const QString expected = expectedAnswer(QString::fromStdString(q.questionType), c, found[q.image], size);
        QVERIFY2(expected == QString::fromStdString(q.multipleChoiceAnswer),
                 qPrintable(text + QStringLiteral(" answered ") + QString::fromStdString(q.multipleChoiceAnswer)));
    }
}

void TestDemo::captionsAreTrue()
{
    DemoOptions options = smallOptions();
    std::set<QString> templatesSeen;
    for (int i = 0; i < options.images; ++i) {
        const DemoSample sample = generateDemoSample(options, i);
        const cv::Mat bgr = cv::imread(m_dir.filePath(QStringLiteral("a/") + demoImageName(i)).toStdString());
        const std::vector<Found> found = findObjects(bgr);
        CaptionChecker checker(found, options.imageSize);
        for (const std::string &caption : sample.captions) {
            const QString name = checker.check(QString::fromStdString(caption));
            QVERIFY2(!name.isEmpty(), caption.c_str());
            templatesSeen.insert(name);
        }
    }
    QVERIFY2(templatesSeen.size() >= 8, qPrintable(QString::number(templatesSeen.size())));
}

void TestDemo::splitsFollowFractions()
{
    std::map<std::string, int> counts;
    for (const DatasetImage &image : m_dataset.images)
        ++counts[image.split];
    QCOMPARE(counts["train"], 32);
    QCOMPARE(counts["val"], 4);
    QCOMPARE(counts["test"], 4);
    DemoOptions options;
    options.images = 1000;
    options.valFraction = 0.25;
    options.testFraction = 0.05;
    const auto splits = assignDemoSplits(options);
    QCOMPARE(int(std::count(splits.begin(), splits.end(), "val")), 250);
    QCOMPARE(int(std::count(splits.begin(), splits.end(), "test")), 50);
    QVERIFY(splits == assignDemoSplits(options));
    options.seed = 2;
    QVERIFY(splits != assignDemoSplits(options));
}

void TestDemo::balancesRelationalQuestions()
{
    for (int perImage : {20, 7, 40}) {
        DemoOptions options;
        options.questionsPerImage = perImage;
        for (int i = 0; i < 20; ++i) {
            const auto questions = generateDemoSample(options, i).questions;
            QCOMPARE(int(questions.size()), perImage);
            const int relational = int(std::count_if(questions.begin(), questions.end(),
                                                     [](const DemoQuestion &q) { return isRelational(q.type); }));
            QCOMPARE(relational, perImage / 2);
            std::set<std::string> texts;
            for (const DemoQuestion &q : questions)
                texts.insert(q.text);
            // 18 distinct questions of each kind: no repeats until they run out.
            QCOMPARE(int(texts.size()), std::min(perImage, 36));
        }
    }
    QVERIFY(isRelational("closest") && isRelational("furthest") && isRelational("count"));
    QVERIFY(!isRelational("shape") && !isRelational("left") && !isRelational("top"));
}

void TestDemo::cancelRemovesImages()
{
    std::atomic_bool cancel{false};
    const Progress progress([&](qint64 done, qint64, const QString &) { cancel = done > 0; }, &cancel);
    DemoOptions options = smallOptions();
    options.images = 1000;
    const QString folder = m_dir.filePath(QStringLiteral("cancelled"));
    const auto result = generateDemo(options, folder, progress);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, ErrorKind::Cancelled);
    QVERIFY(QDir(folder).entryList(QDir::Files).isEmpty());
}

// Not a pass/fail check: prints the generation speed.
// TANDEM_DEMO_BENCH=5000 build/bin/test_demo speed
void TestDemo::speed()
{
    DemoOptions options;
    options.images = qEnvironmentVariableIsSet("TANDEM_DEMO_BENCH") ? qEnvironmentVariableIntValue("TANDEM_DEMO_BENCH") : 1000;
    QElapsedTimer timer;
    timer.start();
    const auto result = generateDemo(options, m_dir.filePath(QStringLiteral("speed")));
    const double seconds = timer.nsecsElapsed() / 1e9;
    QVERIFY(result.ok());
    qInfo("%d images of %dx%d with %d questions each in %.3f s: %.0f images/s (%d threads)", options.images,
          options.imageSize, options.imageSize, options.questionsPerImage, seconds, options.images / seconds,
          QThreadPool::globalInstance()->maxThreadCount());
}

QTEST_GUILESS_MAIN(TestDemo)
#include "test_demo.moc"
