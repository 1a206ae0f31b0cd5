#pragma once
// What the embedding view colours its points by, without widgets: each item's
// class (split, review status, first tag or modality), the class names in a
// stable order and a colour each.
#include "data/projectionstore.h"
#include "embeddingplot.h"

namespace tandem {

enum class ColourBy { Split, Status, Tag, Modality };
QString colourByTitle(ColourBy by);

PlotClasses classesOf(const std::vector<ProjectedItem> &items, ColourBy by);

} // namespace tandem
