#pragma once
// N-gram counts of one tokenised sentence, as pycocoevalcap's precook() makes
// them: n = 1..4, kept in the order they are first met (orders ascending),
// because the reference sums over them in that order.
#include <string>
#include <unordered_map>
#include <vector>

namespace tandem::eval {

constexpr int kMaxNgram = 4;

struct NgramCount {
    std::string ngram; // the words joined by single spaces (words hold no whitespace)
    int order = 1;     // number of words
    int count = 0;
};

class NgramCounts {
public:
    explicit NgramCounts(const std::vector<std::string> &words);

    const std::vector<NgramCount> &entries() const { return m_entries; }
    int countOf(const std::string &ngram) const; // 0 when absent
    int wordCount() const { return m_wordCount; }

private:
    std::vector<NgramCount> m_entries;
    std::unordered_map<std::string, std::size_t> m_index;
    int m_wordCount = 0;
};

} // namespace tandem::eval
