// Source text and positions: byte spans in the core, 1-based line/column derived on demand.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iotpolicy {

/// A half-open byte range [begin, end) into a SourceFile's text.
struct Span {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;

    friend bool operator==(const Span&, const Span&) = default;
};

/// A 1-based line and a 1-based column counted in Unicode code points.
struct Location {
    std::uint32_t line = 1;
    std::uint32_t column = 1;

    friend bool operator==(const Location&, const Location&) = default;
};

/// The largest input the tool accepts: spans are 32-bit byte offsets.
inline constexpr std::size_t k_max_source_bytes = 0xFFFF'FFF0;

/// Reads all of `in`; nothing when reading fails or the text is larger than k_max_source_bytes, and then `error`
/// says why.
std::optional<std::string> read_all(std::istream& in, std::string& error);

/// Reads the file at `path` whole; nothing when it cannot be read, and then `error` says why.
std::optional<std::string> read_file(const std::string& path, std::string& error);

/// Replaces the file at `path` with `text` atomically: writes a temporary file in the same directory, flushes it to
/// disk, gives it the original file's permissions and renames it over `path`, so a reader sees the old text or the
/// new one, never a mix. False when any step fails, and then `error` says why; the temporary file is removed and
/// `path` is untouched.
bool write_file_atomically(const std::string& path, std::string_view text, std::string& error);

/// One input document, owning its text and the index of its line starts.
/// Lines end at LF, CR LF or a lone CR, as editors and the language server protocol count them.
class SourceFile {
public:
    /// `path` is kept as given (it is what diagnostics print); `text` must not exceed k_max_source_bytes.
    SourceFile(std::string path, std::string text);

    const std::string& path() const { return m_path; }
    std::string_view text() const { return m_text; }

    /// Line and code-point column of byte `offset` (clamped to the end of the text).
    Location location(std::uint32_t offset) const;

    /// UTF-16 code units between the start of its line and byte `offset`: the 0-based column the language
    /// server protocol uses by default.
    std::uint32_t utf16_column(std::uint32_t offset) const;

    /// Byte offset of the first byte of 1-based `line`.
    std::uint32_t line_start(std::uint32_t line) const;

    /// The text of 1-based `line` without its line break.
    std::string_view line_text(std::uint32_t line) const;

    std::uint32_t line_count() const { return static_cast<std::uint32_t>(m_line_starts.size()); }

    /// The blanks between the start of its line and byte `offset` when nothing else precedes `offset` on its line
    /// (the indentation of what starts there); nothing otherwise. For fixes that insert lines.
    std::optional<std::string_view> indentation_before(std::uint32_t offset) const;

    /// The line break the text uses ("\r\n", "\r" or "\n", whichever ends its first line; "\n" for one line).
    std::string_view line_break() const;

private:
    /// A known column on a long line: byte `offset` starts a code point at `column` (1-based) and
    /// `utf16_column` (0-based).
    struct Checkpoint {
        std::uint32_t offset;
        std::uint32_t column;
        std::uint32_t utf16_column;
    };

    std::uint32_t line_index(std::uint32_t offset) const;
    Checkpoint nearest_checkpoint(std::uint32_t offset) const;

    std::string m_path;
    std::string m_text;
    std::vector<std::uint32_t> m_line_starts;
    std::vector<Checkpoint> m_checkpoints;  // sorted by offset; only on lines longer than 16 KiB
};

}  // namespace iotpolicy
