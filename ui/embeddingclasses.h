#pragma once
// What the embedding view colours its points by, without widgets: each item's
// class (split, review status, first tag, modality; for VQA the first
// question's human answer, the model's answer, whether it is right, and its
// probability in ten bins of a ramp), the class names in a stable order and a
// colour each.
#include "data/projectionstore.h"
#include "embeddingplot.h"

namespace tandem {

enum class ColourBy { Split, Status, Tag, Modality, Answer, Predicted, Correct, Score };
constexpr ColourBy kColourBys[] = {ColourBy::Split, ColourBy::Status, ColourBy::Tag, ColourBy::Modality,
                                   ColourBy::Answer, ColourBy::Predicted, ColourBy::Correct, ColourBy::Score};
QString colourByTitle(ColourBy by);

PlotClasses classesOf(const std::vector<ProjectedItem> &items, ColourBy by);

} // namespace tandem
