#include "embeddingclasses.h"

#include "data/dataset.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace tandem {

namespace {

// Tableau 10: distinct at a glance, and still distinct for most colour-blind eyes.
const QColor kPalette[] = {{78, 121, 167}, {242, 142, 43}, {225, 87, 89},  {118, 183, 178}, {89, 161, 79},
                           {237, 201, 72}, {176, 122, 161}, {255, 157, 167}, {156, 117, 95}, {186, 176, 172}};

// Answers beyond the most common of a set share one class, so the legend stays readable.
constexpr int kMostAnswers = 9;

QString scoreBin(const std::optional<double> &score)
{
    if (!score)
        return QObject::tr("(no answer)");
    const int bin = std::clamp(int(*score * 10), 0, 9);
    return QStringLiteral("%1–%2").arg(bin / 10.0, 0, 'f', 1).arg((bin + 1) / 10.0, 0, 'f', 1);
}

QString classOf(const ProjectedItem &item, ColourBy by)
{
    const auto orNone = [](const QString &s) { return s.isEmpty() ? QObject::tr("(none)") : s; };
    switch (by) {
    case ColourBy::Answer: return orNone(item.answer);
    case ColourBy::Predicted: return orNone(item.predicted);
    case ColourBy::Correct:
        if (item.predicted.isEmpty() || item.answer.isEmpty())
            return QObject::tr("(not answered)");
        return item.predicted.compare(item.answer, Qt::CaseInsensitive) == 0 ? QObject::tr("right") : QObject::tr("wrong");
    case ColourBy::Score: return scoreBin(item.score);
    case ColourBy::Split: return item.split.isEmpty() ? QObject::tr("(no split)") : item.split;
    case ColourBy::Status: return statusName(ReviewStatus(item.status));
    case ColourBy::Tag: return item.tag.isEmpty() ? QObject::tr("(untagged)") : item.tag;
    case ColourBy::Modality: return item.caption ? QObject::tr("caption") : QObject::tr("image");
    }
    return {};
}

} // namespace

QString colourByTitle(ColourBy by)
{
    switch (by) {
    case ColourBy::Split: return QObject::tr("Split");
    case ColourBy::Status: return QObject::tr("Status");
    case ColourBy::Tag: return QObject::tr("Tag");
    case ColourBy::Modality: return QObject::tr("Image / caption");
    case ColourBy::Answer: return QObject::tr("Answer (human)");
    case ColourBy::Predicted: return QObject::tr("Answer (model)");
    case ColourBy::Correct: return QObject::tr("Right / wrong");
    case ColourBy::Score: return QObject::tr("Answer probability");
    }
    return {};
}

namespace {

// Each item's class name; for answers, those beyond the most common are "other".
std::vector<QString> classNames(const std::vector<ProjectedItem> &items, ColourBy by)
{
    std::vector<QString> names;
    names.reserve(items.size());
    std::map<QString, int> counts;
    for (const ProjectedItem &item : items)
        ++counts[names.emplace_back(classOf(item, by))];
    if ((by != ColourBy::Answer && by != ColourBy::Predicted) || counts.size() <= size_t(kMostAnswers) + 1)
        return names;
    std::vector<std::pair<int, QString>> byCount;
    for (const auto &[name, count] : counts)
        byCount.emplace_back(-count, name);
    std::sort(byCount.begin(), byCount.end());
    std::set<QString> kept;
    for (int i = 0; i < kMostAnswers; ++i)
        kept.insert(byCount[size_t(i)].second);
    for (QString &name : names)
        if (!kept.count(name))
            name = QObject::tr("(other answers)");
    return names;
}

// Viridis at t in [0, 1]: the score bins read as one ramp.
QColor rampColour(double t)
{
    static const QColor stops[] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    const double x = std::clamp(t, 0.0, 1.0) * 4.0;
    const int i = std::min(3, int(x));
    const double f = x - i;
    const auto mix = [f](int a, int b) { return int(std::lround(a + f * (b - a))); };
    return QColor(mix(stops[i].red(), stops[i + 1].red()), mix(stops[i].green(), stops[i + 1].green()),
                  mix(stops[i].blue(), stops[i + 1].blue()));
}

} // namespace

PlotClasses classesOf(const std::vector<ProjectedItem> &items, ColourBy by)
{
    const std::vector<QString> names = classNames(items, by);
    std::map<QString, int> index; // sorted names: the same class keeps its colour
    for (const QString &name : names)
        index.emplace(name, 0);
    PlotClasses classes;
    for (auto &[name, i] : index) {
        i = int(classes.names.size());
        classes.names << name;
        const bool bin = by == ColourBy::Score && name.front().isDigit();
        classes.colours.push_back(bin ? rampColour(name.left(3).toDouble() / 0.9)
                                      : name.startsWith(QLatin1Char('(')) ? QColor(170, 170, 170)
                                      : kPalette[size_t(i) % std::size(kPalette)]);
    }
    classes.classOf.reserve(items.size());
    for (const QString &name : names)
        classes.classOf.push_back(index[name]);
    return classes;
}

} // namespace tandem
