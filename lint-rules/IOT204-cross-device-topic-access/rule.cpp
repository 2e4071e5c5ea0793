// IOT204 cross-device-topic-access: an Allow whose Publish, Subscribe, retained-message or shadow/job grant reaches
// other devices' topics or things, at the per-device level the policy itself reveals (spec §6.2: "a device's policy
// should reach resources of that device and none or very few others").
//
// The per-device namespaces (`devices/${iot:Connection.Thing.ThingName}/...`, and in a fleet policy `$aws/things/`
// and `thing/`) and the division with IOT105, IOT202 and IOT207 are in src/lint/topic_scope.hpp:
//   - a wildcard at or before the device level (`devices/*/commands`, `dev*`, `devices/sensor-*/commands`,
//     `thing/sensor-*` in a fleet policy) reaches every device, or every one whose name fits: error, the class of
//     Device Defender's IOT_POLICY_OVERLY_PERMISSIVE_CHECK (Critical), which spec §6.2 extends to non-reserved topics;
//   - a wildcard beside the device's own name in any level (`devices/${iot:Connection.Thing.ThingName}*`,
//     `${iot:ClientId}-?/data`) reaches the devices whose names extend it: error, whether or not the policy
//     reveals a namespace;
//   - a literal other device's name at that level in a fleet policy (`devices/sensor-7/commands`,
//     `$aws/things/gateway-1/shadow/update`, `thing/gateway-1`) lets every device of the fleet reach that one: a
//     warning, since §6.2 calls named things compliant and only the fleet context makes them someone else's (R0).
// iot:Receive is never counted: delivery is gated by Subscribe, and §6.2 calls even `topic/$aws/things/*` compliant
// for Receive. Deny statements and NotResource (IOT206) are not judged.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "src/lint/action_coverage.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/string_spans.hpp"
#include "src/lint/topic_scope.hpp"

namespace iotpolicy::lint {

namespace {

using catalog::Action;

/// The actions whose grant on another device's topic or thing reaches that device.
bool reaches_devices(const Action& action) {
    const std::string_view type = action.resource_type->name;
    return action.name != "iot:Receive" && (type == "topic" || type == "topicfilter" || type == "thing");
}

/// What the actions on an entry let a device do to the other devices, for the message.
std::string consequence(ArnResourceKind kind, const std::vector<const Action*>& on_type) {
    if (kind == ArnResourceKind::topicfilter) {
        return "subscribe to, and so read, the messages on";
    }
    if (kind == ArnResourceKind::thing) {
        return "read or change the shadows and job executions of";
    }
    std::string out;
    for (std::size_t i = 0; i < on_type.size(); ++i) {
        const std::string_view verb = on_type[i]->name == "iot:Publish"         ? "publish to"
                                      : on_type[i]->name == "iot:RetainPublish" ? "leave retained messages on"
                                                                                : "read the retained messages of";
        out += (i == 0 ? "" : i + 1 == on_type.size() ? " and " : ", ") + std::string(verb);
    }
    return out;
}

std::string action_names(const std::vector<const Action*>& list) {
    std::string out;
    for (const Action* action : list) {
        out += (out.empty() ? "" : ", ") + std::string(action->name);
    }
    return out;
}

class CrossDeviceTopicAccess final : public Rule {
public:
    void check(RuleContext& context) const override {
        const DeviceNamespaces namespaces(context.statements());
        if (namespaces.anchors().empty() && !has_own_name_wildcard(context)) {
            return;  // no per-device level is known, and `thing/` needs a fleet policy (which adds `$aws/things/`)
        }
        for (const Statement& statement : context.statements()) {
            if (!is_allow_on_listed_resources(statement)) {
                continue;
            }
            // The actions are matched only once an entry crosses devices: most entries do not, and matching the
            // catalog is the expensive part.
            std::optional<std::vector<const Action*>> granted;
            for (const Spanned<std::string>& value : statement.resource->values) {
                check_entry(context, namespaces, statement, granted, value);
            }
        }
    }

private:
    /// Some topic or topic filter entry of an Allow puts a wildcard beside the device's own name, which IOT204
    /// reports with or without a namespace (own_name_wildcard). Asked only of policies without one.
    static bool has_own_name_wildcard(const RuleContext& context) {
        for (const Statement& statement : context.statements()) {
            if (!is_allow_on_listed_resources(statement)) {
                continue;
            }
            for (const Spanned<std::string>& value : statement.resource->values) {
                const std::optional<ScopedEntry> entry = scoped_entry(context.arn(value.value), value.value);
                if (entry && entry->kind != ArnResourceKind::thing && own_name_wildcard(entry->name)) {
                    return true;
                }
            }
        }
        return false;
    }

    static void check_entry(RuleContext& context, const DeviceNamespaces& namespaces, const Statement& statement,
                            std::optional<std::vector<const Action*>>& granted, const Spanned<std::string>& value) {
        const std::optional<ScopedEntry> entry = scoped_entry(context.arn(value.value), value.value);
        if (!entry) {
            return;
        }
        const CrossDevice cross = entry->kind == ArnResourceKind::thing
                                      ? cross_device_thing(entry->name, namespaces)
                                      : cross_device_topic(entry->name, entry->kind == ArnResourceKind::topicfilter,
                                                           namespaces);
        if (cross.kind != CrossDeviceKind::wildcard && cross.kind != CrossDeviceKind::own_name_wildcard &&
            cross.kind != CrossDeviceKind::literal) {
            return;
        }
        if (!granted) {
            granted = reached_catalog_actions(ActionMatcher(*statement.action), reaches_devices);
        }
        const std::string_view type = arn_resource_kind_name(entry->kind);
        std::vector<const Action*> on_type;
        for (const Action* action : *granted) {
            if (action->resource_type->name == type) {
                on_type.push_back(action);
            }
        }
        if (on_type.empty()) {
            return;
        }
        const Span where = string_part_span(context.source(), value.span, value.value,
                                            entry->name_offset + cross.begin, entry->name_offset + cross.end);
        const std::string_view part = entry->name.substr(cross.begin, cross.end - cross.begin);
        const std::string own = fmt::format("{}/{}{}", type, cross.anchor.prefix, cross.anchor.variable);
        if (cross.kind == CrossDeviceKind::own_name_wildcard) {
            const OwnNameWildcard& own_name = *cross.own_name;
            const std::string_view wildcard = entry->name.substr(cross.begin, 1);
            context.report(RuleId::IOT204, Severity::error, where,
                           fmt::format("'{}/{}' grants {} with '{}' beside the device's own name {}: the level also "
                                       "matches other devices whose names extend it ('sensor-1' reaches "
                                       "'sensor-10' and 'sensor-1-test'), so any device holding it can {} theirs "
                                       "(spec §3.2: a wildcard matches whatever stands beside the substituted name; "
                                       "spec §6.2); keep the variable alone in that level: '{}/{}{}{}'",
                                       type, entry->name, action_names(on_type), wildcard, own_name.variable,
                                       consequence(entry->kind, on_type), type,
                                       entry->name.substr(0, own_name.level_begin), own_name.variable,
                                       entry->name.substr(own_name.level_end)));
            return;
        }
        if (cross.kind == CrossDeviceKind::wildcard) {
            context.report(RuleId::IOT204, Severity::error, where,
                           fmt::format("'{}/{}' grants {} with '{}' where this policy names the device itself "
                                       "('{}'): any device holding it can {} every other {} under '{}/{}', so one "
                                       "compromised device reaches the whole fleet (spec §6.2, Device Defender "
                                       "IOT_POLICY_OVERLY_PERMISSIVE_CHECK); put '{}' at that level",
                                       type, entry->name, action_names(on_type), part, own,
                                       consequence(entry->kind, on_type),
                                       entry->kind == ArnResourceKind::thing ? "thing" : "device", type,
                                       cross.anchor.prefix, cross.anchor.variable));
            return;
        }
        context.report(RuleId::IOT204, Severity::warning, where,
                       fmt::format("'{}/{}' grants {} on the {} of '{}', while this fleet policy gives each device "
                                   "only its own ('{}'): every device holding it can {} '{}' (spec §6.2: a device's "
                                   "policy should reach its own resources); if '{}' is another device, give it a "
                                   "policy of its own instead, and keep shared topics out of the per-device levels",
                                   type, entry->name, action_names(on_type),
                                   entry->kind == ArnResourceKind::thing ? "shadows and jobs" : "topics", part, own,
                                   consequence(entry->kind, on_type), part, part));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT204>() {
    return std::make_unique<CrossDeviceTopicAccess>();
}

}  // namespace iotpolicy::lint
