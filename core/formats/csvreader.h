#pragma once
// An RFC 4180 CSV reader over UTF-8 text held in memory. Quoted fields may
// hold delimiters, doubled quotes and line breaks (returned as \n, whatever
// the file used); \n, \r\n and a lone \r end records. A quote only opens a
// quoted field as a cell's first character; elsewhere it is text, as most
// spreadsheet exports expect.
#include <QString>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace tandem {

struct CsvCell {
    std::string_view text; // unquoted; valid until the next call of CsvReader::next()
    size_t begin = 0;      // byte offsets of the raw cell in the whole text
    size_t end = 0;
};

struct CsvProblem {
    QString message;
    size_t offset = 0; // where it went wrong, as a byte offset in the whole text
};

class CsvReader {
public:
    CsvReader(std::string_view text, char delimiter) : m_text(text), m_delimiter(delimiter) {}

    // Reads the next record into cells(). False at the end of the text, or
    // when the record is malformed (then problem() is set).
    bool next();
    const std::vector<CsvCell> &cells() const { return m_cells; }
    const CsvProblem *problem() const { return m_failed ? &m_problem : nullptr; }
    size_t recordBegin() const { return m_recordBegin; }
    size_t consumed() const { return m_pos; }

    // The delimiter among , ; | and TAB that occurs most often outside quotes
    // in the first line; ',' when none does.
    static char sniffDelimiter(std::string_view text);

private:
    bool readCell();
    bool readQuoted(CsvCell &cell);
    void readPlain(CsvCell &cell);
    bool atCellEnd(size_t pos) const;
    void skipLineEnd();
    bool fail(QString message, size_t offset);
    std::string &scratch(size_t cell);

    std::string_view m_text;
    char m_delimiter;
    size_t m_pos = 0;
    size_t m_recordBegin = 0;
    std::vector<CsvCell> m_cells;
    std::deque<std::string> m_scratch; // unescaped quoted cells; a deque keeps views valid as it grows
    CsvProblem m_problem;
    bool m_failed = false;
};

// One cell as RFC 4180 wants it written: quoted when it holds the delimiter,
// a quote or a line break, with quotes doubled.
void appendCsvCell(std::string &out, std::string_view cell, char delimiter = ',');

} // namespace tandem
