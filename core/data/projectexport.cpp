// ProjectStore::loadDataset: the project (or a filtered part) back in the
// format-neutral form every exporter writes.
#include "data/projectstore.h"

#include <unordered_map>

namespace tandem {

namespace {

std::string imageWhere(const DatasetFilter &filter)
{
    std::string where = " WHERE 1";
    if (!filter.split.isEmpty())
        where += " AND i.split = ?1";
    if (filter.status)
        where += " AND i.status = ?2";
    if (filter.skipFlagged)
        where += " AND i.flag <= 0";
    return where;
}

void bindFilter(sql::Statement &stmt, const DatasetFilter &filter)
{
    if (!filter.split.isEmpty())
        stmt.bind(1, filter.split);
    if (filter.status)
        stmt.bind(2, int(*filter.status));
}

} // namespace

Expected<Dataset> ProjectStore::loadDataset(const DatasetFilter &filter)
{
    Dataset dataset;
    std::unordered_map<qint64, size_t> index; // image id -> position in dataset.images
    const std::string where = imageWhere(filter);
    const std::string chosen = "SELECT i.id FROM images i" + where;

    auto images = m_db.prepare("SELECT i.id, r.path, i.name, i.ext_id, i.width, i.height, i.split, i.status "
                               "FROM images i JOIN media_roots r ON r.id = i.root_id" + where + " ORDER BY i.id");
    if (!images)
        return images.error();
    bindFilter(*images, filter);
    while (images->step()) {
        DatasetImage image;
        image.name = images->text(2);
        image.extId = images->text(3);
        image.width = images->integer(4);
        image.height = images->integer(5);
        image.split = images->text(6);
        image.status = ReviewStatus(images->integer(7));
        image.sourcePath = rootPath(images->qtext(1)) + QLatin1Char('/') + QString::fromStdString(image.name);
        index.emplace(images->int64(0), dataset.images.size());
        dataset.images.push_back(std::move(image));
    }

    auto tags = m_db.prepare("SELECT it.image_id, t.name FROM image_tags it JOIN tags t ON t.id = it.tag_id "
                             "WHERE it.image_id IN (" + chosen + ") ORDER BY it.image_id, t.name");
    if (!tags)
        return tags.error();
    bindFilter(*tags, filter);
    while (tags->step())
        dataset.images[index.at(tags->int64(0))].tags.push_back(tags->text(1));

    auto captions = m_db.prepare("SELECT c.image_id, c.text, c.ext_id FROM captions c WHERE c.image_id IN ("
                                 + chosen + ") ORDER BY c.id");
    if (!captions)
        return captions.error();
    bindFilter(*captions, filter);
    while (captions->step())
        dataset.captions.push_back({index.at(captions->int64(0)), captions->text(1), captions->text(2)});

    auto questions = m_db.prepare(
        "SELECT q.id, q.image_id, q.text, q.ext_id, q.question_type, q.answer_type, q.multiple_choice_answer, "
        "a.text, a.confidence FROM questions q LEFT JOIN answers a ON a.question_id = q.id "
        "WHERE q.image_id IN (" + chosen + ") ORDER BY q.id, a.id");
    if (!questions)
        return questions.error();
    bindFilter(*questions, filter);
    qint64 lastQuestion = -1;
    while (questions->step()) {
        if (questions->int64(0) != lastQuestion) {
            lastQuestion = questions->int64(0);
            DatasetQuestion q;
            q.image = index.at(questions->int64(1));
            q.text = questions->text(2);
            q.extId = questions->text(3);
            q.questionType = questions->text(4);
            q.answerType = questions->text(5);
            q.multipleChoiceAnswer = questions->text(6);
            dataset.questions.push_back(std::move(q));
        }
        if (!questions->isNull(7))
            dataset.questions.back().answers.push_back({questions->text(7), questions->text(8)});
    }
    auto regions = m_db.prepare("SELECT r.image_id, r.x, r.y, r.width, r.height, r.label FROM regions r "
                                "WHERE r.image_id IN (" + chosen + ") ORDER BY r.id");
    if (!regions)
        return regions.error();
    bindFilter(*regions, filter);
    while (regions->step())
        dataset.regions.push_back({index.at(regions->int64(0)), regions->real(1), regions->real(2), regions->real(3),
                                   regions->real(4), regions->text(5)});
    for (const sql::Statement *stmt : {&*images, &*tags, &*captions, &*questions, &*regions})
        if (!stmt->error().isEmpty())
            return Error::store(stmt->error());
    return dataset;
}

} // namespace tandem
