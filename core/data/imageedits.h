#pragma once
// The edit API of the labelling GUI. Each call is one short transaction that
// is committed before it returns, so nothing confirmed is ever lost; each has
// an exact inverse, which is what the GUI's undo commands call.
#include "data/imagerecords.h"
#include "util/expected.h"

#include <utility>
#include <vector>

namespace tandem {

class ProjectStore;

namespace edits {

// Adds a caption; a non-zero caption.id puts back a removed caption under its old id.
Expected<qint64> addCaption(ProjectStore &store, qint64 imageId, const CaptionRecord &caption);
Status setCaption(ProjectStore &store, qint64 captionId, const QString &text);
Status removeCaption(ProjectStore &store, qint64 captionId);

// Adds a question with its answers; a non-zero question.id restores a removed one.
Expected<qint64> addQuestion(ProjectStore &store, qint64 imageId, const QuestionRecord &question);
// Text, types and answers of question.id; the answers are replaced as a whole.
Status setQuestion(ProjectStore &store, const QuestionRecord &question);
Status removeQuestion(ProjectStore &store, qint64 questionId);

// Replaces the image's tags (trimmed, empty and duplicate names dropped).
Status setTags(ProjectStore &store, qint64 imageId, const QStringList &tags);
Status setSplit(ProjectStore &store, const std::vector<qint64> &imageIds, const QString &split);
Status setStatus(ProjectStore &store, const std::vector<qint64> &imageIds, ReviewStatus status);
// One status per image, for undoing a bulk change over images that differed.
Status setStatuses(ProjectStore &store, const std::vector<std::pair<qint64, ReviewStatus>> &statuses);

} // namespace edits
} // namespace tandem
