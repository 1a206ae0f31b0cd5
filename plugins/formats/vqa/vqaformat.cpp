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
    const auto has = [&](std::string_view key) { return json::hasKey(sample.head, key) || json::hasKey(sample.tail, key); };
    if (!has("question_id") || has("images"))
        return 0;
    if (has("questions") && has("question"))
        return 90; // the questions file
    if (has("annotations") && (has("answers") || has("multiple_choice_answer")))
        return 85; // the annotations file: read it with its questions file
    return 0;
}

} // namespace tandem::vqa
