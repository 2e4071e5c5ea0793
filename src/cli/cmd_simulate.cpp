// `iotpolicy simulate SCENARIO.json`: decide every request of a scenario and check its expectations.
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "options.hpp"
#include "iotpolicy/scenario.hpp"
#include "iotpolicy/simulation_output.hpp"

namespace iotpolicy::cli {

namespace {

enum class Format { text, json };

struct SimulateOptions {
    std::string scenario;
    Format format = Format::text;
    ColorMode color = ColorMode::automatic;
    bool explain = false;
};

void report_problems(const std::vector<InputProblem>& problems) {
    for (const InputProblem& p : problems) {
        std::cerr << fmt::format("{}:{}:{}: error: {}\n", p.path, p.location.line, p.location.column, p.message);
    }
}

int run_simulate(const SimulateOptions& options) {
    std::ios::sync_with_stdio(false);
    const ScenarioLoad load = load_scenario(options.scenario);
    if (!load.scenario) {
        report_problems(load.problems);
        return k_exit_usage;
    }
    const Scenario& scenario = *load.scenario;
    const SimulationReport report = run_scenario(scenario);
    if (options.format == Format::json) {
        write_simulation_json(std::cout, report);
    } else {
        const std::string prefix = fmt::format("arn:{}:iot:{}:{}:", scenario.options.partition,
                                               scenario.options.region, scenario.options.account);
        write_simulation_text(std::cout, report, {use_color(options.color), options.explain, prefix});
    }
    std::cout.flush();
    return report.summary.failed > 0 ? k_exit_findings : k_exit_clean;
}

}  // namespace

void add_simulate_command(CLI::App& app, int& result) {
    auto options = std::make_shared<SimulateOptions>();
    CLI::App* command = app.add_subcommand(
        "simulate", "Decide requests of simulated connections as AWS IoT Core would, and explain each decision");
    command->add_option("SCENARIO", options->scenario, "A scenario file: policies, connections and their requests")
        ->required();
    add_choice(*command, "--format", options->format, "Output format", {{"text", Format::text}, {"json", Format::json}});
    command->add_flag("--explain", options->explain, "Explain every decision, not only failed expectations");
    add_color_option(*command, options->color);
    command->footer(R"(Exit status: 0 every expectation met, 1 an expectation failed, 2 bad input (file:line:col).

A decision marked ? rests on a reading AWS's documentation leaves open; the simulator took the more restrictive
one (spec §0.2).

Examples:
  iotpolicy simulate fleet-scenario.json             table of decisions, failures explained
  iotpolicy simulate --explain fleet-scenario.json   explain every decision
  iotpolicy simulate --format json fleet.json        machine-readable results)");
    command->callback([options, &result] { result = run_simulate(*options); });
}

}  // namespace iotpolicy::cli
