#include "iotpolicy/source.hpp"

#include <algorithm>  // upper_bound, min

namespace iotpolicy {

namespace {

// Length of the well-formed UTF-8 sequence starting at `i`, or 1 for a byte that starts none, so that every
// invalid byte counts as one column, as editors show it as one replacement character.
std::uint32_t sequence_length(std::string_view text, std::uint32_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::uint32_t length = 1;
    if (lead >= 0xF0U && lead <= 0xF4U) {
        length = 4;
    } else if (lead >= 0xE0U) {
        length = 3;
    } else if (lead >= 0xC2U) {
        length = 2;
    }
    if (length == 1 || lead > 0xF4U || i + length > text.size()) {
        return 1;
    }
    for (std::uint32_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) {
            return 1;
        }
    }
    return length;
}

}  // namespace

SourceFile::SourceFile(std::string path, std::string text) : m_path(std::move(path)), m_text(std::move(text)) {
    m_line_starts.push_back(0);
    const std::size_t size = m_text.size();
    for (std::size_t i = 0; i < size; ++i) {
        const char c = m_text[i];
        if (c == '\n') {
            m_line_starts.push_back(static_cast<std::uint32_t>(i + 1));
        } else if (c == '\r') {
            if (i + 1 < size && m_text[i + 1] == '\n') {
                ++i;
            }
            m_line_starts.push_back(static_cast<std::uint32_t>(i + 1));
        }
    }
}

std::uint32_t SourceFile::line_index(std::uint32_t offset) const {
    const auto it = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset);
    return static_cast<std::uint32_t>(it - m_line_starts.begin()) - 1;
}

Location SourceFile::location(std::uint32_t offset) const {
    offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(m_text.size()));
    const std::uint32_t index = line_index(offset);
    std::uint32_t column = 1;
    for (std::uint32_t i = m_line_starts[index]; i < offset; i += sequence_length(m_text, i)) {
        ++column;
    }
    return {index + 1, column};
}

std::uint32_t SourceFile::utf16_column(std::uint32_t offset) const {
    offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(m_text.size()));
    const std::uint32_t begin = m_line_starts[line_index(offset)];
    std::uint32_t units = 0;
    for (std::uint32_t i = begin; i < offset;) {
        const std::uint32_t length = sequence_length(m_text, i);
        // Code points above U+FFFF (4-byte sequences) take a surrogate pair.
        units += length == 4 ? 2 : 1;
        i += length;
    }
    return units;
}

std::uint32_t SourceFile::line_start(std::uint32_t line) const {
    if (line == 0 || line > m_line_starts.size()) {
        return static_cast<std::uint32_t>(m_text.size());
    }
    return m_line_starts[line - 1];
}

std::string_view SourceFile::line_text(std::uint32_t line) const {
    const std::uint32_t begin = line_start(line);
    std::uint32_t end = line < m_line_starts.size() ? m_line_starts[line] : static_cast<std::uint32_t>(m_text.size());
    while (end > begin && (m_text[end - 1] == '\n' || m_text[end - 1] == '\r')) {
        --end;
    }
    return std::string_view(m_text).substr(begin, end - begin);
}

}  // namespace iotpolicy
