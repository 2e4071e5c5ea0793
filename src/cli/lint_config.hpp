// `iotpolicy lint`'s project options: configuration discovery (.iotpolicy.json), ignores and baselines.
#pragma once

#include <deque>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>

#include "input.hpp"
#include "iotpolicy/config.hpp"
#include "iotpolicy/output.hpp"

namespace iotpolicy::cli {

/// The options of this file, as given on the command line.
struct ProjectOptions {
    std::string config;          // --config FILE: one configuration for every file, no discovery
    bool isolated = false;       // --isolated: no configuration at all
    bool force_exclude = false;  // --force-exclude: ignores apply to named paths too
    std::string baseline;        // --baseline FILE
    std::string write_baseline;  // --write-baseline FILE
};

/// Adds --config, --isolated, --force-exclude, --baseline and --write-baseline to `command`.
void add_project_options(CLI::App& command, ProjectOptions& options);

/// The paragraphs of `iotpolicy lint --help` on configuration and baselines.
std::string_view project_help();

/// The configuration of each linted file and the baseline, for one run. Every problem with a configuration or
/// baseline file is collected as a `path:line:col: error: message` line; the run must stop if there is any.
class LintProject {
public:
    explicit LintProject(const ProjectOptions& options);

    /// What the directory walk leaves out: ignored paths, configuration and baseline files.
    InputFilter input_filter();

    /// The configuration of `source` (discovered from its directory; for standard input, from the directory of
    /// its --stdin-filename, else the current one).
    LintConfig config_for(const SourceFile& source);

    /// Prints the problems found so far to `err`; true when there were any.
    bool report_problems(std::ostream& err) const;

    /// --write-baseline: records every finding of `files`; an exit code (2 when the file cannot be written).
    int write_baseline(std::span<const FileDiagnostics> files, std::ostream& err) const;

    /// --baseline: removes the findings the baseline records from `files`. Problems with the baseline file are
    /// collected (see report_problems) and then nothing is removed.
    void apply_baseline(std::vector<FileDiagnostics>& files);

    /// The lines that say what the baseline hid and which of its entries are stale; empty without --baseline.
    std::vector<std::string> baseline_summary() const;

private:
    struct Loaded {
        std::string path;                 // as printed in messages
        std::filesystem::path directory;  // absolute and normal: what patterns are relative to
        ProjectConfig config;
    };

    const Loaded* for_directory(const std::filesystem::path& directory);
    const Loaded* load(const std::filesystem::path& file);
    void add_problems(const SourceFile& source, std::span<const FileProblem> problems);

    ProjectOptions m_options;
    std::deque<Loaded> m_loaded;  // stable addresses
    std::optional<const Loaded*> m_explicit;
    std::unordered_map<std::string, const Loaded*> m_by_directory;  // nullptr: no configuration applies
    std::vector<std::filesystem::path> m_own_files;                 // the config and baseline files named
    std::vector<std::string> m_problems;
    std::size_t m_hidden = 0;
    std::size_t m_stale = 0;
};

}  // namespace iotpolicy::cli
