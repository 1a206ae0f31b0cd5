#pragma once
// VQA accuracy exactly as the official evaluation computes it today
// (GT-Vision-Lab/VQA, PythonEvaluationTools/vqaEvaluation/vqaEval.py after
// commit a013f00 of March 2021, "Fixed processing answers bug").
//
// Per question: the human answers and the prediction have newlines and tabs
// turned into spaces and are stripped. When the human answers are not all
// identical, every one of them and the prediction are normalised the same way
// (processPunctuation, then processDigitArticle); when they are, neither is.
// Accuracy is the mean, over the 10 ways of leaving one human answer out, of
// min(1, matches among the other 9 / 3). (Before 2021 the prediction was
// always normalised and the human answers only by processPunctuation.)
#include <map>
#include <string>
#include <vector>

namespace tandem::eval {

struct VqaQuestion {
    std::vector<std::string> answers; // the human answers (10 in VQA v1/v2)
    std::string questionType;         // e.g. "what color is the"
    std::string answerType;           // "yes/no", "number" or "other"
};

// A percentage both ways: as the reference reports it (round(x, 2)) and unrounded.
struct VqaPercent {
    double rounded = 0;
    double exact = 0;
};

struct VqaScores {
    VqaPercent overall;
    std::map<std::string, VqaPercent> perAnswerType;
    std::map<std::string, VqaPercent> perQuestionType;
    std::vector<double> perQuestion; // accuracy in [0, 1], unrounded
};

// Throws std::invalid_argument when the sizes differ, there is no question,
// or a question has no human answer (the reference divides by zero there).
VqaScores scoreVqa(const std::vector<VqaQuestion> &questions, const std::vector<std::string> &predictions);

// Each prediction against the question's first human answer, both normalised
// (normalizeVqaAnswer): 1 or 0 per question, aggregated as above. What questions
// with one human answer are scored by, where the official accuracy, which
// leaves one answer out, is always 0 (Sort-of-CLEVR, a project being labelled).
VqaScores scoreAnswerMatching(const std::vector<VqaQuestion> &questions, const std::vector<std::string> &predictions);

// One question's accuracy in [0, 1], with the normalisation above.
double vqaAccuracy(const std::vector<std::string> &humanAnswers, const std::string &prediction);

// The reference's processPunctuation(): punctuation becomes a space, or
// nothing when it touches a space or the text has a digit,digit group; then
// up to 32 periods not followed by a digit are removed (re.sub's third
// positional argument, meant as a flag, is a count).
std::string processPunctuation(const std::string &text);
// processDigitArticle(): lower-cased words, number words to digits, articles
// dropped, missing apostrophes restored ("dont" -> "don't").
std::string processDigitArticle(const std::string &text);
// Both of the above after stripping: what two disagreeing answers are compared as.
std::string normalizeVqaAnswer(const std::string &answer);

} // namespace tandem::eval
