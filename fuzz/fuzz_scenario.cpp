// libFuzzer target: arbitrary bytes read as a scenario file by parse_scenario; when it loads, every request is
// decided with its explanation by run_scenario and the report is rendered by write_simulation_text (plain and
// coloured, with and without every result explained) and write_simulation_json. Invariants that must hold for
// every input are checked; a violated one prints what went wrong and traps, so that libFuzzer records the input
// as a crash. See fuzz/README.md.
//
// Policy file paths. The base directory given to parse_scenario does not exist, so a string in "policies" reads
// nothing and becomes a problem ("cannot read policy file"): the target never touches the file system and every
// input decides the same way on every machine. Only inline policy documents reach the evaluator.
//
// Bounded work. run_scenario's cost is about (connections + requests) × statements: each connection compiles
// the statements whose Resource or conditions hold variables, and each request explains every statement of
// every document, with a line of text each. A 4 KiB input can hold some 150 one-line requests and as many short
// statements, tens of thousands of explained statements under ASan, which would make slow inputs the fuzzer's
// most common finding while telling nothing new. Before running, the target therefore keeps the first
// k_max_connections connections and the first k_max_requests requests in file order (the parser has read and
// checked all of them already; only evaluation is capped).
#include <cstddef>
#include <cstdint>
#include <cstdio>  // fprintf
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "iotpolicy/evaluator.hpp"
#include "iotpolicy/scenario.hpp"
#include "iotpolicy/simulation_output.hpp"
#include "iotpolicy/source.hpp"

namespace {

using iotpolicy::DecisionKind;
using iotpolicy::Expectation;
using iotpolicy::PolicyDocument;
using iotpolicy::Scenario;
using iotpolicy::ScenarioConnection;
using iotpolicy::ScenarioLoad;
using iotpolicy::SimulationReport;
using iotpolicy::SimulationResult;
using iotpolicy::SourceFile;

constexpr std::size_t k_max_connections = 16;
constexpr std::size_t k_max_requests = 64;

/// The directory policy paths are relative to: it does not exist, so policy files read nothing.
constexpr const char* k_base_directory = "/nonexistent/iotpolicy-fuzz-scenario";
constexpr const char* k_path = "fuzz-scenario.json";

// --- Failing loudly -------------------------------------------------------------------------------------------------

using iotpolicy::fuzz::NullBuffer;
using iotpolicy::fuzz::check;

bool is_decision(DecisionKind kind) {
    return kind == DecisionKind::allow || kind == DecisionKind::implicit_deny || kind == DecisionKind::explicit_deny;
}

bool is_expectation(Expectation e) {
    return e == Expectation::none || e == Expectation::allow || e == Expectation::deny ||
           e == Expectation::implicit_deny || e == Expectation::explicit_deny;
}

std::string describe(const SimulationResult& r, std::size_t index) {
    return "result #" + std::to_string(index) + " (connection " + r.connection + " request " +
           std::to_string(r.request) + " " + r.action + " " + r.resource + ", decision " +
           std::string(iotpolicy::decision_name(r.decision)) + "): ";
}

// --- The invariants -----------------------------------------------------------------------------------------------

/// parse_scenario: a scenario exactly when there is no problem; every problem located inside the file.
void check_load(const SourceFile& source, const ScenarioLoad& load) {
    check(load.scenario.has_value() == load.problems.empty(),
          "parse_scenario returned a scenario together with problems, or neither");
    for (std::size_t i = 0; i < load.problems.size(); ++i) {
        const iotpolicy::InputProblem& p = load.problems[i];
        const std::string which = "problem #" + std::to_string(i) + " (" + p.message + "): ";
        check(p.path == k_path, which + "names another file than the scenario");
        check(!p.message.empty(), which + "empty message");
        check(p.location.line >= 1 && p.location.column >= 1, which + "line or column below 1");
        check(p.location.line <= source.line_count(), which + "located past the last line");
    }
    if (!load.scenario) {
        return;
    }
    const Scenario& s = *load.scenario;
    check(s.source.get() != nullptr && s.source->text() == source.text(), "the scenario does not keep its source");
    check(!s.policies.empty(), "a scenario loaded without policies");
    for (const ScenarioConnection& c : s.connections) {
        check(!c.connection.name.empty(), "a connection without a name");
        for (const iotpolicy::ScenarioRequest& r : c.requests) {
            check(is_expectation(r.expect), "a request with an unknown expectation");
            check(!r.request.resource.empty(), "a request with an empty resource");
            check(r.span.begin < r.span.end && r.span.end <= source.text().size() &&
                      source.text()[r.span.begin] == '{' && source.text()[r.span.end - 1] == '}',
                  "a request's span does not cover its object");
            if (r.request.reading == iotpolicy::ResourceReading::list_named_shadows) {
                check(r.request.resource == "*" && !r.request.alternate_resource.empty(),
                      "a list_named_shadows request whose resource is not * or has no alternate resource");
            } else if (r.request.reading == iotpolicy::ResourceReading::named_shadow) {
                check(!r.request.alternate_resource.empty() &&
                          r.request.resource.starts_with(r.request.alternate_resource + "/"),
                      "a named-shadow request whose alternate resource is not its thing");
            }
        }
    }
}

/// Keeps the work of one input bounded (see the top of the file).
void cap(Scenario& s) {
    if (s.connections.size() > k_max_connections) {
        s.connections.resize(k_max_connections);
    }
    std::size_t budget = k_max_requests;
    for (ScenarioConnection& c : s.connections) {
        if (c.requests.size() > budget) {
            c.requests.resize(budget);
        }
        budget -= c.requests.size();
    }
}

/// run_scenario: one result per request in order, each consistent with its request and with decide(); the
/// summary counts the results.
void check_report(const Scenario& s, const SimulationReport& report) {
    // An independent decision for every request: decide() runs the evaluation without recording an explanation
    // and must reach the same decision as explain(), which run_scenario uses.
    const iotpolicy::PolicySet policies(std::vector<PolicyDocument>(s.policies.begin(), s.policies.end()));
    std::size_t index = 0;
    for (const ScenarioConnection& c : s.connections) {
        const iotpolicy::ConnectionEvaluator evaluator(policies, c.connection, s.options);
        for (std::size_t i = 0; i < c.requests.size(); ++i, ++index) {
            check(index < report.results.size(), "fewer results than requests");
            const iotpolicy::ScenarioRequest& sr = c.requests[i];
            const SimulationResult& r = report.results[index];
            const std::string which = describe(r, index);
            check(r.connection == c.connection.name && r.connection_named == c.named && r.request == i,
                  which + "does not name its connection and request index");
            check(r.action == iotpolicy::request_action_name(sr.request.action), which + "names another action");
            check(r.resource == sr.request.resource, which + "names another resource");
            check(is_decision(r.decision), which + "a decision that is none of the three");
            check(r.expected == sr.expect, which + "another expectation than the request's");
            check(r.pass.has_value() == (sr.expect != Expectation::none),
                  which + "pass is set without an expectation, or missing with one");
            if (r.pass) {
                check(*r.pass == iotpolicy::meets(r.decision, sr.expect), which + "pass disagrees with meets()");
            }
            const iotpolicy::Decision decided = evaluator.decide(sr.request);
            check(decided.kind == r.decision && decided.uncertain == r.uncertain,
                  which + "decide() says " + std::string(iotpolicy::decision_name(decided.kind)) +
                      (decided.uncertain ? " (uncertain)" : "") + " but explain() does not");
            // What decided: the Deny statements that applied, or the Allow statements that granted; nothing for an
            // implicit deny.
            check((r.decision == DecisionKind::implicit_deny) == r.matched.empty(),
                  which + (r.matched.empty() ? "no deciding statement for an allow or explicit deny"
                                             : "deciding statements for an implicit deny"));
            for (const iotpolicy::MatchedStatement& m : r.matched) {
                const PolicyDocument* doc = nullptr;
                for (const PolicyDocument& d : policies.documents()) {
                    if (d.name == m.policy) {
                        doc = &d;
                    }
                }
                check(doc != nullptr, which + "a matched statement of an unknown document \"" + m.policy + "\"");
                bool found = false;
                if (doc->ast) {
                    for (const iotpolicy::Statement& st : doc->ast->statements) {
                        found = found || st.index == m.statement;
                    }
                }
                check(found, which + "a matched statement that its document does not have");
                check(m.line >= 1 && m.line <= doc->source->line_count(),
                      which + "a matched statement's line is outside its file");
            }
            const std::string_view lead = r.decision == DecisionKind::allow           ? "Allowed"
                                          : r.decision == DecisionKind::explicit_deny ? "Explicit deny"
                                                                                      : "Implicit deny";
            check(std::string_view(r.explanation).starts_with(lead), which + "the explanation does not open with " +
                                                                         std::string(lead));
        }
    }
    check(index == report.results.size(), "more results than requests");

    std::size_t allowed = 0;
    std::size_t failed = 0;
    std::size_t uncertain = 0;
    for (const SimulationResult& r : report.results) {
        allowed += r.decision == DecisionKind::allow ? 1 : 0;
        failed += r.pass == false ? 1 : 0;
        uncertain += r.uncertain ? 1 : 0;
    }
    const iotpolicy::SimulationSummary& summary = report.summary;
    check(summary.requests == report.results.size(), "summary.requests is not the number of results");
    check(summary.allowed == allowed, "summary.allowed does not count the allowed results");
    check(summary.denied == report.results.size() - allowed, "summary.denied does not count the denied results");
    check(summary.failed == failed, "summary.failed does not count the failed expectations");
    check(summary.uncertain == uncertain, "summary.uncertain does not count the uncertain results");
}

/// The renderers: text in every mode into a discarded stream; JSON valid and agreeing with the report.
void render(const Scenario& s, const SimulationReport& report) {
    NullBuffer null_buffer;
    std::ostream discard(&null_buffer);
    const std::string prefix = "arn:" + s.options.partition + ":iot:" + s.options.region + ":";
    for (const bool color : {false, true}) {
        for (const bool explain_all : {false, true}) {
            iotpolicy::write_simulation_text(discard, report, {color, explain_all, prefix});
        }
    }
    std::ostringstream out;
    iotpolicy::write_simulation_json(out, report);
    const nlohmann::json json = nlohmann::json::parse(out.str(), nullptr, /*allow_exceptions=*/false);
    check(!json.is_discarded(), "write_simulation_json produced invalid JSON");
    check(json.is_object() && json["results"].is_array() && json["results"].size() == report.results.size(),
          "write_simulation_json: \"results\" does not hold one entry per result");
    const nlohmann::json& summary = json["summary"];
    check(summary.is_object() && summary["requests"] == report.summary.requests &&
              summary["allowed"] == report.summary.allowed && summary["denied"] == report.summary.denied &&
              summary["failed"] == report.summary.failed && summary["uncertain"] == report.summary.uncertain,
          "write_simulation_json: \"summary\" differs from the report's");
    for (std::size_t i = 0; i < report.results.size(); ++i) {
        const nlohmann::json& entry = json["results"][i];
        const SimulationResult& r = report.results[i];
        check(entry["decision"] == iotpolicy::decision_name(r.decision) && entry["resource"] == r.resource &&
                  entry["pass"] == (r.pass ? nlohmann::json(*r.pass) : nlohmann::json(nullptr)),
              "write_simulation_json: result #" + std::to_string(i) + " differs from the report's");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > iotpolicy::k_max_source_bytes) {
        return -1;  // outside SourceFile's contract; libFuzzer never gets near it
    }
    auto source = std::make_shared<const SourceFile>(k_path, std::string(reinterpret_cast<const char*>(data), size));
    ScenarioLoad load = iotpolicy::parse_scenario(source, k_base_directory);
    check_load(*source, load);
    if (!load.scenario) {
        return 0;
    }
    Scenario& scenario = *load.scenario;
    cap(scenario);
    const SimulationReport report = iotpolicy::run_scenario(scenario);
    check_report(scenario, report);
    render(scenario, report);
    return 0;
}
