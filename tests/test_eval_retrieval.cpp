// Retrieval recall@K in both directions, ties counted against the model.
#include "eval/retrievalrecall.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

using namespace tandem::eval;

namespace {

bool near(double actual, double expected) { return std::abs(actual - expected) <= 1e-9 * std::max(1.0, std::abs(expected)); }

bool sameRecall(const RecallAtK &a, const RecallAtK &b)
{
    return near(a.r1, b.r1) && near(a.r5, b.r5) && near(a.r10, b.r10);
}

// Independent check: rank by sorting every candidate, best first, wrong ones
// before correct ones on equal scores; the first correct position is the rank.
std::size_t rankBySorting(const std::vector<float> &scores, const std::vector<bool> &correct)
{
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (scores[a] != scores[b])
            return scores[a] > scores[b];
        return !correct[a] && correct[b];
    });
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (correct[order[i]])
            return i + 1;
    }
    return 0;
}

RecallAtK recallFromRanks(const std::vector<std::size_t> &ranks)
{
    RecallAtK r;
    for (std::size_t rank : ranks) {
        r.r1 += rank == 1 ? 1 : 0;
        r.r5 += rank <= 5 ? 1 : 0;
        r.r10 += rank <= 10 ? 1 : 0;
    }
    const double n = static_cast<double>(ranks.size());
    return {100 * r.r1 / n, 100 * r.r5 / n, 100 * r.r10 / n};
}

} // namespace

class TestEvalRetrieval : public QObject {
    Q_OBJECT
private slots:
    void handChecked();
    void perfectMatrix();
    void constantMatrixFindsNothingAtOne();
    void deepRanks();
    void nanIsAMiss();
    void imagesWithoutTextsAreNotQueries();
    void agreesWithSorting();
    void rejectsBadInput();
};

void TestEvalRetrieval::handChecked()
{
    // 3 images x 4 texts; texts 0 and 1 describe image 0, text 2 image 1, text 3 image 2.
    const std::vector<float> s = {
        0.9f, 0.1f, 0.5f, 0.2f, // image 0: best own text 0.9, nothing wrong >= it: rank 1
        0.8f, 0.3f, 0.3f, 0.1f, // image 1: own 0.3; wrong 0.8 and 0.3 (tie) >= it: rank 3
        0.7f, 0.7f, 0.2f, 0.7f, // image 2: own 0.7; wrong 0.7, 0.7 (ties): rank 3
    };
    const RetrievalRecall r = retrievalRecall(s, 3, {0, 0, 1, 2});
    QVERIFY(sameRecall(r.imageToText, {100.0 / 3, 100, 100}));
    // Text columns: t0 [.9 .8 .7] own .9: rank 1; t1 [.1 .3 .7] own .1: rank 3;
    // t2 [.5 .3 .2] own .3: rank 2; t3 [.2 .1 .7] own .7: rank 1.
    QVERIFY(sameRecall(r.textToImage, {50, 100, 100}));
}

void TestEvalRetrieval::perfectMatrix()
{
    std::vector<float> s(4 * 4, 0.0f);
    for (int i = 0; i < 4; ++i)
        s[i * 4 + i] = 1.0f;
    const RetrievalRecall r = retrievalRecall(s, 4, {0, 1, 2, 3});
    QVERIFY(sameRecall(r.imageToText, {100, 100, 100}));
    QVERIFY(sameRecall(r.textToImage, {100, 100, 100}));
}

void TestEvalRetrieval::constantMatrixFindsNothingAtOne()
{
    // Every score ties: the correct item ranks after both wrong ones, rank 3.
    const std::vector<float> s(3 * 3, 0.5f);
    const RetrievalRecall r = retrievalRecall(s, 3, {0, 1, 2});
    QVERIFY(sameRecall(r.imageToText, {0, 100, 100}));
    QVERIFY(sameRecall(r.textToImage, {0, 100, 100}));
}

void TestEvalRetrieval::deepRanks()
{
    // 12 images, text t belongs to image t. Text 0's own image scores below
    // 6 others (rank 7: a hit at 10 only); text 1's below all 11 (rank 12: a miss).
    const std::size_t n = 12;
    std::vector<float> s(n * n, 0.0f);
    for (std::size_t i = 0; i < n; ++i)
        s[i * n + i] = 1.0f;
    s[0 * n + 0] = 0.5f;
    for (std::size_t i = 1; i <= 6; ++i)
        s[i * n + 0] = 0.6f;
    s[1 * n + 1] = -1.0f;
    const RetrievalRecall r = retrievalRecall(s, n, std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    QVERIFY(sameRecall(r.textToImage, {100.0 * 10 / 12, 100.0 * 10 / 12, 100.0 * 11 / 12}));
    // Image 0 still finds text 0 first (0.5 beats its zeros); image 1's own text
    // scores -1, below 11 zeros: rank 12.
    QVERIFY(sameRecall(r.imageToText, {100.0 * 11 / 12, 100.0 * 11 / 12, 100.0 * 11 / 12}));
}

void TestEvalRetrieval::nanIsAMiss()
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    // Image 0's own text is NaN: a miss. Image 1's wrong text is NaN: it never outranks.
    const std::vector<float> s = {nan, 0.2f, nan, 0.1f};
    const RetrievalRecall r = retrievalRecall(s, 2, {0, 1});
    QVERIFY(sameRecall(r.imageToText, {50, 50, 50}));
    // Text 0: own score NaN, a miss; text 1: own 0.1 against image 0's 0.2: rank 2.
    QVERIFY(sameRecall(r.textToImage, {0, 50, 50}));
}

void TestEvalRetrieval::imagesWithoutTextsAreNotQueries()
{
    // Image 1 has no text: only image 0 is an image -> text query.
    const std::vector<float> s = {0.9f, 0.1f, 0.8f, 0.2f};
    const RetrievalRecall r = retrievalRecall(s, 2, {0, 0});
    QVERIFY(sameRecall(r.imageToText, {100, 100, 100}));
    QVERIFY(sameRecall(r.textToImage, {50, 100, 100}));
}

void TestEvalRetrieval::agreesWithSorting()
{
    // Random matrices with few distinct values (many ties), several texts per image.
    QRandomGenerator random(7);
    for (int round = 0; round < 20; ++round) {
        const std::size_t images = 3 + random.bounded(20);
        std::vector<std::size_t> imageOfText;
        for (std::size_t i = 0; i < images; ++i) {
            for (quint32 k = random.bounded(4); k > 0; --k)
                imageOfText.push_back(i);
        }
        if (imageOfText.empty())
            imageOfText.push_back(0);
        const std::size_t texts = imageOfText.size();
        std::vector<float> s(images * texts);
        for (float &v : s)
            v = static_cast<float>(random.bounded(5)) / 4.0f;
        std::vector<std::size_t> imageRanks;
        for (std::size_t i = 0; i < images; ++i) {
            std::vector<bool> correct(texts);
            for (std::size_t t = 0; t < texts; ++t)
                correct[t] = imageOfText[t] == i;
            if (std::find(correct.begin(), correct.end(), true) != correct.end())
                imageRanks.push_back(rankBySorting({s.begin() + i * texts, s.begin() + (i + 1) * texts}, correct));
        }
        std::vector<std::size_t> textRanks;
        for (std::size_t t = 0; t < texts; ++t) {
            std::vector<float> column(images);
            std::vector<bool> correct(images);
            for (std::size_t i = 0; i < images; ++i) {
                column[i] = s[i * texts + t];
                correct[i] = imageOfText[t] == i;
            }
            textRanks.push_back(rankBySorting(column, correct));
        }
        const RetrievalRecall r = retrievalRecall(s, images, imageOfText);
        QVERIFY(sameRecall(r.imageToText, recallFromRanks(imageRanks)));
        QVERIFY(sameRecall(r.textToImage, recallFromRanks(textRanks)));
    }
}

void TestEvalRetrieval::rejectsBadInput()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, retrievalRecall({}, 0, {}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, retrievalRecall({1.0f, 2.0f}, 2, {0, 1, 1}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, retrievalRecall({1.0f, 2.0f}, 2, {2}));
}

QTEST_GUILESS_MAIN(TestEvalRetrieval)
#include "test_eval_retrieval.moc"
