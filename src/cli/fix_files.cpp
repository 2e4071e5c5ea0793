// `iotpolicy lint --fix` / `--diff`. The fixing itself is the lint layer's (iotpolicy/fix.hpp); this file writes.
#include "fix_files.hpp"

#include <algorithm>  // min
#include <ostream>

#include <fmt/format.h>

#include "iotpolicy/fix.hpp"

namespace iotpolicy::cli {

namespace {

/// The lines of `text`, each with its line break (the last one may have none).
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
            lines.push_back(text.substr(start, i + 1 - start));
            start = i + 1;
        }
    }
    if (start < text.size()) {
        lines.push_back(text.substr(start));
    }
    return lines;
}

void write_diff_line(std::ostream& out, char marker, std::string_view line) {
    out << marker << line;
    if (!line.ends_with('\n') && !line.ends_with('\r')) {
        out << "\n\\ No newline at end of file\n";
    }
}

/// A unified diff of `before` → `after` with one hunk from the first to the last changed line and three lines of
/// context. Fixes change few, nearby lines, so one hunk is short; and finding it is linear in the text, where a
/// minimal diff would not be.
void write_unified_diff(std::ostream& out, const std::string& path, std::string_view before, std::string_view after) {
    const std::vector<std::string_view> a = split_lines(before);
    const std::vector<std::string_view> b = split_lines(after);
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
        ++prefix;
    }
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
        ++suffix;
    }
    constexpr std::size_t k_context = 3;
    const std::size_t first = prefix - std::min(prefix, k_context);
    const std::size_t a_end = a.size() - suffix + std::min(suffix, k_context);
    const std::size_t b_end = b.size() - suffix + std::min(suffix, k_context);
    // An empty range is numbered by the line before it (GNU diff's convention).
    const auto range = [&](std::size_t end) {
        const std::size_t count = end - first;
        return fmt::format("{},{}", count == 0 ? first : first + 1, count);
    };
    out << "--- " << path << "\n+++ " << path << "\n@@ -" << range(a_end) << " +" << range(b_end) << " @@\n";
    for (std::size_t i = first; i < prefix; ++i) {
        write_diff_line(out, ' ', a[i]);
    }
    for (std::size_t i = prefix; i < a.size() - suffix; ++i) {
        write_diff_line(out, '-', a[i]);
    }
    for (std::size_t i = prefix; i < b.size() - suffix; ++i) {
        write_diff_line(out, '+', b[i]);
    }
    for (std::size_t i = a.size() - suffix; i < a_end; ++i) {
        write_diff_line(out, ' ', a[i]);
    }
}

std::string problems(std::size_t n) {
    return fmt::format("{} problem{}", n, n == 1 ? "" : "s");
}

}  // namespace

FixRun fix_sources(std::vector<SourceFile>& sources, std::span<const LintConfig> configs, FixMode mode,
                   bool to_stdout, std::ostream& out) {
    FixRun run;
    run.remaining.reserve(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i) {
        SourceFile& source = sources[i];
        const LintConfig& config = configs[i];
        FixResult result = fix_source(source.path(), std::string(source.text()), config);
        if (!result.converged) {
            run.warnings.push_back(fmt::format("the fixes of '{}' did not converge after {} passes: a fix loop; the "
                                               "text of the last pass is kept",
                                               source.path(), k_max_fix_passes));
        }
        const bool changed = result.text != source.text();
        if (mode == FixMode::diff) {
            if (changed) {
                write_unified_diff(out, source.path(), source.text(), result.text);
            }
            // --diff writes nothing: what remains to report is the original's findings.
            run.remaining.push_back(lint_source(source, config));
        } else if (to_stdout) {
            out << result.text;
        } else if (changed) {
            std::string error;
            if (!write_file_atomically(source.path(), result.text, error)) {
                run.errors.push_back(fmt::format("cannot write '{}': {}", source.path(), error));
                run.remaining.push_back(lint_source(source, config));
                continue;
            }
        }
        if (mode == FixMode::fix) {
            run.remaining.push_back(std::move(result.remaining));
            source = SourceFile(source.path(), std::move(result.text));
        }
        run.applied += result.applied;
        run.changed_files += changed ? 1 : 0;
    }
    return run;
}

std::string fix_summary(const FixRun& run, FixMode mode, std::size_t remaining) {
    if (mode == FixMode::diff) {
        return run.applied == 0 ? std::string("No fixes available.")
                                : fmt::format("Would fix {} in {} file{}.", problems(run.applied), run.changed_files,
                                              run.changed_files == 1 ? "" : "s");
    }
    return fmt::format("Fixed {} ({} remaining).", problems(run.applied), remaining);
}

}  // namespace iotpolicy::cli
