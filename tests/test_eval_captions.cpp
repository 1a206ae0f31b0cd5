// Caption metrics against pycocoevalcap. Hand-checked cases carry their
// arithmetic; the corpus values in data/eval/caption_corpus.json come from the
// reference code itself (see the "source" field there).
#include "eval/americanize.h"
#include "eval/captionmetrics.h"
#include "eval/ptbtokenizer.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <stdexcept>

using namespace tandem;
using namespace tandem::eval;

namespace {

constexpr double kTiny = 1e-15; // bleu_scorer.py's constants
constexpr double kSmall = 1e-9;

// Equal to 1e-9 relative to the expected value (absolute near zero).
bool near(double actual, double expected)
{
    return std::abs(actual - expected) <= 1e-9 * std::max(1.0, std::abs(expected));
}

#define COMPARE_NEAR(actual, expected)                                                             \
    QVERIFY2(near((actual), (expected)),                                                           \
             qPrintable(QStringLiteral("%1 != %2").arg((actual), 0, 'g', 17).arg((expected), 0, 'g', 17)))

Sentences toSentences(const QJsonArray &array)
{
    Sentences out;
    for (const QJsonValue &v : array)
        out.push_back(v.toString().toStdString());
    return out;
}

QJsonObject corpus()
{
    QFile file(test::dataPath(QStringLiteral("eval/caption_corpus.json")));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

class TestEvalCaptions : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tokenizesLikeCoco_data();
    void tokenizesLikeCoco();
    void keepsPtbTokens();
    void americanizes_data();
    void americanizes();
    void bleuHandChecked();
    void bleuBrevityPenalty();
    void bleuClosestReferenceLength();
    void rougeHandChecked();
    void ciderHandChecked();
    void ciderOfOneImageIsZero();
    void ciderWithCorpusFrequencies();
    void emptyCandidateScoresZero();
    void identicalCandidate();
    void rejectsBadInput();
    void corpusMatchesReference_data();
    void corpusMatchesReference();
    void corpusTotalsMatchReference();

private:
    QJsonArray m_images;
    std::vector<Sentences> m_references;
    Sentences m_candidates;
    CaptionScores m_scores;
};

void TestEvalCaptions::tokenizesLikeCoco_data()
{
    // Expected strings checked by hand against the PTB rules, and against the
    // rules of PTBLexer.flex compiled with JFlex (the oracle described in
    // data/eval/caption_corpus.json).
    QTest::addColumn<QString>("caption");
    QTest::addColumn<QString>("tokens");
    QTest::newRow("plain") << "A man riding a wave on top of a surfboard." << "a man riding a wave on top of a surfboard";
    QTest::newRow("clitics") << "Don't touch the dog's bowl, it's Mr. Smith's!" << "do n't touch the dog 's bowl it 's mr. smith 's";
    QTest::newRow("can't cannot") << "I can't believe it cannot fly..." << "i ca n't believe it can not fly";
    QTest::newRow("brackets survive") << "The colour of the grey T-shirt (red) is nice" << "the color of the gray t-shirt -lrb- red -rrb- is nice";
    QTest::newRow("quotes dropped") << "a \"quoted\" word and 'single' ones" << "a quoted word and single ones";
    QTest::newRow("numbers") << "3.5 inches, 1,000 people at 10:30 and/or 12/25/2010" << "3.5 inches 1,000 people at 10:30 and\\/or 12\\/25\\/2010";
    QTest::newRow("letter with period") << "the letter a." << "the letter a.";
    QTest::newRow("!! and ?! kept") << "wow!! really?!" << "wow !! really ?!";
    QTest::newRow("abbreviations") << "e.g. the U.S. army etc. 5 ft. vs. no." << "e.g. the u.s. army etc. 5 ft. vs. no.";
    QTest::newRow("apostrophe words") << "o'clock rock 'n' roll y'all" << "o'clock rock 'n' roll y' all";
    QTest::newRow("markup and brackets") << "a <unk> token [x] {y}" << "a <unk> token -lrb- x -rrb- -lcb- y -rcb-";
    QTest::newRow("symbols") << "50% of $5 &amp; more" << "50 % of $ 5 & more";
    QTest::newRow("curly quotes and dashes") << "It\u2019s a \u201ccurly\u201d quote \u2013 dash \u2014 ok\u2026" << "it 's a curly quote dash ok";
    QTest::newRow("hyphenated") << "well-lit 20-year-old x-ray" << "well-lit 20-year-old x-ray";
    QTest::newRow("upper case") << "A HORSE PULLING A CART." << "a horse pulling a cart";
    QTest::newRow("dash runs") << "Two people - one -- are --- there ----- ok" << "two people one are there ----- ok";
    QTest::newRow("possessive plural") << "The dogs' bowls" << "the dogs bowls";
    QTest::newRow("1950's") << "a 1950's car" << "a 1950 's car";
    QTest::newRow("acronym before space") << "A man in a U.S army uniform" << "a man in a u.s army uniform";
    QTest::newRow("ampersand words") << "AT&T and B&W but b&w" << "at&t and b&w but b & w";
    QTest::newRow("empty") << "" << "";
    QTest::newRow("punctuation only") << " ... , ; " << "";
    QTest::newRow("mixed ?! is no PUNCTUATIONS entry") << "what ?!" << "what ?!";
    QTest::newRow("newline inside") << "two\nlines" << "two lines";
    QTest::newRow("emoji dropped") << "a cat \U0001F431 sleeping" << "a cat sleeping";
    QTest::newRow("url and mail") << "see www.example.com or me@example.org" << "see www.example.com or me@example.org";
}

void TestEvalCaptions::tokenizesLikeCoco()
{
    QFETCH(QString, caption);
    QFETCH(QString, tokens);
    QCOMPARE(QString::fromStdString(cocoTokenize(caption.toStdString())), tokens);
}

void TestEvalCaptions::keepsPtbTokens()
{
    // ptbTokenize keeps what the COCO filter would drop, PTB-escaped and lower-cased.
    const std::vector<std::string> expected = {"``", "hi", "''", "-lrb-", "a", "-rrb-", "--", "...", "."};
    QCOMPARE(ptbTokenize("\"Hi\" (a) -- ... ."), expected);
    // "2 1/2" is one token whose space becomes U+00A0, as in the reference.
    QCOMPARE(ptbTokenize("2 1/2"), std::vector<std::string>{"2\u00A01\\/2"});
}

void TestEvalCaptions::americanizes_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("american");
    QTest::newRow("listed") << "grey" << "gray";
    QTest::newRow("listed capital") << "Labour" << "Labor";
    QTest::newRow("case-sensitive list") << "Grey" << "Grey";
    QTest::newRow("-our pattern") << "behaviours" << "behaviors";
    QTest::newRow("-our needs 3 letters before") << "hour" << "hour";
    QTest::newRow("-our exception") << "contour" << "contour";
    QTest::newRow("haem") << "haemoglobin" << "hemoglobin";
    QTest::newRow("aemia") << "leukaemia" << "leukemia";
    QTest::newRow("programme") << "programmes" << "programs";
    QTest::newRow("untouched") << "colourless" << "colourless";
}

void TestEvalCaptions::americanizes()
{
    QFETCH(QString, word);
    QFETCH(QString, american);
    QCOMPARE(QString::fromStdString(americanize(word.toStdString())), american);
}

void TestEvalCaptions::bleuHandChecked()
{
    // Candidate of 7 "the" against "the cat is on the mat": "the" occurs twice
    // in the reference, so 2 of 7 unigrams count; no bigram matches. The
    // candidate is longer than the reference: no brevity penalty.
    const BleuScores scores = bleu({{"the cat is on the mat"}}, {"the the the the the the the"});
    const double p1 = (2 + kTiny) / (7 + kSmall);
    const double p2 = (0 + kTiny) / (6 + kSmall);
    const double p3 = (0 + kTiny) / (5 + kSmall);
    const double p4 = (0 + kTiny) / (4 + kSmall);
    COMPARE_NEAR(scores.corpus[0], p1);
    COMPARE_NEAR(scores.corpus[1], std::pow(p1 * p2, 1.0 / 2));
    COMPARE_NEAR(scores.corpus[2], std::pow(p1 * p2 * p3, 1.0 / 3));
    COMPARE_NEAR(scores.corpus[3], std::pow(p1 * p2 * p3 * p4, 1.0 / 4));
    COMPARE_NEAR(scores.perImage[0][0], p1);
}

void TestEvalCaptions::bleuBrevityPenalty()
{
    // "a b c" against "a b c d e f": every n-gram matches, but the candidate
    // has 3 words for 6: penalty exp(1 - 1/ratio), ratio = (3 + tiny)/(6 + small) ~ 1/2.
    const BleuScores scores = bleu({{"a b c d e f"}}, {"a b c"});
    const double ratio = (3 + kTiny) / (6 + kSmall);
    const double penalty = std::exp(1 - 1 / ratio); // ~ e^-1
    const double p1 = (3 + kTiny) / (3 + kSmall);
    COMPARE_NEAR(scores.corpus[0], p1 * penalty);
    COMPARE_NEAR(scores.corpus[0], 0.36787944094);
    // No 4-gram in a 3-word candidate: guess 0, so (tiny/small)^(1/4) shrinks BLEU-4.
    const double p4 = (0 + kTiny) / (0 + kSmall);
    const double p2 = (2 + kTiny) / (2 + kSmall);
    const double p3 = (1 + kTiny) / (1 + kSmall);
    COMPARE_NEAR(scores.corpus[3], std::pow(p1 * p2 * p3 * p4, 0.25) * penalty);
}

void TestEvalCaptions::bleuClosestReferenceLength()
{
    // References of 2 and 6 words, candidate of 4: both are 2 away, the
    // shorter wins (min over (distance, length)), so no penalty: 4 > 2.
    // Longer than every reference: no penalty either.
    const BleuScores scores = bleu({{"a b", "a b c d e f"}, {"a b"}}, {"a b c d", "a b c d"});
    // 1-grams: 4 + 4 candidates, all 4 in image 1 match, 2 in image 2.
    COMPARE_NEAR(scores.corpus[0], (6 + kTiny) / (8 + kSmall));
    COMPARE_NEAR(scores.perImage[1][0], (2 + kTiny) / (4 + kSmall));
}

void TestEvalCaptions::rougeHandChecked()
{
    // Candidate "a b c d", reference "a c d e f": LCS "a c d" = 3,
    // P = 3/4, R = 3/5, F = (1 + 1.2^2) P R / (R + 1.2^2 P) = 1.098 / 1.68.
    const RougeScores one = rougeL({{"a c d e f"}}, {"a b c d"});
    COMPARE_NEAR(one.perImage[0], 1.098 / 1.68);
    // Several references: precision and recall are maximised separately.
    // vs "a b": LCS 2, P = 2/4, R = 2/2; vs "a b c d e f g h": LCS 4, P = 1, R = 4/8.
    // P = 1, R = 1: F = 1.
    const RougeScores two = rougeL({{"a b", "a b c d e f g h"}}, {"a b c d"});
    COMPARE_NEAR(two.perImage[0], 1.0);
    // Corpus: the mean over images.
    const RougeScores both = rougeL({{"a c d e f"}, {"x"}}, {"a b c d", "a b c d"});
    COMPARE_NEAR(both.corpus, (1.098 / 1.68 + 0) / 2);
}

void TestEvalCaptions::ciderHandChecked()
{
    // Two images, refs "a b c" and "a b d"; idf = log(2) - log(df). The
    // n-grams both images share ("a", "b", "a b") weigh 0. Image 1's candidate
    // equals its reference: cosine 1 for n = 1, 2, 3 and 0 for n = 4 (no
    // 4-grams), no length penalty: 10 * (1 + 1 + 1 + 0) / 4 = 7.5.
    // Image 2's "a x" shares only the zero-weight "a": 0. Mean: 3.75.
    const CiderScores scores = ciderD({{"a b c"}, {"a b d"}}, {"a b c", "a x"});
    COMPARE_NEAR(scores.perImage[0], 7.5);
    COMPARE_NEAR(scores.perImage[1], 0.0);
    COMPARE_NEAR(scores.corpus, 3.75);
    // A longer candidate pays the Gaussian length penalty (besides changing
    // the cosines), so repeating words lowers the score.
    const CiderScores same = ciderD({{"a b c"}, {"x y z"}}, {"a b c", "x y z"});
    const CiderScores longer = ciderD({{"a b c"}, {"x y z"}}, {"a b c", "x y z x y"});
    QVERIFY(longer.perImage[1] < same.perImage[1]);
}

void TestEvalCaptions::ciderWithCorpusFrequencies()
{
    // Scored against the evaluated set itself, the scorer is ciderD().
    const std::vector<Sentences> references = {{"a b c"}, {"a b d"}, {"x y", "x z"}, {"a x y"}};
    const Sentences candidates = {"a b c", "a x", "x y", "a b"};
    const CiderScores set = ciderD(references, candidates);
    const CiderD scorer(references);
    for (size_t i = 0; i < references.size(); ++i)
        COMPARE_NEAR(scorer.score(references[i], candidates[i]), set.perImage[i]);
    // With the first two images alone as the corpus, "a", "b" and "a b" are in
    // every document and weigh 0, as in ciderHandChecked; over all four
    // they are not, and the same candidate scores.
    const CiderD small({{"a b c"}, {"a b d"}});
    COMPARE_NEAR(small.score({"a b c"}, "a b c"), 7.5);
    COMPARE_NEAR(small.score({"a b c"}, "a b"), 0.0);
    QVERIFY(scorer.score({"a b c"}, "a b") > 1.0);
}

void TestEvalCaptions::ciderOfOneImageIsZero()
{
    // With one image every reference n-gram has df = 1 = the number of
    // images: log(1) - log(1) = 0, so every weight and the score are 0.
    const CiderScores scores = ciderD({{"a man riding a horse"}}, {"a man riding a horse"});
    QCOMPARE(scores.corpus, 0.0);
    QCOMPARE(scores.perImage[0], 0.0);
}

void TestEvalCaptions::emptyCandidateScoresZero()
{
    const CaptionScores scores = scoreTokenizedCaptions({{"a dog"}, {"a cat"}}, {"", "a cat"});
    for (double b : scores.perImage[0].bleu)
        COMPARE_NEAR(b, 0.0); // the brevity penalty exp(1 - 1e24) is 0
    COMPARE_NEAR(scores.perImage[0].rougeL, 0.0); // "" is one empty token: no match
    COMPARE_NEAR(scores.perImage[0].ciderD, 0.0);
}

void TestEvalCaptions::identicalCandidate()
{
    // BLEU is 1 up to the tiny/small constants: e.g. BLEU-1 of 6 words is
    // (6 + 1e-15)/(6 + 1e-9) times the penalty exp(1 - (6 + 1e-9)/(6 + 1e-15)).
    const BleuScores scores = bleu({{"the cat sat on the mat"}}, {"the cat sat on the mat"});
    const double ratio = (6 + kTiny) / (6 + kSmall);
    COMPARE_NEAR(scores.corpus[0], ratio * std::exp(1 - 1 / ratio));
    for (double b : scores.corpus)
        COMPARE_NEAR(b, 1.0);
    COMPARE_NEAR(rougeL({{"the cat sat on the mat"}}, {"the cat sat on the mat"}).corpus, 1.0);
}

void TestEvalCaptions::rejectsBadInput()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bleu({{"a"}}, {"a", "b"}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, rougeL({{}}, {"a"}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ciderD({}, {}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, scoreCaptions({{"a"}, {}}, {"a", "b"}));
}

void TestEvalCaptions::initTestCase()
{
    // The raw captions of the corpus, scored once for the per-image rows.
    m_images = corpus().value(QStringLiteral("images")).toArray();
    for (const QJsonValue &v : m_images) {
        m_references.push_back(toSentences(v.toObject().value(QStringLiteral("references")).toArray()));
        m_candidates.push_back(v.toObject().value(QStringLiteral("candidate")).toString().toStdString());
    }
    m_scores = scoreCaptions(m_references, m_candidates);
}

void TestEvalCaptions::corpusMatchesReference_data()
{
    QTest::addColumn<int>("image");
    for (int i = 0; i < m_images.size(); ++i)
        QTest::newRow(qPrintable(QStringLiteral("%1: %2").arg(i).arg(m_images[i].toObject().value(QStringLiteral("candidate")).toString()))) << i;
}

void TestEvalCaptions::corpusMatchesReference()
{
    QFETCH(int, image);
    const QJsonObject expected = m_images[image].toObject();
    const Sentences tokenized = toSentences(expected.value(QStringLiteral("tokenizedReferences")).toArray());
    for (std::size_t r = 0; r < tokenized.size(); ++r)
        QCOMPARE(cocoTokenize(m_references[image][r]), tokenized[r]);
    QCOMPARE(cocoTokenize(m_candidates[image]), expected.value(QStringLiteral("tokenizedCandidate")).toString().toStdString());
    const CaptionImageScores &scores = m_scores.perImage[image];
    const QJsonArray bleuExpected = expected.value(QStringLiteral("bleu")).toArray();
    for (int n = 0; n < 4; ++n)
        COMPARE_NEAR(scores.bleu[n], bleuExpected[n].toDouble());
    COMPARE_NEAR(scores.rougeL, expected.value(QStringLiteral("rougeL")).toDouble());
    COMPARE_NEAR(scores.ciderD, expected.value(QStringLiteral("ciderD")).toDouble());
}

void TestEvalCaptions::corpusTotalsMatchReference()
{
    const QJsonObject data = corpus();
    std::vector<Sentences> references;
    Sentences candidates;
    for (const QJsonValue &v : data.value(QStringLiteral("images")).toArray()) {
        references.push_back(toSentences(v.toObject().value(QStringLiteral("tokenizedReferences")).toArray()));
        candidates.push_back(v.toObject().value(QStringLiteral("tokenizedCandidate")).toString().toStdString());
    }
    // Already tokenised: the metric code alone against the reference.
    const CaptionScores scores = scoreTokenizedCaptions(references, candidates);
    const QJsonObject expected = data.value(QStringLiteral("corpus")).toObject();
    const QJsonArray bleuExpected = expected.value(QStringLiteral("bleu")).toArray();
    for (int n = 0; n < 4; ++n)
        COMPARE_NEAR(scores.bleu[n], bleuExpected[n].toDouble());
    COMPARE_NEAR(scores.rougeL, expected.value(QStringLiteral("rougeL")).toDouble());
    COMPARE_NEAR(scores.ciderD, expected.value(QStringLiteral("ciderD")).toDouble());
}

QTEST_GUILESS_MAIN(TestEvalCaptions)
#include "test_eval_captions.moc"
