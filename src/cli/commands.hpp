// The subcommands of the `iotpolicy` executable: each registers its options and runs with them.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace iotpolicy::cli {

/// Exit codes shared by every subcommand.
enum ExitCode : int {
    k_exit_clean = 0,     // nothing at or above the failure threshold
    k_exit_findings = 1,  // findings at or above the threshold, or a failed expectation
    k_exit_usage = 2,     // bad usage, unreadable input
};

/// Adds a subcommand to `app`; `result` receives its exit code when it runs.
void add_lint_command(CLI::App& app, int& result);
void add_rules_command(CLI::App& app, int& result);
void add_simulate_command(CLI::App& app, int& result);
void add_expand_command(CLI::App& app, int& result);

}  // namespace iotpolicy::cli
