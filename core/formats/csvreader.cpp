#include "csvreader.h"

#include <array>

namespace tandem {

bool CsvReader::next()
{
    m_cells.clear();
    if (m_failed || m_pos >= m_text.size())
        return false;
    m_recordBegin = m_pos;
    for (;;) {
        if (!readCell())
            return false;
        if (m_pos < m_text.size() && m_text[m_pos] == m_delimiter) {
            ++m_pos;
            continue;
        }
        skipLineEnd(); // or we are at the end of the text: the record is complete
        return true;
    }
}

void CsvReader::skipLineEnd()
{
    if (m_pos < m_text.size() && m_text[m_pos] == '\r')
        ++m_pos;
    if (m_pos < m_text.size() && m_text[m_pos] == '\n') // \n alone, or the end of \r\n
        ++m_pos;
}

bool CsvReader::readCell()
{
    CsvCell cell;
    cell.begin = m_pos;
    if (m_pos < m_text.size() && m_text[m_pos] == '"') {
        if (!readQuoted(cell))
            return false;
    } else {
        readPlain(cell);
    }
    cell.end = m_pos;
    m_cells.push_back(cell);
    return true;
}

void CsvReader::readPlain(CsvCell &cell)
{
    const size_t begin = m_pos;
    while (m_pos < m_text.size()) {
        const char c = m_text[m_pos];
        if (c == m_delimiter || c == '\n' || c == '\r')
            break;
        ++m_pos;
    }
    cell.text = m_text.substr(begin, m_pos - begin);
}

bool CsvReader::readQuoted(CsvCell &cell)
{
    const size_t open = m_pos++;
    std::string &unescaped = scratch(m_cells.size());
    unescaped.clear();
    bool copied = false; // the text could not be a plain view of the input
    size_t run = m_pos;
    for (;;) {
        const size_t stop = m_text.find_first_of("\"\r", m_pos);
        if (stop == std::string_view::npos)
            return fail(QStringLiteral("unterminated quoted field: expected a closing '\"' for the quote that opens here"), open);
        unescaped.append(m_text.substr(run, stop - run));
        m_pos = stop + 1;
        if (m_text[stop] == '\r') { // \r\n or a lone \r inside the field: keep one \n
            unescaped += '\n';
            copied = true;
            if (m_pos < m_text.size() && m_text[m_pos] == '\n')
                ++m_pos;
        } else if (m_pos < m_text.size() && m_text[m_pos] == '"') { // "" is one quote
            unescaped += '"';
            copied = true;
            ++m_pos;
        } else { // the closing quote
            cell.text = copied ? std::string_view(unescaped) : m_text.substr(open + 1, stop - open - 1);
            while (m_pos < m_text.size() && m_text[m_pos] == ' ' && m_delimiter != ' ')
                ++m_pos; // tolerate `"text" ,next`
            if (!atCellEnd(m_pos))
                return fail(QStringLiteral("expected a delimiter or the end of the line after the closing quote"), m_pos);
            return true;
        }
        run = m_pos;
    }
}

bool CsvReader::atCellEnd(size_t pos) const
{
    return pos >= m_text.size() || m_text[pos] == m_delimiter || m_text[pos] == '\n' || m_text[pos] == '\r';
}

bool CsvReader::fail(QString message, size_t offset)
{
    m_failed = true;
    m_problem = {std::move(message), offset};
    m_cells.clear();
    return false;
}

std::string &CsvReader::scratch(size_t cell)
{
    while (m_scratch.size() <= cell)
        m_scratch.emplace_back();
    return m_scratch[cell];
}

char CsvReader::sniffDelimiter(std::string_view text)
{
    static constexpr std::array<char, 4> candidates = {',', '\t', ';', '|'};
    std::array<int, 4> counts{};
    bool quoted = false;
    for (char c : text) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            for (size_t i = 0; i < candidates.size(); ++i)
                counts[i] += c == candidates[i];
    }
    size_t best = 0;
    for (size_t i = 1; i < candidates.size(); ++i)
        if (counts[i] > counts[best])
            best = i;
    return candidates[best];
}

void appendCsvCell(std::string &out, std::string_view cell, char delimiter)
{
    const bool needsQuotes = cell.find_first_of("\"\r\n") != std::string_view::npos
                             || cell.find(delimiter) != std::string_view::npos;
    if (!needsQuotes) {
        out.append(cell);
        return;
    }
    out += '"';
    for (char c : cell) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

} // namespace tandem
