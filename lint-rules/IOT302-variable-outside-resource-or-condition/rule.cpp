// IOT302 variable-outside-resource-or-condition: a `${…}` in an element where AWS IoT never substitutes policy
// variables (spec vars §1 "Never substituted in Action/NotAction, Effect, Sid, operator names or condition key
// names"; iot-policy-semantics.md §7.1, Access Analyzer's "Variable unsupported in element").
//
// Boundaries, so that one mistake is reported once:
// - Resource / NotResource entries and String / ARN condition values are where variables ARE substituted
//   (src/lint/variable_sites.hpp); their `${…}` belong to IOT301, IOT304 and IOT305.
// - A `${…}` before the resource part of an ARN is IOT103's; one in a Numeric, Date, Bool, IpAddress, Binary or Null
//   value ("Invalid variable for operator") is IOT403's.
// - A `${…}` in Effect, Version or an operator name makes that value invalid, which IOT005, IOT004 and IOT401 report.
// - The policy's Id is no IoT policy element at all (IOT003 says to remove it): a `${…}` in it is not reported
//   again.
// What is left, and reported here: Action / NotAction entries, condition key names and Sid.
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "src/lint/rule.hpp"
#include "src/lint/variable_sites.hpp"

namespace iotpolicy::lint {

namespace {

/// Calls `visit(Span range)` for each `${…}` in `text`, as a byte range of `text`: from `${` to the next `}`, or to
/// the end when none closes it. Escapes such as `${*}` are included: outside the substitution sites they are
/// literal text too.
template <typename Visit>
void for_each_variable(std::string_view text, Visit&& visit) {
    std::size_t at = text.find("${");
    while (at != std::string_view::npos) {
        const std::size_t close = text.find('}', at + 2);
        const std::size_t end = close == std::string_view::npos ? text.size() : close + 1;
        visit(Span{static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(end)});
        at = text.find("${", end);
    }
}

bool is_allow(const Statement& statement) {
    return statement.effect && statement.effect->value == Effect::allow;
}

class VariableOutsideResourceOrCondition final : public Rule {
public:
    void check(RuleContext& context) const override {
        const SourceFile& source = context.source();
        for (const Statement& statement : context.statements()) {
            if (statement.sid) {
                report_label(context, "Sid", *statement.sid);
            }
            if (statement.action) {
                const std::string_view element = statement.action->negated ? "NotAction" : "Action";
                for (const Spanned<std::string>& entry : statement.action->values) {
                    for_each_variable(entry.value, [&](Span range) {
                        const std::string_view variable =
                            std::string_view(entry.value).substr(range.begin, range.end - range.begin);
                        context.report(RuleId::IOT302, Severity::error, source_range(source, entry.span, range),
                                       fmt::format("AWS IoT never substitutes policy variables in {}: \"{}\" is the "
                                                   "literal text '{}', and no action name contains '$', so {} (spec "
                                                   "vars §1); name the actions themselves",
                                                   element, entry.value, variable,
                                                   action_consequence(statement)));
                    });
                }
            }
            for (const Condition& condition : statement.conditions) {
                const std::string& key = condition.key.value;
                for_each_variable(key, [&](Span range) {
                    context.report(RuleId::IOT302, Severity::error, source_range(source, condition.key.span, range),
                                   fmt::format("AWS IoT never substitutes policy variables in condition key names: "
                                               "\"{}\" is a literal key that no request carries, so {} always sees "
                                               "it absent (spec vars §1, §7.2); compare a fixed key with the "
                                               "variable as the value instead, e.g. {{\"StringEquals\": "
                                               "{{\"<key>\": \"{}\"}}}}",
                                               key, condition.operator_name.value,
                                               std::string_view(key).substr(range.begin, range.end - range.begin)));
                });
            }
        }
    }

private:
    /// What a literal, never-matching entry does to its statement.
    static std::string_view action_consequence(const Statement& statement) {
        const bool negated = statement.action->negated;
        if (is_allow(statement)) {
            return negated ? "the entry excludes nothing and the Allow grants every action the other entries do not "
                             "exclude"
                           : "the entry grants nothing";
        }
        return negated ? "the entry exempts nothing from the Deny" : "the entry denies nothing";
    }

    /// Sid is a label: a variable there changes no decision, but IAM Access Analyzer rejects it ("Variable
    /// unsupported in element") and readers may believe it is substituted.
    static void report_label(RuleContext& context, std::string_view element, const Spanned<std::string>& label) {
        for_each_variable(label.value, [&](Span range) {
            context.report(RuleId::IOT302, Severity::warning, source_range(context.source(), label.span, range),
                           fmt::format("AWS IoT never substitutes policy variables in {}: \"{}\" stays literal text, "
                                       "and IAM Access Analyzer reports \"Variable unsupported in element\" (spec vars "
                                       "§1, iot-policy-semantics.md §7.1); use a fixed label",
                                       element, label.value));
        });
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT302>() {
    return std::make_unique<VariableOutsideResourceOrCondition>();
}

}  // namespace iotpolicy::lint
