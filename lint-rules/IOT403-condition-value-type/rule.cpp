// IOT403 condition-value-type: a condition value its operator cannot convert or compare as written (spec vars §1
// "Where variables may appear", §7.6, §7.7; iot-policy-semantics.md §7.1: "Type mismatch", "Invalid condition
// multiple Boolean", "Wildcard without like operator", "Invalid variable for operator").
#include <string>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "iotpolicy/condition.hpp"
#include "src/lint/condition_operator.hpp"
#include "src/lint/rule.hpp"

namespace iotpolicy::lint {

namespace {

std::string_view family_name(catalog::OperatorFamily family) {
    switch (family) {
    case catalog::OperatorFamily::string: return "String";
    case catalog::OperatorFamily::numeric: return "Numeric";
    case catalog::OperatorFamily::date: return "Date";
    case catalog::OperatorFamily::boolean: return "Bool";
    case catalog::OperatorFamily::binary: return "Binary";
    case catalog::OperatorFamily::ip_address: return "IpAddress";
    case catalog::OperatorFamily::arn: return "ARN";
    case catalog::OperatorFamily::null: return "Null";
    }
    return "?";
}

/// `*` or `?` outside the escapes `${*}` and `${?}`.
bool has_wildcard(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.substr(i).starts_with("${*}") || text.substr(i).starts_with("${?}")) {
            i += 3;
            continue;
        }
        if (text[i] == '*' || text[i] == '?') {
            return true;
        }
    }
    return false;
}

class ConditionValueType final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            for (const Condition& condition : statement.conditions) {
                check_condition(context, condition);
            }
        }
    }

private:
    static void check_condition(RuleContext& context, const Condition& condition) {
        // An unknown operator is IOT401's; a mis-cased one is checked as the operator it spells.
        const catalog::ConditionOperator* op = spelled_operator(condition);
        if (op == nullptr) {
            return;
        }
        const catalog::OperatorFamily family = op->family;
        const bool takes_variables =
            family == catalog::OperatorFamily::string || family == catalog::OperatorFamily::arn;

        check_key_type(context, condition, *op);

        std::vector<std::string> texts;
        for (const ConditionValue& value : condition.values) {
            texts.push_back(value.text);
        }
        const CompiledCondition compiled = CompiledCondition::compile(op->name, std::span<const std::string>(texts));
        std::vector<bool> converts(texts.size(), true);
        for (const ConditionProblem& problem : compiled.problems()) {
            if (problem.value_index && *problem.value_index < converts.size()) {
                converts[*problem.value_index] = false;
            }
        }

        for (std::size_t i = 0; i < condition.values.size(); ++i) {
            const ConditionValue& value = condition.values[i];
            const std::string_view text = value.text;
            if (family == catalog::OperatorFamily::boolean && i > 0) {
                context.report(RuleId::IOT403, Severity::error, value.span,
                               fmt::format("a Bool condition takes one value; with several the result is undocumented "
                                           "(IAM Access Analyzer: \"Invalid condition multiple Boolean\"); keep only "
                                           "\"true\" or \"false\""));
                continue;
            }
            if (!takes_variables && text.find("${") != std::string_view::npos) {
                // Variables only in String and ARN values (spec vars §1); Bool is contradictory (R0).
                const bool boolean = family == catalog::OperatorFamily::boolean;
                context.report(RuleId::IOT403, boolean ? Severity::warning : Severity::error, value.span,
                               boolean ? fmt::format("\"{}\": whether variables are substituted in Bool values is "
                                                     "contradictory in AWS's documentation, so the comparison is "
                                                     "UNKNOWN (spec vars §1); write \"true\" or \"false\"",
                                                     text)
                                       : fmt::format("\"{}\": {} operators never substitute policy variables, so the "
                                                     "value is the literal text, which does not convert and makes "
                                                     "the comparison UNKNOWN (spec vars §1, §7.7)",
                                                     text, family_name(family)));
                continue;
            }
            if (!converts[i]) {
                context.report(RuleId::IOT403, Severity::error, value.span, conversion_message(*op, text));
                continue;
            }
            if (family == catalog::OperatorFamily::ip_address && text.find(':') != std::string_view::npos &&
                text.find('/') == std::string_view::npos) {
                context.report(RuleId::IOT403, Severity::warning, value.span,
                               fmt::format("\"{}\" is an IPv6 address without a prefix length; whether AWS reads it as "
                                           "/128 is undocumented, so comparisons with it are UNKNOWN (spec vars "
                                           "§7.6); write \"{}/128\"",
                                           text, text));
                continue;
            }
            if (family == catalog::OperatorFamily::string && !op->wildcards && value.kind == JsonKind::string &&
                has_wildcard(text)) {
                context.report(RuleId::IOT403, Severity::warning, value.span,
                               fmt::format("\"{}\" contains * or ?, which {} compares as literal characters (IAM "
                                           "Access Analyzer: \"Wildcard without like operator\"); use {} if they are "
                                           "meant as wildcards",
                                           text, op->name, op->negated.value_or(false) ? "StringNotLike" : "StringLike"));
            }
        }
    }

    static std::string conversion_message(const catalog::ConditionOperator& op, std::string_view text) {
        switch (op.family) {
        case catalog::OperatorFamily::boolean:
        case catalog::OperatorFamily::null:
            return fmt::format("\"{}\" is not true or false: how {} reads it is undocumented, so the comparison is "
                               "UNKNOWN (spec vars §7.6, §7.7); write \"{}\"",
                               text, op.name,
                               text.size() > 0 && (text[0] == 'f' || text[0] == 'F' || text[0] == '0') ? "false"
                                                                                                        : "true");
        case catalog::OperatorFamily::numeric:
            return fmt::format("\"{}\" is not a number, so {} cannot compare it and the result is UNKNOWN (spec vars "
                               "§7.7; IAM Access Analyzer: \"Type mismatch\")",
                               text, op.name);
        case catalog::OperatorFamily::date:
            return fmt::format("\"{}\" is not a date {} understands (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.s]]"
                               " with Z or ±hh:mm, or integer epoch seconds), so the comparison is UNKNOWN (spec vars "
                               "§7.6, §7.7)",
                               text, op.name);
        case catalog::OperatorFamily::ip_address:
            return fmt::format("\"{}\" is not an IPv4 or IPv6 address or CIDR block, so {} cannot compare it and the "
                               "result is UNKNOWN (spec vars §7.6, §7.7)",
                               text, op.name);
        case catalog::OperatorFamily::arn:
            return fmt::format("\"{}\" is not an ARN (six ':'-separated components), so {} matches nothing with it "
                               "and the comparison is UNKNOWN (spec vars §7.6, §7.7)",
                               text, op.name);
        default:
            return fmt::format("\"{}\" does not convert for {} (spec vars §7.7)", text, op.name);
        }
    }

    /// The operator's family against the families the key's values suit (variables[].operatorFamilies).
    static void check_key_type(RuleContext& context, const Condition& condition, const catalog::ConditionOperator& op) {
        if (op.family == catalog::OperatorFamily::null) {
            return;  // Null tests presence, whatever the key's type
        }
        const auto match = catalog::match_policy_variable(condition.key.value);
        if (!match || match->variable->operator_families.empty()) {
            return;  // an unknown key is IOT402's
        }
        for (const catalog::OperatorFamily family : match->variable->operator_families) {
            if (family == op.family) {
                return;
            }
        }
        std::string suited;
        for (const catalog::OperatorFamily family : match->variable->operator_families) {
            suited += suited.empty() ? "" : ", ";
            suited += family_name(family);
        }
        context.report(RuleId::IOT403, Severity::warning, condition.key.span,
                       fmt::format("{} is compared with {} (family {}), but its values suit {} operators; the "
                                   "request's value does not convert and the comparison is UNKNOWN (IAM Access "
                                   "Analyzer: \"Type mismatch\")",
                                   condition.key.value, op.name, family_name(op.family), suited));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT403>() {
    return std::make_unique<ConditionValueType>();
}

}  // namespace iotpolicy::lint
