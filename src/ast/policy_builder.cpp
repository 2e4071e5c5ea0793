// JSON tree → policy AST. Reads every shape AWS accepts (spec §1.3, §1.4) and reports what it cannot read.
#include <algorithm>  // find, find_if, count_if
#include <array>

#include <fmt/format.h>

#include "../support/suggest.hpp"
#include "iotpolicy/ast.hpp"

namespace iotpolicy {

namespace {

using detail::equals_ignoring_case;
using detail::nearest_name;

constexpr std::array<std::string_view, 3> k_policy_elements{"Version", "Statement", "Id"};
constexpr std::array<std::string_view, 7> k_statement_elements{"Sid",      "Effect",      "Action", "NotAction",
                                                               "Resource", "NotResource", "Condition"};

Span first_byte(Span span) {
    return {span.begin, span.begin + 1};
}

/// True when a member before `member` has the same key: IOT002 duplicate-key has reported it, and the first
/// occurrence is the one read, so nothing more is said about the repeat.
bool repeats_earlier_key(const JsonValue& object, const JsonMember& member) {
    for (const JsonMember& earlier : object.members) {
        if (&earlier == &member) {
            return false;
        }
        if (earlier.key == member.key) {
            return true;
        }
    }
    return false;
}

class PolicyBuilder {
public:
    PolicyBuilder(const SourceFile& source, std::vector<Diagnostic>& diagnostics)
        : m_source(source), m_diagnostics(diagnostics) {}

    std::optional<Policy> build(const JsonValue& root);

private:
    Diagnostic& report(RuleId rule, Severity severity, Span span, std::string message) {
        return m_diagnostics.emplace_back(Diagnostic{rule, severity, span, std::move(message)});
    }

    void report_wrong_type(const JsonValue& value, std::string_view element, std::string_view expected) {
        report(RuleId::IOT007, Severity::error, value.span,
               fmt::format("\"{}\" must be {}, found {}", element, expected, json_kind_name(value.kind)));
    }

    TextEdit version_insertion(const JsonValue& root) const;
    void read_version(const JsonMember& member, Policy& policy);
    void read_statements(const JsonMember& member, Policy& policy);
    Statement read_statement(const JsonValue& object, std::size_t index);
    void read_effect(const JsonMember& member, Statement& statement);
    void read_element_list(const JsonMember& member, std::string_view canonical, std::optional<ElementList>& list,
                           Statement& statement);
    void read_conditions(const JsonMember& member, Statement& statement);
    void read_condition_values(const JsonMember& key_member, Condition& condition);

    /// Reports an unknown key; returns the known element it is a mis-cased spelling of, if any.
    std::optional<std::string_view> report_unknown_key(const JsonValue& object, const JsonMember& member,
                                                       std::span<const std::string_view> known,
                                                       std::string_view where);

    const SourceFile& m_source;
    std::vector<Diagnostic>& m_diagnostics;
};

std::optional<std::string_view> PolicyBuilder::report_unknown_key(const JsonValue& object, const JsonMember& member,
                                                                  std::span<const std::string_view> known,
                                                                  std::string_view where) {
    const std::optional<std::string_view> nearest = nearest_name(member.key, known);
    if (nearest && equals_ignoring_case(*nearest, member.key)) {
        Diagnostic& diagnostic =
            report(RuleId::IOT003, Severity::error, member.key_span,
                   fmt::format("unknown {} element \"{}\": element names are case-sensitive; write \"{}\"", where,
                               member.key, *nearest));
        // The key is read as the element it spells; renaming it is certain unless another key of the object spells
        // the element too, in any case (the rename would make a duplicate key, IOT002).
        const auto spellings = std::count_if(object.members.begin(), object.members.end(),
                                             [&](const JsonMember& m) { return equals_ignoring_case(m.key, *nearest); });
        if (spellings == 1) {
            diagnostic.fix = Fix{fmt::format("Write \"{}\"", *nearest),
                                 {TextEdit{member.key_span, fmt::format("\"{}\"", *nearest)}}};
        }
        return nearest;
    }
    if (nearest) {
        report(RuleId::IOT003, Severity::error, member.key_span,
               fmt::format("unknown {} element \"{}\"; did you mean \"{}\"?", where, member.key, *nearest));
        return std::nullopt;
    }
    report(RuleId::IOT003, Severity::error, member.key_span,
           fmt::format("unknown {} element \"{}\": {}", where, member.key,
                       where == "policy" ? "a policy takes \"Version\" and \"Statement\""
                                         : "a statement takes \"Sid\", \"Effect\", \"Action\" or \"NotAction\", "
                                           "\"Resource\" or \"NotResource\", and \"Condition\""));
    return std::nullopt;
}

std::optional<Policy> PolicyBuilder::build(const JsonValue& root) {
    if (root.kind != JsonKind::object) {
        const bool looks_like_statements = root.kind == JsonKind::array && !root.items.empty() &&
                                           root.items.front().kind == JsonKind::object &&
                                           root.items.front().find("Effect") != nullptr;
        report(RuleId::IOT007, Severity::error, root.kind == JsonKind::object ? root.span : first_byte(root.span),
               looks_like_statements
                   ? std::string("a policy document must be a JSON object, found an array of statements; wrap it "
                                 "as {\"Version\": \"2012-10-17\", \"Statement\": [...]}")
                   : fmt::format("a policy document must be a JSON object such as {{\"Version\": \"2012-10-17\", "
                                 "\"Statement\": [...]}}, found {}",
                                 json_kind_name(root.kind)));
        return std::nullopt;
    }
    Policy policy;
    policy.span = root.span;
    const JsonMember* statement_member = nullptr;
    bool version_seen = false;
    std::vector<std::string_view> suggested;  // what misspelt keys were taken for, so as not to report twice
    for (const JsonMember& member : root.members) {
        if (repeats_earlier_key(root, member)) {
            continue;
        }
        if (member.key == "Version") {
            if (!version_seen) {
                read_version(member, policy);
            }
            version_seen = true;
        } else if (member.key == "Statement") {
            statement_member = statement_member == nullptr ? &member : statement_member;
        } else if (member.key == "Id") {
            if (member.value.kind == JsonKind::string) {
                policy.id = Spanned<std::string>{member.value.text, member.value.span};
            }
            report(RuleId::IOT003, Severity::warning, member.key_span,
                   "\"Id\" has no meaning in an IoT policy: it belongs to resource-based IAM policies, and an IoT "
                   "policy is identity-based (spec §1.5); remove it");
        } else if (std::find(k_statement_elements.begin(), k_statement_elements.end(), member.key) !=
                   k_statement_elements.end()) {
            policy.has_foreign_elements = true;
            report(RuleId::IOT003, Severity::error, member.key_span,
                   fmt::format("\"{}\" is a statement element: move it into a statement of the \"Statement\" list",
                               member.key));
        } else {
            policy.has_foreign_elements = true;
            const std::optional<std::string_view> known = report_unknown_key(root, member, k_policy_elements, "policy");
            if (const auto guess = nearest_name(member.key, k_policy_elements); guess && !known) {
                suggested.push_back(*guess);
            }
            if (known == "Statement" && statement_member == nullptr) {
                statement_member = &member;  // read "statement" as Statement, spec §1.1
            } else if (known == "Version" && !version_seen) {
                read_version(member, policy);
                version_seen = true;
            }
        }
    }
    const auto was_suggested = [&](std::string_view element) {
        return std::find(suggested.begin(), suggested.end(), element) != suggested.end();
    };
    if (!version_seen && !was_suggested("Version")) {
        report(RuleId::IOT004, Severity::warning, first_byte(root.span),
               "the policy has no \"Version\": IAM then reads it as \"2008-10-17\", under which ${...} policy "
               "variables are literal text; add \"Version\": \"2012-10-17\" (spec §1.2)")
            .fix = Fix{"Add \"Version\": \"2012-10-17\" as the first member", {version_insertion(root)}};
    }
    if (statement_member != nullptr) {
        read_statements(*statement_member, policy);
    } else if (!was_suggested("Statement")) {
        report(RuleId::IOT006, Severity::error, first_byte(root.span),
               "the policy has no \"Statement\": add \"Statement\": [{\"Effect\": ..., \"Action\": ..., "
               "\"Resource\": ...}]");
    }
    return policy;
}

/// `"Version": "2012-10-17"` as the first member of `root`: on a line of its own, indented like the member after it,
/// when that member starts its line; else inline before it (or alone in an empty object).
TextEdit PolicyBuilder::version_insertion(const JsonValue& root) const {
    constexpr std::string_view k_member = R"("Version": "2012-10-17")";
    if (root.members.empty()) {
        return {{root.span.begin + 1, root.span.begin + 1}, std::string(k_member)};
    }
    const std::uint32_t key = root.members.front().key_span.begin;
    if (const std::optional<std::string_view> indent = m_source.indentation_before(key)) {
        const auto line_start = static_cast<std::uint32_t>(key - indent->size());
        return {{line_start, line_start}, fmt::format("{}{},{}", *indent, k_member, m_source.line_break())};
    }
    return {{key, key}, fmt::format("{}, ", k_member)};
}

void PolicyBuilder::read_version(const JsonMember& member, Policy& policy) {
    const JsonValue& value = member.value;
    policy.version_span = value.span;
    if (value.kind != JsonKind::string) {
        policy.version = PolicyVersion::invalid;
        report(RuleId::IOT004, Severity::error, value.span,
               fmt::format("\"Version\" must be the string \"2012-10-17\", found {}", json_kind_name(value.kind)));
        return;
    }
    if (value.text == "2012-10-17") {
        policy.version = PolicyVersion::v2012_10_17;
        return;
    }
    if (value.text == "2008-10-17") {
        policy.version = PolicyVersion::v2008_10_17;
        report(RuleId::IOT004, Severity::warning, value.span,
               "\"Version\": \"2008-10-17\" is the legacy policy language, under which ${...} policy variables are "
               "literal text; use \"2012-10-17\" (spec §1.2)")
            .fix = Fix{"Write \"2012-10-17\"", {TextEdit{value.span, "\"2012-10-17\""}}};
        return;
    }
    policy.version = PolicyVersion::invalid;
    Diagnostic& diagnostic = report(
        RuleId::IOT004, Severity::error, value.span,
        fmt::format("unknown policy language version \"{}\": the only current version is \"2012-10-17\" (the "
                    "legacy one is \"2008-10-17\"); a version is a fixed date, not the date you wrote the policy",
                    value.text));
    // A near miss ("2012-10-18", "2012/10/17") is a typo of the version it is nearest to; a date far from both
    // (today's) says nothing certain. A near miss of "2008-10-17" becomes it, and that one's own fix then moves it
    // to "2012-10-17".
    constexpr std::array<std::string_view, 2> k_versions{"2012-10-17", "2008-10-17"};
    if (const auto nearest = detail::unique_nearest_name(value.text, k_versions)) {
        diagnostic.fix = Fix{fmt::format("Write \"{}\"", *nearest), {TextEdit{value.span, fmt::format("\"{}\"", *nearest)}}};
    }
}

void PolicyBuilder::read_statements(const JsonMember& member, Policy& policy) {
    const JsonValue& value = member.value;
    policy.statement_span = value.span;
    if (value.kind == JsonKind::object) {
        policy.statements.push_back(read_statement(value, 0));
        return;
    }
    if (value.kind != JsonKind::array) {
        report_wrong_type(value, "Statement", "an array of statement objects (or one statement object)");
        return;
    }
    policy.statement_is_array = true;
    if (value.items.empty()) {
        report(RuleId::IOT006, Severity::error, value.span,
               "\"Statement\" is empty, so the policy grants nothing: add at least one statement");
        return;
    }
    for (std::size_t position = 0; position < value.items.size(); ++position) {
        const JsonValue& item = value.items[position];
        if (item.kind != JsonKind::object) {
            report(RuleId::IOT007, Severity::error, item.span,
                   fmt::format("each entry of \"Statement\" must be a statement object, found {}",
                               json_kind_name(item.kind)));
            continue;
        }
        policy.statements.push_back(read_statement(item, position));
    }
}

Statement PolicyBuilder::read_statement(const JsonValue& object, std::size_t index) {
    Statement statement;
    statement.index = index;
    statement.span = object.span;
    const JsonMember* action = nullptr;
    const JsonMember* resource = nullptr;
    std::vector<std::string_view> suggested;  // elements an unknown key was taken for, to avoid a second report
    bool effect_seen = false;
    for (const JsonMember& member : object.members) {
        if (repeats_earlier_key(object, member)) {
            if (member.key == "Effect" && member.value.kind == JsonKind::string && member.value.text == "Deny") {
                statement.deny_among_repeated_effects = true;
            }
            continue;
        }
        std::string_view key = member.key;
        if (key == "Principal" || key == "NotPrincipal") {
            statement.has_foreign_elements = true;
            report(RuleId::IOT003, Severity::error, member.key_span,
                   fmt::format("\"{}\" has no place in an IoT policy: the policy applies to the certificate or "
                               "identity it is attached to, so there is no principal to name; AWS either rejects "
                               "the policy or ignores the restriction (spec §1.5). Remove it and attach the policy "
                               "to the intended principal",
                               key));
            continue;
        }
        if (std::find(k_statement_elements.begin(), k_statement_elements.end(), key) == k_statement_elements.end()) {
            statement.has_foreign_elements = true;
            const std::optional<std::string_view> known = report_unknown_key(object, member, k_statement_elements,
                                                                             "statement");
            if (!known) {
                const std::optional<std::string_view> guess = nearest_name(key, k_statement_elements);
                if (guess) {
                    suggested.push_back(*guess);
                }
                continue;
            }
            key = *known;  // a mis-cased element is read as the element it spells (spec §1.1)
        }
        if (key == "Sid") {
            if (member.value.kind == JsonKind::string) {
                if (!statement.sid) {
                    statement.sid = Spanned<std::string>{member.value.text, member.value.span};
                }
            } else {
                report_wrong_type(member.value, "Sid", "a string");
            }
        } else if (key == "Effect") {
            if (!effect_seen) {
                read_effect(member, statement);
            }
            effect_seen = true;
        } else if (key == "Action" || key == "NotAction") {
            if (action != nullptr && action->key != member.key) {
                report(RuleId::IOT006, Severity::error, member.key_span,
                       "a statement takes \"Action\" or \"NotAction\", not both: keep one");
                continue;
            }
            action = action == nullptr ? &member : action;
            read_element_list(member, key, statement.action, statement);
        } else if (key == "Resource" || key == "NotResource") {
            if (resource != nullptr && resource->key != member.key) {
                report(RuleId::IOT006, Severity::error, member.key_span,
                       "a statement takes \"Resource\" or \"NotResource\", not both: keep one");
                continue;
            }
            resource = resource == nullptr ? &member : resource;
            read_element_list(member, key, statement.resource, statement);
        } else if (key == "Condition") {
            read_conditions(member, statement);
        }
    }
    const auto was_suggested = [&](std::string_view a, std::string_view b = {}) {
        return std::find_if(suggested.begin(), suggested.end(), [&](std::string_view s) {
                   return s == a || s == b;
               }) != suggested.end();
    };
    const Span opening = first_byte(object.span);
    if (!effect_seen) {
        statement.is_broken = true;
        if (!was_suggested("Effect")) {
            report(RuleId::IOT006, Severity::error, opening,
                   "the statement has no \"Effect\": add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"");
        }
    }
    if (action == nullptr) {
        statement.is_broken = true;
        if (!was_suggested("Action", "NotAction")) {
            report(RuleId::IOT006, Severity::error, opening,
                   "the statement has no \"Action\" or \"NotAction\": add the actions it covers, e.g. "
                   "\"Action\": \"iot:Publish\"");
        }
    }
    if (resource == nullptr) {
        statement.is_broken = true;
        if (!was_suggested("Resource", "NotResource")) {
            report(RuleId::IOT006, Severity::error, opening,
                   "the statement has no \"Resource\" or \"NotResource\": add the resources it covers, e.g. "
                   "\"Resource\": \"arn:aws:iot:us-east-1:123456789012:topic/sensors/${iot:ClientId}\"");
        }
    }
    return statement;
}

void PolicyBuilder::read_effect(const JsonMember& member, Statement& statement) {
    const JsonValue& value = member.value;
    if (value.kind == JsonKind::string && value.text == "Allow") {
        statement.effect = Spanned<Effect>{Effect::allow, value.span};
        return;
    }
    if (value.kind == JsonKind::string && value.text == "Deny") {
        statement.effect = Spanned<Effect>{Effect::deny, value.span};
        return;
    }
    statement.is_broken = true;
    if (value.kind != JsonKind::string) {
        report(RuleId::IOT005, Severity::error, value.span,
               fmt::format("\"Effect\" must be the string \"Allow\" or \"Deny\", found {}", json_kind_name(value.kind)));
        return;
    }
    constexpr std::array<std::string_view, 2> k_effects{"Allow", "Deny"};
    const std::optional<std::string_view> nearest = nearest_name(value.text, k_effects);
    std::string message = fmt::format("\"Effect\" must be exactly \"Allow\" or \"Deny\", found \"{}\"", value.text);
    if (nearest && equals_ignoring_case(*nearest, value.text)) {
        message += fmt::format(": the value is case-sensitive; write \"{}\"", *nearest);
    } else if (nearest) {
        message += fmt::format("; did you mean \"{}\"?", *nearest);
    }
    report(RuleId::IOT005, Severity::error, value.span, std::move(message));
}

void PolicyBuilder::read_element_list(const JsonMember& member, std::string_view canonical,
                                      std::optional<ElementList>& list, Statement& statement) {
    if (list) {
        return;  // a repeated key: IOT002 reported it, the first occurrence stands
    }
    ElementList result;
    result.negated = canonical.starts_with("Not");
    result.key_span = member.key_span;
    result.value_span = member.value.span;
    const std::string_view what = canonical.ends_with("Action") ? "action" : "resource";
    if (member.value.kind == JsonKind::string) {
        result.values.push_back({member.value.text, member.value.span});
    } else if (member.value.kind == JsonKind::array) {
        result.is_array = true;
        if (member.value.items.empty() && result.negated) {
            // An empty exclusion list excludes nothing: the statement covers every action or resource.
            report(RuleId::IOT006, Severity::error, member.value.span,
                   fmt::format("\"{}\" is an empty list, which excludes nothing, so the statement covers every {}: "
                               "list the {}s to exclude, or use \"{}\"",
                               canonical, what, what, canonical.substr(3)));
        } else if (member.value.items.empty()) {
            // Not broken: an empty list is a statement that matches nothing (spec §1.4).
            report(RuleId::IOT006, Severity::error, member.value.span,
                   fmt::format("\"{}\" is an empty list, so the statement matches nothing: list at least one {} or "
                               "remove the statement",
                               canonical, what));
        }
        for (const JsonValue& item : member.value.items) {
            if (item.kind == JsonKind::string) {
                result.values.push_back({item.text, item.span});
            } else {
                report(RuleId::IOT007, Severity::error, item.span,
                       fmt::format("each entry of \"{}\" must be a string naming an {}, found {}", canonical, what,
                                   json_kind_name(item.kind)));
            }
        }
    } else {
        statement.is_broken = true;
        report_wrong_type(member.value, canonical, "a string or an array of strings");
    }
    list = std::move(result);
}

void PolicyBuilder::read_conditions(const JsonMember& member, Statement& statement) {
    if (member.value.kind != JsonKind::object) {
        statement.is_broken = true;
        report_wrong_type(member.value, "Condition",
                          "an object mapping condition operators to {\"key\": value} objects");
        return;
    }
    statement.condition_span = member.value.span;
    for (const JsonMember& operator_member : member.value.members) {
        if (operator_member.value.kind != JsonKind::object) {
            statement.is_broken = true;
            report(RuleId::IOT007, Severity::error, operator_member.value.span,
                   fmt::format("condition operator \"{}\" must map to an object of condition keys, e.g. "
                               "{{\"iot:ClientId\": \"sensor-1\"}}, found {}",
                               operator_member.key, json_kind_name(operator_member.value.kind)));
            continue;
        }
        const OperatorNameParts parts = split_operator_name(operator_member.key);
        for (const JsonMember& key_member : operator_member.value.members) {
            Condition condition;
            condition.operator_name = {operator_member.key, operator_member.key_span};
            condition.qualifier = parts.qualifier;
            condition.base_operator = std::string(parts.base);
            condition.if_exists = parts.if_exists;
            condition.key = {key_member.key, key_member.key_span};
            read_condition_values(key_member, condition);
            statement.conditions.push_back(std::move(condition));
        }
    }
}

void PolicyBuilder::read_condition_values(const JsonMember& key_member, Condition& condition) {
    condition.values_span = key_member.value.span;
    const auto read_scalar = [&](const JsonValue& value) {
        switch (value.kind) {
        case JsonKind::string: condition.values.push_back({value.text, value.kind, value.span}); return;
        case JsonKind::boolean:
            condition.values.push_back({value.boolean ? "true" : "false", value.kind, value.span});
            return;
        case JsonKind::number: {
            // IAM compares numbers as written ("quotes optional", spec §1.4), so keep the spelling.
            const std::string_view spelling =
                m_source.text().substr(value.span.begin, value.span.end - value.span.begin);
            condition.values.push_back({std::string(spelling), value.kind, value.span});
            return;
        }
        default:
            report(RuleId::IOT007, Severity::error, value.span,
                   fmt::format("a value of condition key \"{}\" must be a string, number or boolean, found {}",
                               key_member.key, json_kind_name(value.kind)));
        }
    };
    if (key_member.value.kind == JsonKind::array) {
        condition.values_are_array = true;
        for (const JsonValue& item : key_member.value.items) {
            read_scalar(item);
        }
    } else {
        read_scalar(key_member.value);
    }
}

}  // namespace

OperatorNameParts split_operator_name(std::string_view name) {
    OperatorNameParts parts{SetQualifier::none, name, false};
    for (const auto& [prefix, qualifier] : {std::pair{std::string_view("ForAnyValue:"), SetQualifier::for_any_value},
                                            std::pair{std::string_view("ForAllValues:"), SetQualifier::for_all_values}}) {
        if (parts.base.starts_with(prefix)) {
            parts.qualifier = qualifier;
            parts.base.remove_prefix(prefix.size());
        }
    }
    constexpr std::string_view k_if_exists = "IfExists";
    if (parts.base.ends_with(k_if_exists) && parts.base.size() > k_if_exists.size()) {
        parts.if_exists = true;
        parts.base.remove_suffix(k_if_exists.size());
    }
    return parts;
}

std::optional<Policy> build_policy(const SourceFile& source, const JsonValue& root,
                                   std::vector<Diagnostic>& diagnostics) {
    return PolicyBuilder(source, diagnostics).build(root);
}

}  // namespace iotpolicy
