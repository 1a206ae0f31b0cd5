#include "vqaformat.h"

#include "formats/json.h"

namespace tandem::vqa {

int sniff(const QString &path)
{
    if (!path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        return 0;
    const json::Sample sample = json::sample(path);
    if (!sample.startsWithObject())
        return 0;
    if (!sample.has("question_id") || sample.has("images"))
        return 0;
    if (sample.has("questions") && sample.has("question"))
        return 90; // the questions file
    if (sample.has("annotations") && (sample.has("answers") || sample.has("multiple_choice_answer")))
        return 85; // the annotations file: read it with its questions file
    return 0;
}

} // namespace tandem::vqa
