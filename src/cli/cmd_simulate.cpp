// `iotpolicy simulate SCENARIO.json`: decide every request of a scenario and check its expectations.
// `iotpolicy simulate --policy P.json --logs FILE`: replay AWS IoT log records against policies.
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "options.hpp"
#include "iotpolicy/log_replay.hpp"
#include "iotpolicy/scenario.hpp"
#include "iotpolicy/simulation_output.hpp"

namespace iotpolicy::cli {

namespace {

enum class Format { text, json };

struct SimulateOptions {
    std::string scenario;
    std::vector<std::string> policies;
    std::string logs;
    std::string region;
    catalog::AuthType auth = catalog::AuthType::x509;
    ThingAssumption things = ThingAssumption::attached;
    Format format = Format::text;
    ColorMode color = ColorMode::automatic;
    bool explain = false;
};

int run_replay(const SimulateOptions& options) {
    if (options.region.empty()) {
        std::cerr << "iotpolicy: error: --logs needs --region: log records carry the account but not the region\n";
        return k_exit_usage;
    }
    std::vector<PolicyDocument> documents;
    for (const std::string& path : options.policies) {
        std::string error;
        const std::optional<std::string> text = read_file(path, error);
        if (!text) {
            std::cerr << fmt::format("iotpolicy: error: cannot read policy '{}': {}\n", path, error);
            return k_exit_usage;
        }
        documents.push_back(load_policy_document(path, std::make_shared<const SourceFile>(path, *text)));
    }
    std::string error;
    const std::optional<std::string> log_text = read_file(options.logs, error);
    if (!log_text) {
        std::cerr << fmt::format("iotpolicy: error: cannot read log file '{}': {}\n", options.logs, error);
        return k_exit_usage;
    }
    const LogReadResult log = read_log_records(*log_text);
    bool unreadable = false;
    for (const LogProblem& p : log.problems) {
        unreadable = unreadable || p.severity == Severity::error;
        std::cerr << fmt::format("{}:{}:{}: {}: {}\n", options.logs, p.line, p.column, severity_name(p.severity),
                                 p.message);
    }
    const PolicySet policies(std::move(documents));
    for (const PolicyDocument& doc : policies.documents()) {
        if (doc.named_standing != Standing::in_force) {
            std::cerr << fmt::format("{}: warning: {}\n", doc.name, doc.standing_reason);
        }
    }
    ReplayOptions replay;
    replay.region = options.region;
    replay.auth = options.auth;
    replay.things = options.things;
    const ReplayReport report = replay_log(policies, log, replay);
    if (options.format == Format::json) {
        write_replay_json(std::cout, report);
    } else {
        const std::string prefix = fmt::format("arn:{}:iot:{}:", partition_of_region(options.region), options.region);
        write_replay_text(std::cout, report, {use_color(options.color), false, prefix});
    }
    std::cout.flush();
    if (unreadable) return k_exit_usage;
    return report.newly_denied.empty() && report.newly_allowed.empty() ? k_exit_clean : k_exit_findings;
}

void report_problems(const std::vector<InputProblem>& problems) {
    for (const InputProblem& p : problems) {
        std::cerr << fmt::format("{}:{}:{}: error: {}\n", p.path, p.location.line, p.location.column, p.message);
    }
}

int run_simulate(const SimulateOptions& options) {
    std::ios::sync_with_stdio(false);
    if (!options.logs.empty() || !options.policies.empty()) {
        if (!options.scenario.empty() || options.logs.empty() || options.policies.empty()) {
            std::cerr << "iotpolicy: error: give either a SCENARIO file, or --policy (one or more) with --logs\n";
            return k_exit_usage;
        }
        return run_replay(options);
    }
    if (options.scenario.empty()) {
        std::cerr << "iotpolicy: error: give a SCENARIO file, or --policy with --logs (run with --help for more)\n";
        return k_exit_usage;
    }
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
        const std::string prefix =
            fmt::format("arn:{}:iot:{}:", scenario.options.partition, scenario.options.region);
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
    command->add_option("SCENARIO", options->scenario, "A scenario file: policies, connections and their requests");
    command->add_option("--policy", options->policies, "Replay mode: a policy that applies to every logged client")
        ->take_all();
    command->add_option("--logs", options->logs,
                        "Replay mode: AWS IoT log records (CloudWatch JSON lines, filter-log-events output...)");
    command->add_option("--region", options->region, "Replay mode: the Region of the logs (records do not carry it)");
    add_choice(*command, "--auth", options->auth, "Replay mode: how the logged clients authenticate",
               {{"x509", catalog::AuthType::x509},
                {"cognito", catalog::AuthType::cognito},
                {"custom", catalog::AuthType::custom},
                {"sigv4", catalog::AuthType::sigv4}});
    add_choice(*command, "--things", options->things,
               "Replay mode: whether each client ID names a thing attached to its principal",
               {{"attached", ThingAssumption::attached}, {"none", ThingAssumption::none}});
    add_choice(*command, "--format", options->format, "Output format", {{"text", Format::text}, {"json", Format::json}});
    command->add_flag("--explain", options->explain, "Explain every decision, not only failed expectations");
    add_color_option(*command, options->color);
    command->footer(R"(Exit status: 0 every expectation met (replay: every decision agrees with the log), 1 an
expectation failed (replay: a logged success would be denied or a logged denial allowed), 2 bad input
(file:line:col).

A decision marked ? rests on a reading AWS's documentation leaves open; the simulator took the more restrictive
one (spec §0.2).

Examples:
  iotpolicy simulate fleet-scenario.json             table of decisions, failures explained
  iotpolicy simulate --explain fleet-scenario.json   explain every decision
  iotpolicy simulate --format json fleet.json        machine-readable results
  iotpolicy simulate --policy device.json --logs iot.jsonl --region eu-west-1
                                                     would the new policy break what devices do?)");
    command->callback([options, &result] { result = run_simulate(*options); });
}

}  // namespace iotpolicy::cli
