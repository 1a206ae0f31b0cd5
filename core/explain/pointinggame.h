#pragma once
// The pointing game over a set of items (Zhang et al., ECCV 2016): each item is
// a text that names one object of its image (a question, "What shape is the red
// object?", or a word of a caption, "red") and a map of where a model looked;
// the map scores a hit when its largest cell's centre lies in the named
// object's box. Plain C++: the model's side is the caller's.
#include "data/regions.h"

#include <QSizeF>
#include <QString>
#include <QStringList>
#include <map>
#include <random>
#include <vector>

namespace tandem::explain {

struct PointingTally {
    qint64 hits = 0;
    qint64 items = 0;
    double rate() const { return items > 0 ? double(hits) / double(items) : 0.0; } // 0..1
};

struct PointingScores {
    PointingTally overall;
    std::map<QString, PointingTally> byKind; // question type, or the caption's word
    qint64 unmatched = 0;                    // questions that name no region (not scored)
    void add(const QString &kind, bool hit);
};

// The words of a text, lower-case: runs of letters and digits.
QStringList textWords(const QString &text);

// The region a text names: the one whose label's first word ("red" of "red
// square") is a word of the text. -1 when no region or more than one matches.
int namedRegion(const QString &text, const std::vector<RegionRecord> &regions);

// An explanation map over the image: gridHeight x gridWidth weights, row-major.
struct GridMap {
    const std::vector<float> &weights;
    int gridHeight = 0, gridWidth = 0;
};

// Scores `map` against the region `text` names in an image of imageSize pixels
// (the frame of the regions' boxes), as one item of `kind`. False, and nothing
// counted, when the text names no region.
bool scoreItem(PointingScores &scores, const QString &kind, const QString &text, const GridMap &map,
               QSizeF imageSize, const std::vector<RegionRecord> &regions);

// The baseline: each cell's weight uniform in [0, 1), so the peak is a uniformly random cell.
std::vector<float> randomMap(size_t cells, std::mt19937_64 &rng);

} // namespace tandem::explain
