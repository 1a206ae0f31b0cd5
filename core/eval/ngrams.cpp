#include "eval/ngrams.h"

namespace tandem::eval {

NgramCounts::NgramCounts(const std::vector<std::string> &words)
    : m_wordCount(static_cast<int>(words.size()))
{
    for (int order = 1; order <= kMaxNgram; ++order) {
        for (std::size_t start = 0; start + order <= words.size(); ++start) {
            std::string ngram = words[start];
            for (int k = 1; k < order; ++k)
                ngram += ' ' + words[start + k];
            const auto [it, inserted] = m_index.emplace(ngram, m_entries.size());
            if (inserted)
                m_entries.push_back({std::move(ngram), order, 0});
            ++m_entries[it->second].count;
        }
    }
}

int NgramCounts::countOf(const std::string &ngram) const
{
    const auto it = m_index.find(ngram);
    return it == m_index.end() ? 0 : m_entries[it->second].count;
}

} // namespace tandem::eval
