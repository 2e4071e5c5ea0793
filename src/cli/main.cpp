// The `iotpolicy` executable: parses the command line and hands over to one subcommand.
#include <exception>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
    using namespace iotpolicy::cli;
    CLI::App app("iotpolicy: a compiler and linter for AWS IoT Core policies", "iotpolicy");
    app.set_version_flag("--version", std::string("iotpolicy ") + IOTPOLICY_VERSION);
    app.require_subcommand(1);
    app.footer(R"(Examples:
  iotpolicy lint examples/                 lint every policy below examples/
  iotpolicy lint --format json policy.json machine-readable findings
  iotpolicy rules                          list the rules
  iotpolicy rules IOT004                   explain one rule
  iotpolicy simulate scenario.json         decide a scenario's requests, check expectations
  iotpolicy expand policy.json --connection conn.json   the policy as one connection sees it

Run `iotpolicy COMMAND --help` for a command's options.)");
    int result = k_exit_clean;
    add_lint_command(app, result);
    add_rules_command(app, result);
    add_simulate_command(app, result);
    add_expand_command(app, result);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        // CLI11 uses 0 for --help and --version; every real usage error is ours to number.
        return code == 0 ? k_exit_clean : k_exit_usage;
    } catch (const std::exception& error) {
        std::cerr << "iotpolicy: internal error: " << error.what() << '\n';
        return k_exit_usage;
    }
    return result;
}
