// Project configuration: `.iotpolicy.json` read into a LintConfig plus the paths to ignore, every mistake in it
// reported with its position.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iotpolicy/lint.hpp"
#include "iotpolicy/source.hpp"
#include "iotpolicy/wildcard.hpp"

namespace iotpolicy {

/// The name of the configuration file that discovery looks for.
inline constexpr std::string_view k_config_file_name = ".iotpolicy.json";

/// A mistake in a configuration or baseline file: where, and what is wrong and what would be right.
struct FileProblem {
    Span span;
    std::string message;
};

/// Orders `problems` by where they start (stably): the JSON parser reports some defects, such as a duplicate key,
/// only once their object is read, after the problems inside it.
void sort_by_position(std::vector<FileProblem>& problems);

/// A path pattern relative to a configuration file's directory, matched against '/'-separated relative paths.
/// `*` and `?` stay within one path segment, a segment `**` spans any number of segments (none included), and a
/// pattern without '/' matches a name at any depth (as in .gitignore: "*.template.json" is "**/*.template.json").
/// Matching simulates the pattern's segments as an automaton over the path's segments (each segment through the
/// linear WildcardPattern), so it takes O(path segments × pattern segments) segment matches and never backtracks.
class PathGlob {
public:
    /// Compiles `pattern`; a leading "./" and a trailing '/' are ignored.
    static PathGlob compile(std::string_view pattern);

    /// Whether `relative_path` ('/'-separated, no "." or ".." segments) matches the whole pattern.
    bool matches(std::string_view relative_path) const;

    const std::string& pattern() const { return m_pattern; }

private:
    struct Segment {
        bool any_depth = false;  // "**"
        WildcardPattern name;
    };
    std::string m_pattern;
    std::vector<Segment> m_segments;
};

/// Settings that apply to the files matching `files` only, over the file-wide ones (later overrides win).
struct ConfigOverride {
    std::vector<PathGlob> files;
    std::vector<std::pair<RuleId, RuleSetting>> rules;
};

/// Everything a `.iotpolicy.json` says.
struct ProjectConfig {
    LintConfig lint;
    std::vector<PathGlob> ignore;
    std::vector<ConfigOverride> overrides;

    /// Whether `relative_path` (relative to the configuration's directory) or one of its parent directories
    /// matches an "ignore" pattern.
    bool is_ignored(std::string_view relative_path) const;

    /// The lint configuration for the file at `relative_path`: `lint` with every matching override applied.
    LintConfig for_file(std::string_view relative_path) const;
};

/// The outcome of reading a configuration file: the configuration (its readable parts when there are problems)
/// and every problem, in source order. A caller must not lint with a configuration that has problems.
struct LoadedConfig {
    ProjectConfig config;
    std::vector<FileProblem> problems;
};

/// Reads `source` as a `.iotpolicy.json` (format in README.md, "Configuration"). Never throws.
LoadedConfig parse_config(const SourceFile& source);

}  // namespace iotpolicy
