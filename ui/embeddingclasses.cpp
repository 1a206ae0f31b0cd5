#include "embeddingclasses.h"

#include "data/dataset.h"

#include <map>

namespace tandem {

namespace {

// Tableau 10: distinct at a glance, and still distinct for most colour-blind eyes.
const QColor kPalette[] = {{78, 121, 167}, {242, 142, 43}, {225, 87, 89},  {118, 183, 178}, {89, 161, 79},
                           {237, 201, 72}, {176, 122, 161}, {255, 157, 167}, {156, 117, 95}, {186, 176, 172}};

QString classOf(const ProjectedItem &item, ColourBy by)
{
    switch (by) {
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
    }
    return {};
}

PlotClasses classesOf(const std::vector<ProjectedItem> &items, ColourBy by)
{
    std::map<QString, int> index; // sorted names: the same class keeps its colour
    for (const ProjectedItem &item : items)
        index.emplace(classOf(item, by), 0);
    PlotClasses classes;
    for (auto &[name, i] : index) {
        i = int(classes.names.size());
        classes.names << name;
        classes.colours.push_back(kPalette[size_t(i) % std::size(kPalette)]);
    }
    classes.classOf.reserve(items.size());
    for (const ProjectedItem &item : items)
        classes.classOf.push_back(index[classOf(item, by)]);
    return classes;
}

} // namespace tandem
