// `iotpolicy lint [PATH...]`
#include <unistd.h>  // isatty

#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "input.hpp"
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
    Inputs inputs = read_inputs(options.paths, options.stdin_filename);
    std::vector<FileDiagnostics> files;
    files.reserve(inputs.sources.size());
    bool failed = false;
    for (const SourceFile& source : inputs.sources) {
        FileDiagnostics file{&source, lint_source(source)};
        for (const Diagnostic& diagnostic : file.diagnostics) {
            failed = failed || reaches(diagnostic.severity, options.fail_on);
        }
        files.push_back(std::move(file));
    }
    for (const std::string& error : inputs.errors) {
        std::cerr << "iotpolicy: error: " << error << '\n';
    }
    switch (options.format) {
    case Format::text: write_text(std::cout, files, use_color(options.color)); break;
    case Format::json: write_json(std::cout, files); break;
    case Format::sarif: write_sarif(std::cout, files, IOTPOLICY_VERSION); break;
    }
    // Machine formats keep stdout pure; a person watching the terminal still gets the summary.
    if (options.format != Format::text && isatty(STDERR_FILENO) != 0) {
        std::cerr << summary_line(files) << '\n';
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
    command->add_option("--stdin-filename", options->stdin_filename,
                        "The name to report for a document read from standard input")
        ->default_str("<stdin>");
    command->footer(R"(Exit status: 0 no finding at or above --fail-on, 1 findings, 2 usage or I/O errors.

Examples:
  iotpolicy lint policies/                      lint every *.json below policies/
  iotpolicy lint --format sarif . > iot.sarif   SARIF for GitHub code scanning
  iotpolicy lint --fail-on warning device.json  fail on warnings too
  cat policy.json | iotpolicy lint --stdin-filename policy.json -)");
    command->callback([options, &result] { result = run_lint(*options); });
}

}  // namespace iotpolicy::cli
