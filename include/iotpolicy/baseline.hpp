// Baselines: the findings a fleet already has, recorded so that only new ones fail a run.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "iotpolicy/config.hpp"  // FileProblem
#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy {

/// One recorded finding. `path` is relative to the baseline file's directory, with '/' separators; `message` is
/// kept for the reader of the file and plays no part in matching.
struct BaselineEntry {
    std::string path;
    std::string rule;  // the code, "IOT203"
    std::string fingerprint;
    std::string message;
};

/// The fingerprint of each of `diagnostics` (one file's, in any order), in the same order: 16 hex digits of a
/// 64-bit FNV-1a hash over the rule code, the flagged text, the trimmed text of the line the finding starts on
/// (left out when that line exceeds 512 bytes, as in a minified document, where any edit would change it) and the
/// finding's index among the earlier findings of the file with the same three. Line and column numbers and the
/// message are left out, so a finding keeps its fingerprint when lines are added or removed elsewhere.
std::vector<std::string> fingerprint_diagnostics(const SourceFile& source, std::span<const Diagnostic> diagnostics);

/// The baseline file's text: {"version": 1, "findings": [...]}, one finding per line, sorted by path, rule,
/// fingerprint and message, so that regenerating it produces a small diff.
std::string format_baseline(std::vector<BaselineEntry> entries);

/// The entries of a baseline file and every problem with it, in source order. A caller must not filter with a
/// baseline that has problems.
struct LoadedBaseline {
    std::vector<BaselineEntry> entries;
    std::vector<FileProblem> problems;
};

/// Reads a file written by format_baseline (or edited by hand). Never throws.
LoadedBaseline parse_baseline(const SourceFile& source);

/// The entries of a baseline as a multiset: each entry hides one finding, so two identical findings need two.
class BaselineMatcher {
public:
    explicit BaselineMatcher(std::span<const BaselineEntry> entries);

    /// Whether an entry for this finding remains; if so it is used up.
    bool take(std::string_view path, std::string_view rule, std::string_view fingerprint);

    /// The entries no finding used, by path: the findings that were fixed, or whose file is gone.
    std::unordered_map<std::string, std::size_t> unused_by_path() const;

private:
    struct Remaining {
        std::string path;
        std::size_t count = 0;
    };
    std::unordered_map<std::string, Remaining> m_remaining;  // path '\0' rule '\0' fingerprint → entries left
};

}  // namespace iotpolicy
