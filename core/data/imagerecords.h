#pragma once
// What the labelling GUI reads and edits about one image, as plain values:
// the grid shows an ImageSummary, the side panel an ImageDetail.
#include "data/dataset.h"
#include "data/regions.h"
#include "data/runstore.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace tandem {

struct CaptionRecord {
    qint64 id = 0;  // 0 until stored
    QString text;
    QString extId;
};

struct AnswerRecord {
    QString text;
    QString confidence; // VQA v2: yes / maybe / no; "" when unknown
};

struct QuestionRecord {
    qint64 id = 0;  // 0 until stored
    QString text;
    QString extId;
    QString questionType;
    QString answerType;           // "", yes/no, number, other
    QString multipleChoiceAnswer; // the most common answer; recomputed on every edit
    std::vector<AnswerRecord> answers; // at most kMaxAnswers
};

constexpr int kMaxAnswers = 10; // VQA v2 collects ten human answers per question
const QStringList &answerTypes(); // "", "yes/no", "number", "other"

struct ImageSummary {
    qint64 id = 0;
    QString name;
    QString path; // absolute
    QString split;
    ReviewStatus status = ReviewStatus::Unlabeled;
    ImageFlag flag = ImageFlag::Unchecked;
    QString flagDetail;
    QString firstCaption;
};

struct ImageDetail {
    ImageSummary summary;
    int width = 0;
    int height = 0;
    QStringList tags;
    std::vector<CaptionRecord> captions;
    std::vector<QuestionRecord> questions;
    std::vector<PredictionRecord> suggestions; // every model prediction for the image, newest run first
    std::vector<RegionRecord> regions;          // its objects' boxes, in image pixels
};

} // namespace tandem
