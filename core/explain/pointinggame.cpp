#include "explain/pointinggame.h"

#include "explain/heatmap.h"

#include <QRegularExpression>

namespace tandem::explain {

void PointingScores::add(const QString &kind, bool hit)
{
    for (PointingTally *t : {&overall, &byKind[kind]}) {
        ++t->items;
        t->hits += hit ? 1 : 0;
    }
}

QStringList textWords(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}]+"));
    return text.toLower().split(separators, Qt::SkipEmptyParts);
}

int namedRegion(const QString &text, const std::vector<RegionRecord> &regions)
{
    const QStringList words = textWords(text);
    int found = -1;
    for (size_t i = 0; i < regions.size(); ++i) {
        const QStringList label = textWords(regions[i].label);
        if (label.isEmpty() || !words.contains(label.first()))
            continue;
        if (found >= 0)
            return -1; // two objects fit: the text does not say which
        found = int(i);
    }
    return found;
}

bool scoreItem(PointingScores &scores, const QString &kind, const QString &text, const GridMap &map,
               QSizeF imageSize, const std::vector<RegionRecord> &regions)
{
    const int region = namedRegion(text, regions);
    if (region < 0)
        return false;
    scores.add(kind, pointingHit(map.weights, map.gridHeight, map.gridWidth, imageSize, regions[size_t(region)].box));
    return true;
}

std::vector<float> randomMap(size_t cells, std::mt19937_64 &rng)
{
    std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
    std::vector<float> map(cells);
    for (float &w : map)
        w = uniform(rng);
    return map;
}

} // namespace tandem::explain
