#include "lint_config.hpp"

#include <unistd.h>  // getpid

#include <algorithm>  // any_of, erase_if
#include <cstdio>     // rename, remove
#include <fstream>
#include <ostream>
#include <unordered_set>

#include <fmt/format.h>

#include "commands.hpp"  // exit codes
#include "iotpolicy/baseline.hpp"

namespace iotpolicy::cli {

namespace fs = std::filesystem;

namespace {

fs::path absolute_normal(const fs::path& path) {
    std::error_code error;
    const fs::path absolute = fs::absolute(path, error);
    return (error ? path : absolute).lexically_normal();
}

/// `file` relative to `directory` with '/' separators; nothing when it lies outside `directory`.
std::optional<std::string> relative_inside(const fs::path& directory, const std::string& file) {
    const fs::path relative = absolute_normal(file).lexically_relative(directory);
    if (relative.empty() || *relative.begin() == "..") {
        return std::nullopt;
    }
    return relative.generic_string();
}

/// How a file found by discovery is named in messages: relative to the current directory when below it.
std::string display_path(const fs::path& file) {
    const fs::path relative = file.lexically_proximate(absolute_normal(fs::current_path()));
    return relative.empty() || *relative.begin() == ".." ? file.string() : relative.string();
}

}  // namespace

void add_project_options(CLI::App& command, ProjectOptions& options) {
    CLI::Option* config =
        command.add_option("--config", options.config,
                           "Use this configuration file for every linted file instead of discovering .iotpolicy.json")
            ->type_name("FILE");
    command.add_flag("--isolated", options.isolated, "Read no configuration file: every rule at its default")
        ->excludes(config);
    command.add_flag("--force-exclude", options.force_exclude,
                     "Apply the configuration's \"ignore\" patterns to paths named on the command line too");
    CLI::Option* baseline =
        command.add_option("--baseline", options.baseline,
                           "Hide the findings recorded in this baseline file; only new ones fail")
            ->type_name("FILE");
    command.add_option("--write-baseline", options.write_baseline,
                       "Record every current finding in this file (JSON, sorted) and exit 0")
        ->type_name("FILE")
        ->excludes(baseline);
}

std::string_view project_help() {
    return R"(Configuration: each file is linted under the nearest .iotpolicy.json in its directory or above
(for standard input: the directory of --stdin-filename, else the current one), or under --config FILE:
  {"rules": {"IOT203": "warning", "IOT209": "off", "policy-size-near-limit": "error"},
   "accounts": ["123456789012"], "regions": ["eu-west-1"], "authTypes": ["x509"], "protocols": ["mqtt"],
   "ignore": ["legacy/**", "*.template.json"],
   "overrides": [{"files": ["labs/**"], "rules": {"IOT201": "warning"}}]}
Rule settings: "off", "on", "error", "warning", "info". Ignore patterns are relative to the configuration's
directory (* and ? within a name, ** across directories, a bare name at any depth); they skip files found in
directories, and named files only with --force-exclude. A bad configuration or baseline is reported as
path:line:col: error: message, and the run stops with exit status 2.

Baseline: --write-baseline FILE records the current findings; --baseline FILE then hides them, so that only
new findings are shown and fail the run. Entries that no longer match are counted as stale.

)";
}

LintProject::LintProject(const ProjectOptions& options) : m_options(options) {
    for (const std::string* own : {&options.config, &options.baseline, &options.write_baseline}) {
        if (!own->empty()) {
            m_own_files.push_back(absolute_normal(*own));
        }
    }
    if (!options.config.empty()) {
        m_explicit = load(options.config);
    }
}

const LintProject::Loaded* LintProject::load(const fs::path& file) {
    const bool named = !m_options.config.empty();
    const std::string path = named ? m_options.config : display_path(file);
    std::string error;
    std::optional<std::string> text = read_file(file.string(), error);
    if (!text) {
        m_problems.push_back(fmt::format("{}: error: cannot read the configuration: {}", path, error));
        return nullptr;
    }
    const SourceFile source(path, std::move(*text));
    LoadedConfig loaded = parse_config(source);
    if (!loaded.problems.empty()) {
        add_problems(source, loaded.problems);
        return nullptr;
    }
    return &m_loaded.emplace_back(Loaded{path, absolute_normal(file).parent_path(), std::move(loaded.config)});
}

const LintProject::Loaded* LintProject::for_directory(const fs::path& directory) {
    if (m_options.isolated) {
        return nullptr;
    }
    if (m_explicit) {
        return *m_explicit;
    }
    // The nearest .iotpolicy.json in `directory` or above decides alone (configurations do not merge, as in
    // Ruff without "extend"); every directory passed on the way caches the answer.
    std::vector<std::string> visited;
    const Loaded* found = nullptr;
    for (fs::path current = directory;; current = current.parent_path()) {
        const std::string key = current.string();
        if (const auto it = m_by_directory.find(key); it != m_by_directory.end()) {
            found = it->second;
            break;
        }
        visited.push_back(key);
        std::error_code error;
        const fs::path candidate = current / k_config_file_name;
        if (fs::is_regular_file(candidate, error)) {
            found = load(candidate);
            break;
        }
        if (current == current.root_path() || !current.has_relative_path()) {
            break;
        }
    }
    for (const std::string& key : visited) {
        m_by_directory.emplace(key, found);
    }
    return found;
}

InputFilter LintProject::input_filter() {
    InputFilter filter;
    filter.applies_to_named = m_options.force_exclude;
    filter.excluded = [this](const std::string& path, bool is_directory) {
        const fs::path absolute = absolute_normal(path);
        if (!is_directory && std::find(m_own_files.begin(), m_own_files.end(), absolute) != m_own_files.end()) {
            return true;
        }
        const Loaded* loaded = for_directory(is_directory ? absolute : absolute.parent_path());
        if (loaded == nullptr) {
            return false;
        }
        const std::optional<std::string> relative = relative_inside(loaded->directory, path);
        return relative && loaded->config.is_ignored(*relative);
    };
    return filter;
}

LintConfig LintProject::config_for(const SourceFile& source) {
    // For standard input the path is --stdin-filename, or "<stdin>", whose directory is the current one.
    const Loaded* loaded = for_directory(absolute_normal(source.path()).parent_path());
    if (loaded == nullptr) {
        return {};
    }
    const std::optional<std::string> relative = relative_inside(loaded->directory, source.path());
    // A file outside the directory of a --config file gets its file-wide settings: no pattern can name it.
    return relative ? loaded->config.for_file(*relative) : loaded->config.lint;
}

void LintProject::add_problems(const SourceFile& source, std::span<const FileProblem> problems) {
    for (const FileProblem& problem : problems) {
        const Location where = source.location(problem.span.begin);
        m_problems.push_back(
            fmt::format("{}:{}:{}: error: {}", source.path(), where.line, where.column, problem.message));
    }
}

bool LintProject::report_problems(std::ostream& err) const {
    for (const std::string& problem : m_problems) {
        err << problem << '\n';
    }
    return !m_problems.empty();
}

namespace {

/// The baseline's name for each file: relative to the baseline's directory, '/'-separated.
std::string baseline_path(const fs::path& baseline_directory, const SourceFile& source) {
    return absolute_normal(source.path()).lexically_relative(baseline_directory).generic_string();
}

}  // namespace

int LintProject::write_baseline(std::span<const FileDiagnostics> files, std::ostream& err) const {
    const std::string& target = m_options.write_baseline;
    const fs::path directory = absolute_normal(target).parent_path();
    std::vector<BaselineEntry> entries;
    for (const FileDiagnostics& file : files) {
        const std::vector<std::string> fingerprints = fingerprint_diagnostics(*file.source, file.diagnostics);
        const std::string path = baseline_path(directory, *file.source);
        for (std::size_t i = 0; i < file.diagnostics.size(); ++i) {
            const Diagnostic& diagnostic = file.diagnostics[i];
            entries.push_back(
                {path, std::string(rule_info(diagnostic.rule).code), fingerprints[i], diagnostic.message});
        }
    }
    const std::size_t count = entries.size();
    const std::string text = format_baseline(std::move(entries));
    // Written beside the target and renamed over it, so a reader never sees half a baseline.
    const std::string temporary = fmt::format("{}.tmp-{}", target, getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        out.close();
        if (!out) {
            std::remove(temporary.c_str());
            err << fmt::format("iotpolicy: error: cannot write the baseline '{}'\n", target);
            return k_exit_usage;
        }
    }
    if (std::rename(temporary.c_str(), target.c_str()) != 0) {
        std::remove(temporary.c_str());
        err << fmt::format("iotpolicy: error: cannot replace the baseline '{}'\n", target);
        return k_exit_usage;
    }
    err << fmt::format("Wrote {} finding{} of {} file{} to {}.\n", count, count == 1 ? "" : "s", files.size(),
                       files.size() == 1 ? "" : "s", target);
    return k_exit_clean;
}

void LintProject::apply_baseline(std::vector<FileDiagnostics>& files) {
    const std::string& path = m_options.baseline;
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
        m_problems.push_back(fmt::format("{}: error: cannot read the baseline: {}", path, error));
        return;
    }
    const SourceFile source(path, std::move(*text));
    const LoadedBaseline baseline = parse_baseline(source);
    if (!baseline.problems.empty()) {
        add_problems(source, baseline.problems);
        return;
    }
    const fs::path directory = absolute_normal(path).parent_path();
    BaselineMatcher matcher(baseline.entries);
    std::unordered_set<std::string> linted;
    for (FileDiagnostics& file : files) {
        const std::vector<std::string> fingerprints = fingerprint_diagnostics(*file.source, file.diagnostics);
        const std::string relative = baseline_path(directory, *file.source);
        linted.insert(relative);
        std::size_t index = 0;
        std::erase_if(file.diagnostics, [&](const Diagnostic& diagnostic) {
            return matcher.take(relative, rule_info(diagnostic.rule).code, fingerprints[index++]);
        });
    }
    // An unused entry is stale when its file was linted (the finding is gone) or no longer exists; entries of
    // files this run did not look at say nothing.
    m_hidden = baseline.entries.size();
    for (const auto& [entry_path, count] : matcher.unused_by_path()) {
        m_hidden -= count;
        std::error_code exists_error;
        if (linted.contains(entry_path) || !fs::exists(directory / entry_path, exists_error)) {
            m_stale += count;
        }
    }
}

std::vector<std::string> LintProject::baseline_summary() const {
    std::vector<std::string> lines;
    if (m_options.baseline.empty()) {
        return lines;
    }
    lines.push_back(fmt::format("{} finding{} hidden by the baseline {}.", m_hidden, m_hidden == 1 ? "" : "s",
                                m_options.baseline));
    if (m_stale > 0) {
        lines.push_back(fmt::format("{} baseline entr{} no longer match{} a finding (fixed, or the file is gone); "
                                    "run with --write-baseline {} to prune {}.",
                                    m_stale, m_stale == 1 ? "y" : "ies", m_stale == 1 ? "es" : "", m_options.baseline,
                                    m_stale == 1 ? "it" : "them"));
    }
    return lines;
}

}  // namespace iotpolicy::cli
