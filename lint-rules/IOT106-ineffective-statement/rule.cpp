// IOT106 ineffective-statement: a statement that can never grant (Allow) or block (Deny) anything, and a Deny
// Subscribe that does not stop delivery (spec §2.2, §3.2, §3.3, §6.3; actions-and-resources.md §3, §4).
//
// Three findings, each sound (a statement is called ineffective only when it is, under every reading of R0):
//   - no action it names is ever checked against any of its resources (Subscribe on topic/ only): reported once
//     at the statement's Sid or Effect; IOT102 reports each mismatched entry. An entry whose type is not certain
//     (`*`, a wildcard or variable before the type word, a malformed ARN) may match any action, so the statement is
//     then left alone; so is one naming no known action (IOT101's);
//   - an Allow whose every Action × Resource pair is also denied by one unconditional Deny of the same policy. A
//     Deny with conditions overrides only sometimes, and is not counted;
//   - Device Defender TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS (spec §6.3, §3.3, §9 #8): a Deny
//     Subscribe on a topicfilter/ pattern strictly narrower than an allowed Subscribe pattern, with no Deny Receive
//     on the same pattern as topic/. Subscribing to the broader filter still delivers the denied topics. Reported at
//     the Deny's entry. The Receive Deny counts when it is unconditional or has the very same Condition block as the
//     Subscribe Deny; whether the topics are allowed for Receive at all is not asked (spec silent; another policy of
//     the principal may allow it, so the more restrictive reading warns). Entries with '+'/'#' are IOT105's.
// Assumption (spec §0 R0/R1, the spec is silent): a resource-less action (iot:ListRetainedMessages `*`,
// iot:ListNamedShadowsForThing under its `*` reading) and an unlisted API without a resource type may be checked
// against any entry, so they never make a statement ineffective.
// Not done: an Allow whose every entry holds a variable that never resolves for the configured fleet (the brief's
// case c): resolution depends on the connection (thing attachment, certificate fields), so it is not certain.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/wildcard.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/statement_reach.hpp"
#include "src/support/find_any_of.hpp"

namespace iotpolicy::lint {

namespace {

/// Type words joined for a message: "topic and topicfilter".
std::string kind_words(unsigned mask) {
    std::string out;
    for (std::size_t k = 0; k < reach::k_kinds.size(); ++k) {
        if ((mask & (1U << k)) == 0) {
            continue;
        }
        if (!out.empty()) {
            out += (mask >> (k + 1)) == 0 ? " and " : ", ";
        }
        out += arn_resource_kind_name(reach::k_kinds[k]);
    }
    return out;
}

class IneffectiveStatement final : public Rule {
public:
    void check(RuleContext& context) const override {
        const auto statements = context.statements();
        for (const Statement& statement : statements) {
            if (!reach::is_plain(statement)) {
                continue;
            }
            if (check_types(context, statement)) {
                continue;  // one finding per statement
            }
            if (reach::is_effect(statement, Effect::allow)) {
                check_overridden(context, statement, statements);
            }
        }
        for (const Statement& statement : statements) {
            if (reach::is_readable_deny(statement)) {
                check_subscribe_deny(context, statement, statements);
            }
        }
    }

private:
    /// Reports a statement none of whose actions is checked against any of its resources; true when it did.
    static bool check_types(RuleContext& context, const Statement& statement) {
        const auto mismatch = reach::type_mismatch(context, statement);
        if (!mismatch) {
            return false;
        }
        const bool allow = statement.effect->value == Effect::allow;
        context.report(RuleId::IOT106, Severity::warning, reach::statement_anchor(statement),
                       fmt::format("this {} {} nothing: its actions are checked only against {} ARNs, but its "
                                   "Resource entries are all {} ARNs, so no request ever matches both (IOT102 points at "
                                   "each entry); give each action the resource type it is checked against "
                                   "(actions-and-resources.md §3, §4), e.g. iot:Subscribe on topicfilter/, iot:Publish "
                                   "and iot:Receive on topic/, iot:Connect on client/",
                                   allow ? "Allow" : "Deny", allow ? "grants" : "blocks", kind_words(mismatch->wanted),
                                   kind_words(mismatch->resources)));
        return true;
    }

    static void check_overridden(RuleContext& context, const Statement& allow, std::span<const Statement> statements) {
        const std::vector<const Statement*> denies = reach::overriding_denies(allow, statements);
        if (denies.empty()) {
            return;
        }
        std::string names;
        for (const Statement* deny : denies) {
            names += names.empty() ? "" : (deny == denies.back() ? " and " : ", ");
            names += reach::statement_name(context.source(), *deny);
        }
        context.report(RuleId::IOT106, Severity::warning, reach::statement_anchor(allow),
                       fmt::format("this Allow grants nothing: every action and resource it lists is also denied, "
                                   "without conditions, by {}, and an explicit Deny overrides every Allow (spec "
                                   "§2.2); remove this statement, or narrow the Deny if these requests were meant to "
                                   "be allowed",
                                   names));
    }

    /// TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS, for each topicfilter/ entry of a Deny Subscribe.
    static void check_subscribe_deny(RuleContext& context, const Statement& deny,
                                     std::span<const Statement> statements) {
        if (!reach::list_names_action(*deny.action, "iot:Subscribe")) {
            return;
        }
        for (const Spanned<std::string>& entry : deny.resource->values) {
            const ParsedArn& parsed = context.arn(entry.value);
            if (parsed.kind != ArnResourceKind::topicfilter || !parsed.problems.empty() ||
                detail::find_any_of(entry.value, "+#", parsed.parts.resource_name.begin) != std::string::npos) {
                continue;  // other types, malformed ARNs (IOT103), literal MQTT wildcards (IOT105)
            }
            const Statement* wider_statement = nullptr;
            std::string_view wider;
            for (const Statement& allow : statements) {
                if (!reach::is_plain(allow) || !reach::is_effect(allow, Effect::allow) ||
                    !reach::list_names_action(*allow.action, "iot:Subscribe")) {
                    continue;
                }
                for (const Spanned<std::string>& granted : allow.resource->values) {
                    if (wider_statement == nullptr && pattern_includes(entry.value, granted.value) &&
                        !pattern_includes(granted.value, entry.value)) {
                        wider_statement = &allow;
                        wider = granted.value;
                    }
                }
            }
            if (wider_statement == nullptr) {
                continue;
            }
            // The same pattern as a topic/ ARN: what a Deny Receive must cover.
            const Span type = parsed.parts.resource_type;
            std::string topic = entry.value.substr(0, type.begin) + "topic" + entry.value.substr(type.end);
            const bool receive_denied = std::any_of(statements.begin(), statements.end(), [&](const Statement& s) {
                return reach::is_readable_deny(s) && (s.conditions.empty() || reach::same_conditions(s, deny)) &&
                       reach::list_names_action(*s.action, "iot:Receive") &&
                       std::any_of(s.resource->values.begin(), s.resource->values.end(),
                                   [&](const Spanned<std::string>& r) {
                                       return reach::resource_includes(topic, r.value, false);
                                   });
            });
            if (receive_denied) {
                continue;
            }
            const std::string_view name(entry.value.data() + parsed.parts.resource_name.begin,
                                        parsed.parts.resource_name.end - parsed.parts.resource_name.begin);
            context.report(RuleId::IOT106, Severity::warning, entry.span,
                           fmt::format("this Deny stops subscriptions to the filters '{}' matches, but {} allows "
                                       "iot:Subscribe on the wider '{}': a client subscribing to a wider filter "
                                       "there (e.g. '#') still receives every message on the denied topics, since "
                                       "each delivery is checked only with iot:Receive on the topic (spec §3.3, "
                                       "§6.3; Device Defender TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS); "
                                       "also deny iot:Receive on '{}'",
                                       name, reach::statement_name(context.source(), *wider_statement), wider,
                                       topic));
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT106>() {
    return std::make_unique<IneffectiveStatement>();
}

}  // namespace iotpolicy::lint
