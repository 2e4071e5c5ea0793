#include "iotpolicy/source.hpp"

#include <algorithm>  // upper_bound, min
#include <cerrno>
#include <cstdio>     // rename
#include <cstdlib>    // mkstemp
#include <cstring>    // strerror
#include <fstream>

#include <sys/stat.h>  // stat, fchmod
#include <unistd.h>    // write, fsync, close, unlink

#include "../support/utf8.hpp"

namespace iotpolicy {

namespace {

using detail::utf8_step;

// Lines longer than k_checkpointed_line get a column checkpoint every k_checkpoint_interval bytes, so that finding
// a column on a minified multi-megabyte line costs a short scan instead of one from the line's start (diagnostics
// on one long line stay linear). A policy's own lines (at most about 2 KiB minified) never need them.
constexpr std::uint32_t k_checkpoint_interval = 1024;
constexpr std::uint32_t k_checkpointed_line = 16 * 1024;

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
    for (std::size_t line = 0; line < m_line_starts.size(); ++line) {
        const std::uint32_t begin = m_line_starts[line];
        const std::uint32_t end = line + 1 < m_line_starts.size() ? m_line_starts[line + 1]
                                                                    : static_cast<std::uint32_t>(size);
        if (end - begin <= k_checkpointed_line) {
            continue;
        }
        Checkpoint at{begin, 1, 0};
        std::uint32_t next = begin + k_checkpoint_interval;
        while (at.offset < end) {
            if (at.offset >= next) {
                m_checkpoints.push_back(at);
                next = at.offset + k_checkpoint_interval;
            }
            const std::uint32_t length = utf8_step(m_text, at.offset);
            at.column += 1;
            at.utf16_column += length == 4 ? 2 : 1;
            at.offset += length;
        }
    }
}

SourceFile::Checkpoint SourceFile::nearest_checkpoint(std::uint32_t offset) const {
    const std::uint32_t line_begin = m_line_starts[line_index(offset)];
    const auto it = std::upper_bound(m_checkpoints.begin(), m_checkpoints.end(), offset,
                                     [](std::uint32_t value, const Checkpoint& c) { return value < c.offset; });
    if (it != m_checkpoints.begin() && std::prev(it)->offset >= line_begin) {
        return *std::prev(it);
    }
    return {line_begin, 1, 0};
}

std::uint32_t SourceFile::line_index(std::uint32_t offset) const {
    const auto it = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset);
    return static_cast<std::uint32_t>(it - m_line_starts.begin()) - 1;
}

Location SourceFile::location(std::uint32_t offset) const {
    offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(m_text.size()));
    Checkpoint at = nearest_checkpoint(offset);
    while (at.offset < offset) {
        at.offset += utf8_step(m_text, at.offset);
        ++at.column;
    }
    return {line_index(offset) + 1, at.column};
}

std::uint32_t SourceFile::utf16_column(std::uint32_t offset) const {
    offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(m_text.size()));
    Checkpoint at = nearest_checkpoint(offset);
    while (at.offset < offset) {
        const std::uint32_t length = utf8_step(m_text, at.offset);
        // Code points above U+FFFF (4-byte sequences) take a surrogate pair.
        at.utf16_column += length == 4 ? 2 : 1;
        at.offset += length;
    }
    return at.utf16_column;
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

std::optional<std::string_view> SourceFile::indentation_before(std::uint32_t offset) const {
    if (offset > m_text.size()) {
        return std::nullopt;
    }
    const std::uint32_t begin = m_line_starts[line_index(offset)];
    const std::string_view blanks = std::string_view(m_text).substr(begin, offset - begin);
    if (blanks.find_first_not_of(" \t") != std::string_view::npos) {
        return std::nullopt;
    }
    return blanks;
}

std::string_view SourceFile::line_break() const {
    if (m_line_starts.size() < 2) {
        return "\n";
    }
    const std::uint32_t next = m_line_starts[1];
    if (next >= 2 && m_text[next - 2] == '\r' && m_text[next - 1] == '\n') {
        return "\r\n";
    }
    return m_text[next - 1] == '\r' ? "\r" : "\n";
}

std::optional<std::string> read_all(std::istream& in, std::string& error) {
    std::string text;
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > k_max_source_bytes) {
            error = "larger than 4 GiB";
            return std::nullopt;
        }
    }
    if (in.bad()) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    return text;
}

std::optional<std::string> read_file(const std::string& path, std::string& error) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    return read_all(file, error);
}

bool write_file_atomically(const std::string& path, std::string_view text, std::string& error) {
    // The temporary file sits beside the target, so the rename stays within one file system (and is atomic).
    std::string temporary = path + ".iotpolicy-XXXXXX";
    const int fd = mkstemp(temporary.data());
    if (fd < 0) {
        error = std::string("cannot create a temporary file beside it: ") + std::strerror(errno);
        return false;
    }
    const auto fail = [&](const char* step) {
        error = std::string(step) + ": " + std::strerror(errno);
        close(fd);
        unlink(temporary.c_str());
        return false;
    };
    struct stat original {};
    // mkstemp creates the file with mode 0600; the fixed file keeps the permissions the original had.
    if (stat(path.c_str(), &original) == 0 && fchmod(fd, original.st_mode & 07777) != 0) {
        return fail("cannot set its permissions");
    }
    for (std::size_t written = 0; written < text.size();) {
        const ssize_t n = write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return fail("cannot write");
        }
        written += static_cast<std::size_t>(n);
    }
    if (fsync(fd) != 0) {
        return fail("cannot flush to disk");
    }
    if (close(fd) != 0) {
        error = std::string("cannot write: ") + std::strerror(errno);
        unlink(temporary.c_str());
        return false;
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        error = std::string("cannot replace it: ") + std::strerror(errno);
        unlink(temporary.c_str());
        return false;
    }
    return true;
}

}  // namespace iotpolicy
