#pragma once
// Which images the GUI grid shows, in which order: a filter and a sort turned
// into one SQL query over the indexes (and the FTS5 `search` table for text),
// fast enough on 100k images to run on every keystroke (in a worker).
#include "data/dataset.h"
#include "util/expected.h"

#include <QStringList>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace tandem {

class ProjectStore;

enum class FlagFilter { Any, Flagged, Usable }; // Flagged: missing or corrupt files
enum class ContentFilter { Any, HasCaptions, NoCaptions, HasQuestions, NoQuestions };
// Unreviewed: a model's suggestion nobody accepted or rejected yet; Disagrees: a
// predicted answer that is not the question's (most common) human answer.
enum class SuggestionFilter { Any, Unreviewed, Disagrees };
// Uncertainty: least sure first, by the newest prediction run that recorded how
// sure its model was (predictions::uncertaintyExpression); images it did not
// predict for come last.
enum class ImageSort { Added, Name, Status, Split, Uncertainty };

struct ImageQuery {
    QString text;                       // FTS5 over captions, questions and answers; "" = all
    std::optional<QString> split;       // "" = images without a split
    std::optional<ReviewStatus> status;
    QString tag;                        // "" = any
    FlagFilter flags = FlagFilter::Any;
    ContentFilter content = ContentFilter::Any;
    SuggestionFilter suggestions = SuggestionFilter::Any;
    ImageSort sort = ImageSort::Added;
    bool descending = false;
    // Non-empty: exactly these images, in this order, with these scores (a
    // search by meaning or "more like this"); the fields above are ignored.
    std::vector<qint64> ranked;
    std::vector<float> rankScores;      // same length as ranked
};

// The matching images in display order, with their review status (so that
// "next unlabeled" needs no further query).
struct ImageList {
    std::vector<qint64> ids;
    std::vector<std::int8_t> statuses; // ReviewStatus, same order as ids
    std::vector<float> scores;         // a ranked query's, same order; else empty
};

struct StatusCounts {
    qint64 total = 0;
    std::array<qint64, 4> byStatus{}; // indexed by ReviewStatus
};

Expected<ImageList> queryImages(ProjectStore &store, const ImageQuery &query);
Expected<StatusCounts> statusCounts(ProjectStore &store);
Expected<QStringList> tagNames(ProjectStore &store);   // sorted
Expected<QStringList> splitNames(ProjectStore &store); // sorted, without ""

} // namespace tandem
