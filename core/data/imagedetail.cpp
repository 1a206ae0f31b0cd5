#include "imagedetail.h"

#include "data/projectstore.h"

namespace tandem {

namespace {

Status stepError(const sql::Statement &stmt)
{
    return stmt.error().isEmpty() ? Status() : Status(Error::store(stmt.error()));
}

Expected<ImageDetail> loadImage(ProjectStore &store, qint64 imageId)
{
    auto stmt = store.database().prepare(
        "SELECT r.path, i.name, i.split, i.status, i.flag, i.flag_detail, i.width, i.height, "
        "(SELECT text FROM captions WHERE image_id = i.id ORDER BY id LIMIT 1) "
        "FROM images i JOIN media_roots r ON r.id = i.root_id WHERE i.id = ?1");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, imageId);
    if (!stmt->step()) {
        if (auto s = stepError(*stmt); !s)
            return s.error();
        return Error::usage(QStringLiteral("image %1 is no longer in the project").arg(imageId));
    }
    ImageDetail d;
    ImageSummary &s = d.summary;
    s.id = imageId;
    s.name = stmt->qtext(1);
    s.path = store.rootPath(stmt->qtext(0)) + QLatin1Char('/') + s.name;
    s.split = stmt->qtext(2);
    s.status = ReviewStatus(stmt->integer(3));
    s.flag = ImageFlag(stmt->integer(4));
    s.flagDetail = stmt->qtext(5);
    d.width = stmt->integer(6);
    d.height = stmt->integer(7);
    s.firstCaption = stmt->qtext(8);
    return d;
}

Status loadTagsAndCaptions(ProjectStore &store, ImageDetail &d)
{
    auto tags = store.database().prepare(
        "SELECT t.name FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE it.image_id = ?1 ORDER BY t.name");
    if (!tags)
        return tags.error();
    tags->bind(1, d.summary.id);
    while (tags->step())
        d.tags << tags->qtext(0);
    auto captions = store.database().prepare("SELECT id, text, ext_id FROM captions WHERE image_id = ?1 ORDER BY id");
    if (!captions)
        return captions.error();
    captions->bind(1, d.summary.id);
    while (captions->step())
        d.captions.push_back({captions->int64(0), captions->qtext(1), captions->qtext(2)});
    if (auto s = stepError(*tags); !s)
        return s;
    return stepError(*captions);
}

Status loadQuestions(ProjectStore &store, ImageDetail &d)
{
    auto stmt = store.database().prepare(
        "SELECT q.id, q.text, q.ext_id, q.question_type, q.answer_type, q.multiple_choice_answer, a.text, a.confidence "
        "FROM questions q LEFT JOIN answers a ON a.question_id = q.id WHERE q.image_id = ?1 ORDER BY q.id, a.id");
    if (!stmt)
        return stmt.error();
    stmt->bind(1, d.summary.id);
    while (stmt->step()) {
        if (d.questions.empty() || d.questions.back().id != stmt->int64(0)) {
            QuestionRecord q;
            q.id = stmt->int64(0);
            q.text = stmt->qtext(1);
            q.extId = stmt->qtext(2);
            q.questionType = stmt->qtext(3);
            q.answerType = stmt->qtext(4);
            q.multipleChoiceAnswer = stmt->qtext(5);
            d.questions.push_back(std::move(q));
        }
        if (!stmt->isNull(6))
            d.questions.back().answers.push_back({stmt->qtext(6), stmt->qtext(7)});
    }
    return stepError(*stmt);
}

} // namespace

Expected<ImageSummary> loadImageSummary(ProjectStore &store, qint64 imageId)
{
    auto detail = loadImage(store, imageId);
    if (!detail)
        return detail.error();
    return detail->summary;
}

Expected<ImageDetail> loadImageDetail(ProjectStore &store, qint64 imageId)
{
    auto detail = loadImage(store, imageId);
    if (!detail)
        return detail;
    if (auto s = loadTagsAndCaptions(store, *detail); !s)
        return s.error();
    if (auto s = loadQuestions(store, *detail); !s)
        return s.error();
    auto suggestions = predictions::forImage(store, imageId);
    if (!suggestions)
        return suggestions.error();
    detail->suggestions = std::move(*suggestions);
    auto regions = loadRegions(store, imageId);
    if (!regions)
        return regions.error();
    detail->regions = std::move(*regions);
    return detail;
}

} // namespace tandem
