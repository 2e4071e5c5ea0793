// IOT207 reserved-topic-access: an Allow that reaches `$aws/things/` reserved topics of other things, or retains on
// reserved topics (spec §6.2; actions-and-resources.md §4.1, §8).
//
// Division with IOT202 (wildcard-resource), so one entry is never reported twice for one reason: IOT202 reports
// topic/topicfilter names whose text before the first wildcard is a prefix of `$aws/things/` (`*`, `$aws/*`,
// `$aws/things/*`, `$aws/things/+/shadow/update`): every device. This rule reports the names with a literal
// `$aws/things/` prefix and a wildcard inside the thing-name level after some literal text
// (`$aws/things/sensor-*/shadow/update`, `$aws/things/dev-??/jobs/notify`): the shadows and jobs of every thing
// whose name fits, other devices' included. Error, as Device Defender's IOT_POLICY_OVERLY_PERMISSIVE_CHECK
// (Critical). iot:Receive is never counted (spec §6.2: compliant even on `topic/$aws/things/*`).
// Separately, iot:RetainPublish on a topic name that starts with `$` is a warning: retain is not supported on
// reserved topics (actions-and-resources.md §4.1, §8), so the grant is dead or the device will be disconnected.
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "src/lint/action_coverage.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/topic_scope.hpp"
#include "src/support/find_any_of.hpp"

namespace iotpolicy::lint {

namespace {

struct Granted {
    bool publish = false;
    bool subscribe = false;
    bool retain = false;
};

Granted granted_actions(const ElementList& list) {
    const ActionMatcher allowed(list);
    return {allowed.reaches("iot:Publish"), allowed.reaches("iot:Subscribe"), allowed.reaches("iot:RetainPublish")};
}

class ReservedTopicAccess final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            if (!is_allow_on_listed_resources(statement)) {
                continue;
            }
            const Granted granted = granted_actions(*statement.action);
            if (!granted.publish && !granted.subscribe && !granted.retain) {
                continue;
            }
            for (const Spanned<std::string>& value : statement.resource->values) {
                check_entry(context, granted, value);
            }
        }
    }

private:
    static void check_entry(RuleContext& context, const Granted& granted, const Spanned<std::string>& value) {
        const ParsedArn& parsed = context.arn(value.value);
        if (parsed.is_any || !parsed.problems.empty() ||
            (parsed.kind != ArnResourceKind::topic && parsed.kind != ArnResourceKind::topicfilter)) {
            return;
        }
        const bool filter = parsed.kind == ArnResourceKind::topicfilter;
        const std::string_view name(value.value.data() + parsed.parts.resource_name.begin,
                                    parsed.parts.resource_name.end - parsed.parts.resource_name.begin);
        std::string actions;
        if (filter) {
            actions = granted.subscribe ? "iot:Subscribe" : "";
        } else {
            actions = granted.publish ? "iot:Publish" : "";
            if (granted.retain) {
                actions += actions.empty() ? "iot:RetainPublish" : " and iot:RetainPublish";
            }
        }
        if (actions.empty()) {
            return;
        }
        if (const auto thing = partial_thing_wildcard(name)) {
            const std::string_view literal = thing->substr(0, detail::find_any_of(*thing, "*?"));
            context.report(RuleId::IOT207, Severity::error, value.span,
                           fmt::format("'{}/{}' lets any device holding this policy use {} on the reserved shadow "
                                       "and job topics of every thing whose name matches '{}' (all that start with "
                                       "'{}'), not only its own, so one compromised device can {} other devices' "
                                       "shadows and jobs (spec §6.2, Device Defender "
                                       "IOT_POLICY_OVERLY_PERMISSIVE_CHECK); use "
                                       "'{}/$aws/things/${{iot:Connection.Thing.ThingName}}/...'",
                                       filter ? "topicfilter" : "topic", name, actions, *thing, literal,
                                       filter ? "read" : "rewrite", filter ? "topicfilter" : "topic"));
            return;
        }
        if (!filter && granted.retain && name.starts_with("$")) {
            context.report(RuleId::IOT207, Severity::warning, value.span,
                           fmt::format("iot:RetainPublish on 'topic/{}': AWS IoT does not support retained "
                                       "messages on reserved ($) topics (actions-and-resources.md §4.1, §8), so a "
                                       "retained publish there fails and may drop the connection; grant "
                                       "RetainPublish only on the device's own non-reserved topics",
                                       name));
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT207>() {
    return std::make_unique<ReservedTopicAccess>();
}

}  // namespace iotpolicy::lint
