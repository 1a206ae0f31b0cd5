#include "cocoformat.h"

#include "formats/json.h"

namespace tandem::coco {

int sniff(const QString &path)
{
    if (!path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        return 0;
    const json::Sample sample = json::sample(path);
    if (!sample.startsWithObject())
        return 0;
    if (!sample.has("images") || sample.has("question_id"))
        return 0;
    if (sample.has("caption") && sample.has("image_id"))
        return 90;
    // COCO for another task (instances, keypoints): read() will say what is missing.
    return sample.has("annotations") ? 10 : 0;
}

} // namespace tandem::coco
