#include "iotpolicy/evaluator.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory_resource>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/catalog.hpp"
#include "iotpolicy/policy_variable.hpp"
#include "iotpolicy/wildcard.hpp"
#include "../support/suggest.hpp"  // equals_ignoring_case

namespace iotpolicy {

namespace {

using detail::equals_ignoring_case;

// --- Truth helpers --------------------------------------------------------------------------------------------

/// Two readings of one thing: decided only where they agree (spec §0.2).
Truth combine_readings(Truth a, Truth b) { return a == b ? a : Truth::unknown; }

/// A definite "applies" that rests on an R0 reading becomes UNKNOWN.
Truth at_most_unknown(Truth t) { return t == Truth::yes ? Truth::unknown : t; }

/// The length of "arn:<partition>:iot:<region>:<account>:" at the start of `arn`, or 0.
std::size_t arn_prefix_length(std::string_view arn) {
    if (!arn.starts_with("arn:")) return 0;
    std::size_t at = 0;
    for (int colons = 0; colons < 5; ++colons) {
        at = arn.find(':', at);
        if (at == std::string_view::npos) return 0;
        ++at;
    }
    return at;
}

/// `text` without the ARN prefix it shares with `request`, so explanations show what differs.
std::string_view without_arn_prefix(std::string_view text, std::string_view request) {
    const std::size_t n = arn_prefix_length(request);
    return n > 0 && text.substr(0, n) == request.substr(0, n) ? text.substr(n) : text;
}

// --- The request action table ---------------------------------------------------------------------------------

/// Every action a request can name: the catalog's policy actions, then the unlisted data-plane APIs.
struct ActionTable {
    std::vector<std::string_view> names;
    std::vector<std::string_view> legacy_names;  // the superseded `iot:` spelling, or empty (actions §10)
    std::vector<const catalog::Action*> entries;  // null for an unlisted API

    ActionTable() {
        for (const catalog::Action& action : catalog::actions()) {
            names.push_back(action.name);
            std::string_view legacy;
            for (const catalog::LegacyActionName& l : catalog::legacy_action_names()) {
                if (l.alias_of == &action) legacy = l.name;
            }
            legacy_names.push_back(legacy);
            entries.push_back(&action);
        }
        for (const catalog::UnlistedDataPlaneApi& api : catalog::unlisted_data_plane_apis()) {
            names.push_back(api.name);
            legacy_names.emplace_back();
            entries.push_back(nullptr);
        }
    }
};

const ActionTable& action_table() {
    static const ActionTable table;
    return table;
}

/// The actions an authenticated Cognito identity's IoT policy scopes down; IAM alone decides the others (§2.4).
bool scoped_for_cognito(std::string_view action) {
    static constexpr std::array<std::string_view, 7> k_scoped{
        "iot:Connect",        "iot:Publish",           "iot:Subscribe",        "iot:Receive",
        "iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"};
    return std::find(k_scoped.begin(), k_scoped.end(), action) != k_scoped.end();
}

RequestAction connect_action() {
    static const RequestAction action = *find_request_action("iot:Connect");
    return action;
}

RequestAction credentials_action() {
    static const RequestAction action = *find_request_action("iot:AssumeRoleWithCertificate");
    return action;
}

// --- Documents ------------------------------------------------------------------------------------------------

bool has_error(const std::vector<Diagnostic>& diagnostics, RuleId rule) {
    return std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
        return d.rule == rule && d.severity == Severity::error;
    });
}

void judge(PolicyDocument& doc) {
    const auto set = [&](Standing named, Standing authorizer, std::string reason) {
        doc.named_standing = named;
        doc.authorizer_standing = authorizer;
        doc.standing_reason = std::move(reason);
    };
    if (!doc.ast) {
        set(Standing::absent, Standing::absent, "the document is not a JSON object (spec §0.3 R1)");
        return;
    }
    const Policy& policy = *doc.ast;
    // A document AWS could not have stored (spec §0.3 R1); an authorizer response keeps its Deny statements.
    const auto broken = [&](std::string reason) { set(Standing::absent, Standing::deny_only, std::move(reason)); };
    if (has_error(doc.diagnostics, RuleId::IOT001)) return broken("the document is not valid JSON (spec §0.3 R1)");
    if (policy.version == PolicyVersion::invalid) return broken("unknown Version value (spec §1.2 R1)");
    if (!policy.statement_span) return broken("the document has no Statement (spec §0.3 R1)");
    for (const Statement& s : policy.statements) {
        if (s.is_broken) {
            return broken(fmt::format("statement {} lacks a valid Effect, Action or Resource (spec §0.3 R1)",
                                      s.index));
        }
    }
    if (doc.size.strict > k_policy_size_quota) {
        return broken(fmt::format("{} characters without whitespace, over the {}-character quota (spec §4.2 R1)",
                                  doc.size.strict, k_policy_size_quota));
    }
    // Defects AWS may reject or ignore: the Allow statements go, the Deny statements stay (spec §0.3 R0).
    const auto doubtful = [&](std::string reason) {
        set(Standing::deny_only, Standing::deny_only, std::move(reason));
    };
    const bool foreign_statement = std::any_of(policy.statements.begin(), policy.statements.end(),
                                               [](const Statement& s) { return s.has_foreign_elements; });
    if (policy.has_foreign_elements || foreign_statement) {
        return doubtful("the document has an element AWS may reject or ignore (Principal, an unknown or mis-cased "
                        "key; spec §1.1, §1.5 R0)");
    }
    if (policy.id) return doubtful("the document has an Id, which AWS may reject or ignore (spec §1.5 R0)");
    if (has_error(doc.diagnostics, RuleId::IOT002)) {
        return doubtful("the document repeats a key; AWS may reject it or keep either value (spec §1.6 R0)");
    }
    if (doc.size.minified > k_policy_size_quota || doc.size.minified_bytes > k_policy_size_quota) {
        return doubtful(fmt::format("{} characters (or {} bytes) once minified: AWS may count it over the "
                                    "{}-character quota (spec §4.2 R0)",
                                    doc.size.minified, doc.size.minified_bytes, k_policy_size_quota));
    }
    set(Standing::in_force, Standing::in_force, {});
}

}  // namespace

PolicyDocument load_policy_document(std::string name, std::shared_ptr<const SourceFile> source,
                                    const JsonValue& root) {
    PolicyDocument doc;
    doc.name = std::move(name);
    doc.ast = build_policy(*source, root, doc.diagnostics);
    doc.size = measure_policy_size(source->text().substr(root.span.begin, root.span.end - root.span.begin));
    doc.source = std::move(source);
    judge(doc);
    return doc;
}

PolicyDocument load_policy_document(std::string name, std::shared_ptr<const SourceFile> source) {
    JsonDocument json = parse_json(*source);
    PolicyDocument doc;
    doc.name = std::move(name);
    doc.diagnostics = std::move(json.diagnostics);
    if (json.root) doc.ast = build_policy(*source, *json.root, doc.diagnostics);
    doc.size = measure_policy_size(source->text());
    doc.source = std::move(source);
    judge(doc);
    return doc;
}

// --- Request actions ----------------------------------------------------------------------------------------------

std::optional<RequestAction> find_request_action(std::string_view name) {
    const ActionTable& table = action_table();
    for (std::size_t i = 0; i < table.names.size(); ++i) {
        if (equals_ignoring_case(table.names[i], name)) return RequestAction{static_cast<std::uint16_t>(i), false};
    }
    for (std::size_t i = 0; i < table.names.size(); ++i) {
        if (!table.legacy_names[i].empty() && equals_ignoring_case(table.legacy_names[i], name)) {
            return RequestAction{static_cast<std::uint16_t>(i), true};
        }
    }
    return std::nullopt;
}

std::string_view request_action_name(RequestAction action) { return action_table().names.at(action.index); }

const catalog::Action* request_action_catalog_entry(RequestAction action) {
    return action_table().entries.at(action.index);
}

std::string_view decision_name(DecisionKind kind) {
    switch (kind) {
    case DecisionKind::allow: return "allow";
    case DecisionKind::implicit_deny: return "implicit-deny";
    case DecisionKind::explicit_deny: return "explicit-deny";
    }
    return "implicit-deny";
}

// --- Compiled statements ------------------------------------------------------------------------------------------

namespace detail {

/// One way of reading a statement's `${…}` and `$(…)` (spec §1.2, spec vars §1).
struct Reading {
    bool substitute = true;
    ParenthesisedEscapeReading parenthesised = ParenthesisedEscapeReading::escape;
};

/// Whole-ARN matchers of an entry that is not a literal prefix and a tail: rare, so kept out of line.
struct GeneralMatch {
    ArnPattern exact;                 // substituted values literal
    std::optional<ArnPattern> loose;  // substituted values' * and ? as wildcards (spec §3.4 R0)
};

/// A Resource entry for one reading (and one connection when it has variables).
struct CompiledEntry {
    enum class Kind : std::uint8_t {
        any,         // the entry `*`: every resource
        split,       // a literal prefix (text[0, prefix_length)) then `tail` on the rest of the resource
        pattern,     // anything else: `exact` (and `loose`) over the whole ARN
        unresolved,  // a variable without a value: the entry matches nothing (spec vars §2)
        unknown,     // an UNKNOWN variable: the entry may match what `loose` matches, with `*` in its place
    };
    Kind kind = Kind::pattern;
    bool non_canonical = false;             // a variable resolved only ignoring letter case (spec vars §1 R0)
    std::uint32_t prefix_length = 0;        // split: the literal prefix is `head` then text[0, prefix_length)
    std::string_view head;                  // split: the statement's EntryPlan::head, shared by every connection
    const WildcardPattern* tail = nullptr;  // split: the statement's, shared by every connection
    std::string_view text;                  // as substituted after `head`, in the owner's arena
    std::shared_ptr<const GeneralMatch> general;  // pattern and unknown: the whole-ARN matchers
};

struct CompiledConditionEntry {
    const Condition* ast = nullptr;
    std::size_t slot = 0;  // the key's index in ConnectionData::key_cache
    CompiledCondition condition;
    std::vector<std::string> values;  // as substituted, for explanations
};

/// A statement under one reading. A connection's readings live in its arena (ConnectionData::memory), so that
/// deciding for a connection touches a few contiguous blocks rather than dozens of scattered ones.
struct CompiledReading {
    explicit CompiledReading(std::pmr::memory_resource* memory = std::pmr::get_default_resource())
        : resources(memory), conditions(memory) {}

    std::pmr::vector<CompiledEntry> resources;
    std::pmr::vector<CompiledConditionEntry> conditions;
    bool at_most_unknown = false;  // an unresolved or non-canonical variable (spec vars §1, §2 R0)
    std::vector<std::string> notes;
};

/// How one Resource entry is matched under one reading, decided once per statement. Most entries are a
/// wildcard-free ARN prefix (with the connection's values substituted) followed by a pattern that is the same
/// for every connection, e.g. `arn:aws:iot:eu-west-1:123456789012:topic/dt/` + `${thing}` + `/*`: matching
/// compares the prefix and runs only the tail, and connections share the tail's compiled form.
struct EntryPlan {
    /// A piece of the literal prefix: policy text, or the value of the policy set's variable `variable`.
    struct PrefixPiece {
        std::string text;
        std::size_t variable = k_no_variable;
    };
    static constexpr std::size_t k_no_variable = static_cast<std::size_t>(-1);

    bool matches_everything = false;  // the entry is `*`
    bool splittable = false;
    // The whole prefix as pieces, when every `${…}` in it is a plain variable: with a connection's values the
    // entry is matched without compiling anything for the connection (CompiledStatement::fast).
    std::optional<std::vector<PrefixPiece>> prefix_pieces;
    std::string head;  // the policy's text before the first variable: the start of every connection's prefix
    WildcardPattern tail;
    std::size_t tail_length = 0;  // bytes of the substituted text the tail covers
};

struct CompiledStatement {
    StatementRef ref;
    const Statement* ast = nullptr;
    Effect effect = Effect::allow;
    bool broken = false;
    std::vector<Truth> action_truth;  // per request action
    bool negated_resource = false;
    std::vector<VariableTemplate> resources;
    std::vector<std::vector<VariableTemplate>> condition_values;
    std::vector<std::size_t> condition_slots;
    std::vector<Reading> readings;
    std::vector<std::vector<EntryPlan>> plans;  // per reading, per Resource entry
    // Conditions whose values have no `${…}` or `$(…)`: the same under every reading and for every connection.
    std::vector<CompiledConditionEntry> fixed_conditions;
    std::vector<bool> condition_is_fixed;
    bool conditions_connect_attributes = false;  // spec vars §6: it may grant a persistent or Will CONNECT
    // One reading, no variable in a condition value, every Resource entry `*` or prefix pieces: decide() can use
    // the plans with the connection's variable values, when those all resolve plainly (ConnectionData).
    bool fast = false;
    std::vector<std::size_t> variables;  // the policy set's variables this statement uses
    bool depends_on_connection = false;
    std::vector<CompiledReading> fixed;  // the readings, when they do not depend on the connection
    std::size_t dependent_index = 0;     // index among the connection-dependent statements
};

struct CompiledPolicySet {
    std::pmr::monotonic_buffer_resource memory;  // the fixed readings' entries and texts; declared first
    std::vector<PolicyDocument> documents;
    std::vector<CompiledStatement> statements;
    std::vector<std::string> condition_keys;  // per slot, as written
    std::vector<std::string> variables;       // every `${name}` of a Resource entry, as written, once
    std::size_t dependent_count = 0;
    // For decide(): per request action, the statements that can apply to it, for named policies [0] and for
    // custom-authorizer responses [1] (spec §0.3: the two are judged apart).
    std::array<std::vector<std::vector<std::uint32_t>>, 2> by_action;
};

}  // namespace detail

namespace {

using detail::CompiledEntry;
using detail::CompiledReading;
using detail::CompiledStatement;
using detail::Reading;
using detail::EntryPlan;
using detail::GeneralMatch;

bool segment_is_variable(const TemplateSegment& s) {
    return s.kind == SegmentKind::variable || s.kind == SegmentKind::default_variable ||
           s.kind == SegmentKind::malformed;
}

/// Prefix pieces a connection-independent entry may have (matched from an array on the stack).
constexpr std::size_t k_max_prefix_pieces = 16;

bool conditions_connect_attributes(const Statement& s) {
    return std::any_of(s.conditions.begin(), s.conditions.end(), [](const Condition& c) {
        return equals_ignoring_case(c.key.value, "iot:ConnectAttributes");
    });
}

bool has_variable(const VariableTemplate& t) {
    return std::any_of(t.segments().begin(), t.segments().end(), segment_is_variable);
}

std::vector<Truth> action_truths(const Statement& s) {
    const ActionTable& table = action_table();
    std::vector<WildcardPattern> patterns;
    for (const auto& v : s.action->values) patterns.push_back(WildcardPattern::compile(v.value));
    std::vector<Truth> truths(table.names.size(), Truth::no);
    for (std::size_t i = 0; i < table.names.size(); ++i) {
        Truth positive = Truth::no;
        for (const WildcardPattern& p : patterns) {
            if (p.matches(table.names[i], Case::insensitive)) {
                positive = Truth::yes;
                break;
            }
            // actions §10 R0: the legacy `iot:` spelling is an alias under one reading only.
            if (!table.legacy_names[i].empty() && p.matches(table.legacy_names[i], Case::insensitive)) {
                positive = Truth::unknown;
            }
        }
        Truth t = s.action->negated ? truth_not(positive) : positive;
        // actions §10 R0: an unlisted data-plane API is granted by no Allow and denied by any Deny.
        if (table.entries[i] == nullptr) t = at_most_unknown(t);
        truths[i] = t;
    }
    return truths;
}

std::vector<Reading> readings_of(const Policy& policy, const CompiledStatement& s) {
    bool variables = false;
    bool parenthesised = false;
    const auto scan = [&](const VariableTemplate& t) {
        variables = variables || t.has_variables();
        parenthesised = parenthesised || t.has_parenthesised_escapes();
    };
    for (const auto& t : s.resources) scan(t);
    for (const auto& values : s.condition_values) {
        for (const auto& t : values) scan(t);
    }
    std::vector<bool> substitute_options;
    if (policy.version == PolicyVersion::v2012_10_17) substitute_options = {true};
    else if (variables) substitute_options = {false, true};  // spec §1.2 R0
    else substitute_options = {false};
    std::vector<Reading> readings;
    for (bool substitute : substitute_options) {
        readings.push_back({substitute, ParenthesisedEscapeReading::escape});
        if (parenthesised && substitute) readings.push_back({substitute, ParenthesisedEscapeReading::literal});
    }
    return readings;
}

/// Resolves variables while compiling one reading, recording what made it uncertain.
struct ReadingResolver {
    const Connection* connection = nullptr;  // null: no connection (static statements have no variables)
    CompiledReading* reading = nullptr;
    bool non_canonical = false;

    VariableValue operator()(std::string_view name) {
        if (!connection) return VariableValue::cannot_tell();
        const KeyResolution r = resolve_variable(*connection, RequestContext{}, name);
        if (r.non_canonical) {
            non_canonical = true;
            reading->notes.push_back(fmt::format("${{{}}} is not the documented spelling; an Allow relying on it "
                                                 "grants nothing (spec vars §1 R0)",
                                                 name));
        }
        if (r.assumed) {
            reading->notes.push_back(fmt::format("${{{}}} rests on an assumed reading of AWS's documentation "
                                                 "(spec vars §5)",
                                                 name));
        }
        switch (r.status) {
        case KeyStatus::value:
            if (r.values.size() == 1) return VariableValue::of(r.values.front());
            reading->notes.push_back(fmt::format("${{{}}} has several values, so it is not substituted", name));
            return VariableValue::no_value();
        case KeyStatus::absent:
            reading->notes.push_back(fmt::format("${{{}}} has no value: {}", name, r.why));
            return VariableValue::no_value();
        case KeyStatus::unknown:
            reading->notes.push_back(fmt::format("${{{}}} is UNKNOWN: {}", name, r.why));
            return VariableValue::cannot_tell();
        case KeyStatus::as_written:
            reading->notes.push_back(fmt::format("${{{}}} stays as written: {}", name, r.why));
            return VariableValue::left_as_written();
        }
        return VariableValue::cannot_tell();
    }
};

SubstitutionOptions options_of(const Reading& reading) {
    SubstitutionOptions o;
    o.substitute_variables = reading.substitute;
    o.parenthesised = reading.parenthesised;
    return o;
}

bool value_has_wildcard(const SubstitutedText& text) {
    return std::any_of(text.runs.begin(), text.runs.end(), [&](const TextRun& run) {
        if (run.origin != TextOrigin::value) return false;
        const std::string_view v = std::string_view(text.text).substr(run.begin, run.end - run.begin);
        return v.find_first_of("*?") != std::string_view::npos;
    });
}

/// The runs of `text` as pattern pieces: escapes literal, the policy's own text a pattern, substituted values
/// either way (spec §3.4 R0: literal when deciding an Allow, wildcards when deciding a Deny).
std::vector<PatternPiece> pieces_of(const SubstitutedText& text, bool values_are_patterns) {
    std::vector<PatternPiece> pieces;
    for (const TextRun& run : text.runs) {
        const std::string_view piece = std::string_view(text.text).substr(run.begin, run.end - run.begin);
        const bool literal = run.origin == TextOrigin::literal || (run.origin == TextOrigin::value && !values_are_patterns);
        pieces.push_back({piece, literal});
    }
    return pieces;
}

ArnPattern compile_runs(const SubstitutedText& text, bool values_are_patterns) {
    return ArnPattern::compile(pieces_of(text, values_are_patterns));
}

/// The ARN prefix of `text` ("arn:<partition>:iot:<region>:<account>:") and the type word's '/' are inside its
/// first `length` bytes: a literal prefix that long leaves only the resource name to the tail pattern, where
/// both readings of spec §3.2 agree.
bool covers_resource_type(std::string_view text, std::size_t length) {
    const std::size_t colons = arn_prefix_length(text.substr(0, length));
    return colons > 0 && text.substr(0, length).find('/', colons) != std::string_view::npos;
}

EntryPlan plan_entry(const VariableTemplate& t, const Reading& reading, std::vector<std::string>& variables) {
    EntryPlan plan;
    if (t.text() == "*") {
        plan.matches_everything = true;
        return plan;
    }
    // The text after the last variable is the same for every connection; before it, the policy's own text must
    // be free of wildcards so that the substituted prefix is literal.
    std::size_t after = 0;
    if (reading.substitute) {
        for (const TemplateSegment& segment : t.segments()) {
            if (segment_is_variable(segment)) after = segment.range.end;
        }
        for (const TemplateSegment& segment : t.segments()) {
            if (segment.range.begin >= after) break;
            const bool wildcard_text = segment.kind == SegmentKind::literal &&
                                       t.slice(segment.range).find_first_of("*?") != std::string_view::npos;
            const bool wildcard_escape = segment.kind == SegmentKind::parenthesised_escape &&
                                         reading.parenthesised == ParenthesisedEscapeReading::literal &&
                                         segment.escaped != '$';
            if (wildcard_text || wildcard_escape) return plan;
        }
    }
    if (after > 0) {
        const auto first_variable = std::find_if(t.segments().begin(), t.segments().end(), segment_is_variable);
        for (auto it = t.segments().begin(); it != first_variable; ++it) {
            if (it->kind != SegmentKind::literal) break;  // escapes stay in the per-connection part
            plan.head += t.slice(it->range);
        }
    }
    const VariableTemplate rest = parse_variable_template(t.text().substr(after));
    SubstitutedText out;
    substitute(rest, [](std::string_view) { return VariableValue::cannot_tell(); }, out, options_of(reading));
    std::size_t split = out.text.size();
    for (const TextRun& run : out.runs) {
        if (run.origin != TextOrigin::pattern) continue;
        const std::size_t at = std::string_view(out.text).substr(run.begin, run.end - run.begin).find_first_of("*?");
        if (at != std::string_view::npos) {
            split = run.begin + at;
            break;
        }
    }
    std::vector<PatternPiece> pieces;
    for (const TextRun& run : out.runs) {
        if (run.end <= split) continue;
        const std::size_t begin = std::max<std::size_t>(run.begin, split);
        pieces.push_back({std::string_view(out.text).substr(begin, run.end - begin), run.origin != TextOrigin::pattern});
    }
    plan.splittable = true;
    plan.tail = WildcardPattern::compile(pieces);
    plan.tail_length = out.text.size() - split;
    // The prefix as literal text and variables, for the connection-independent path.
    std::vector<EntryPlan::PrefixPiece> prefix;
    bool plain = reading.substitute || after == 0;
    for (const TemplateSegment& segment : t.segments()) {
        if (!plain || segment.range.begin >= after) break;
        if (segment.kind == SegmentKind::literal) {
            prefix.push_back({std::string(t.slice(segment.range))});
        } else if (segment.kind == SegmentKind::variable) {
            const std::string name(t.name(segment));
            auto at = std::find(variables.begin(), variables.end(), name);
            if (at == variables.end()) at = variables.insert(variables.end(), name);
            prefix.push_back({{}, static_cast<std::size_t>(at - variables.begin())});
        } else {
            plain = false;  // escapes, default values, malformed forms: compiled per connection
        }
    }
    if (plain) {
        prefix.push_back({out.text.substr(0, split)});
        plan.prefix_pieces = std::move(prefix);
    }
    return plan;
}

detail::CompiledConditionEntry compile_condition(const CompiledStatement& s, std::size_t c, const Reading& reading,
                                                 const Connection* connection, CompiledReading& out) {
    const Condition& condition = s.ast->conditions[c];
    detail::CompiledConditionEntry entry;
    entry.ast = &condition;
    entry.slot = s.condition_slots[c];
    std::vector<std::size_t> unknown_values;
    const catalog::ConditionOperator* op = catalog::find_condition_operator(condition.base_operator);
    const bool substitutes = op && op->policy_variables_in_values != catalog::VariableSupport::no;
    std::vector<std::pair<std::size_t, WildcardPattern>> literal_patterns;
    SubstitutedText text;
    for (const VariableTemplate& t : s.condition_values[c]) {
        if (!substitutes || (!t.has_variables() && !t.has_parenthesised_escapes())) {
            entry.values.emplace_back(t.text());
            continue;
        }
        ReadingResolver resolver{connection, &out, false};
        text.clear();
        const SubstitutionStatus status = substitute(t, resolver, text, options_of(reading));
        if (resolver.non_canonical) out.at_most_unknown = true;
        if (status == SubstitutionStatus::unresolved) {
            // spec vars §2: the value matches nothing; a negated operator then holds for it.
            out.at_most_unknown = true;
            continue;
        }
        if (status == SubstitutionStatus::unknown ||
            (op->wildcards && value_has_wildcard(text))) {  // spec §3.4 R0, decided as UNKNOWN
            unknown_values.push_back(entry.values.size());
        }
        if (op->wildcards && std::any_of(text.runs.begin(), text.runs.end(), [](const TextRun& run) {
                return run.origin != TextOrigin::pattern;
            })) {
            // `${*}` in a StringLike value is a literal '*' (spec vars §1).
            literal_patterns.emplace_back(entry.values.size(), WildcardPattern::compile(pieces_of(text, false)));
        }
        entry.values.push_back(text.text);
    }
    entry.condition = CompiledCondition::compile(condition.operator_name.value, entry.values);
    for (std::size_t i : unknown_values) entry.condition.mark_value_unknown(i);
    for (auto& [i, pattern] : literal_patterns) entry.condition.set_value_pattern(i, std::move(pattern));
    return entry;
}

/// A copy of `text` in `memory`, which outlives the view.
std::string_view copy_into(std::pmr::memory_resource* memory, std::string_view text) {
    if (text.empty()) return {};
    auto* bytes = static_cast<char*>(memory->allocate(text.size(), 1));
    std::copy(text.begin(), text.end(), bytes);
    return {bytes, text.size()};
}

CompiledReading compile_reading(const CompiledStatement& s, std::size_t reading_index, const Connection* connection,
                                std::pmr::memory_resource* memory) {
    const Reading& reading = s.readings[reading_index];
    CompiledReading out(memory);
    out.resources.reserve(s.resources.size());
    out.conditions.reserve(s.ast->conditions.size());
    SubstitutedText text;
    for (std::size_t i = 0; i < s.resources.size(); ++i) {
        const VariableTemplate& t = s.resources[i];
        const EntryPlan& plan = s.plans[reading_index][i];
        CompiledEntry entry;
        if (plan.matches_everything) {
            entry.kind = CompiledEntry::Kind::any;
            entry.text = "*";
            out.resources.push_back(std::move(entry));
            continue;
        }
        ReadingResolver resolver{connection, &out, false};
        text.clear();
        const SubstitutionStatus status = substitute(t, resolver, text, options_of(reading));
        entry.non_canonical = resolver.non_canonical;
        if (resolver.non_canonical) out.at_most_unknown = true;
        if (status == SubstitutionStatus::unresolved) {
            entry.kind = CompiledEntry::Kind::unresolved;
            out.at_most_unknown = true;  // spec vars §2 R0: whole statement for an Allow, per entry for a Deny
        } else if (status == SubstitutionStatus::unknown) {
            // An UNKNOWN value could be anything: the entry may match only what it matches with `*` in its place.
            entry.kind = CompiledEntry::Kind::unknown;
            SubstitutedText widened;
            CompiledReading scratch;
            ReadingResolver quiet{connection, &scratch, false};
            substitute(
                t,
                [&](std::string_view name) {
                    const VariableValue v = quiet(name);
                    return v.kind == VariableValue::Kind::unknown ? VariableValue::of("*") : v;
                },
                widened, options_of(reading));
            entry.general = std::make_shared<const GeneralMatch>(GeneralMatch{ArnPattern(), compile_runs(widened, true)});
        } else if (plan.splittable && !value_has_wildcard(text) && text.text.size() >= plan.tail_length &&
                   covers_resource_type(text.text, text.text.size() - plan.tail_length)) {
            entry.kind = CompiledEntry::Kind::split;
            entry.head = plan.head;
            entry.prefix_length = static_cast<std::uint32_t>(text.text.size() - plan.tail_length - plan.head.size());
            entry.tail = &plan.tail;
        } else {
            entry.general = std::make_shared<const GeneralMatch>(GeneralMatch{
                compile_runs(text, false),
                value_has_wildcard(text) ? std::optional<ArnPattern>(compile_runs(text, true)) : std::nullopt});
        }
        entry.text = copy_into(memory, std::string_view(text.text).substr(entry.head.size()));
        out.resources.push_back(std::move(entry));
    }
    for (std::size_t c = 0; c < s.ast->conditions.size(); ++c) {
        if (!s.condition_is_fixed[c]) out.conditions.push_back(compile_condition(s, c, reading, connection, out));
    }
    return out;
}

}  // namespace

PolicySet::PolicySet(std::vector<PolicyDocument> documents) : m_compiled(std::make_unique<detail::CompiledPolicySet>()) {
    detail::CompiledPolicySet& set = *m_compiled;
    set.documents = std::move(documents);
    for (std::size_t d = 0; d < set.documents.size(); ++d) {
        const PolicyDocument& doc = set.documents[d];
        if (!doc.ast) continue;
        for (const Statement& st : doc.ast->statements) {
            CompiledStatement s;
            s.ref = {static_cast<std::uint32_t>(d), static_cast<std::uint32_t>(st.index)};
            s.ast = &st;
            s.broken = st.is_broken || !st.effect || !st.action || !st.resource;
            if (!s.broken) {
                // spec §1.6 R0 over a repeated Effect: a Deny among the candidates applies.
                s.effect = st.deny_among_repeated_effects ? Effect::deny : st.effect->value;
                s.action_truth = action_truths(st);
                s.negated_resource = st.resource->negated;
                for (const auto& v : st.resource->values) s.resources.push_back(parse_variable_template(v.value));
                for (const Condition& c : st.conditions) {
                    std::vector<VariableTemplate> values;
                    for (const ConditionValue& v : c.values) values.push_back(parse_variable_template(v.text));
                    s.condition_values.push_back(std::move(values));
                    s.condition_slots.push_back(set.condition_keys.size());
                    set.condition_keys.push_back(c.key.value);
                }
                s.readings = readings_of(*doc.ast, s);
                s.conditions_connect_attributes = conditions_connect_attributes(st);
                for (const Reading& r : s.readings) {
                    std::vector<EntryPlan> plans;
                    for (const VariableTemplate& t : s.resources) plans.push_back(plan_entry(t, r, set.variables));
                    s.plans.push_back(std::move(plans));
                }
                bool dependent = false;
                for (const auto& t : s.resources) dependent = dependent || has_variable(t);
                for (const auto& values : s.condition_values) {
                    bool fixed = true;
                    for (const auto& t : values) {
                        dependent = dependent || has_variable(t);
                        fixed = fixed && !t.has_variables() && !t.has_parenthesised_escapes();
                    }
                    s.condition_is_fixed.push_back(fixed);
                }
                s.depends_on_connection = dependent;
                if (dependent) {
                    s.dependent_index = set.dependent_count++;
                }
                s.fast = dependent && s.readings.size() == 1 &&
                         std::all_of(s.condition_is_fixed.begin(), s.condition_is_fixed.end(), [](bool f) { return f; }) &&
                         std::all_of(s.plans.front().begin(), s.plans.front().end(), [](const EntryPlan& p) {
                             return p.matches_everything || (p.splittable && p.prefix_pieces &&
                                                             p.prefix_pieces->size() <= k_max_prefix_pieces);
                         });
                for (const EntryPlan& p : s.plans.front()) {
                    if (!p.prefix_pieces) continue;
                    for (const auto& piece : *p.prefix_pieces) {
                        if (piece.variable != EntryPlan::k_no_variable) s.variables.push_back(piece.variable);
                    }
                }
            }
            set.statements.push_back(std::move(s));
        }
    }
    for (CompiledStatement& s : set.statements) {
        if (s.broken) continue;
        CompiledReading unused;
        for (std::size_t c = 0; c < s.ast->conditions.size(); ++c) {
            if (s.condition_is_fixed[c]) s.fixed_conditions.push_back(compile_condition(s, c, s.readings.front(), nullptr, unused));
        }
        if (s.depends_on_connection) continue;
        s.fixed.reserve(s.readings.size());
        for (std::size_t r = 0; r < s.readings.size(); ++r) s.fixed.push_back(compile_reading(s, r, nullptr, &set.memory));
    }
    const ActionTable& table = action_table();
    for (std::size_t kind = 0; kind < 2; ++kind) {
        set.by_action[kind].resize(table.names.size());
        for (std::size_t i = 0; i < set.statements.size(); ++i) {
            const CompiledStatement& s = set.statements[i];
            const PolicyDocument& doc = set.documents[s.ref.policy];
            const Standing standing = kind == 0 ? doc.named_standing : doc.authorizer_standing;
            const bool counted = !s.broken && standing != Standing::absent &&
                                 (standing == Standing::in_force || s.effect == Effect::deny);
            if (!counted) continue;
            for (std::size_t a = 0; a < table.names.size(); ++a) {
                if (s.action_truth[a] != Truth::no) set.by_action[kind][a].push_back(static_cast<std::uint32_t>(i));
            }
        }
    }
}

PolicySet::~PolicySet() = default;
PolicySet::PolicySet(PolicySet&&) noexcept = default;
PolicySet& PolicySet::operator=(PolicySet&&) noexcept = default;

std::span<const PolicyDocument> PolicySet::documents() const { return m_compiled->documents; }

// --- Connection evaluator -----------------------------------------------------------------------------------------

namespace detail {

/// A condition key as resolved for one kind of request, its values in the connection's arena.
struct CachedKey {
    KeyStatus status = KeyStatus::absent;
    bool non_canonical = false;
    std::string_view why;
    std::span<const std::string_view> values;
};

/// Which kind of request a key was resolved for (RequestContext: is_connect, is_credentials_request).
enum RequestKind : std::size_t { k_other_request, k_connect_request, k_credentials_request, k_request_kinds };

struct ConnectionData {
    // Declared before the containers that allocate from it. Its first block is the end of this object, so that
    // what decide() reads for a connection is one contiguous range: the fields here, then the used arena
    // (ConnectionEvaluator::prefetch loads exactly that range).
    std::pmr::monotonic_buffer_resource memory{first_block_storage(), k_first_block_size};
    const CompiledPolicySet* set = nullptr;
    const Connection* connection = nullptr;
    std::size_t standing_kind = 0;      // CompiledPolicySet::by_action: 1 for a custom-authorizer connection
    bool certificate_inactive = false;  // spec §5.4: an X.509 certificate that is not ACTIVE cannot connect
    // Per request action: IoT policies do not decide it for this identity (spec §2.1 IAM principals, §2.4 the
    // actions a Cognito identity's IoT policy does not scope).
    std::pmr::vector<bool> outside_iot_policies{std::pmr::polymorphic_allocator<bool>(&memory)};
    EvaluationOptions options;
    // Per variable of the policy set: its value when it resolves plainly (a value, documented spelling, no * or ?),
    // copied here; and per connection-dependent statement, whether all of its variables do, so that decide()
    // can match the statement's plans with these values (CompiledStatement::fast).
    std::pmr::vector<std::string_view> variable_values{&memory};
    std::pmr::vector<bool> planned{std::pmr::polymorphic_allocator<bool>(&memory)};
    std::pmr::vector<std::pmr::vector<CompiledReading>> dependent{&memory};  // per connection-dependent statement
    std::pmr::vector<std::array<CachedKey, k_request_kinds>> key_cache{&memory};  // per condition slot
    std::pmr::vector<std::string_view> key_values{&memory};                      // what key_cache's spans view
    mutable std::optional<Decision> own_connect;  // the connection's CONNECT, computed on demand
    static constexpr std::size_t k_first_block_size = 2048;
    std::array<std::byte, k_first_block_size> first_block;  // last: see `memory`

    // The storage exists before its (trivial) initialisation; only its address is taken here.
    std::byte* first_block_storage() noexcept { return first_block.data(); }
};

}  // namespace detail

namespace {

using detail::ConnectionData;

Standing standing_for(const PolicyDocument& doc, const Connection& c) {
    return c.auth == catalog::AuthType::custom ? doc.authorizer_standing : doc.named_standing;
}

/// The request-specific facts evaluation needs, derived once per request without allocating.
struct RequestView {
    const Request* request = nullptr;
    RequestContext context;
    RequestArn primary;
    RequestArn alternate;

    explicit RequestView(const Request& r)
        : request(&r), primary(r.resource), alternate(r.alternate_resource) {
        context.entries = r.context;
        context.is_connect = r.action.index == connect_action().index;
        context.is_credentials_request = r.action.index == credentials_action().index;
    }
};

/// Where a statement's evaluation failed, for explanations.
struct Trace {
    std::string reason;
    bool action_mismatch = false;
};

/// The index of the first byte where `a` and `b` differ, `a`'s length when `b` starts with `a` (`b` is at least as
/// long). Eight bytes at a time: every entry compares the ARN header its request shares with it.
std::size_t first_mismatch(std::string_view a, std::string_view b) {
    std::size_t i = 0;
    for (; i + 8 <= a.size(); i += 8) {
        std::uint64_t x = 0;
        std::uint64_t y = 0;
        std::memcpy(&x, a.data() + i, 8);
        std::memcpy(&y, b.data() + i, 8);
        if (x != y) break;
    }
    while (i < a.size() && a[i] == b[i]) ++i;
    return i;
}

/// A literal prefix, then the tail pattern on the rest: the four readings of ArnMatch collapse to two, letters
/// exact or folded, because the prefix holds no wildcard and the tail lies within the resource name.
Truth prefix_and_tail_truth(std::span<const std::string_view> pieces, const WildcardPattern& tail,
                            const RequestArn& arn) {
    const std::string_view request = arn.text();
    // Letters may differ in case only before the topic name (spec §3.2): a difference after it settles it.
    const std::size_t folded_until = arn.case_sensitive_from();
    std::size_t position = 0;
    bool exact_prefix = true;
    for (const std::string_view piece : pieces) {
        if (request.size() - position < piece.size()) return Truth::no;
        const std::string_view against = request.substr(position, piece.size());
        for (std::size_t i = first_mismatch(piece, against); i < piece.size(); ++i) {
            if (piece[i] == against[i]) continue;
            if (position + i >= folded_until ||
                !detail::equals_ignoring_case(piece.substr(i, 1), against.substr(i, 1))) {
                return Truth::no;
            }
            exact_prefix = false;
        }
        position += piece.size();
    }
    const std::string_view rest = request.substr(position);
    const bool tail_exact = tail.matches(rest, Case::sensitive);
    if (exact_prefix && tail_exact) return Truth::yes;
    // Letters of the rest fold only where the request is not a topic name (spec §3.2).
    const bool tail_folded = tail_exact || (folded_until > position && tail.matches(rest, Case::insensitive));
    return tail_folded ? Truth::unknown : Truth::no;
}

Truth split_truth(const CompiledEntry& e, const RequestArn& arn) {
    const std::array<std::string_view, 2> pieces{e.head, e.text.substr(0, e.prefix_length)};
    return prefix_and_tail_truth(pieces, *e.tail, arn);
}

Truth entry_truth(const CompiledEntry& e, const RequestArn& arn) {
    switch (e.kind) {
    case CompiledEntry::Kind::any: return Truth::yes;
    case CompiledEntry::Kind::split: return e.non_canonical ? at_most_unknown(split_truth(e, arn)) : split_truth(e, arn);
    case CompiledEntry::Kind::unresolved: return Truth::no;
    case CompiledEntry::Kind::unknown:
        return e.general->loose->match(arn).denies() ? Truth::unknown : Truth::no;
    case CompiledEntry::Kind::pattern: break;
    }
    const auto truth_of_match = [](const ArnMatch& m) {
        return m.allows() ? Truth::yes : m.denies() ? Truth::unknown : Truth::no;
    };
    Truth t = truth_of_match(e.general->exact.match(arn));
    if (e.general->loose) t = combine_readings(t, truth_of_match(e.general->loose->match(arn)));
    return e.non_canonical ? at_most_unknown(t) : t;
}

Truth resource_truth_for(const CompiledStatement& s, const CompiledReading& reading, const RequestArn& arn) {
    Truth any = Truth::no;
    for (const CompiledEntry& e : reading.resources) {
        any = truth_or(any, entry_truth(e, arn));
        if (any == Truth::yes) break;
    }
    return s.negated_resource ? truth_not(any) : any;
}

/// The resource part of a statement's truth for the request, given `truth_for(arn)` for one ARN.
template <typename TruthFor>
Truth over_request_resources(const RequestView& view, TruthFor truth_for) {
    const Truth primary = truth_for(view.primary);
    switch (view.request->reading) {
    case ResourceReading::single: return primary;
    case ResourceReading::named_shadow:
        // actions §4.3 R0: under one reading a statement on thing/<t> also covers <t>'s named shadows.
        return combine_readings(primary, truth_or(primary, truth_for(view.alternate)));
    case ResourceReading::list_named_shadows: return combine_readings(primary, truth_for(view.alternate));
    }
    return primary;
}

Truth resource_truth(const CompiledStatement& s, const CompiledReading& reading, const RequestView& view) {
    return over_request_resources(view, [&](const RequestArn& arn) { return resource_truth_for(s, reading, arn); });
}

/// An entry from the statement's plan and the connection's variable values, nothing compiled per connection.
Truth planned_entry_truth(const EntryPlan& plan, const ConnectionData& data, const RequestArn& arn) {
    if (plan.matches_everything) return Truth::yes;
    std::array<std::string_view, k_max_prefix_pieces> pieces;
    std::size_t n = 0;
    for (const EntryPlan::PrefixPiece& piece : *plan.prefix_pieces) {
        pieces[n++] = piece.variable == EntryPlan::k_no_variable ? std::string_view(piece.text)
                                                                  : data.variable_values[piece.variable];
    }
    return prefix_and_tail_truth(std::span(pieces.data(), n), plan.tail, arn);
}

bool key_is_iot(std::string_view key) { return key.size() >= 4 && equals_ignoring_case(key.substr(0, 4), "iot:"); }

Truth condition_truth(const detail::CompiledConditionEntry& c, const ConnectionData& data, const RequestView& view,
                      std::string* values_seen) {
    const std::string_view key = c.ast->key.value;
    std::array<std::string_view, 16> buffer{};
    std::vector<std::string_view> overflow;
    std::span<const std::string_view> values;
    KeyPresence presence = KeyPresence::present;
    bool non_canonical = false;
    const ContextEntry* supplied = nullptr;
    for (const ContextEntry& e : view.context.entries) {
        if (e.key == key || equals_ignoring_case(e.key, key)) {
            supplied = &e;
            break;
        }
    }
    if (supplied) {
        if (supplied->values.size() <= buffer.size()) {
            std::copy(supplied->values.begin(), supplied->values.end(), buffer.begin());
            values = std::span<const std::string_view>(buffer.data(), supplied->values.size());
        } else {
            overflow.assign(supplied->values.begin(), supplied->values.end());
            values = overflow;
        }
    } else {
        const auto& cached = data.key_cache[c.slot];
        const detail::CachedKey& r = view.context.is_connect                ? cached[detail::k_connect_request]
                                     : view.context.is_credentials_request ? cached[detail::k_credentials_request]
                                                                            : cached[detail::k_other_request];
        non_canonical = r.non_canonical && key_is_iot(key);
        switch (r.status) {
        case KeyStatus::unknown:
            if (values_seen) *values_seen = fmt::format("{} is UNKNOWN: {}", key, r.why);
            return Truth::unknown;
        case KeyStatus::absent: presence = KeyPresence::absent; break;
        case KeyStatus::value:
        case KeyStatus::as_written: values = r.values; break;
        }
        if (values_seen && presence == KeyPresence::absent) *values_seen = fmt::format("{} is absent ({})", key, r.why);
    }
    if (values_seen && presence == KeyPresence::present) {
        *values_seen = values.empty() ? fmt::format("{} is the empty set", key)
                                      : fmt::format("{} is \"{}\"", key, fmt::join(values, "\", \""));
    }
    Truth t = c.condition.evaluate(values, presence);
    if (non_canonical) {
        // spec vars §1 R0: a non-canonical spelling of an IoT key may not resolve at all.
        t = combine_readings(t, c.condition.evaluate({}, KeyPresence::absent));
        if (values_seen) *values_seen += " (the key's spelling is not the documented one: R0)";
    }
    return t;
}

std::span<const CompiledReading> readings_for(const CompiledStatement& s, const ConnectionData& data) {
    if (s.depends_on_connection) return data.dependent[s.dependent_index];
    return s.fixed;
}

std::string condition_reason(const detail::CompiledConditionEntry& c, Truth truth, const std::string& seen) {
    return fmt::format("condition {} {} [\"{}\"] {}: {}", c.ast->operator_name.value, c.ast->key.value,
                       fmt::join(c.values, "\", \""), truth == Truth::no ? "is false" : "is UNKNOWN", seen);
}

Truth statement_truth(const CompiledStatement& s, const ConnectionData& data, const RequestView& view, Trace* trace) {
    const Truth action = s.action_truth[view.request->action.index];
    if (action == Truth::no) {
        if (trace) {
            trace->action_mismatch = true;
            trace->reason = s.ast->action->negated
                                ? fmt::format("NotAction excludes {}", request_action_name(view.request->action))
                                : fmt::format("its Action does not cover {}", request_action_name(view.request->action));
        }
        return Truth::no;
    }
    if (!trace && s.fast && data.planned[s.dependent_index]) {
        const Truth resource = over_request_resources(view, [&](const RequestArn& arn) {
            Truth any = Truth::no;
            for (const EntryPlan& plan : s.plans.front()) {
                any = truth_or(any, planned_entry_truth(plan, data, arn));
                if (any == Truth::yes) break;
            }
            return s.negated_resource ? truth_not(any) : any;
        });
        Truth t = truth_and(action, resource);
        for (const auto& c : s.fixed_conditions) {
            if (t == Truth::no) break;
            t = truth_and(t, condition_truth(c, data, view, nullptr));
        }
        return t;
    }
    // The conditions without variables are the same under every reading: evaluated once, when needed.
    std::optional<Truth> fixed;
    std::string fixed_why;
    const auto fixed_conditions = [&]() {
        if (fixed) return *fixed;
        Truth t = Truth::yes;
        for (const auto& c : s.fixed_conditions) {
            std::string seen;
            const Truth ct = condition_truth(c, data, view, trace ? &seen : nullptr);
            t = truth_and(t, ct);
            if (trace && ct != Truth::yes && fixed_why.empty()) fixed_why = condition_reason(c, ct, seen);
            if (t == Truth::no) break;
        }
        fixed = t;
        return t;
    };
    Truth overall = Truth::no;
    bool first = true;
    for (const CompiledReading& reading : readings_for(s, data)) {
        Truth t = action;
        std::string why;
        const Truth resource = resource_truth(s, reading, view);
        t = truth_and(t, resource);
        if (t != Truth::no) {
            t = truth_and(t, fixed_conditions());
            if (trace && why.empty() && resource == Truth::yes) why = fixed_why;
        }
        if (trace && resource != Truth::yes) {
            std::vector<std::string> entries;
            for (const CompiledEntry& e : reading.resources) {
                entries.emplace_back(without_arn_prefix(fmt::format("{}{}", e.head, e.text), view.request->resource));
            }
            why = fmt::format("{} {} {} [{}]", without_arn_prefix(view.request->resource, view.request->resource),
                              resource == Truth::no ? (s.negated_resource ? "is excluded by" : "matches none of")
                                                    : "matches only under some readings",
                              s.negated_resource ? "NotResource" : "Resource", fmt::join(entries, ", "));
        }
        for (const auto& c : reading.conditions) {
            if (t == Truth::no) break;
            std::string seen;
            const Truth ct = condition_truth(c, data, view, trace ? &seen : nullptr);
            t = truth_and(t, ct);
            if (trace && ct != Truth::yes && why.empty()) why = condition_reason(c, ct, seen);
        }
        if (reading.at_most_unknown && t == Truth::yes) {
            t = Truth::unknown;
            if (trace && why.empty()) why = fmt::format("{}", fmt::join(reading.notes, "; "));
        }
        if (trace && action == Truth::unknown && why.empty()) {
            why = fmt::format("{} matches only through its legacy or unverified name (actions §10 R0)",
                              request_action_name(view.request->action));
        }
        if (trace && why.empty() && !reading.notes.empty()) why = fmt::format("{}", fmt::join(reading.notes, "; "));
        if (trace && (first || t != overall)) trace->reason = why;
        overall = first ? t : combine_readings(overall, t);
        first = false;
    }
    return overall;
}

bool needs_connect_attribute_condition(const RequestView& view) {
    if (!view.context.is_connect) return false;
    for (const ContextEntry& e : view.context.entries) {
        if (!equals_ignoring_case(e.key, "iot:ConnectAttributes")) continue;
        for (const std::string& v : e.values) {
            if (v == "PersistentConnect" || v == "LastWill") return true;
        }
    }
    return false;
}

/// The client ID a CONNECT names: the name of its client/ ARN.
std::string_view connect_client_id(const Request& r) {
    const std::size_t at = r.resource.find(":client/");
    return at == std::string::npos ? std::string_view() : std::string_view(r.resource).substr(at + 8);
}

struct Tally {
    bool deny = false;
    bool deny_certain = false;
    bool allow = false;
    bool allow_possible = false;
    bool connect_attribute_allow = false;
    std::optional<StatementRef> first_deny;
    std::optional<StatementRef> first_allow;
};

Decision conclude(const Tally& tally) {
    Decision d;
    if (tally.deny) {
        d.kind = DecisionKind::explicit_deny;
        d.uncertain = !tally.deny_certain;
        d.decided_by = tally.first_deny;
    } else if (tally.allow) {
        d.kind = DecisionKind::allow;
        d.decided_by = tally.first_allow;
    } else {
        d.kind = DecisionKind::implicit_deny;
        d.uncertain = tally.allow_possible;
    }
    return d;
}

Decision evaluate(const ConnectionData& data, const Request& request, Explanation* explanation) {
    const RequestView view(request);
    Tally tally;
    std::vector<StatementRef> granting;  // the Allow statements that grant, reported when no Deny applies
    const auto count = [&](const CompiledStatement& s, Truth t) {
        if (t == Truth::no) return;
        if (s.effect == Effect::deny) {
            tally.deny = true;
            tally.deny_certain = tally.deny_certain || t == Truth::yes;
            if (!tally.first_deny) tally.first_deny = s.ref;
            if (explanation) explanation->deciding.push_back(s.ref);
        } else if (t == Truth::yes) {
            tally.allow = true;
            if (!tally.first_allow) tally.first_allow = s.ref;
            if (explanation) granting.push_back(s.ref);
            tally.connect_attribute_allow = tally.connect_attribute_allow || s.conditions_connect_attributes;
        } else {
            tally.allow_possible = true;
        }
    };
    if (!explanation) {
        // Only the statements that can apply to this action, and no further than a certain Deny.
        for (const std::uint32_t i : data.set->by_action[data.standing_kind][request.action.index]) {
            const CompiledStatement& s = data.set->statements[i];
            count(s, statement_truth(s, data, view, nullptr));
            if (tally.deny_certain) break;
        }
    }
    for (const CompiledStatement& s : data.set->statements) {
        if (!explanation) break;
        const PolicyDocument& doc = data.set->documents[s.ref.policy];
        const Standing standing = standing_for(doc, *data.connection);
        const bool counted = !s.broken && standing != Standing::absent &&
                             (standing == Standing::in_force || s.effect == Effect::deny);
        if (!counted) {
            if (explanation) {
                explanation->statements.push_back(
                    {s.ref, Truth::no, false,
                     doc.standing_reason.empty() ? std::string("the statement is broken and not evaluated")
                     : standing == Standing::deny_only ? "an Allow of a document whose Allow statements are dropped: " + doc.standing_reason
                                                       : "the document is evaluated as absent: " + doc.standing_reason});
            }
            continue;
        }
        Trace trace;
        const Truth t = statement_truth(s, data, view, &trace);
        explanation->statements.push_back(
            {s.ref, t, true, t == Truth::yes && trace.reason.empty() ? "applies" : trace.reason, trace.action_mismatch});
        count(s, t);
    }
    Decision d = conclude(tally);
    if (explanation && d.kind == DecisionKind::allow) {
        explanation->deciding = std::move(granting);
    }
    const auto note = [&](std::string text) {
        if (explanation) explanation->notes.push_back(std::move(text));
    };
    if (d.kind == DecisionKind::allow && data.options.connect_attributes_need_condition &&
        needs_connect_attribute_condition(view) && !tally.connect_attribute_allow) {
        d = {DecisionKind::implicit_deny, true, std::nullopt};
        if (explanation) {
            explanation->deciding.clear();
            explanation->overridden = true;
        }
        note("a CONNECT with PersistentConnect or a Will is allowed only by an Allow that conditions "
             "iot:ConnectAttributes, and none applies (spec vars §6 R0)");
    }
    if (view.context.is_connect) {
        const std::string_view client_id = connect_client_id(request);
        if (client_id.empty() || client_id.front() == '$') {
            if (d.kind != DecisionKind::explicit_deny) {
                note(fmt::format("{}; the policies alone would give {} (actions §9 R0)",
                                 client_id.empty() ? "an empty client ID is undocumented"
                                                   : "client IDs starting with $ are reserved",
                                 decision_name(d.kind)));
                if (explanation) explanation->overridden = d.kind == DecisionKind::allow;
                d = {DecisionKind::implicit_deny, true, std::nullopt};
                if (explanation) explanation->deciding.clear();
            }
        }
    }
    if (data.outside_iot_policies[request.action.index]) {
        note(data.connection->auth == catalog::AuthType::sigv4
                 ? "IAM users and roles are authorized by their IAM policies, never by IoT policies (spec §2.1)"
                 : "for a Cognito identity this action is decided by the identity pool role's IAM policy alone, "
                   "not by IoT policies (spec §2.4)");
        if (explanation) explanation->overridden = explanation->overridden || d.kind == DecisionKind::allow;
        d = {DecisionKind::implicit_deny, false, std::nullopt};
        if (explanation) explanation->deciding.clear();
    }
    if (data.certificate_inactive) {
        const Connection& c = *data.connection;
        note(fmt::format("the certificate's status is {}: AWS verifies it is ACTIVE when the connection authenticates, "
                         "so the device cannot connect or make requests (spec §5.4)",
                         c.certificate->status));
        if (d.kind != DecisionKind::explicit_deny) {
            if (explanation) explanation->overridden = explanation->overridden || d.kind == DecisionKind::allow;
            d = {DecisionKind::implicit_deny, false, std::nullopt};
            if (explanation) explanation->deciding.clear();
        }
    }
    return d;
}

}  // namespace

ConnectionEvaluator::ConnectionEvaluator(const PolicySet& policies, const Connection& connection,
                                         const EvaluationOptions& options)
    : m_data(std::make_unique<ConnectionData>()) {
    ConnectionData& data = *m_data;
    data.set = policies.m_compiled.get();
    data.connection = &connection;
    data.options = options;
    data.standing_kind = connection.auth == catalog::AuthType::custom ? 1 : 0;
    data.certificate_inactive = connection.auth == catalog::AuthType::x509 && connection.certificate &&
                                connection.certificate->status != "ACTIVE";
    const ActionTable& table = action_table();
    data.outside_iot_policies.resize(table.names.size());
    for (std::size_t a = 0; a < table.names.size(); ++a) {
        data.outside_iot_policies[a] = connection.auth == catalog::AuthType::sigv4 ||
                                       (connection.auth == catalog::AuthType::cognito && !scoped_for_cognito(table.names[a]));
    }
    // What decide() reads comes first in the arena: variable values, then resolved keys (see prefetch()).
    std::vector<bool> plain(data.set->variables.size(), false);
    data.variable_values.resize(data.set->variables.size());
    for (std::size_t v = 0; v < data.set->variables.size(); ++v) {
        const KeyResolution r = resolve_variable(connection, RequestContext{}, data.set->variables[v]);
        if (r.status == KeyStatus::value && r.values.size() == 1 && !r.non_canonical &&
            r.values.front().find_first_of("*?") == std::string_view::npos) {
            plain[v] = true;
            data.variable_values[v] = copy_into(&data.memory, r.values.front());
        }
    }
    data.planned.resize(data.set->dependent_count);
    bool every_statement_planned = true;
    for (const CompiledStatement& s : data.set->statements) {
        if (s.broken || !s.depends_on_connection) continue;
        const bool planned = s.fast && std::all_of(s.variables.begin(), s.variables.end(),
                                                   [&](std::size_t v) { return plain[v]; });
        data.planned[s.dependent_index] = planned;
        every_statement_planned = every_statement_planned && planned;
    }
    // Resolve every condition key for each kind of request, then copy the values into one block.
    std::vector<std::array<KeyResolution, detail::k_request_kinds>> resolved;
    std::size_t value_count = 0;
    for (const std::string& key : data.set->condition_keys) {
        RequestContext other;
        RequestContext connect;
        connect.is_connect = true;
        RequestContext credentials;
        credentials.is_credentials_request = true;
        resolved.push_back({resolve_condition_key(connection, other, key), resolve_condition_key(connection, connect, key),
                            resolve_condition_key(connection, credentials, key)});
        for (const KeyResolution& r : resolved.back()) value_count += r.values.size();
    }
    data.key_values.reserve(value_count);
    for (const auto& kinds : resolved) {
        std::array<detail::CachedKey, detail::k_request_kinds> cached;
        for (std::size_t k = 0; k < kinds.size(); ++k) {
            const KeyResolution& r = kinds[k];
            const std::size_t first = data.key_values.size();
            data.key_values.insert(data.key_values.end(), r.values.begin(), r.values.end());
            cached[k] = {r.status, r.non_canonical, r.why,
                         std::span<const std::string_view>(data.key_values.data() + first, r.values.size())};
        }
        data.key_cache.push_back(cached);
    }
    const auto* begin = reinterpret_cast<const std::byte*>(&data);
    const auto hot_end = [&] {
        const auto* end = static_cast<const std::byte*>(data.memory.allocate(1, 1));
        const bool inside = end > begin && end < begin + sizeof(ConnectionData);
        return inside ? static_cast<std::size_t>(end - begin) : sizeof(ConnectionData);
    };
    m_hot_bytes = hot_end();
    // The compiled readings serve explain(), and decide() for the statements without a plan.
    data.dependent.resize(data.set->dependent_count);
    for (const CompiledStatement& s : data.set->statements) {
        if (s.broken || !s.depends_on_connection) continue;
        auto& readings = data.dependent[s.dependent_index];
        readings.reserve(s.readings.size());
        for (std::size_t r = 0; r < s.readings.size(); ++r) {
            readings.push_back(compile_reading(s, r, &connection, &data.memory));
        }
    }
    if (!every_statement_planned) m_hot_bytes = hot_end();
}

ConnectionEvaluator::~ConnectionEvaluator() = default;
ConnectionEvaluator::ConnectionEvaluator(ConnectionEvaluator&&) noexcept = default;

std::size_t ConnectionEvaluator::hot_bytes() const noexcept { return m_hot_bytes; }

Decision ConnectionEvaluator::decide(const Request& request) const { return evaluate(*m_data, request, nullptr); }

void ConnectionEvaluator::prefetch() const noexcept {
    constexpr std::size_t k_cache_line = 64;
    const auto* bytes = reinterpret_cast<const char*>(m_data.get());
    for (std::size_t offset = 0; offset < m_hot_bytes; offset += k_cache_line) {
        __builtin_prefetch(bytes + offset);
    }
}

Explanation ConnectionEvaluator::explain(const Request& request) const {
    Explanation e;
    e.decision = evaluate(*m_data, request, &e);
    const Connection& c = *m_data->connection;
    const std::string_view action = request_action_name(request.action);
    if (request.action.written_as_legacy_name) {
        e.notes.push_back(fmt::format("the request is evaluated as {}, the current name of the legacy action "
                                      "(actions §10)",
                                      action));
    }
    if (e.decision.kind != DecisionKind::allow) {
        const std::string_view legacy = action_table().legacy_names[request.action.index];
        for (const StatementVerdict& v : e.statements) {
            const auto& s = *std::find_if(m_data->set->statements.begin(), m_data->set->statements.end(),
                                          [&](const CompiledStatement& cs) { return cs.ref == v.ref; });
            if (v.counted && !legacy.empty() && s.effect == Effect::allow && v.applies == Truth::unknown &&
                s.action_truth[request.action.index] == Truth::unknown) {
                e.notes.push_back(fmt::format("would be allowed if AWS still honours {} (actions §10 R0)", legacy));
                break;
            }
        }
    }
    if (request_action_catalog_entry(request.action) == nullptr) {
        e.notes.push_back(fmt::format("{} is not documented as an IoT policy action: an Allow grants nothing, a "
                                      "Deny applies (actions §10 R0)",
                                      action));
    }
    if (c.auth == catalog::AuthType::cognito && scoped_for_cognito(action)) {
        e.notes.push_back("for an authenticated Cognito identity the identity pool role's IAM policy must allow this "
                          "too; it is not part of the simulation (spec §2.4)");
    }
    if (request.action.index != connect_action().index && c.client_id && c.protocol != catalog::Protocol::https) {
        if (!m_data->own_connect) {
            Request connect;
            connect.action = *find_request_action("iot:Connect");
            connect.resource = arn("client", *c.client_id);
            m_data->own_connect = decide(connect);
        }
        if (m_data->own_connect->kind != DecisionKind::allow) {
            e.notes.push_back("CONNECT is denied for this connection, so the device cannot make this request");
        }
    }
    if (request.action.index == connect_action().index) {
        // actions §4.1: when the Will's Publish is checked is unclear; it is simulated at CONNECT, as a note.
        for (const ContextEntry& entry : request.context) {
            if (!detail::equals_ignoring_case(entry.key, "iot:LastWillTopic") || entry.values.size() != 1) continue;
            Request will;
            will.action = *find_request_action("iot:Publish");
            will.resource = entry.values.front();
            const Decision publish = decide(will);
            if (publish.kind != DecisionKind::allow) {
                e.notes.push_back(fmt::format("the Will's topic {} is not allowed for iot:Publish ({}), so the Will "
                                              "cannot be published (actions §4.1)",
                                              will.resource, decision_name(publish.kind)));
            }
        }
    }
    for (const StatementVerdict& v : e.statements) {
        if (v.counted && v.applies == Truth::unknown && !v.reason.empty()) {
            e.notes.push_back(fmt::format("policy {} statement {}: {}", m_data->set->documents[v.ref.policy].name,
                                          v.ref.statement, v.reason));
        }
    }
    return e;
}

std::string ConnectionEvaluator::arn(std::string_view type, std::string_view name) const {
    const EvaluationOptions& o = m_data->options;
    return fmt::format("arn:{}:iot:{}:{}:{}/{}", o.partition, o.region, o.account, type, name);
}

const Connection& ConnectionEvaluator::connection() const { return *m_data->connection; }

}  // namespace iotpolicy
