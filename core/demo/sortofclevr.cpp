// Sort-of-CLEVR scenes: colours, object placement, spatial relations, splits.
#include "sortofclevr_p.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace tandem {

namespace {

struct ColorInfo {
    const char *name;
    std::array<std::uint8_t, 3> rgb;
};

// Chosen so that no colour equals another one blended with the white
// background: a pixel of exactly one of these belongs to that object.
constexpr ColorInfo kColors[kDemoColors] = {
    {"red", {220, 30, 30}},   {"green", {30, 170, 50}}, {"blue", {30, 70, 220}},
    {"orange", {245, 140, 20}}, {"gray", {128, 128, 128}}, {"yellow", {235, 205, 20}},
};
// The relational-networks generator's (Santoro et al.'s reimplementation by kimhc6028).
constexpr std::array<std::uint8_t, 3> kPureColors[kDemoColors] = {
    {255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 156, 0}, {128, 128, 128}, {255, 255, 0},
};

constexpr std::uint64_t kSplitStream = ~std::uint64_t(0); // never an image index

} // namespace

const char *demoColorName(int color)
{
    return color >= 0 && color < kDemoColors ? kColors[color].name : "";
}

std::array<std::uint8_t, 3> demoColorRgb(int color, DemoPalette palette)
{
    if (color < 0 || color >= kDemoColors)
        return {0, 0, 0};
    return palette == DemoPalette::Pure ? kPureColors[color] : kColors[color].rgb;
}

const char *demoPaletteName(DemoPalette palette)
{
    return palette == DemoPalette::Pure ? "pure" : "muted";
}

const char *demoWordingName(DemoWording wording)
{
    return wording == DemoWording::Alternate ? "alternate" : "standard";
}

namespace {

// The value among `values` whose name is `name`.
template <typename Enum>
bool parseByName(const QString &name, std::initializer_list<Enum> values, const char *(*nameOf)(Enum), Enum &out)
{
    for (Enum value : values)
        if (name == QLatin1String(nameOf(value))) {
            out = value;
            return true;
        }
    return false;
}

} // namespace

bool parseDemoPalette(const QString &name, DemoPalette &palette)
{
    return parseByName(name, {DemoPalette::Muted, DemoPalette::Pure}, demoPaletteName, palette);
}

bool parseDemoWording(const QString &name, DemoWording &wording)
{
    return parseByName(name, {DemoWording::Standard, DemoWording::Alternate}, demoWordingName, wording);
}

const char *demoShapeName(DemoShape shape)
{
    return shape == DemoShape::Square ? "square" : "circle";
}

bool isRelational(const std::string &questionType)
{
    return questionType == "closest" || questionType == "furthest" || questionType == "count";
}

Status validateDemoOptions(const DemoOptions &o)
{
    if (o.images < 1 || o.images > 10'000'000)
        return Error::usage(QStringLiteral("the number of demo images must be between 1 and 10000000, not %1").arg(o.images));
    if (o.imageSize < 32 || o.imageSize > 4096)
        return Error::usage(QStringLiteral("the demo image size must be between 32 and 4096 pixels, not %1").arg(o.imageSize));
    if (o.objectSize != 0 && (o.objectSize < 3 || o.objectSize > o.imageSize / 5))
        return Error::usage(QStringLiteral("the demo object size must be between 3 pixels and a fifth of the image "
                                           "size (%1), or 0 for the default, not %2")
                                .arg(o.imageSize / 5)
                                .arg(o.objectSize));
    if (o.questionsPerImage < 0 || o.questionsPerImage > 1000)
        return Error::usage(QStringLiteral("questions per image must be between 0 and 1000, not %1").arg(o.questionsPerImage));
    const bool fractionsOk = o.valFraction >= 0 && o.testFraction >= 0 && o.valFraction + o.testFraction <= 1;
    if (!fractionsOk) // also false for NaN
        return Error::usage(QStringLiteral("val and test fractions must be at least 0 and add up to at most 1"));
    return {};
}

DemoSample generateDemoSample(const DemoOptions &options, int index)
{
    DemoRng rng(options.seed, std::uint64_t(index));
    DemoSample sample;
    sample.scene = demodetail::placeObjects(options, rng);
    sample.questions = demodetail::makeQuestions(sample.scene, options.questionsPerImage, options.wording, rng);
    sample.captions = demodetail::makeCaptions(sample.scene, rng);
    return sample;
}

std::vector<std::string> assignDemoSplits(const DemoOptions &options)
{
    const int n = std::max(options.images, 0);
    const int test = std::clamp(int(std::lround(n * options.testFraction)), 0, n);
    const int val = std::clamp(int(std::lround(n * options.valFraction)), 0, n - test);
    std::vector<int> order(size_t(n), 0);
    for (int i = 0; i < n; ++i)
        order[size_t(i)] = i;
    DemoRng rng(options.seed, kSplitStream);
    rng.shuffle(order);
    std::vector<std::string> splits(size_t(n), "train");
    for (int k = 0; k < test + val; ++k)
        splits[size_t(order[size_t(k)])] = k < test ? "test" : "val";
    return splits;
}

QString demoImageName(int index)
{
    return QStringLiteral("scene_%1.png").arg(index, 6, 10, QLatin1Char('0'));
}

namespace demodetail {

long long squaredDistance(const DemoObject &a, const DemoObject &b)
{
    const long long dx = a.x - b.x;
    const long long dy = a.y - b.y;
    return dx * dx + dy * dy;
}

namespace {

// Distances from `color` to every other object, nearest first.
std::vector<std::pair<double, int>> distancesFrom(const DemoScene &scene, int color)
{
    std::vector<std::pair<double, int>> out;
    for (const DemoObject &other : scene.objects) {
        if (other.color != color)
            out.push_back({std::sqrt(double(squaredDistance(scene.objects[size_t(color)], other))), other.color});
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Closest and furthest must be clear to a viewer (and to a test that measures
// centroids in the rendered image): the runner-up is at least a pixel further.
bool relationsAreClear(const DemoScene &scene)
{
    for (const DemoObject &object : scene.objects) {
        const auto d = distancesFrom(scene, object.color);
        if (d[1].first - d[0].first < 1.0 || d[d.size() - 1].first - d[d.size() - 2].first < 1.0)
            return false;
    }
    return true;
}

bool farFromAll(const DemoScene &scene, const DemoObject &candidate)
{
    // 1.5 × size between centres: more than the diagonal of a square, so no overlap.
    const long long minDistance2x = 3LL * scene.objectSize; // twice the minimum distance
    for (const DemoObject &placed : scene.objects) {
        if (4 * squaredDistance(placed, candidate) < minDistance2x * minDistance2x)
            return false;
    }
    return true;
}

bool tryPlaceAll(DemoScene &scene, DemoRng &rng)
{
    const int half = scene.objectSize / 2;
    const int lo = half + 1;                   // a pixel of margin for the antialiased edge
    const int hi = scene.imageSize - half - 2;
    scene.objects.clear();
    for (int color = 0; color < kDemoColors; ++color) {
        DemoObject object;
        object.color = color;
        object.shape = rng.coin() ? DemoShape::Circle : DemoShape::Square;
        int tries = 0;
        do {
            if (++tries > 100)
                return false;
            object.x = rng.between(lo, hi);
            object.y = rng.between(lo, hi);
        } while (!farFromAll(scene, object));
        scene.objects.push_back(object);
    }
    return relationsAreClear(scene);
}

} // namespace

int objectSizeFor(const DemoOptions &options)
{
    if (options.objectSize > 0)
        return options.objectSize | 1;
    return 2 * std::max(2, options.imageSize / 14) + 1; // about imageSize / 7
}

DemoScene placeObjects(const DemoOptions &options, DemoRng &rng)
{
    DemoScene scene;
    scene.imageSize = options.imageSize;
    scene.objectSize = objectSizeFor(options);
    scene.palette = options.palette;
    // Six objects need about a tenth of the free area at the default size (a
    // fifth at the largest allowed): most attempts succeed, so this loop ends
    // after a few rounds.
    while (!tryPlaceAll(scene, rng)) {
    }
    return scene;
}

int closestTo(const DemoScene &scene, int color)
{
    return distancesFrom(scene, color).front().second;
}

int furthestFrom(const DemoScene &scene, int color)
{
    return distancesFrom(scene, color).back().second;
}

int countSameShape(const DemoScene &scene, int color)
{
    const DemoShape shape = scene.objects[size_t(color)].shape;
    return int(std::count_if(scene.objects.begin(), scene.objects.end(),
                             [shape](const DemoObject &o) { return o.shape == shape; }));
}

bool isOnLeft(const DemoScene &scene, const DemoObject &object)
{
    return object.x < scene.imageSize / 2;
}

bool isOnTop(const DemoScene &scene, const DemoObject &object)
{
    return object.y < scene.imageSize / 2;
}

std::string describe(const DemoObject &object)
{
    return std::string(demoColorName(object.color)) + ' ' + demoShapeName(object.shape);
}

std::string withArticle(const std::string &nounPhrase)
{
    const bool vowel = !nounPhrase.empty() && std::string("aeiou").find(nounPhrase[0]) != std::string::npos;
    return (vowel ? "an " : "a ") + nounPhrase;
}

} // namespace demodetail
} // namespace tandem
