// IOT401 unknown-condition-operator: a condition operator name that the catalog does not know, in another letter
// case, with a misspelt set qualifier, with IfExists on Null, with a set qualifier on a family where it is
// undocumented, without a set qualifier on a multi-valued key, or with one on a single-valued key (spec vars §7.3,
// §7.4, §7.5; iot-policy-semantics.md §7.1: "Invalid condition operator", "Null with if exists", "ForAllValues with
// single valued key").
#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "src/lint/rule.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

namespace {

constexpr std::array<std::string_view, 2> k_qualifiers{"ForAnyValue", "ForAllValues"};

std::vector<std::string_view> operator_names() {
    std::vector<std::string_view> names;
    for (const catalog::ConditionOperator& op : catalog::condition_operators()) {
        names.push_back(op.name);
    }
    return names;
}

class UnknownConditionOperator final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            for (const Condition& condition : statement.conditions) {
                check_operator(context, statement, condition);
            }
        }
    }

private:
    static void check_operator(RuleContext& context, const Statement& statement, const Condition& condition) {
        const std::string_view written = condition.operator_name.value;
        const Span span = condition.operator_name.span;
        std::string_view rest = written;

        // The set qualifier: anything before a ':' (split_operator_name only knows the exact spellings).
        if (const std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
            const std::string_view prefix = rest.substr(0, colon);
            if (prefix != k_qualifiers[0] && prefix != k_qualifiers[1]) {
                const auto nearest = detail::nearest_name(prefix, k_qualifiers);
                context.report(RuleId::IOT401, Severity::error, span,
                               fmt::format("\"{}\" is not a set qualifier: IAM knows only ForAnyValue: and "
                                           "ForAllValues:, so the operator \"{}\" is unknown and the condition can "
                                           "never be evaluated (spec vars §7.5){}",
                                           prefix, written,
                                           nearest ? fmt::format("; did you mean {}:?", *nearest) : std::string()));
                return;
            }
            rest.remove_prefix(colon + 1);
        }

        // The base operator, with or without IfExists, exactly or ignoring case.
        const catalog::ConditionOperator* exact = catalog::find_condition_operator(condition.base_operator);
        if (exact == nullptr) {
            std::string_view base = rest;
            bool if_exists = false;
            constexpr std::string_view k_if_exists = "IfExists";
            if (base.size() > k_if_exists.size() &&
                detail::equals_ignoring_case(base.substr(base.size() - k_if_exists.size()), k_if_exists)) {
                const catalog::ConditionOperator* stripped =
                    catalog::find_condition_operator_ignoring_case(base.substr(0, base.size() - k_if_exists.size()));
                if (stripped != nullptr) {
                    base.remove_suffix(k_if_exists.size());
                    if_exists = true;
                }
            }
            if (const catalog::ConditionOperator* folded = catalog::find_condition_operator_ignoring_case(base)) {
                const std::string canonical = fmt::format(
                    "{}{}{}",
                    condition.qualifier == SetQualifier::for_any_value    ? "ForAnyValue:"
                    : condition.qualifier == SetQualifier::for_all_values ? "ForAllValues:"
                                                                          : "",
                    folded->name, if_exists ? "IfExists" : "");
                context.report(RuleId::IOT401, Severity::error, span,
                               fmt::format("\"{}\" differs from the operator \"{}\" only in letter case; operator "
                                           "names are matched exactly (unlike key names), so the condition is "
                                           "unknown and an Allow it guards grants nothing; write \"{}\"",
                                           written, canonical, canonical));
                return;
            }
            static const std::vector<std::string_view> names = operator_names();
            const auto nearest = detail::nearest_name(base, names);
            context.report(RuleId::IOT401, Severity::error, span,
                           fmt::format("\"{}\" is not a condition operator: the condition can never be evaluated, so "
                                       "an Allow it guards grants nothing and a Deny always applies; {}",
                                       written,
                                       nearest ? fmt::format("did you mean {}?", *nearest)
                                               : std::string("see `iotpolicy rules IOT401` for the operators")));
            return;
        }

        if (condition.if_exists && !exact->if_exists) {
            // "Null with if exists" (Access Analyzer error; spec vars §7.3, §7.4).
            context.report(RuleId::IOT401, Severity::error, span,
                           fmt::format("{} takes no IfExists suffix: Null already tests whether the key is present, "
                                       "and IAM Access Analyzer rejects \"Null with if exists\"; write \"{}\"",
                                       exact->name, exact->name));
            return;
        }
        if (condition.qualifier != SetQualifier::none && !exact->set_qualifiers) {
            // Documented for String, ARN and Bool only (spec vars §7.5); elsewhere R0.
            context.report(RuleId::IOT401, Severity::warning, span,
                           fmt::format("set qualifiers are documented only for String, ARN and Bool operators, not "
                                       "for {}: how \"{}\" evaluates is unknown, so an Allow it guards grants "
                                       "nothing and a Deny always applies (spec vars §7.5)",
                                       exact->name, written));
            return;
        }
        check_qualifier_for_key(context, statement, condition, *exact);
    }

    /// Set qualifiers belong to multi-valued keys and only there (spec vars §7.5). Null tests presence and takes no
    /// qualifier either way; an unknown key is IOT402's.
    static void check_qualifier_for_key(RuleContext& context, const Statement& statement, const Condition& condition,
                                        const catalog::ConditionOperator& op) {
        if (op.family == catalog::OperatorFamily::null) {
            return;
        }
        const auto match = catalog::match_policy_variable(condition.key.value);
        if (!match) {
            return;
        }
        const std::string_view key = condition.key.value;
        const std::string_view written = condition.operator_name.value;
        if (match->variable->multi_valued && condition.qualifier == SetQualifier::none) {
            // AWS only says a set operator is required; what a plain operator does with several values is
            // undocumented, so the simulator decides only when both set readings agree (R0).
            context.report(RuleId::IOT401, Severity::error, condition.operator_name.span,
                           fmt::format("{} is multi-valued, and a plain \"{}\" on it is undocumented: AWS requires a "
                                       "set qualifier, so the result is UNKNOWN whenever the request carries values "
                                       "the two readings disagree on, and an Allow it guards grants nothing then "
                                       "(spec vars §7.5); write \"ForAnyValue:{}\" (some value matches) or "
                                       "\"ForAllValues:{}\" (every value matches)",
                                       key, written, written, written));
            return;
        }
        if (match->variable->multi_valued || condition.qualifier == SetQualifier::none) {
            return;
        }
        const std::string_view plain = written.substr(written.find(':') + 1);
        const bool allow = statement.effect && statement.effect->value == Effect::allow;
        if (condition.qualifier == SetQualifier::for_all_values && allow && !requires_key(statement, key)) {
            context.report(RuleId::IOT401, Severity::warning, condition.operator_name.span,
                           fmt::format("ForAllValues on the single-valued key {} is true when the key is absent (an "
                                       "empty set), so this Allow also grants requests without {} (IAM Access "
                                       "Analyzer: \"ForAllValues with single valued key\", spec vars §7.5); write "
                                       "\"{}\", or add \"Null\": {{\"{}\": \"false\"}}",
                                       key, key, plain, key));
            return;
        }
        context.report(RuleId::IOT401, Severity::warning, condition.operator_name.span,
                       fmt::format("{} is single-valued, so \"{}\" compares a one-element set, which can lead to "
                                   "overly permissive policies (spec vars §7.5: an absent key is the empty set); "
                                   "write \"{}\"",
                                   key, written, plain));
    }

    /// Whether `statement` has `"Null": {key: "false"}`, AWS's guard against ForAllValues on an absent key.
    static bool requires_key(const Statement& statement, std::string_view key) {
        for (const Condition& other : statement.conditions) {
            if (other.operator_name.value == "Null" && detail::equals_ignoring_case(other.key.value, key) &&
                other.values.size() == 1 && other.values[0].text == "false") {
                return true;
            }
        }
        return false;
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT401>() {
    return std::make_unique<UnknownConditionOperator>();
}

}  // namespace iotpolicy::lint
