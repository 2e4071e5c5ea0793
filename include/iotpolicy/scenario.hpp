// Scenario files: policies, connections and the requests to decide, with expectations; and running them.
// The format is the one of issue #4 and ../shared/conformance/simulate/README.md, with these extensions:
// `expect` also takes the exact "implicit-deny" / "explicit-deny"; requests and connections take "comment";
// a request may name "shadow" (a named shadow of "thing") or "roleAlias"; a thing may be "exclusive"; a
// connection may give "domainName" and "cognitoIdentityId"; the scenario may set
// "options": {"connectAttributes": "require-condition" | "iam"} (spec vars §6).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "iotpolicy/connection.hpp"
#include "iotpolicy/evaluator.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy {

/// What a request expects: either way of denying, or one exactly.
enum class Expectation : std::uint8_t { none, allow, deny, implicit_deny, explicit_deny };

/// "allow", "deny", "implicit-deny", "explicit-deny"; empty for none.
std::string_view expectation_name(Expectation e);

/// Whether `kind` meets `expected` (none is met by anything).
bool meets(DecisionKind kind, Expectation expected);

struct ScenarioRequest {
    Request request;
    Expectation expect = Expectation::none;
    Span span;
};

struct ScenarioConnection {
    Connection connection;
    bool named = false;  // the file gave a name; otherwise results name the connection by its index
    std::vector<ScenarioRequest> requests;
};

struct Scenario {
    std::shared_ptr<const SourceFile> source;
    std::vector<PolicyDocument> policies;
    EvaluationOptions options;
    std::vector<ScenarioConnection> connections;
};

/// A problem with an input file, at a 1-based line and column.
struct InputProblem {
    std::string path;
    Location location;
    std::string message;
};

struct ScenarioLoad {
    std::optional<Scenario> scenario;  // absent when any problem was found
    std::vector<InputProblem> problems;
};

/// Reads the scenario file at `path`; policy paths are relative to its directory.
ScenarioLoad load_scenario(const std::string& path);

/// Reads a scenario from `source`; policy paths are relative to `base_directory`.
ScenarioLoad parse_scenario(std::shared_ptr<const SourceFile> source, const std::string& base_directory);

struct ConnectionLoad {
    std::optional<ScenarioConnection> connection;  // absent when any problem was found
    std::vector<InputProblem> problems;
};

/// Reads a file holding one connection object of the scenario format (its "requests" optional); `options`
/// gives the region and account its requests' ARNs are built in.
ConnectionLoad load_connection(const std::string& path, const EvaluationOptions& options);

/// Builds the ARN of `type`/`name` in the partition, region and account of `options`.
std::string resource_arn(const EvaluationOptions& options, std::string_view type, std::string_view name);

/// The partition a region belongs to: "aws-cn" for cn-*, "aws-us-gov" for us-gov-*, else "aws".
std::string_view partition_of_region(std::string_view region);

// --- Running ------------------------------------------------------------------------------------------------------

/// A statement that decided a result, located for the reader.
struct MatchedStatement {
    std::string policy;
    std::uint32_t statement = 0;
    std::optional<std::string> sid;
    std::uint32_t line = 0;
};

/// Every statement's verdict on one request, located for the reader.
struct StatementReport {
    MatchedStatement where;
    std::string_view effect;   // "Allow", "Deny", or "" when the statement has none
    std::string_view applies;  // "yes", "no", "unknown" (only under some readings), "not-counted" (dropped)
    std::string reason;
};

struct SimulationResult {
    std::string connection;  // its name, or its index as text
    bool connection_named = false;
    std::size_t request = 0;  // index within the connection
    std::string action;
    std::string resource;
    DecisionKind decision = DecisionKind::implicit_deny;
    bool uncertain = false;
    Expectation expected = Expectation::none;
    std::optional<bool> pass;
    std::vector<MatchedStatement> matched;
    std::vector<StatementReport> statements;  // every statement of every document, in order
    std::string explanation;  // one paragraph: what decided, and why the other statements did not apply
    std::vector<std::string> notes;
};

struct SimulationSummary {
    std::size_t requests = 0;
    std::size_t allowed = 0;
    std::size_t denied = 0;
    std::size_t failed = 0;
    std::size_t uncertain = 0;
};

struct SimulationReport {
    std::vector<SimulationResult> results;
    SimulationSummary summary;
    std::vector<std::string> document_notes;  // documents not (fully) in force, and why
};

/// Decides every request of `scenario` with its explanation.
SimulationReport run_scenario(const Scenario& scenario);

/// The result of one request, with `matched`, `explanation` and `notes` filled from `explanation`.
SimulationResult describe_result(const PolicySet& policies, const Explanation& explanation);

}  // namespace iotpolicy
