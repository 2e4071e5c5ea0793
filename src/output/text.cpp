// The text format, shaped like a compiler's: location, severity, message, rule; then the line and a caret.
#include <ostream>

#include <fmt/format.h>

#include "iotpolicy/output.hpp"

namespace iotpolicy {

namespace {

// A line longer than this is shown as a window around the span, so a minified 100 MB file prints one screen.
constexpr std::uint32_t k_max_shown_columns = 160;
constexpr std::uint32_t k_context_columns = 60;

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

/// Splits `line` into code points, each rendered printable: a tab as one space so carets stay aligned, other
/// control characters and invalid bytes as U+FFFD.
std::vector<std::string> printable_code_points(std::string_view line) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < line.size();) {
        const auto lead = static_cast<unsigned char>(line[i]);
        std::size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
        bool valid = length != 0 && i + length <= line.size();
        for (std::size_t k = 1; valid && k < length; ++k) {
            valid = (static_cast<unsigned char>(line[i + k]) & 0xC0U) == 0x80U;
        }
        if (!valid) {
            out.emplace_back("\xEF\xBF\xBD");
            ++i;
            continue;
        }
        if (lead == '\t') {
            out.emplace_back(" ");
        } else if (lead < 0x20 || lead == 0x7F) {
            out.emplace_back("\xEF\xBF\xBD");
        } else {
            out.emplace_back(line.substr(i, length));
        }
        i += length;
    }
    return out;
}

void write_excerpt(std::ostream& out, const SourceFile& source, const Diagnostic& diagnostic,
                   const Palette& palette) {
    const Location start = source.location(diagnostic.span.begin);
    const Location end = source.location(diagnostic.span.end);
    const std::vector<std::string> cells = printable_code_points(source.line_text(start.line));
    const auto line_columns = static_cast<std::uint32_t>(cells.size());
    std::uint32_t first = start.column - 1;  // 0-based
    std::uint32_t last = end.line == start.line ? std::max(end.column - 1, first + 1) : line_columns;
    last = std::max(std::min(last, line_columns), first + 1);

    std::uint32_t window_begin = 0;
    std::uint32_t window_end = line_columns;
    if (line_columns > k_max_shown_columns) {
        window_begin = first > k_context_columns ? first - k_context_columns : 0;
        window_end = std::min(line_columns, std::max(last, first + 1) + k_context_columns);
        last = std::min(last, std::max(window_end, first + 1));
    }
    const std::string gutter = fmt::format("{:>5}", start.line);
    std::string text = window_begin > 0 ? "…" : "";
    for (std::uint32_t i = window_begin; i < window_end; ++i) {
        text += cells[i];
    }
    if (window_end < line_columns) {
        text += "…";
    }
    std::string marker(window_begin > 0 ? 1 : 0, ' ');
    marker.append(first - window_begin, ' ');
    marker += '^';
    marker.append(last - first - 1, '~');
    out << gutter << " | " << text << '\n'
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
                << diagnostic.message << palette.reset << " [" << rule.code << "]\n";
            write_excerpt(out, *file.source, diagnostic, palette);
        }
    }
    out << summary_line(files) << '\n';
}

}  // namespace iotpolicy
