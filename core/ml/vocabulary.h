#pragma once
// Words <-> ids for the text encoders and the captioner, and answers <-> class
// indices for the VQA head. Plain C++: no torch, no Qt.
#include "ml/result.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace tandem::ml {

// Lower-cases ASCII letters, splits on white space and splits punctuation off
// as tokens of its own ("What's left?" -> what's left ?). An apostrophe or a
// hyphen between two letters stays inside the word; bytes >= 0x80 (UTF-8) are
// kept as they are.
std::vector<std::string> tokenize(const std::string &text);

class Vocabulary {
public:
    static constexpr int64_t kPad = 0; // also the padding id of every batch
    static constexpr int64_t kUnk = 1;
    static constexpr int64_t kBos = 2;
    static constexpr int64_t kEos = 3;
    static constexpr int64_t kSpecials = 4;

    Vocabulary(); // the four special tokens only

    // Words seen at least minCount times, most frequent first (ties in byte
    // order, so the same texts always give the same ids); maxWords > 0 caps the
    // size, specials included.
    static Vocabulary build(const std::vector<std::string> &texts, int minCount = 1,
                            size_t maxWords = 0);

    int64_t size() const { return int64_t(m_words.size()); }
    int64_t id(const std::string &word) const; // kUnk when unknown
    const std::string &word(int64_t id) const; // "<unk>" when out of range
    bool contains(const std::string &word) const { return m_ids.count(word) != 0; }

    // Token ids of a text; withBosEos wraps them in <bos> … <eos>.
    std::vector<int64_t> encode(const std::string &text, bool withBosEos = false) const;
    // Words joined by spaces; specials are skipped and <eos> ends the text.
    std::string decode(const std::vector<int64_t> &ids) const;

    // One word per line, in id order (words never contain white space).
    std::string toText() const;
    static Result<Vocabulary> fromText(const std::string &text);
    // {"words":["<pad>","<unk>",…]}
    std::string toJson() const;
    static Result<Vocabulary> fromJson(const std::string &json);

    bool operator==(const Vocabulary &other) const { return m_words == other.m_words; }

private:
    static Result<Vocabulary> fromWords(std::vector<std::string> words);
    void add(const std::string &word);

    std::vector<std::string> m_words;
    std::unordered_map<std::string, int64_t> m_ids;
};

// Answers (whole strings, "yes", "2", "circle") <-> class indices 0..size-1.
class LabelSet {
public:
    // Labels seen at least minCount times, most frequent first, ties in byte order.
    static LabelSet build(const std::vector<std::string> &labels, int minCount = 1);

    int64_t size() const { return int64_t(m_labels.size()); }
    int64_t index(const std::string &label) const; // -1 when unknown
    const std::string &label(int64_t index) const;

    std::string toText() const; // one label per line
    static Result<LabelSet> fromText(const std::string &text);

    bool operator==(const LabelSet &other) const { return m_labels == other.m_labels; }

private:
    std::vector<std::string> m_labels;
    std::unordered_map<std::string, int64_t> m_indices;
};

} // namespace tandem::ml
