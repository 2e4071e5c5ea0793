// IOT201 overly-broad-action: an Allow whose Action grants every IoT action, or a wildcard reaching many of them
// (spec §6.2 IOT_POLICY_OVERLY_PERMISSIVE_CHECK; actions §4.6, §6, §11).
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "iotpolicy/wildcard.hpp"
#include "src/lint/rule.hpp"
#include "src/support/find_any_of.hpp"

namespace iotpolicy::lint {

namespace {

/// What one Action pattern reaches in the catalog.
struct Reach {
    std::vector<std::string_view> actions;       // catalog actions it matches
    std::set<std::string_view> resource_types;   // their resource types
    bool every_iot_action = false;               // it matches every `iot:` action, as `iot:*` does
    bool role_aliases = false;                   // it matches iot:AssumeRoleWithCertificate
    bool jobs_actions = false;                   // it matches an iotjobsdata: action
};

Reach reach_of(std::string_view pattern) {
    const WildcardPattern compiled = WildcardPattern::compile(pattern);
    Reach reach;
    std::size_t iot_actions = 0;
    std::size_t iot_matched = 0;
    for (const catalog::Action& action : catalog::actions()) {
        const bool iot = action.name.starts_with("iot:");
        iot_actions += iot ? 1 : 0;
        // Action names match ignoring case (spec §3.1).
        if (!compiled.matches(action.name, Case::insensitive)) {
            continue;
        }
        iot_matched += iot ? 1 : 0;
        reach.actions.push_back(action.name);
        reach.resource_types.insert(action.resource_type->name);
        reach.role_aliases = reach.role_aliases || action.name == "iot:AssumeRoleWithCertificate";
        reach.jobs_actions = reach.jobs_actions || action.name.starts_with("iotjobsdata:");
    }
    reach.every_iot_action = iot_actions > 0 && iot_matched == iot_actions;
    return reach;
}

/// The Resource entry that makes the statement reach many resources, if any: an entry with a `*` (spec §6.2:
/// "with some exceptions, a `*` in a resource is too broad"). A NotResource in an Allow reaches everything it
/// does not name, so it is broad too; it is reported by its key.
struct BroadResource {
    bool broad = false;
    std::string written;  // for the message
};

BroadResource broad_resource(const Statement& statement) {
    if (!statement.resource) {
        return {};
    }
    if (statement.resource->negated) {
        return {true, "NotResource"};
    }
    for (const Spanned<std::string>& entry : statement.resource->values) {
        if (detail::find_any_of_outside_variables(entry.value, "*") != std::string_view::npos) {
            return {true, fmt::format("Resource \"{}\"", entry.value)};
        }
    }
    return {};
}

std::string join(const std::vector<std::string_view>& names) {
    std::string out;
    for (const std::string_view name : names) {
        out += out.empty() ? "" : ", ";
        out += name;
    }
    return out;
}

class OverlyBroadAction final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            // Only an Allow can be too broad; a NotAction in an Allow is IOT206's business, and a statement the
            // simulator reads as absent (spec §0.3 R1) grants nothing.
            if (statement.is_broken || !statement.effect || statement.effect->value != Effect::allow ||
                !statement.action || statement.action->negated) {
                continue;
            }
            const BroadResource resource = broad_resource(statement);
            for (const Spanned<std::string>& entry : statement.action->values) {
                check_entry(context, entry, resource);
            }
        }
    }

private:
    static void check_entry(RuleContext& context, const Spanned<std::string>& entry, const BroadResource& resource) {
        const std::string_view action = entry.value;
        if (!has_wildcard(action)) {
            return;  // one named action is never too broad by itself
        }
        const Reach reach = reach_of(action);
        if (reach.every_iot_action) {
            // `*`, `iot:*` and their equivalents: spec §6.2 (Device Defender's Critical check) on a broad resource
            // is an error; on named resources the resource limits the damage, so a warning.
            // A bare `*` (actions §6) also matches iotjobsdata: and greengrass: actions.
            std::string also;
            if (action == "*") {
                also = " (and every iotjobsdata: and greengrass: action)";
            } else if (reach.jobs_actions) {
                also = " (and every iotjobsdata: job action)";
            }
            if (resource.broad) {
                context.report(
                    RuleId::IOT201, Severity::error, entry.span,
                    fmt::format("Action \"{}\" with {} allows every IoT data-plane action{} on every resource: a "
                                "device holding this policy can connect as any client ID, publish and subscribe on "
                                "every topic, read and change every thing's shadow and job executions, disconnect "
                                "other clients, and call iot:AssumeRoleWithCertificate for every role alias in the "
                                "account, minting AWS credentials for each role (spec §6.2, actions §4.6). List the "
                                "actions the device needs (e.g. iot:Connect, iot:Publish, iot:Subscribe, "
                                "iot:Receive) on its own resources, e.g. "
                                "client/${{iot:Connection.Thing.ThingName}}",
                                action, resource.written, also));
            } else {
                context.report(
                    RuleId::IOT201, Severity::warning, entry.span,
                    fmt::format("Action \"{}\" allows every IoT action on the named resources{}: on a topic that "
                                "is publish, receive, retained publish and retained reads at once, and any action "
                                "AWS adds later is granted too (spec §6.2, actions §6). List only the actions the "
                                "device needs, e.g. \"iot:Publish\"",
                                action, also));
            }
            return;
        }
        if (reach.resource_types.size() > 1) {
            // A pattern spanning several kinds of resource (topics and shadows, clients and role aliases) is
            // almost never what its author meant.
            context.report(RuleId::IOT201, Severity::warning, entry.span,
                           fmt::format("Action \"{}\" matches {} actions on {} kinds of resource ({}){}: a pattern "
                                       "this wide grants capabilities nobody reviewed, and also any matching action "
                                       "AWS adds later (spec §6.2). List the actions the device needs by name",
                                       action, reach.actions.size(), reach.resource_types.size(), join(reach.actions),
                                       reach.role_aliases ? ", including iot:AssumeRoleWithCertificate, which mints "
                                                            "AWS credentials for role aliases (actions §4.6)"
                                                          : ""));
            return;
        }
        if (reach.actions.size() > 1 && resource.broad) {
            // `iot:*Shadow` on `thing/*`: one kind of resource, but every device's (spec §6.2).
            context.report(RuleId::IOT201, Severity::warning, entry.span,
                           fmt::format("Action \"{}\" matches {} actions ({}) and {} reaches every device's "
                                       "resources: any device holding this policy can use all of them on every other "
                                       "device (spec §6.2). Name the actions, and scope the resource to the device, "
                                       "e.g. thing/${{iot:Connection.Thing.ThingName}}",
                                       action, reach.actions.size(), join(reach.actions), resource.written));
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT201>() {
    return std::make_unique<OverlyBroadAction>();
}

}  // namespace iotpolicy::lint
