// The policy evaluator: the decision AWS IoT Core would make for one request of one connection, with its
// explanation. Spec: iot-policy-semantics.md §0 (R0, R1), §1, §2.2 (algorithm), §2.5–§2.6, §3 (matching);
// variables-and-conditions.md §1–§7 ("spec vars"); actions-and-resources.md §3–§10 ("actions").
//
// Three-valued throughout (spec §0.2): each statement applies, does not apply, or applies under some readings
// only (UNKNOWN). An Allow grants only when it applies under every reading; a Deny applies when it applies under
// any reading; a decision that rested on an UNKNOWN is reported as uncertain.
//
// Cost model. A PolicySet is compiled once: action patterns are matched against every catalog action up front,
// plain Resource entries and condition values become matchers. A ConnectionEvaluator compiles, for one
// connection, only the statements whose Resource or condition values contain variables. decide() then matches
// precompiled patterns and allocates nothing; explain() re-runs the same steps recording why, and allocates.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/ast.hpp"
#include "iotpolicy/condition.hpp"
#include "iotpolicy/connection.hpp"
#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/json.hpp"
#include "iotpolicy/policy_size.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy {

// --- Documents ----------------------------------------------------------------------------------------------------

/// How much of a document takes part in evaluation.
enum class Standing : std::uint8_t {
    in_force,   // every statement
    deny_only,  // spec §0.3 R0: the Allow statements are dropped, the Deny statements that parse are kept
    absent,     // spec §0.3 R1: the document is evaluated as absent
};

/// One policy document, parsed and judged. Named policies and custom-authorizer responses are judged apart
/// (spec §0.3: a broken named policy is absent; a broken authorizer response keeps its Deny statements).
struct PolicyDocument {
    std::string name;  // what results call it: the path as written, or "policies[2]" for an inline document
    std::shared_ptr<const SourceFile> source;
    std::optional<Policy> ast;
    std::vector<Diagnostic> diagnostics;  // parser and AST-builder findings for this document
    PolicySize size;
    Standing named_standing = Standing::in_force;
    Standing authorizer_standing = Standing::in_force;
    std::string standing_reason;  // why the document is not in force; empty when it is
};

/// Parses the whole of `source` as a policy document named `name`.
PolicyDocument load_policy_document(std::string name, std::shared_ptr<const SourceFile> source);

/// Builds a document from `root`, a JSON value inside `source` (an inline policy of a scenario file); the JSON
/// diagnostics of that part of the file are the caller's.
PolicyDocument load_policy_document(std::string name, std::shared_ptr<const SourceFile> source,
                                    const JsonValue& root);

// --- Requests and decisions ---------------------------------------------------------------------------------------

/// An action a request can name: an IoT policy action, or a data-plane API IoT policies are not documented to
/// govern (actions §10). Legacy `iot:` job names are requests for their `iotjobsdata:` action.
struct RequestAction {
    std::uint16_t index = 0;  // into request_actions()
    bool written_as_legacy_name = false;
};

/// Resolves an action name as a request names it (case-insensitive, spec §3.1).
std::optional<RequestAction> find_request_action(std::string_view name);

/// The canonical name of a request action, e.g. "iotjobsdata:UpdateJobExecution".
std::string_view request_action_name(RequestAction action);

/// The catalog entry of a request action; null for an unlisted data-plane API.
const catalog::Action* request_action_catalog_entry(RequestAction action);

/// Which resource ARNs a request is checked against, where AWS's documentation allows two readings.
enum class ResourceReading : std::uint8_t {
    single,              // the resource
    named_shadow,        // actions §4.3 R0: thing/<t>/<s>; a statement on thing/<t> applies under one reading
    list_named_shadows,  // actions §4.4 R0: the resource is `*` under one reading, thing/<t> under the other
};

struct Request {
    RequestAction action;
    std::string resource;            // full ARN, or "*"
    ResourceReading reading = ResourceReading::single;
    std::string alternate_resource;  // named_shadow: thing/<t>; list_named_shadows: thing/<t> (resource is "*")
    std::vector<ContextEntry> context;  // request-specific keys: CONNECT attributes, Will topic, overrides
};

enum class DecisionKind : std::uint8_t { allow, implicit_deny, explicit_deny };

/// "allow", "implicit-deny", "explicit-deny".
std::string_view decision_name(DecisionKind kind);

/// A statement: document index in the PolicySet and statement index in the document.
struct StatementRef {
    std::uint32_t policy = 0;
    std::uint32_t statement = 0;
    friend bool operator==(const StatementRef&, const StatementRef&) = default;
};

/// A decision without its explanation.
struct Decision {
    DecisionKind kind = DecisionKind::implicit_deny;
    bool uncertain = false;
    std::optional<StatementRef> decided_by;  // the first statement that denied, or that allowed
};

/// Why one statement did or did not apply to a request.
struct StatementVerdict {
    StatementRef ref;
    Truth applies = Truth::no;
    bool counted = true;  // false: the statement was dropped (document absent or deny-only Allow)
    std::string reason;   // one line: what matched, or which part did not
    bool action_mismatch = false;  // the statement is about other actions: explanations summarise these
};

/// A decision with everything needed to explain it.
struct Explanation {
    Decision decision;
    std::vector<StatementRef> deciding;  // every Deny that applied, or every Allow that granted
    std::vector<StatementVerdict> statements;  // every statement of every document, in order
    std::vector<std::string> notes;            // R0 readings, connection-level rules, assumptions
    bool overridden = false;  // a connection-level rule (client ID, CONNECT attributes, identity) denied what the
                              // statements alone would have allowed; the notes say which
};

// --- Compiled policies --------------------------------------------------------------------------------------------

namespace detail {
struct CompiledPolicySet;
struct ConnectionData;
}  // namespace detail

/// The documents that apply to a principal, compiled once for any number of connections.
class PolicySet {
public:
    explicit PolicySet(std::vector<PolicyDocument> documents);
    ~PolicySet();
    PolicySet(PolicySet&&) noexcept;
    PolicySet& operator=(PolicySet&&) noexcept;

    std::span<const PolicyDocument> documents() const;

private:
    friend class ConnectionEvaluator;
    std::unique_ptr<detail::CompiledPolicySet> m_compiled;
};

/// Evaluation settings of a simulation.
struct EvaluationOptions {
    std::string partition = "aws";
    std::string region;
    std::string account;
    /// spec vars §6: a CONNECT with PersistentConnect or a Will needs an applicable Allow that conditions
    /// iot:ConnectAttributes (the R0 default); false applies plain IAM logic.
    bool connect_attributes_need_condition = true;
};

/// The policies as one connection sees them. Holds references to the PolicySet and the Connection, which must
/// outlive it. Not thread-safe (it caches the connection's own CONNECT decision).
class ConnectionEvaluator {
public:
    ConnectionEvaluator(const PolicySet& policies, const Connection& connection, const EvaluationOptions& options);
    ~ConnectionEvaluator();
    ConnectionEvaluator(ConnectionEvaluator&&) noexcept;

    /// The decision for `request`; allocates nothing once the evaluator is built (request context entries
    /// with more than 16 values excepted).
    Decision decide(const Request& request) const;

    /// Starts loading what decide() reads for this connection into the cache, without waiting for it. A caller
    /// deciding requests of many connections in turn (log replay, a broker's stream) calls it a few requests
    /// ahead, so that the memory latency of one connection overlaps the decisions of others.
    void prefetch() const noexcept;

    /// How many bytes prefetch() loads: this connection's compiled statements and resolved keys.
    std::size_t hot_bytes() const noexcept;

    /// The decision for `request` with its explanation.
    Explanation explain(const Request& request) const;

    /// The ARN of `type`/`name` in the simulation's partition, region and account.
    std::string arn(std::string_view type, std::string_view name) const;

    /// The connection this evaluator decides for.
    const Connection& connection() const;

private:
    std::unique_ptr<detail::ConnectionData> m_data;
    std::size_t m_hot_bytes = 0;  // kept here so that prefetch() reads nothing from the memory it prefetches
};

}  // namespace iotpolicy
