// The text format, shaped like a compiler's: location, severity, message, rule; then the line and a caret.
#include <algorithm>  // min, clamp, count_if
#include <ostream>

#include <fmt/format.h>

#include "../support/utf8.hpp"
#include "iotpolicy/output.hpp"

namespace iotpolicy {

namespace {

// A line longer than this many bytes is shown as a window around the span, so that a diagnostic on a
// minified 100 MB file prints one screen and costs a short scan.
constexpr std::uint32_t k_max_shown_bytes = 480;
constexpr std::uint32_t k_context_bytes = 160;

struct Palette {
    std::string_view bold, red, yellow, cyan, green, reset;
};

constexpr Palette k_colors{"\x1b[1m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;36m", "\x1b[1;32m", "\x1b[0m"};
constexpr Palette k_plain{};

std::string_view severity_color(const Palette& palette, Severity severity) {
    switch (severity) {
    case Severity::error: return palette.red;
    case Severity::warning: return palette.yellow;
    case Severity::info: return palette.cyan;
    }
    return palette.reset;
}

/// Splits `text` into code points, each rendered printable: a tab as one space so carets stay aligned, other
/// control characters and invalid bytes as U+FFFD.
std::vector<std::string> printable_code_points(std::string_view text) {
    std::vector<std::string> cells;
    for (std::size_t i = 0; i < text.size();) {
        const std::uint32_t length = detail::utf8_sequence_length(text, i);
        const auto lead = static_cast<unsigned char>(text[i]);
        if (length == 0 || (lead < 0x20 && lead != '\t') || lead == 0x7F) {
            cells.emplace_back("\xEF\xBF\xBD");
        } else {
            cells.emplace_back(lead == '\t' ? std::string_view(" ") : text.substr(i, length));
        }
        i += length == 0 ? 1 : length;
    }
    return cells;
}

/// Moves `offset` forward to the start of a code point, so a window never begins mid-sequence.
std::uint32_t align_to_code_point(std::string_view text, std::uint32_t offset) {
    while (offset < text.size() && (static_cast<unsigned char>(text[offset]) & 0xC0U) == 0x80U) {
        ++offset;
    }
    return offset;
}

void write_excerpt(std::ostream& out, const SourceFile& source, const Diagnostic& diagnostic,
                   const Palette& palette) {
    const std::string_view text = source.text();
    const std::uint32_t line = source.location(diagnostic.span.begin).line;
    const std::uint32_t line_begin = source.line_start(line);
    const std::string_view line_text = source.line_text(line);
    const auto line_end = static_cast<std::uint32_t>(line_begin + line_text.size());
    const std::uint32_t span_begin = std::min(diagnostic.span.begin, line_end);
    const std::uint32_t span_end = std::clamp(diagnostic.span.end, span_begin, line_end);

    // A long span (IOT008 covers the whole document) is underlined for at most one window's width.
    std::uint32_t window_begin = line_begin;
    std::uint32_t window_end = line_end;
    std::uint32_t underlined_end = span_end;
    if (line_text.size() > k_max_shown_bytes) {
        underlined_end = std::min(span_end, align_to_code_point(text, span_begin + k_max_shown_bytes - k_context_bytes));
        window_begin = span_begin - line_begin > k_context_bytes
                           ? align_to_code_point(text, span_begin - k_context_bytes)
                           : line_begin;
        window_end = line_end - underlined_end > k_context_bytes
                         ? align_to_code_point(text, underlined_end + k_context_bytes)
                         : line_end;
    }
    const std::string_view shown = text.substr(window_begin, window_end - window_begin);
    const std::vector<std::string> before = printable_code_points(text.substr(window_begin, span_begin - window_begin));
    const std::vector<std::string> underlined =
        printable_code_points(text.substr(span_begin, underlined_end - span_begin));

    const std::string gutter = fmt::format("{:>5}", line);
    const std::string_view ellipsis = "\xE2\x80\xA6";
    std::string rendered(window_begin > line_begin ? ellipsis : "");
    for (const std::string& cell : printable_code_points(shown)) {
        rendered += cell;
    }
    if (window_end < line_end) {
        rendered += ellipsis;
    }
    std::string marker(before.size() + (window_begin > line_begin ? 1 : 0), ' ');
    marker += '^';
    marker.append(underlined.size() > 1 ? underlined.size() - 1 : 0, '~');
    out << gutter << " | " << rendered << '\n'
        << std::string(gutter.size(), ' ') << " | " << palette.green << marker << palette.reset << '\n';
}

}  // namespace

std::string summary_line(std::span<const FileDiagnostics> files) {
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::size_t infos = 0;
    std::size_t files_with_problems = 0;
    for (const FileDiagnostics& file : files) {
        files_with_problems += file.diagnostics.empty() ? 0 : 1;
        for (const Diagnostic& diagnostic : file.diagnostics) {
            errors += diagnostic.severity == Severity::error ? 1 : 0;
            warnings += diagnostic.severity == Severity::warning ? 1 : 0;
            infos += diagnostic.severity == Severity::info ? 1 : 0;
        }
    }
    const auto plural = [](std::size_t n, std::string_view word) {
        return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
    };
    const std::size_t total = errors + warnings + infos;
    if (total == 0) {
        return fmt::format("No problems found in {}.", plural(files.size(), "file"));
    }
    std::string parts;
    for (const auto& [count, word] : {std::pair{errors, "error"}, {warnings, "warning"}, {infos, "info"}}) {
        if (count > 0) {
            parts += parts.empty() ? "" : ", ";
            parts += word == std::string_view("info") ? fmt::format("{} info", count) : plural(count, word);
        }
    }
    return fmt::format("Found {} ({}) in {} of {}.", plural(total, "problem"), parts, files_with_problems,
                       plural(files.size(), "file"));
}

void write_text(std::ostream& out, std::span<const FileDiagnostics> files, bool color) {
    const Palette& palette = color ? k_colors : k_plain;
    for (const FileDiagnostics& file : files) {
        for (const Diagnostic& diagnostic : file.diagnostics) {
            const Location start = file.source->location(diagnostic.span.begin);
            const RuleInfo& rule = rule_info(diagnostic.rule);
            out << palette.bold << file.source->path() << ':' << start.line << ':' << start.column << ":"
                << palette.reset << ' ' << severity_color(palette, diagnostic.severity)
                << severity_name(diagnostic.severity) << ':' << palette.reset << ' ' << palette.bold
                << diagnostic.message << palette.reset << " [" << rule.code << "]"
                << (diagnostic.fix ? " [*]" : "") << '\n';
            write_excerpt(out, *file.source, diagnostic, palette);
        }
    }
    out << summary_line(files) << '\n';
    std::size_t fixable = 0;
    for (const FileDiagnostics& file : files) {
        fixable += static_cast<std::size_t>(std::count_if(file.diagnostics.begin(), file.diagnostics.end(),
                                                          [](const Diagnostic& d) { return d.fix.has_value(); }));
    }
    if (fixable > 0) {
        out << "[*] " << fixable << " fixable with `iotpolicy lint --fix`.\n";
    }
}

}  // namespace iotpolicy
