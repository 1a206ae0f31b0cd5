#pragma once
// The evaluation panel's job: a stored run's predictions scored one by one
// against the project's labels, with the aggregates a person drills into:
// VQA accuracy (the official 2021 evaluation) per answer type and per question
// type, a confusion matrix of the most common answers; CIDEr-D, BLEU-4 and
// ROUGE-L per caption; and, against a second run, where the two disagree.
#include "data/runstore.h"

#include <map>
#include <vector>

namespace tandem {

struct EvalSample {
    qint64 imageId = 0;
    qint64 questionId = 0;       // 0: a caption
    QString image, question, questionType, answerType;
    QString predicted;
    QString reference;           // the most common human answer, or the first caption
    int references = 0;          // how many the sample is scored against
    double accuracy = 0;         // VQA accuracy in [0, 1], or the caption's CIDEr-D
    double bleu4 = 0, rougeL = 0; // captions
    double score = 0;            // the model's probability / log-probability
    QString otherPrediction;     // the compared run's, when there is one
};

struct RunEvaluation {
    RunRecord run;
    TaskKind task = TaskKind::Vqa;
    QString metric;              // "VQA accuracy", "answer accuracy" (one human answer each) or "CIDEr-D"
    double overall = 0;          // percent (VQA) or CIDEr-D over the scored samples
    std::map<QString, double> perAnswerType, perQuestionType; // VQA, percent
    std::vector<EvalSample> samples;  // scored ones (with references), in the run's order
    int unscored = 0;            // predictions without any reference
    QStringList confusionLabels; // VQA: the most common reference answers
    std::vector<std::vector<int>> confusion; // [reference][predicted], over confusionLabels
};

// `compareWith` > 0: fill each sample's otherPrediction from that run (same task).
Expected<RunEvaluation> evaluateRun(const QString &project, qint64 runId, qint64 compareWith = 0);
// Runs whose predictions can be evaluated (inference runs), newest first.
Expected<std::vector<RunRecord>> evaluableRuns(const QString &project);

} // namespace tandem
