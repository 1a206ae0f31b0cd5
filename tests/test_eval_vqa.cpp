// VQA accuracy against the official evaluation (GT-Vision-Lab/VQA vqaEval.py
// as of commit a013f00, 2021). Hand-checked cases carry their arithmetic; the
// per-question and aggregate values come from that file run under Python 3.11
// (its two print statements made calls) on the same questions (questionSet()).
#include "eval/pymath.h"
#include "eval/vqaaccuracy.h"

#include <QTest>

#include <cmath>
#include <stdexcept>

using namespace tandem::eval;

namespace {

bool near(double actual, double expected)
{
    return std::abs(actual - expected) <= 1e-9 * std::max(1.0, std::abs(expected));
}

std::vector<std::string> answers(std::initializer_list<std::pair<const char *, int>> groups)
{
    std::vector<std::string> out;
    for (const auto &[answer, count] : groups)
        out.insert(out.end(), count, answer);
    return out;
}

struct Case {
    VqaQuestion question;
    std::string prediction;
    double accuracy; // what the Python port gives for this question
};

// 27 questions covering each normalisation path and the leave-one-out counts.
std::vector<Case> questionSet()
{
    const char *number = "number";
    const char *other = "other";
    const char *yesNo = "yes/no";
    return {
        // Identical human answers: neither side is normalised, only stripped.
        {{answers({{"2", 10}}), "how many", number}, "Two", 0.0},
        {{answers({{"dog", 10}}), "what is the", other}, "the dog", 0.0},
        {{answers({{"yes", 10}}), "is the", yesNo}, "yes.", 0.0},
        {{answers({{"Yes", 10}}), "is the", yesNo}, "yes", 0.0},
        {{answers({{"no", 10}}), "is there a", yesNo}, "  No\n", 0.0},
        {{answers({{"the dog", 10}}), "what is the", other}, "the dog", 1.0},
        {{answers({{"the dog", 10}}), "what is the", other}, "dog", 0.0},
        {{answers({{"cat.", 10}}), "what is the", other}, "cat.", 1.0},
        {{answers({{"blue", 10}}), "what color is the", other}, "red", 0.0},
        // Disagreeing human answers: both sides normalised alike.
        {{answers({{"2", 9}, {"3", 1}}), "how many", number}, "two", 1.0},
        {{answers({{"don't", 4}, {"no", 6}}), "what is the", other}, "dont", 1.0},
        {{answers({{"dont", 3}, {"no", 7}}), "what is the", other}, "don't", 0.9},  // contraction on the human side
        {{answers({{"a dog", 5}, {"dog", 5}}), "what is the", other}, "the dog", 1.0}, // articles on both
        {{answers({{"Two", 2}, {"two", 1}, {"3", 7}}), "how many", number}, "2", 0.9}, // number words on the human side
        {{answers({{"one", 3}, {"1", 7}}), "how many", number}, "one", 1.0},
        {{answers({{"3.5", 5}, {"3", 5}}), "how many", number}, "3.5", 1.0},  // a period before a digit stays
        {{answers({{"yes", 9}, {"Yes", 1}}), "is the", yesNo}, "Yes", 1.0},
        {{answers({{"t-shirt", 3}, {"shirt", 7}}), "what is the", other}, "t-shirt", 0.9},
        {{answers({{"t shirt", 3}, {"shirt", 7}}), "what is the", other}, "t-shirt", 0.9},
        // "1,000" has a digit,digit group: its comma goes, giving "1000".
        {{answers({{"1,000", 4}, {"1000", 6}}), "how many", number}, "1000", 1.0},
        {{answers({{"black and white", 5}, {"black white", 5}}), "what color is the", other}, "black & white", 0.0},
        {{answers({{"black and white", 6}, {"white", 4}}), "what color is the", other}, "Black and White", 1.0},
        // Whitespace is stripped before the humans are compared: these 10 disagree only on "cat" vs " cat\t".
        {{answers({{" cat\t", 9}, {"cat", 1}}), "what is the", other}, "cat ", 1.0},
        {{answers({{"red", 1}, {"blue", 9}}), "what color is the", other}, "red", 0.3},
        {{answers({{"red", 2}, {"blue", 8}}), "what color is the", other}, "red", 0.6},
        {{answers({{"red", 3}, {"blue", 7}}), "what color is the", other}, "red", 0.9},
        {{answers({{"red", 4}, {"blue", 6}}), "what color is the", other}, "red", 1.0},
    };
}

} // namespace

class TestEvalVqa : public QObject {
    Q_OBJECT
private slots:
    void normalizes_data();
    void normalizes();
    void stripsAtMost32Periods();
    void leaveOneOut_data();
    void leaveOneOut();
    void questionSetMatchesReference();
    void aggregatesMatchReference();
    void roundsLikePython_data();
    void roundsLikePython();
    void rejectsBadInput();
    void singleAnswersAreMatched();
};

void TestEvalVqa::normalizes_data()
{
    // Each checked against processPunctuation + processDigitArticle in Python.
    QTest::addColumn<QString>("answer");
    QTest::addColumn<QString>("normalized");
    QTest::newRow("number word") << "Two" << "2";
    QTest::newRow("ten") << "ten" << "10";
    QTest::newRow("none is zero") << "none" << "0";
    QTest::newRow("article") << "the dog" << "dog";
    QTest::newRow("article an") << "an apple" << "apple";
    QTest::newRow("contraction") << "dont" << "don't";
    QTest::newRow("final period") << "yes." << "yes";
    QTest::newRow("decimal stays") << "3.5" << "3.5";
    QTest::newRow("decimal then period") << "3.5." << "3.5";
    QTest::newRow("hyphen to space") << "t-shirt" << "t shirt";
    QTest::newRow("thousands comma") << "1,000 dogs" << "1000 dogs";
    QTest::newRow("question mark") << "a man's hat?" << "man's hat";
    QTest::newRow("mark next to space removed") << "what? yes" << "what yes";
    QTest::newRow("acronym periods") << "A.B.C." << "abc";
    QTest::newRow("slash") << "left/right" << "left right";
    QTest::newRow("parentheses") << "(yes)" << "yes";
    QTest::newRow("comma next to space") << "on the table, yes" << "on table yes";
    QTest::newRow("ampersand kept") << "black & white" << "black & white";
    QTest::newRow("capital I contraction keys never match") << "Im" << "im";
    QTest::newRow("whitespace") << "  Hello \t World\n" << "hello world";
}

void TestEvalVqa::normalizes()
{
    QFETCH(QString, answer);
    QFETCH(QString, normalized);
    QCOMPARE(QString::fromStdString(normalizeVqaAnswer(answer.toStdString())), normalized);
}

void TestEvalVqa::stripsAtMost32Periods()
{
    // re.sub(pattern, "", text, re.UNICODE) passes re.UNICODE (32) as the count.
    QCOMPARE(processPunctuation(std::string(40, '.')), std::string(8, '.'));
}

void TestEvalVqa::leaveOneOut_data()
{
    // 10 human answers, `matches` of them equal to the prediction. Leaving out
    // a matching answer leaves matches-1, any other leaves matches; each
    // subset scores min(1, m/3), and the accuracy is their mean.
    QTest::addColumn<int>("matches");
    QTest::addColumn<double>("accuracy");
    QTest::newRow("0") << 0 << 0.0;
    QTest::newRow("1: 1x min(1,0/3) + 9x 1/3") << 1 << (0.0 + 9.0 / 3) / 10;      // 0.3
    QTest::newRow("2: 2x 1/3 + 8x 2/3") << 2 << (2.0 / 3 + 16.0 / 3) / 10;        // 0.6
    QTest::newRow("3: 3x 2/3 + 7x 1") << 3 << (3 * 2.0 / 3 + 7) / 10;             // 0.9
    QTest::newRow("4: 4x 1 + 6x 1") << 4 << 1.0;
    QTest::newRow("10") << 10 << 1.0;
}

void TestEvalVqa::leaveOneOut()
{
    QFETCH(int, matches);
    QFETCH(double, accuracy);
    const auto human = answers({{"cat", matches}, {"dog", 10 - matches}});
    QVERIFY(near(vqaAccuracy(human, "cat"), accuracy));
}

void TestEvalVqa::questionSetMatchesReference()
{
    for (const Case &c : questionSet())
        QVERIFY2(near(vqaAccuracy(c.question.answers, c.prediction), c.accuracy), c.prediction.c_str());
}

void TestEvalVqa::aggregatesMatchReference()
{
    std::vector<VqaQuestion> questions;
    std::vector<std::string> predictions;
    for (const Case &c : questionSet()) {
        questions.push_back(c.question);
        predictions.push_back(c.prediction);
    }
    const VqaScores scores = scoreVqa(questions, predictions);
    // Python: round(100*float(sum(accQA))/len(accQA), 2) and the same unrounded.
    QCOMPARE(scores.overall.rounded, 64.44);
    QVERIFY(near(scores.overall.exact, 64.44444444444444));
    QCOMPARE(scores.perAnswerType.at("number").rounded, 81.67);
    QVERIFY(near(scores.perAnswerType.at("number").exact, 81.66666666666667));
    QCOMPARE(scores.perAnswerType.at("other").rounded, 67.65);
    QVERIFY(near(scores.perAnswerType.at("other").exact, 67.6470588235294));
    QCOMPARE(scores.perAnswerType.at("yes/no").rounded, 25.0);
    QCOMPARE(scores.perQuestionType.at("how many").rounded, 81.67);
    QCOMPARE(scores.perQuestionType.at("what is the").rounded, 77.0);
    QVERIFY(near(scores.perQuestionType.at("what is the").exact, 76.99999999999999));
    QCOMPARE(scores.perQuestionType.at("is the").rounded, 33.33);
    QVERIFY(near(scores.perQuestionType.at("is the").exact, 33.333333333333336));
    QCOMPARE(scores.perQuestionType.at("what color is the").rounded, 54.29);
    QVERIFY(near(scores.perQuestionType.at("what color is the").exact, 54.285714285714285));
    QCOMPARE(scores.perQuestionType.at("is there a").rounded, 0.0);
    QCOMPARE(scores.perQuestion.size(), std::size_t(27));
    QVERIFY(near(scores.perQuestion[23], 0.3));
}

void TestEvalVqa::roundsLikePython_data()
{
    // Values of Python 3's round(x, 2): the exact binary value decides.
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("rounded");
    QTest::newRow("2.675 is below the tie") << 2.675 << 2.67;
    QTest::newRow("exact tie to even down") << 0.125 << 0.12;
    QTest::newRow("exact tie to even up") << 0.375 << 0.38;
    QTest::newRow("1.005") << 1.005 << 1.0;
    QTest::newRow("99.995") << 99.995 << 100.0;
    QTest::newRow("54.2857...") << 54.285714285714285 << 54.29;
}

void TestEvalVqa::roundsLikePython()
{
    QFETCH(double, value);
    QFETCH(double, rounded);
    QCOMPARE(pythonRound(value, 2), rounded);
}

void TestEvalVqa::rejectsBadInput()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, scoreVqa({}, {}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, scoreVqa({VqaQuestion{{"a"}, "q", "other"}}, {}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, vqaAccuracy({}, "a"));
}

void TestEvalVqa::singleAnswersAreMatched()
{
    // One human answer each: the official accuracy is 0 whatever the answer; matching normalises both sides.
    const std::vector<VqaQuestion> questions{{{"2"}, "how many", "number"}, {{"dog"}, "what is the", "other"},
                                             {{"yes"}, "is the", "yes/no"}};
    const std::vector<std::string> predictions{"two", "the dog", "no"};
    QCOMPARE(scoreVqa(questions, predictions).overall.exact, 0.0);
    const VqaScores matched = scoreAnswerMatching(questions, predictions);
    QCOMPARE(matched.perQuestion, (std::vector<double>{1.0, 1.0, 0.0}));
    QVERIFY(near(matched.overall.exact, 200.0 / 3));
    QCOMPARE(matched.perAnswerType.at("yes/no").exact, 0.0);
    QCOMPARE(matched.perQuestionType.at("how many").exact, 100.0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, scoreAnswerMatching({VqaQuestion{{}, "q", "other"}}, {"a"}));
}

QTEST_GUILESS_MAIN(TestEvalVqa)
#include "test_eval_vqa.moc"
