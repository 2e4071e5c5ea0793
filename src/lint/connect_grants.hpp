// What an Allow statement grants on `iot:Connect`, for the three client-ID rules: IOT203 unrestricted-client-id,
// IOT208 clientid-variable-in-connect and IOT209 connect-without-thing-binding. One classification of each
// Resource entry keeps the rules from reporting one entry twice (spec §5.1, §6.2; spec vars §4):
//   - IsAttached: a `Bool iot:Connection.Thing.IsAttached "true"` condition on the statement makes every client
//     ARN compliant (spec vars §4: `client/*` with it gives the same guarantee as the ThingName form); none of the
//     three rules reports such a statement;
//   - any: `*`, an ARN whose resource part is only `*`, a client ID with a wildcard, or NotResource → IOT203;
//   - clientid_variable: exactly `client/${iot:ClientId}` → IOT208 (it admits every client ID);
//   - thing_bound: the client ID uses `${iot:Connection.Thing.ThingName}` → IOT209 info (add the condition);
//   - unbound: a literal client ID, or one built from other variables (certificate, Cognito) → IOT209 warning.
// A client ID that embeds `${iot:ClientId}` next to other text (`client/a-${iot:ClientId}`) can never equal the
// client ID it is substituted from, so it admits nothing: none of these rules reports it.
#pragma once

#include <algorithm>
#include <optional>
#include <string_view>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/ast.hpp"
#include "iotpolicy/policy_variable.hpp"
#include "iotpolicy/source.hpp"
#include "iotpolicy/wildcard.hpp"
#include "src/lint/action_coverage.hpp"
#include "src/lint/string_spans.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint::connect {

/// True when `list` (Action or NotAction) covers iot:Connect, case-insensitively (spec §3.1).
inline bool grants_connect(const ElementList& list) {
    return ActionMatcher(list).reaches("iot:Connect");
}

/// True when the statement has `"Bool": {"iot:Connection.Thing.IsAttached": "true"}` (no IfExists, no set
/// qualifier, every value "true").
inline bool has_is_attached_condition(const Statement& statement) {
    return std::any_of(statement.conditions.begin(), statement.conditions.end(), [](const Condition& c) {
        return c.base_operator == "Bool" && !c.if_exists && c.qualifier == SetQualifier::none &&
               detail::equals_ignoring_case(c.key.value, "iot:Connection.Thing.IsAttached") && !c.values.empty() &&
               std::all_of(c.values.begin(), c.values.end(), [](const ConditionValue& v) { return v.text == "true"; });
    });
}

/// An Allow statement that grants Connect and has no IsAttached condition: the statements the rules look at.
inline bool is_unconditioned_connect_allow(const Statement& statement) {
    return statement.effect && statement.effect->value == Effect::allow && statement.action && statement.resource &&
           !statement.is_broken && grants_connect(*statement.action) && !has_is_attached_condition(statement);
}

enum class ClientKind { any, clientid_variable, thing_bound, unbound, other };

/// One Resource entry of such a statement: its kind, and the bytes of the decoded string to report (the client ID,
/// or the whole string).
struct ClientEntry {
    ClientKind kind = ClientKind::other;
    Span range;
};

inline ClientEntry classify(const ParsedArn& parsed, std::string_view value) {
    const Span whole{0, static_cast<std::uint32_t>(value.size())};
    if (parsed.is_any) {
        return {ClientKind::any, whole};
    }
    const Span res = parsed.parts.resource;
    const std::string_view resource = value.substr(res.begin, res.end - res.begin);
    if (parsed.has_all_segments && !resource.empty() &&
        std::all_of(resource.begin(), resource.end(), [](char c) { return c == '*'; })) {
        return {ClientKind::any, res};
    }
    if (parsed.kind != ArnResourceKind::client || !parsed.problems.empty()) {
        return {ClientKind::other, whole};  // other types, and malformed entries (IOT103's)
    }
    const Span name_span = parsed.parts.resource_name;
    const std::string_view name = value.substr(name_span.begin, name_span.end - name_span.begin);
    const VariableTemplate tmpl = parse_variable_template(name);
    if (!tmpl.problems().empty()) {
        return {ClientKind::other, whole};  // malformed variables are IOT304's
    }
    bool wildcard = false;
    bool client_id = false;
    bool thing_name = false;
    bool literal_text = false;
    for (const TemplateSegment& segment : tmpl.segments()) {
        if (segment.kind == SegmentKind::literal) {
            const std::string_view text = tmpl.slice(segment.range);
            wildcard = wildcard || has_wildcard(text);
            literal_text = true;
        } else if (segment.kind == SegmentKind::variable || segment.kind == SegmentKind::default_variable) {
            const std::string_view var = tmpl.name(segment);
            client_id = client_id || detail::equals_ignoring_case(var, "iot:ClientId");
            thing_name = thing_name || detail::equals_ignoring_case(var, "iot:Connection.Thing.ThingName");
        } else {
            literal_text = true;  // ${*}, ${?}, ${$}, $(*): literal characters (or, read the other way, wildcards)
            if (segment.kind == SegmentKind::parenthesised_escape && segment.escaped != '$') {
                wildcard = true;  // R0: one reading is `$(` + a wildcard + `)`
            }
        }
    }
    const Span name_range{name_span.begin, name_span.end};
    if (wildcard) {
        return {ClientKind::any, name_range};
    }
    if (client_id) {
        const bool exact = tmpl.segments().size() == 1;
        return {exact ? ClientKind::clientid_variable : ClientKind::other, name_range};
    }
    (void)literal_text;
    return {thing_name ? ClientKind::thing_bound : ClientKind::unbound, name_range};
}

/// The policy-text span to report for `range` of the string `entry`: that part, or the whole string token when
/// the token does not spell the value as is.
inline Span report_span(const SourceFile& source, const Spanned<std::string>& entry, Span range) {
    return string_part_span(source, entry.span, entry.value, range.begin, range.end);
}

}  // namespace iotpolicy::lint::connect
