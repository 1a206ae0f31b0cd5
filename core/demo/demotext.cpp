// Sort-of-CLEVR questions, answers and captions, all derived from the scene.
#include "sortofclevr_p.h"

#include <algorithm>
#include <optional>

namespace tandem::demodetail {

namespace {

const char *kNumberWords[] = {"no", "one", "two", "three", "four", "five", "six"};

std::string yesNo(bool value) { return value ? "yes" : "no"; }

std::string shapeOf(const DemoScene &scene, int color)
{
    return demoShapeName(scene.objects[size_t(color)].shape);
}

// One question type's wording in each style; %s stands for the colour.
struct QuestionTemplate {
    const char *type;
    const char *standard;
    const char *alternate;
};

constexpr QuestionTemplate kQuestionTemplates[] = {
    {"shape", "What shape is the %s object?", "What is the shape of the %s object?"},
    {"left", "Is the %s object on the left?", "Is the %s object on the left side of the image?"},
    {"top", "Is the %s object on the top?", "Is the %s object on the upper side of the image?"},
    {"closest", "What shape is the object closest to the %s object?", "What is the shape of the object nearest to the %s object?"},
    {"furthest", "What shape is the object furthest from the %s object?",
     "What is the shape of the object farthest from the %s object?"},
    {"count", "How many objects have the same shape as the %s object?", "How many objects share the shape of the %s object?"},
};

std::string questionText(const std::string &type, const std::string &color, DemoWording wording)
{
    for (const QuestionTemplate &t : kQuestionTemplates) {
        if (type != t.type)
            continue;
        std::string text = wording == DemoWording::Alternate ? t.alternate : t.standard;
        text.replace(text.find("%s"), 2, color);
        return text;
    }
    return {};
}

DemoQuestion makeQuestion(const DemoScene &scene, const std::string &type, int color, DemoWording wording)
{
    const DemoObject &object = scene.objects[size_t(color)];
    DemoQuestion q{color, type, questionText(type, demoColorName(color), wording), {}, "other"};
    if (type == "shape") {
        q.answer = shapeOf(scene, color);
    } else if (type == "left") {
        q.answer = yesNo(isOnLeft(scene, object));
        q.answerType = "yes/no";
    } else if (type == "top") {
        q.answer = yesNo(isOnTop(scene, object));
        q.answerType = "yes/no";
    } else if (type == "closest") {
        q.answer = shapeOf(scene, closestTo(scene, color));
    } else if (type == "furthest") {
        q.answer = shapeOf(scene, furthestFrom(scene, color));
    } else { // count
        q.answer = std::to_string(countSameShape(scene, color));
        q.answerType = "number";
    }
    return q;
}

// `count` questions of the given types, each (type, colour) pair used once
// before any is repeated.
void addQuestions(const DemoScene &scene, const std::vector<std::string> &types, int count, DemoWording wording,
                  DemoRng &rng, std::vector<DemoQuestion> &out)
{
    std::vector<std::pair<int, int>> pool; // (type, colour)
    for (int t = 0; t < int(types.size()); ++t)
        for (int c = 0; c < kDemoColors; ++c)
            pool.push_back({t, c});
    for (int i = 0; i < count; ++i) {
        const size_t k = size_t(i) % pool.size();
        if (k == 0)
            rng.shuffle(pool);
        out.push_back(makeQuestion(scene, types[size_t(pool[k].first)], pool[k].second, wording));
    }
}

// --- Captions: each template returns nothing when the scene offers no true instance.

using Template = std::optional<std::string> (*)(const DemoScene &, DemoRng &);

template <typename T>
std::optional<T> pickOne(const std::vector<T> &items, DemoRng &rng)
{
    if (items.empty())
        return std::nullopt;
    return items[size_t(rng.below(int(items.size())))];
}

// Ordered pairs (a, b) where b's coordinate exceeds a's by at least an object size.
std::vector<std::pair<int, int>> clearlyOrderedPairs(const DemoScene &scene, int DemoObject::*axis)
{
    std::vector<std::pair<int, int>> pairs;
    for (const DemoObject &a : scene.objects)
        for (const DemoObject &b : scene.objects)
            if (b.*axis - a.*axis >= scene.objectSize)
                pairs.push_back({a.color, b.color});
    return pairs;
}

std::optional<std::string> horizontalPair(const DemoScene &scene, DemoRng &rng)
{
    const auto pair = pickOne(clearlyOrderedPairs(scene, &DemoObject::x), rng);
    if (!pair)
        return std::nullopt;
    const std::string left = describe(scene.objects[size_t(pair->first)]);
    const std::string right = describe(scene.objects[size_t(pair->second)]);
    if (rng.coin())
        return withArticle(left) + " is to the left of " + withArticle(right);
    return "the " + right + " is to the right of the " + left;
}

std::optional<std::string> verticalPair(const DemoScene &scene, DemoRng &rng)
{
    const auto pair = pickOne(clearlyOrderedPairs(scene, &DemoObject::y), rng);
    if (!pair)
        return std::nullopt;
    const std::string upper = describe(scene.objects[size_t(pair->first)]);
    const std::string lower = describe(scene.objects[size_t(pair->second)]);
    if (rng.coin())
        return "the " + upper + " is above the " + lower;
    return "the " + lower + " is below the " + upper;
}

std::string counted(int n, const std::string &noun)
{
    return std::string(kNumberWords[n]) + ' ' + noun + (n == 1 ? "" : "s");
}

std::optional<std::string> shapeCounts(const DemoScene &scene, DemoRng &rng)
{
    const int circles = int(std::count_if(scene.objects.begin(), scene.objects.end(),
                                           [](const DemoObject &o) { return o.shape == DemoShape::Circle; }));
    const int squares = int(scene.objects.size()) - circles;
    if (circles == 0 || squares == 0)
        return std::string("all six objects are ") + (circles ? "circles" : "squares");
    const bool circlesFirst = rng.coin();
    const int first = circlesFirst ? circles : squares;
    return std::string(first == 1 ? "there is " : "there are ") + counted(first, circlesFirst ? "circle" : "square")
        + " and " + counted(circlesFirst ? squares : circles, circlesFirst ? "square" : "circle");
}

std::optional<std::string> corner(const DemoScene &scene, DemoRng &rng)
{
    const int third = scene.imageSize / 3;
    std::vector<std::string> candidates;
    for (const DemoObject &o : scene.objects) {
        const bool left = o.x < third, right = o.x >= scene.imageSize - third;
        const bool top = o.y < third, bottom = o.y >= scene.imageSize - third;
        if ((left || right) && (top || bottom))
            candidates.push_back("the " + describe(o) + " is in the " + (top ? "top " : "bottom ")
                                 + (left ? "left" : "right") + " corner");
    }
    return pickOne(candidates, rng);
}

// "the leftmost object is the red square", when the runner-up is well behind.
std::optional<std::string> extreme(const DemoScene &scene, DemoRng &rng)
{
    struct Direction { const char *word; int DemoObject::*axis; int sign; };
    std::vector<Direction> directions = {{"leftmost", &DemoObject::x, 1}, {"rightmost", &DemoObject::x, -1},
                                         {"topmost", &DemoObject::y, 1}, {"bottommost", &DemoObject::y, -1}};
    rng.shuffle(directions);
    for (const Direction &d : directions) {
        std::vector<DemoObject> sorted = scene.objects;
        std::sort(sorted.begin(), sorted.end(), [&d](const DemoObject &a, const DemoObject &b) {
            return d.sign * a.*d.axis < d.sign * b.*d.axis;
        });
        if (d.sign * (sorted[1].*d.axis - sorted[0].*d.axis) >= (scene.objectSize + 1) / 2)
            return std::string("the ") + d.word + " object is the " + describe(sorted[0]);
    }
    return std::nullopt;
}

std::optional<std::string> closestPair(const DemoScene &scene, DemoRng &rng)
{
    const int subject = rng.below(kDemoColors);
    return "the object closest to the " + describe(scene.objects[size_t(subject)]) + " is the "
        + describe(scene.objects[size_t(closestTo(scene, subject))]);
}

std::optional<std::string> listing(const DemoScene &scene, DemoRng &)
{
    std::string text = "six shapes on a white background: ";
    for (size_t i = 0; i < scene.objects.size(); ++i) {
        if (i > 0)
            text += i + 1 == scene.objects.size() ? " and " : ", ";
        text += withArticle(describe(scene.objects[i]));
    }
    return text;
}

} // namespace

std::vector<DemoQuestion> makeQuestions(const DemoScene &scene, int count, DemoWording wording, DemoRng &rng)
{
    std::vector<DemoQuestion> questions;
    addQuestions(scene, {"shape", "left", "top"}, (count + 1) / 2, wording, rng, questions);
    addQuestions(scene, {"closest", "furthest", "count"}, count / 2, wording, rng, questions);
    rng.shuffle(questions);
    return questions;
}

// 3 to 5 captions from distinct templates. Counts, closest pair and listing
// always apply, so there are always at least three.
std::vector<std::string> makeCaptions(const DemoScene &scene, DemoRng &rng)
{
    std::vector<Template> templates = {horizontalPair, verticalPair, shapeCounts, corner,
                                       extreme, closestPair, listing};
    rng.shuffle(templates);
    const size_t wanted = size_t(rng.between(3, 5));
    std::vector<std::string> captions;
    for (const Template &make : templates) {
        if (captions.size() == wanted)
            break;
        if (auto caption = make(scene, rng))
            captions.push_back(std::move(*caption));
    }
    return captions;
}

} // namespace tandem::demodetail
