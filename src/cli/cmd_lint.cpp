// `iotpolicy lint [PATH...]`
#include <unistd.h>  // isatty

#include <algorithm>  // find
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "fix_files.hpp"
#include "input.hpp"
#include "lint_config.hpp"
#include "options.hpp"
#include "iotpolicy/lint.hpp"
#include "iotpolicy/output.hpp"

namespace iotpolicy::cli {

namespace {

enum class Format { text, json, sarif };
enum class Threshold { error, warning, info, never };

struct LintOptions {
    std::vector<std::string> paths;
    Format format = Format::text;
    Threshold fail_on = Threshold::error;
    ColorMode color = ColorMode::automatic;
    std::string stdin_filename = "<stdin>";
    ProjectOptions project;  // configuration, ignores, baseline (lint_config.hpp)
    FixMode fix = FixMode::none;
};

bool reaches(Severity severity, Threshold threshold) {
    switch (threshold) {
    case Threshold::error: return severity == Severity::error;
    case Threshold::warning: return severity != Severity::info;
    case Threshold::info: return true;
    case Threshold::never: return false;
    }
    return false;
}

int run_lint(const LintOptions& options) {
    std::ios::sync_with_stdio(false);
    // Fixing standard input prints the fixed document on stdout, so the report goes to stderr (as Ruff does).
    const bool fix_stdin = options.fix == FixMode::fix &&
                           std::find(options.paths.begin(), options.paths.end(), "-") != options.paths.end();
    if (fix_stdin && options.paths.size() > 1) {
        std::cerr << "iotpolicy: error: --fix with - (standard input) takes no other paths\n";
        return k_exit_usage;
    }
    LintProject project(options.project);
    Inputs inputs = read_inputs(options.paths, options.stdin_filename, project.input_filter());
    std::vector<LintConfig> configs;
    configs.reserve(inputs.sources.size());
    for (const SourceFile& source : inputs.sources) {
        configs.push_back(project.config_for(source));
    }
    // A bad configuration stops the run: linting under half of it would pass or fail for the wrong reasons.
    if (project.report_problems(std::cerr)) {
        return k_exit_usage;
    }
    FixRun fixes;
    if (options.fix != FixMode::none) {
        fixes = fix_sources(inputs.sources, configs, options.fix, fix_stdin, std::cout);
        inputs.errors.insert(inputs.errors.end(), fixes.errors.begin(), fixes.errors.end());
    }
    std::vector<FileDiagnostics> files;
    files.reserve(inputs.sources.size());
    std::size_t remaining = 0;
    for (std::size_t i = 0; i < inputs.sources.size(); ++i) {
        FileDiagnostics file{&inputs.sources[i], options.fix == FixMode::none
                                                     ? lint_source(inputs.sources[i], configs[i])
                                                     : std::move(fixes.remaining[i])};
        remaining += file.diagnostics.size();
        files.push_back(std::move(file));
    }
    for (const std::string& error : inputs.errors) {
        std::cerr << "iotpolicy: error: " << error << '\n';
    }
    for (const std::string& warning : fixes.warnings) {
        std::cerr << "iotpolicy: warning: " << warning << '\n';
    }
    if (options.fix == FixMode::diff) {
        // The diff is the output; the summary goes beside it, and pending fixes fail the run (as `ruff --diff`).
        std::cout.flush();
        std::cerr << fix_summary(fixes, options.fix, remaining) << '\n';
        return !inputs.errors.empty() ? k_exit_usage : fixes.applied > 0 ? k_exit_findings : k_exit_clean;
    }
    if (!options.project.write_baseline.empty()) {
        // A baseline missing the findings of unreadable files would hide nothing for them later.
        return inputs.errors.empty() ? project.write_baseline(files, std::cerr) : k_exit_usage;
    }
    if (!options.project.baseline.empty()) {
        project.apply_baseline(files);
        if (project.report_problems(std::cerr)) {
            return k_exit_usage;
        }
    }
    bool failed = false;
    for (const FileDiagnostics& file : files) {
        for (const Diagnostic& diagnostic : file.diagnostics) {
            failed = failed || reaches(diagnostic.severity, options.fail_on);
        }
    }
    std::ostream& report = fix_stdin ? std::cerr : std::cout;
    switch (options.format) {
    case Format::text:
        write_text(report, files, use_color(options.color));
        for (const std::string& line : project.baseline_summary()) {
            report << line << '\n';
        }
        break;
    case Format::json: write_json(report, files); break;
    case Format::sarif: write_sarif(report, files, IOTPOLICY_VERSION); break;
    }
    if (options.fix == FixMode::fix) {
        // After the report, so that machine formats on stdout stay pure: stderr for them.
        (options.format == Format::text ? report : std::cerr) << fix_summary(fixes, options.fix, remaining) << '\n';
    }
    // Machine formats keep stdout pure; a person watching the terminal still gets the summary.
    if (options.format != Format::text && isatty(STDERR_FILENO) != 0) {
        std::cerr << summary_line(files) << '\n';
        for (const std::string& line : project.baseline_summary()) {
            std::cerr << line << '\n';
        }
    }
    std::cout.flush();
    if (!inputs.errors.empty()) {
        return k_exit_usage;
    }
    return failed ? k_exit_findings : k_exit_clean;
}

}  // namespace

void add_lint_command(CLI::App& app, int& result) {
    auto options = std::make_shared<LintOptions>();
    CLI::App* command = app.add_subcommand("lint", "Check IoT policy documents and report problems");
    command->add_option("PATH", options->paths,
                        "Policy files, directories (searched for *.json recursively) or - for standard input")
        ->required();
    add_choice(*command, "--format", options->format, "Output format",
               {{"text", Format::text}, {"json", Format::json}, {"sarif", Format::sarif}});
    add_choice(*command, "--fail-on", options->fail_on,
               "Exit with 1 when a finding has at least this severity (never: only I/O errors fail)",
               {{"error", Threshold::error},
                {"warning", Threshold::warning},
                {"info", Threshold::info},
                {"never", Threshold::never}});
    add_color_option(*command, options->color);
    add_project_options(*command, options->project);
    command->add_flag_callback("--fix", [options] { options->fix = FixMode::fix; },
                               "Apply every fix, write each changed file in place (atomically), then report what "
                               "remains; with - print the fixed document and report on stderr");
    command->add_flag_callback("--diff", [options] { options->fix = FixMode::diff; },
                               "Print a unified diff of what --fix would change and write nothing; exit 1 when "
                               "there is something to fix")
        ->excludes("--fix");
    command->add_option("--stdin-filename", options->stdin_filename,
                        "The name to report for a document read from standard input")
        ->default_str("<stdin>");
    command->footer(std::string(project_help()) + R"(Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or I/O errors, or a bad configuration.

Examples:
  iotpolicy lint policies/                      lint every *.json below policies/
  iotpolicy lint --format sarif . > iot.sarif   SARIF for GitHub code scanning
  iotpolicy lint --fail-on warning device.json  fail on warnings too
  iotpolicy lint --write-baseline iotpolicy-baseline.json .    record today's findings
  iotpolicy lint --baseline iotpolicy-baseline.json .          fail only on new ones
  iotpolicy lint --fix policies/                fix what can be fixed, report the rest
  cat policy.json | iotpolicy lint --stdin-filename policy.json -)");
    command->callback([options, &result] { result = run_lint(*options); });
}

}  // namespace iotpolicy::cli
