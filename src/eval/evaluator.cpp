#include "iotpolicy/evaluator.hpp"

#include <algorithm>
#include <array>

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

bool is_action(RequestAction action, std::string_view name) { return request_action_name(action) == name; }

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

/// A Resource entry for one reading (and one connection when it has variables).
struct CompiledEntry {
    enum class Kind : std::uint8_t { pattern, unresolved, unknown };
    Kind kind = Kind::pattern;
    ArnPattern exact;                 // substituted values literal
    std::optional<ArnPattern> loose;  // substituted values' * and ? as wildcards (spec §3.4 R0)
    bool non_canonical = false;       // a variable resolved only ignoring letter case (spec vars §1 R0)
    std::string text;                 // as substituted, for explanations
};

struct CompiledConditionEntry {
    const Condition* ast = nullptr;
    std::size_t slot = 0;  // the key's index in ConnectionData::key_cache
    CompiledCondition condition;
    std::vector<std::string> values;  // as substituted, for explanations
};

struct CompiledReading {
    std::vector<CompiledEntry> resources;
    std::vector<CompiledConditionEntry> conditions;
    bool at_most_unknown = false;  // an unresolved or non-canonical variable (spec vars §1, §2 R0)
    std::vector<std::string> notes;
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
    bool depends_on_connection = false;
    std::vector<CompiledReading> fixed;  // the readings, when they do not depend on the connection
    std::size_t dependent_index = 0;     // index among the connection-dependent statements
};

struct CompiledPolicySet {
    std::vector<PolicyDocument> documents;
    std::vector<CompiledStatement> statements;
    std::vector<std::string> condition_keys;  // per slot, as written
    std::size_t dependent_count = 0;
};

}  // namespace detail

namespace {

using detail::CompiledEntry;
using detail::CompiledReading;
using detail::CompiledStatement;
using detail::Reading;

bool segment_is_variable(const TemplateSegment& s) {
    return s.kind == SegmentKind::variable || s.kind == SegmentKind::default_variable ||
           s.kind == SegmentKind::malformed;
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

CompiledReading compile_reading(const CompiledStatement& s, const detail::CompiledPolicySet& set,
                                const Reading& reading, const Connection* connection) {
    CompiledReading out;
    SubstitutedText text;
    for (const VariableTemplate& t : s.resources) {
        ReadingResolver resolver{connection, &out, false};
        text.clear();
        const SubstitutionStatus status = substitute(t, resolver, text, options_of(reading));
        CompiledEntry entry;
        entry.text = text.text;
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
            entry.loose = compile_runs(widened, true);
        } else {
            entry.exact = compile_runs(text, false);
            if (value_has_wildcard(text)) entry.loose = compile_runs(text, true);
        }
        out.resources.push_back(std::move(entry));
    }
    const std::vector<Condition>& conditions = s.ast->conditions;
    for (std::size_t c = 0; c < conditions.size(); ++c) {
        detail::CompiledConditionEntry entry;
        entry.ast = &conditions[c];
        entry.slot = s.condition_slots[c];
        std::vector<std::size_t> unknown_values;
        const catalog::ConditionOperator* op = catalog::find_condition_operator(conditions[c].base_operator);
        const bool substitutes = op && op->policy_variables_in_values != catalog::VariableSupport::no;
        std::vector<std::pair<std::size_t, WildcardPattern>> literal_patterns;
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
        entry.condition = CompiledCondition::compile(conditions[c].operator_name.value, entry.values);
        for (std::size_t i : unknown_values) entry.condition.mark_value_unknown(i);
        for (auto& [i, pattern] : literal_patterns) entry.condition.set_value_pattern(i, std::move(pattern));
        out.conditions.push_back(std::move(entry));
    }
    (void)set;
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
                bool dependent = false;
                for (const auto& t : s.resources) dependent = dependent || has_variable(t);
                for (const auto& values : s.condition_values) {
                    for (const auto& t : values) dependent = dependent || has_variable(t);
                }
                s.depends_on_connection = dependent;
                if (dependent) {
                    s.dependent_index = set.dependent_count++;
                }
            }
            set.statements.push_back(std::move(s));
        }
    }
    for (CompiledStatement& s : set.statements) {
        if (s.broken || s.depends_on_connection) continue;
        for (const Reading& r : s.readings) s.fixed.push_back(compile_reading(s, set, r, nullptr));
    }
}

PolicySet::~PolicySet() = default;
PolicySet::PolicySet(PolicySet&&) noexcept = default;
PolicySet& PolicySet::operator=(PolicySet&&) noexcept = default;

std::span<const PolicyDocument> PolicySet::documents() const { return m_compiled->documents; }

// --- Connection evaluator -----------------------------------------------------------------------------------------

namespace detail {

/// A condition key resolved for each kind of request, once per connection.
struct CachedKey {
    KeyResolution other;
    KeyResolution connect;
    KeyResolution credentials;
};

struct ConnectionData {
    const CompiledPolicySet* set = nullptr;
    const Connection* connection = nullptr;
    EvaluationOptions options;
    std::vector<std::vector<CompiledReading>> dependent;  // per connection-dependent statement
    std::vector<CachedKey> key_cache;                     // per condition slot
    mutable std::optional<Decision> own_connect;          // the connection's CONNECT, computed on demand
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
        context.is_connect = is_action(r.action, "iot:Connect");
        context.is_credentials_request = is_action(r.action, "iot:AssumeRoleWithCertificate");
    }
};

/// Where a statement's evaluation failed, for explanations.
struct Trace {
    std::string reason;
    bool action_mismatch = false;
};

Truth entry_truth(const CompiledEntry& e, const RequestArn& arn) {
    switch (e.kind) {
    case CompiledEntry::Kind::unresolved: return Truth::no;
    case CompiledEntry::Kind::unknown: return e.loose && e.loose->match(arn).denies() ? Truth::unknown : Truth::no;
    case CompiledEntry::Kind::pattern: break;
    }
    const auto truth_of_match = [](const ArnMatch& m) {
        return m.allows() ? Truth::yes : m.denies() ? Truth::unknown : Truth::no;
    };
    Truth t = truth_of_match(e.exact.match(arn));
    if (e.loose) t = combine_readings(t, truth_of_match(e.loose->match(arn)));
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

Truth resource_truth(const CompiledStatement& s, const CompiledReading& reading, const RequestView& view) {
    const Truth primary = resource_truth_for(s, reading, view.primary);
    switch (view.request->reading) {
    case ResourceReading::single: return primary;
    case ResourceReading::named_shadow:
        // actions §4.3 R0: under one reading a statement on thing/<t> also covers <t>'s named shadows.
        return combine_readings(primary, truth_or(primary, resource_truth_for(s, reading, view.alternate)));
    case ResourceReading::list_named_shadows:
        return combine_readings(primary, resource_truth_for(s, reading, view.alternate));
    }
    return primary;
}

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
        const detail::CachedKey& cached = data.key_cache[c.slot];
        const KeyResolution& r = view.context.is_connect                ? cached.connect
                                 : view.context.is_credentials_request ? cached.credentials
                                                                        : cached.other;
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
    Truth overall = Truth::no;
    bool first = true;
    for (const CompiledReading& reading : readings_for(s, data)) {
        Truth t = action;
        std::string why;
        const Truth resource = resource_truth(s, reading, view);
        t = truth_and(t, resource);
        if (trace && resource != Truth::yes) {
            std::vector<std::string_view> entries;
            for (const CompiledEntry& e : reading.resources) entries.push_back(without_arn_prefix(e.text, view.request->resource));
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
            if (trace && ct != Truth::yes && why.empty()) {
                why = fmt::format("condition {} {} [\"{}\"] {}: {}", c.ast->operator_name.value, c.ast->key.value,
                                  fmt::join(c.values, "\", \""), ct == Truth::no ? "is false" : "is UNKNOWN", seen);
            }
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

bool conditions_connect_attributes(const CompiledStatement& s) {
    return std::any_of(s.ast->conditions.begin(), s.ast->conditions.end(), [](const Condition& c) {
        return equals_ignoring_case(c.key.value, "iot:ConnectAttributes");
    });
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
    for (const CompiledStatement& s : data.set->statements) {
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
        const Truth t = statement_truth(s, data, view, explanation ? &trace : nullptr);
        if (explanation) {
            explanation->statements.push_back(
                {s.ref, t, true, t == Truth::yes && trace.reason.empty() ? "applies" : trace.reason,
                 trace.action_mismatch});
        }
        if (t == Truth::no) continue;
        if (s.effect == Effect::deny) {
            tally.deny = true;
            tally.deny_certain = tally.deny_certain || t == Truth::yes;
            if (!tally.first_deny) tally.first_deny = s.ref;
            if (explanation) explanation->deciding.push_back(s.ref);
        } else if (t == Truth::yes) {
            tally.allow = true;
            if (!tally.first_allow) tally.first_allow = s.ref;
            tally.connect_attribute_allow = tally.connect_attribute_allow || conditions_connect_attributes(s);
        } else {
            tally.allow_possible = true;
        }
    }
    Decision d = conclude(tally);
    if (explanation && d.kind == DecisionKind::allow) {
        for (const StatementVerdict& v : explanation->statements) {
            if (v.counted && v.applies == Truth::yes) {
                const CompiledStatement* s = nullptr;
                for (const CompiledStatement& c : data.set->statements) {
                    if (c.ref == v.ref) s = &c;
                }
                if (s && s->effect == Effect::allow) explanation->deciding.push_back(v.ref);
            }
        }
    }
    const auto note = [&](std::string text) {
        if (explanation) explanation->notes.push_back(std::move(text));
    };
    if (d.kind == DecisionKind::allow && data.options.connect_attributes_need_condition &&
        needs_connect_attribute_condition(view) && !tally.connect_attribute_allow) {
        d = {DecisionKind::implicit_deny, true, std::nullopt};
        if (explanation) explanation->deciding.clear();
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
                d = {DecisionKind::implicit_deny, true, std::nullopt};
                if (explanation) explanation->deciding.clear();
            }
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
    data.dependent.resize(data.set->dependent_count);
    for (const CompiledStatement& s : data.set->statements) {
        if (s.broken || !s.depends_on_connection) continue;
        auto& readings = data.dependent[s.dependent_index];
        for (const Reading& r : s.readings) readings.push_back(compile_reading(s, *data.set, r, &connection));
    }
    data.key_cache.reserve(data.set->condition_keys.size());
    for (const std::string& key : data.set->condition_keys) {
        RequestContext other;
        RequestContext connect;
        connect.is_connect = true;
        RequestContext credentials;
        credentials.is_credentials_request = true;
        data.key_cache.push_back({resolve_condition_key(connection, other, key),
                                  resolve_condition_key(connection, connect, key),
                                  resolve_condition_key(connection, credentials, key)});
    }
}

ConnectionEvaluator::~ConnectionEvaluator() = default;
ConnectionEvaluator::ConnectionEvaluator(ConnectionEvaluator&&) noexcept = default;

Decision ConnectionEvaluator::decide(const Request& request) const { return evaluate(*m_data, request, nullptr); }

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
    if (c.auth == catalog::AuthType::cognito) {
        static constexpr std::array<std::string_view, 7> k_scoped{
            "iot:Connect",        "iot:Publish",        "iot:Subscribe",         "iot:Receive",
            "iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"};
        if (std::find(k_scoped.begin(), k_scoped.end(), action) != k_scoped.end()) {
            e.notes.push_back("for an authenticated Cognito identity the identity pool role's IAM policy must allow "
                              "this too; it is not part of the simulation (spec §2.4)");
        } else {
            e.notes.push_back("for a Cognito identity this action is decided by the role's IAM policy alone, not by "
                              "IoT policies (spec §2.4)");
        }
    }
    if (c.auth == catalog::AuthType::sigv4) {
        e.notes.push_back("IAM users and roles are authorized by IAM policies only, not by IoT policies (spec §2.1)");
    }
    if (!is_action(request.action, "iot:Connect") && c.client_id && c.protocol != catalog::Protocol::https) {
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
