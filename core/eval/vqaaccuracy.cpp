#include "eval/vqaaccuracy.h"

#include "eval/pymath.h"
#include "eval/unicodetext.h"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace tandem::eval {
namespace {

const std::unordered_map<std::string, std::string> &numberWords()
{
    static const std::unordered_map<std::string, std::string> map = {
        {"none", "0"}, {"zero", "0"}, {"one", "1"}, {"two", "2"}, {"three", "3"}, {"four", "4"},
        {"five", "5"}, {"six", "6"}, {"seven", "7"}, {"eight", "8"}, {"nine", "9"}, {"ten", "10"}};
    return map;
}

// The reference's table, verbatim (its capitalised keys can never match, as
// words are lower-cased first; "somebody'd" really maps to "somebodyd").
const std::unordered_map<std::string, std::string> &contractions()
{
    static const std::unordered_map<std::string, std::string> map = {
        {"aint", "ain't"}, {"arent", "aren't"}, {"cant", "can't"}, {"couldve", "could've"},
        {"couldnt", "couldn't"}, {"couldn'tve", "couldn't've"}, {"couldnt've", "couldn't've"},
        {"didnt", "didn't"}, {"doesnt", "doesn't"}, {"dont", "don't"}, {"hadnt", "hadn't"},
        {"hadnt've", "hadn't've"}, {"hadn'tve", "hadn't've"}, {"hasnt", "hasn't"},
        {"havent", "haven't"}, {"hed", "he'd"}, {"hed've", "he'd've"}, {"he'dve", "he'd've"},
        {"hes", "he's"}, {"howd", "how'd"}, {"howll", "how'll"}, {"hows", "how's"},
        {"Id've", "I'd've"}, {"I'dve", "I'd've"}, {"Im", "I'm"}, {"Ive", "I've"}, {"isnt", "isn't"},
        {"itd", "it'd"}, {"itd've", "it'd've"}, {"it'dve", "it'd've"}, {"itll", "it'll"},
        {"let's", "let's"}, {"maam", "ma'am"}, {"mightnt", "mightn't"},
        {"mightnt've", "mightn't've"}, {"mightn'tve", "mightn't've"}, {"mightve", "might've"},
        {"mustnt", "mustn't"}, {"mustve", "must've"}, {"neednt", "needn't"}, {"notve", "not've"},
        {"oclock", "o'clock"}, {"oughtnt", "oughtn't"}, {"ow's'at", "'ow's'at"},
        {"'ows'at", "'ow's'at"}, {"'ow'sat", "'ow's'at"}, {"shant", "shan't"},
        {"shed've", "she'd've"}, {"she'dve", "she'd've"}, {"she's", "she's"},
        {"shouldve", "should've"}, {"shouldnt", "shouldn't"}, {"shouldnt've", "shouldn't've"},
        {"shouldn'tve", "shouldn't've"}, {"somebody'd", "somebodyd"},
        {"somebodyd've", "somebody'd've"}, {"somebody'dve", "somebody'd've"},
        {"somebodyll", "somebody'll"}, {"somebodys", "somebody's"}, {"someoned", "someone'd"},
        {"someoned've", "someone'd've"}, {"someone'dve", "someone'd've"},
        {"someonell", "someone'll"}, {"someones", "someone's"}, {"somethingd", "something'd"},
        {"somethingd've", "something'd've"}, {"something'dve", "something'd've"},
        {"somethingll", "something'll"}, {"thats", "that's"}, {"thered", "there'd"},
        {"thered've", "there'd've"}, {"there'dve", "there'd've"}, {"therere", "there're"},
        {"theres", "there's"}, {"theyd", "they'd"}, {"theyd've", "they'd've"},
        {"they'dve", "they'd've"}, {"theyll", "they'll"}, {"theyre", "they're"},
        {"theyve", "they've"}, {"twas", "'twas"}, {"wasnt", "wasn't"}, {"wed've", "we'd've"},
        {"we'dve", "we'd've"}, {"weve", "we've"}, {"werent", "weren't"}, {"whatll", "what'll"},
        {"whatre", "what're"}, {"whats", "what's"}, {"whatve", "what've"}, {"whens", "when's"},
        {"whered", "where'd"}, {"wheres", "where's"}, {"whereve", "where've"}, {"whod", "who'd"},
        {"whod've", "who'd've"}, {"who'dve", "who'd've"}, {"wholl", "who'll"}, {"whos", "who's"},
        {"whove", "who've"}, {"whyll", "why'll"}, {"whyre", "why're"}, {"whys", "why's"},
        {"wont", "won't"}, {"wouldve", "would've"}, {"wouldnt", "wouldn't"},
        {"wouldnt've", "wouldn't've"}, {"wouldn'tve", "wouldn't've"}, {"yall", "y'all"},
        {"yall'll", "y'all'll"}, {"y'allll", "y'all'll"}, {"yall'd've", "y'all'd've"},
        {"y'alld've", "y'all'd've"}, {"y'all'dve", "y'all'd've"}, {"youd", "you'd"},
        {"youd've", "you'd've"}, {"you'dve", "you'd've"}, {"youll", "you'll"},
        {"youre", "you're"}, {"youve", "you've"}};
    return map;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool contains(const std::string &text, const std::string &part) { return text.find(part) != std::string::npos; }

// re.search(r"(\d)(,)(\d)", text)
bool hasDigitCommaDigit(const std::string &text)
{
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        if (text[i] == ',' && isDigit(text[i - 1]) && isDigit(text[i + 1]))
            return true;
    }
    return false;
}

std::string replaceAll(const std::string &text, char from, const std::string &to)
{
    std::string out;
    for (char c : text) {
        if (c == from)
            out += to;
        else
            out.push_back(c);
    }
    return out;
}

std::string replaceNewlinesAndTabs(std::string text)
{
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\t', ' ');
    return text;
}

// sum(values) / len(values) the way the reference writes it, as a percentage.
VqaPercent percentOf(const std::vector<double> &accuracies)
{
    double sum = 0;
    for (double a : accuracies)
        sum += a; // Python's sum(): left to right
    const double exact = 100 * sum / static_cast<double>(accuracies.size());
    return {pythonRound(exact, 2), exact};
}

} // namespace

std::string processPunctuation(const std::string &text)
{
    static const char punctuation[] = {';', '/', '[', ']', '"', '{', '}', '(', ')', '=', '+',
                                       '\\', '_', '-', '>', '<', '@', '`', ',', '?', '!'};
    const bool digitGroups = hasDigitCommaDigit(text);
    std::string out = text;
    for (char p : punctuation) {
        const std::string mark(1, p);
        const bool touchesSpace = contains(text, mark + " ") || contains(text, " " + mark);
        out = replaceAll(out, p, touchesSpace || digitGroups ? "" : " ");
    }
    std::string stripped;
    int removed = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const bool beforeDigit = i + 1 < out.size() && isDigit(out[i + 1]);
        if (out[i] == '.' && !beforeDigit && removed < 32) {
            ++removed;
            continue;
        }
        stripped.push_back(out[i]);
    }
    return stripped;
}

std::string processDigitArticle(const std::string &text)
{
    std::vector<std::string> words;
    for (std::string word : text::splitWhitespace(text::toLower(text))) {
        const auto number = numberWords().find(word);
        if (number != numberWords().end())
            word = number->second;
        if (word == "a" || word == "an" || word == "the")
            continue;
        const auto contraction = contractions().find(word);
        words.push_back(contraction == contractions().end() ? word : contraction->second);
    }
    return text::join(words, " ");
}

std::string normalizeVqaAnswer(const std::string &answer)
{
    return processDigitArticle(processPunctuation(text::strip(replaceNewlinesAndTabs(answer))));
}

double vqaAccuracy(const std::vector<std::string> &humanAnswers, const std::string &prediction)
{
    if (humanAnswers.empty())
        throw std::invalid_argument("a VQA question needs at least one human answer");
    std::vector<std::string> answers;
    for (const std::string &answer : humanAnswers)
        answers.push_back(text::strip(replaceNewlinesAndTabs(answer)));
    std::string predicted = text::strip(replaceNewlinesAndTabs(prediction));
    // Since the 2021 fix both sides are normalised alike, and neither when the humans agree.
    if (std::set<std::string>(answers.begin(), answers.end()).size() > 1) {
        for (std::string &answer : answers)
            answer = processDigitArticle(processPunctuation(answer));
        predicted = processDigitArticle(processPunctuation(predicted));
    }
    const auto total = std::count(answers.begin(), answers.end(), predicted);
    double sum = 0;
    for (const std::string &leftOut : answers) {
        const auto matches = total - (leftOut == predicted ? 1 : 0);
        sum += std::min(1.0, static_cast<double>(matches) / 3);
    }
    return sum / static_cast<double>(answers.size());
}

namespace {

void checkSizes(const std::vector<VqaQuestion> &questions, const std::vector<std::string> &predictions)
{
    if (questions.empty())
        throw std::invalid_argument("VQA accuracy needs at least one question");
    if (questions.size() != predictions.size())
        throw std::invalid_argument("VQA accuracy needs one prediction per question: got "
                                    + std::to_string(predictions.size()) + " predictions for "
                                    + std::to_string(questions.size()) + " questions");
}

// Overall and per type, from each question's accuracy.
VqaScores aggregate(const std::vector<VqaQuestion> &questions, std::vector<double> perQuestion)
{
    VqaScores scores;
    std::map<std::string, std::vector<double>> byAnswerType;
    std::map<std::string, std::vector<double>> byQuestionType;
    for (std::size_t i = 0; i < questions.size(); ++i) {
        byAnswerType[questions[i].answerType].push_back(perQuestion[i]);
        byQuestionType[questions[i].questionType].push_back(perQuestion[i]);
    }
    scores.perQuestion = std::move(perQuestion);
    scores.overall = percentOf(scores.perQuestion);
    for (const auto &[type, accuracies] : byAnswerType)
        scores.perAnswerType[type] = percentOf(accuracies);
    for (const auto &[type, accuracies] : byQuestionType)
        scores.perQuestionType[type] = percentOf(accuracies);
    return scores;
}

} // namespace

VqaScores scoreVqa(const std::vector<VqaQuestion> &questions, const std::vector<std::string> &predictions)
{
    checkSizes(questions, predictions);
    std::vector<double> perQuestion;
    for (std::size_t i = 0; i < questions.size(); ++i)
        perQuestion.push_back(vqaAccuracy(questions[i].answers, predictions[i]));
    return aggregate(questions, std::move(perQuestion));
}

VqaScores scoreAnswerMatching(const std::vector<VqaQuestion> &questions, const std::vector<std::string> &predictions)
{
    checkSizes(questions, predictions);
    std::vector<double> perQuestion;
    for (std::size_t i = 0; i < questions.size(); ++i) {
        if (questions[i].answers.empty())
            throw std::invalid_argument("a VQA question needs at least one human answer");
        perQuestion.push_back(normalizeVqaAnswer(predictions[i]) == normalizeVqaAnswer(questions[i].answers.front()) ? 1.0 : 0.0);
    }
    return aggregate(questions, std::move(perQuestion));
}

} // namespace tandem::eval
