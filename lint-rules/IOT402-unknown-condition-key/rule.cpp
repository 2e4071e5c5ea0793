// IOT402 unknown-condition-key: a condition key that is never in the request context of an AWS IoT Core policy
// (spec vars §1 "Unknown names", §3 "Verified absent or elsewhere", §7.1, §7.2; policy-variables.json
// notForIoTCorePolicies, checkedButNotDocumented, iamControlPlaneConditionKeys).
//
// Known keys: the policy variables (catalog::match_policy_variable, which also reads `Attributes[name]`, `.N` and
// `.List` forms) and the action-specific keys of iot-actions.json (iot:ConnectAttributes, iot:LastWillTopic,
// iot:JobId). Condition key names are case-insensitive in IAM (spec vars §7.1), but unclear for AWS IoT's own keys,
// where R0 lets an Allow using another spelling grant nothing (spec vars §1): a known key in another letter case is
// a warning naming the documented spelling, never "unknown".
// Keys the data lists as belonging elsewhere get their own message: foreign keys (credentials-iot:…, aws:SourceArn),
// control-plane keys of IAM policies (iot:ClientMode, aws:ResourceTag/…) and keys looked for and not documented
// (aws:CurrentTime, mqtt:…). Any other key is unknown, with the nearest known name: an error for an `iot:` key
// (CreatePolicy rejects unsupported iot: variables, spec vars §1 and semantics §7.2, and the spec applies the same
// level to keys, choosing the more restrictive reading where it is silent), a warning otherwise (spec vars §1).
// Each message says what the absent key does to its condition, computed by the condition evaluator (spec vars
// §7.2-§7.5: a positive operator never matches, a negated operator, IfExists and ForAllValues always do).
// Not this rule's: a known key that is absent for the statement's actions (IOT404), operators (IOT401), values
// (IOT403).
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "iotpolicy/condition.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/variable_spelling.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

namespace {

using detail::equals_ignoring_case;
using detail::starts_with_ignoring_case;

/// Whether `key` is the name `name` of the data, where `${…}` in a name (aws:ResourceTag/${TagKey}) or a trailing
/// "…" (mqtt:…) stands for any text.
bool names_key(std::string_view name, std::string_view key) {
    const std::size_t open = std::min(name.find("${"), name.find("…"));
    if (open == std::string_view::npos) {
        return equals_ignoring_case(name, key);
    }
    return key.size() > open && starts_with_ignoring_case(key, name.substr(0, open));
}

/// The action-specific key of iot-actions.json spelled `key` ignoring case, if any.
std::optional<std::string_view> find_action_key(std::string_view key) {
    for (const catalog::Action& action : catalog::actions()) {
        for (const std::string_view name : action.condition_keys) {
            if (equals_ignoring_case(name, key)) {
                return name;
            }
        }
    }
    return std::nullopt;
}

/// Whether the prose name of a checkedButNotDocumented entry covers `key`. The names list keys separated by " / "
/// or ", ", with asides in parentheses: "aws:username / aws:userid / aws:PrincipalArn",
/// "iot:Certificate.Validity.NotBefore / NotAfter" (the second shares the first's prefix up to its last '.'),
/// "MQTT 5 keys (mqtt:…, user properties, session expiry)". Every word with a ':' is a key name.
bool undocumented_entry_covers(std::string_view prose, std::string_view key) {
    std::string_view previous;
    bool after_slash = false;
    std::size_t i = 0;
    while (i < prose.size()) {
        const std::size_t end = std::min(prose.find_first_of(" ,()", i), prose.size());
        const std::string_view word = prose.substr(i, end - i);
        i = end + 1;
        if (word == "/") {
            after_slash = true;
            continue;
        }
        if (word.find(':') != std::string_view::npos) {
            if (names_key(word, key)) {
                return true;
            }
            previous = word;
        } else if (after_slash && !word.empty() && !previous.empty()) {
            const std::size_t dot = previous.rfind('.');
            if (dot != std::string_view::npos && key.size() == dot + 1 + word.size() &&
                starts_with_ignoring_case(key, previous.substr(0, dot + 1)) &&
                equals_ignoring_case(key.substr(dot + 1), word)) {
                return true;
            }
        }
        if (!word.empty()) {
            after_slash = false;
        }
    }
    return false;
}

/// Every name a misspelt key may have meant: the variables (templates included) and the action-specific keys.
const std::vector<std::string_view>& known_key_names() {
    static const std::vector<std::string_view> names = [] {
        const auto variables = catalog::policy_variable_names();
        std::vector<std::string_view> all(variables.begin(), variables.end());
        for (const catalog::Action& action : catalog::actions()) {
            for (const std::string_view key : action.condition_keys) {
                if (std::find(all.begin(), all.end(), key) == all.end()) {
                    all.push_back(key);
                }
            }
        }
        return all;
    }();
    return names;
}

/// What the key's absence does to `condition` in `statement`, as a clause: evaluated by the condition evaluator
/// with the key absent (spec vars §7.2-§7.5).
std::string absent_outcome(const Statement& statement, const Condition& condition) {
    std::vector<std::string_view> values;
    for (const ConditionValue& value : condition.values) {
        values.push_back(value.text);
    }
    const CompiledCondition compiled =
        CompiledCondition::compile(condition.operator_name.value, std::span<const std::string_view>(values));
    if (compiled.base() == nullptr || !compiled.problems().empty()) {
        return "so the condition tests a key that is never there";  // the operator or values are IOT401/IOT403's
    }
    const bool deny = statement.effect && statement.effect->value == Effect::deny;
    switch (compiled.evaluate({}, KeyPresence::absent)) {
    case Truth::yes:
        return fmt::format("so {} {} is always true and restricts nothing", condition.operator_name.value,
                           condition.key.value);
    case Truth::no:
        return deny ? fmt::format("so {} is never true and this Deny never applies", condition.operator_name.value)
                    : fmt::format("so {} is never true and this statement grants nothing",
                                  condition.operator_name.value);
    case Truth::unknown: break;
    }
    return "so whether the condition holds is UNKNOWN (spec §0.2 R0)";
}

class UnknownConditionKey final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            for (const Condition& condition : statement.conditions) {
                check_key(context, statement, condition);
            }
        }
    }

private:
    static void check_key(RuleContext& context, const Statement& statement, const Condition& condition) {
        const std::string_view key = condition.key.value;
        const Span span = condition.key.span;

        std::optional<std::string> documented;
        if (const auto match = catalog::match_policy_variable(key)) {
            if (match->canonical_spelling) {
                return;
            }
            documented = documented_spelling(*match);
        } else if (const auto action_key = find_action_key(key)) {
            if (*action_key == key) {
                return;
            }
            documented = std::string(*action_key);
        }
        if (documented) {
            context.report(RuleId::IOT402, Severity::warning, span,
                           fmt::format("\"{}\" differs from the documented condition key \"{}\" only in letter case: "
                                       "IAM compares key names ignoring case, but AWS IoT does not promise to, so an "
                                       "Allow using this spelling may grant nothing (spec vars §1, §7.1); write "
                                       "\"{}\"",
                                       key, *documented, *documented));
            return;
        }

        const std::string outcome = absent_outcome(statement, condition);
        for (const catalog::ForeignKey& foreign : catalog::foreign_keys()) {
            if (equals_ignoring_case(foreign.name, key)) {
                context.report(RuleId::IOT402, Severity::warning, span,
                               fmt::format("\"{}\" is not in the request context of an AWS IoT Core policy: it belongs "
                                           "to {} ({}) and is never present when a device calls AWS IoT, {}; move the "
                                           "condition to that policy",
                                           key, foreign.where, foreign.why, outcome));
                return;
            }
        }
        for (const catalog::ControlPlaneKey& control : catalog::control_plane_keys()) {
            if (names_key(control.name, key)) {
                context.report(RuleId::IOT402, Severity::warning, span,
                               fmt::format("\"{}\" is an IAM condition key of the AWS IoT control plane (used by {}): "
                                           "it never appears in the request context of a device's connection "
                                           "(spec vars §3), {}; conditions on it belong in the IAM policies of the "
                                           "people and services that manage the fleet",
                                           key, control.actions, outcome));
                return;
            }
        }
        for (const catalog::UndocumentedKey& undocumented : catalog::undocumented_keys()) {
            if (undocumented_entry_covers(undocumented.name, key)) {
                report_undocumented(context, condition, undocumented, outcome);
                return;
            }
        }

        if (key.find("${") != std::string_view::npos) {
            return;  // a variable in a key name, which is never substituted: IOT302 reports the key
        }
        const auto nearest = detail::nearest_name(key, known_key_names());
        const std::string hint =
            nearest ? fmt::format("did you mean \"{}\"?", *nearest)
                    : std::string("the keys AWS IoT sets are the policy variables (`iotpolicy rules IOT301`) and "
                                  "iot:ConnectAttributes, iot:LastWillTopic");
        if (starts_with_ignoring_case(key, "iot:")) {
            context.report(RuleId::IOT402, Severity::error, span,
                           fmt::format("\"{}\" is not a condition key of AWS IoT Core policies: CreatePolicy rejects "
                                       "unsupported iot: names, and were it accepted the key would never be present, "
                                       "{} (spec vars §1, §7.2); {}",
                                       key, outcome, hint));
            return;
        }
        context.report(RuleId::IOT402, Severity::warning, span,
                       fmt::format("\"{}\" is not a condition key AWS IoT Core documents: it is never present in a "
                                   "device's request, {} (spec vars §1, §7.2); {}",
                                   key, outcome, hint));
    }

    static void report_undocumented(RuleContext& context, const Condition& condition,
                                    const catalog::UndocumentedKey& undocumented, const std::string& outcome) {
        const std::string_view key = condition.key.value;
        // `iot:Thing.X` is a slip in AWS's 2023 pub/sub examples for `iot:Connection.Thing.X` (spec vars §3).
        if (starts_with_ignoring_case(key, "iot:Thing.")) {
            const std::string fixed = fmt::format("iot:Connection.{}", key.substr(4));
            if (const auto match = catalog::match_policy_variable(fixed)) {
                context.report(RuleId::IOT402, Severity::error, condition.key.span,
                               fmt::format("\"{}\" is in no list of AWS IoT condition keys; it appears in a few older "
                                           "AWS examples as a slip for \"{}\" and is never present, {} (spec vars "
                                           "§3); write \"{}\"",
                                           key, documented_spelling(*match), outcome, documented_spelling(*match)));
                return;
            }
        }
        context.report(RuleId::IOT402, Severity::warning, condition.key.span,
                       fmt::format("\"{}\" is not documented for AWS IoT Core policies ({}); if AWS IoT does not set "
                                   "it, the key is absent, {} (spec vars §3, §8)",
                                   key, undocumented.finding, outcome));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT402>() {
    return std::make_unique<UnknownConditionKey>();
}

}  // namespace iotpolicy::lint
