#include "llavaformat.h"

#include "formats/json.h"
#include "util/text.h"

#include <QFileInfo>
#include <array>

namespace tandem::llava {

bool isDescriptionPrompt(std::string_view prompt)
{
    // LLaVA's brief and detailed description prompts all contain one of these;
    // a question about the image ("What colour is the bus?") contains none.
    static constexpr std::array<std::string_view, 14> kMarks = {
        "descri", "caption", "summar", "depict", "narrative", "explanation of the", "interpretation of the",
        "account of the", "what do you see", "what is happening", "what's happening", "what is going on",
        "what's going on", "elaborate on the"};
    const std::string lowered = text::lower(prompt);
    for (const std::string_view mark : kMarks)
        if (lowered.find(mark) != std::string::npos)
            return true;
    return false;
}

int sniff(const QString &path)
{
    if (QFileInfo(path).suffix().toLower() != QLatin1String("json"))
        return 0;
    const json::Sample sample = json::sample(path);
    const std::string_view start = text::trimmed(sample.head);
    if (start.empty() || start.front() != '[')
        return 0;
    if (!json::hasKey(sample.head, "conversations"))
        return 0;
    const bool turns = json::hasKey(sample.head, "from") && json::hasKey(sample.head, "value");
    return turns ? 90 : 40;
}

} // namespace tandem::llava
