// IOT202 wildcard-resource: an Allow that grants data-plane actions on every device's resources (spec §6.2,
// Device Defender IOT_POLICY_OVERLY_PERMISSIVE_CHECK, Critical).
//
// What counts as broad, per resource type (spec §6.2: "a device's policy should reach resources of that device
// and none or very few others"; a `*` in a resource is too broad "with some exceptions"):
//   - `*`, or an ARN whose resource part is only wildcards (`arn:aws:iot:us-east-1:123456789012:*`): every
//     resource of every action the statement allows;
//   - client/: a name that starts with a wildcard (`client/*`), and `client/${iot:ClientId}` without a
//     `Bool iot:Connection.Thing.IsAttached "true"` condition (spec §6.2: it then equals `*`);
//   - topic/ and topicfilter/: a name whose text before its first wildcard is a prefix of `$aws/things/`
//     (`*`, `$aws/*`, `$aws/things/*`, `$aws/things/*/shadow/update`), where in a topicfilter `+` and `#` count
//     as wildcards too (spec §3.3: the allowed literal filter delivers every match). Non-reserved topics are
//     flagged when the name starts with a wildcard (spec §6.2: unclear → flagged too); a prefix such as
//     `sensors/*` is not, as nothing says which level names the device. A wildcard inside the thing-name level
//     after literal text (`$aws/things/sensor-*/…`) is IOT207's (reserved-topic-access), not this rule's;
//   - thing/: a thing name that starts with a wildcard (`thing/*`); `thing/MyThing*` is a prefix, not flagged.
// iot:Connect is left to IOT203 and IOT208. iot:Receive never counts (spec §6.2: compliant even as `topic/$aws/things/*`, a device receives only what it
// could subscribe to), nor does iot:ListRetainedMessages, which requires Resource `*` (actions-and-resources.md
// §4.2). iot:AssumeRoleWithCertificate (rolealias/) is not a data-plane action of spec §6.2.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/catalog.hpp"
#include "src/lint/action_coverage.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/topic_scope.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

namespace {

using catalog::Action;

bool counts_as_data_plane(const Action& action) {
    const std::string_view type = action.resource_type->name;
    // iot:Connect's client IDs are IOT203 unrestricted-client-id's and IOT208 clientid-variable-in-connect's, so
    // that one entry gets one finding for one reason.
    if (action.name == "iot:Receive" || action.name == "iot:Connect" || action.is_resource_less()) {
        return false;
    }
    return type == "client" || type == "topic" || type == "topicfilter" || type == "thing";
}

/// The data-plane actions of catalog.hpp that the statement's Action or NotAction allows; the legacy iot: spellings
/// of the job actions count too (spec §6.2, actions-and-resources.md §10).
std::vector<const Action*> allowed_actions(const ElementList& list) {
    return reached_catalog_actions(ActionMatcher(list), counts_as_data_plane);
}

bool has_is_attached_condition(const Statement& statement) {
    return std::any_of(statement.conditions.begin(), statement.conditions.end(), [](const Condition& c) {
        return c.base_operator == "Bool" && detail::equals_ignoring_case(c.key.value, "iot:Connection.Thing.IsAttached") &&
               std::any_of(c.values.begin(), c.values.end(), [](const ConditionValue& v) { return v.text == "true"; });
    });
}

/// Whether a name of resource type `type` reaches every device's resources (see the header comment).
bool broad_name(std::string_view type, std::string_view name, const Statement& statement) {
    const LiteralPrefix literal = literal_prefix(name, false);
    if (type == "client") {
        if (name == "${iot:ClientId}") {
            return !has_is_attached_condition(statement);
        }
        return literal.at_wildcard && literal.length == 0;
    }
    if (type == "thing") {
        return literal.at_wildcard && literal.length == 0;
    }
    if (type == "topic" || type == "topicfilter") {
        return reaches_every_thing(name, type == "topicfilter");
    }
    return false;
}

std::string action_list(const std::vector<const Action*>& list) {
    std::string out;
    for (std::size_t i = 0; i < list.size() && i < 3; ++i) {
        out += (i == 0 ? "" : ", ") + std::string(list[i]->name);
    }
    if (list.size() > 3) {
        out += fmt::format(" and {} more", list.size() - 3);
    }
    return out;
}

std::string_view own_resource(std::string_view type) {
    if (type == "client") {
        return "client/${iot:Connection.Thing.ThingName} with Bool iot:Connection.Thing.IsAttached \"true\"";
    }
    if (type == "thing") {
        return "thing/${iot:Connection.Thing.ThingName}";
    }
    if (type == "topicfilter") {
        return "topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*";
    }
    return "topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*";
}

class WildcardResource final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            if (!is_allow_on_listed_resources(statement)) {
                continue;
            }
            const std::vector<const Action*> granted = allowed_actions(*statement.action);
            if (granted.empty()) {
                continue;  // only Receive, ListRetainedMessages, rolealias or non-data-plane actions
            }
            for (const Spanned<std::string>& value : statement.resource->values) {
                check_entry(context, statement, granted, value);
            }
        }
    }

private:
    static void check_entry(RuleContext& context, const Statement& statement, const std::vector<const Action*>& granted,
                            const Spanned<std::string>& value) {
        const ParsedArn& parsed = context.arn(value.value);
        const std::string_view resource =
            parsed.is_any ? std::string_view(value.value)
                          : std::string_view(value.value).substr(parsed.parts.resource.begin,
                                                                 parsed.parts.resource.end - parsed.parts.resource.begin);
        const bool everything =
            parsed.is_any || (parsed.has_all_segments && !resource.empty() &&
                              std::all_of(resource.begin(), resource.end(), [](char c) { return c == '*'; }));
        const bool lists_retained = std::any_of(statement.action->values.begin(), statement.action->values.end(),
                                                [](const Spanned<std::string>& a) {
                                                    return detail::equals_ignoring_case(a.value,
                                                                                        "iot:ListRetainedMessages");
                                                });
        if (everything) {
            context.report(RuleId::IOT202, Severity::error, value.span,
                           fmt::format("Resource '{}' lets any device holding this policy use {} on every client ID, "
                                       "topic and thing of the account, so one compromised device can impersonate, "
                                       "read and control all the others (spec §6.2, Device Defender "
                                       "IOT_POLICY_OVERLY_PERMISSIVE_CHECK); name the device's own resources, e.g. "
                                       "'{}'{}",
                                       value.value, action_list(granted),
                                       own_resource(granted.front()->resource_type->name),
                                       lists_retained ? ", and give iot:ListRetainedMessages (which needs Resource "
                                                        "'*') a statement of its own"
                                                      : ""));
            return;
        }
        if (parsed.kind == ArnResourceKind::unknown || !parsed.problems.empty()) {
            return;  // malformed entries are IOT103's
        }
        const std::string_view type = arn_resource_kind_name(parsed.kind);
        std::vector<const Action*> on_type;
        for (const Action* action : granted) {
            if (action->resource_type->name == type) {
                on_type.push_back(action);
            }
        }
        const std::string_view name(value.value.data() + parsed.parts.resource_name.begin,
                                    parsed.parts.resource_name.end - parsed.parts.resource_name.begin);
        if (on_type.empty() || !broad_name(type, name, statement)) {
            return;
        }
        const std::string_view whose = type == "client"  ? "any client ID, so it can take over any device's session"
                                       : type == "thing" ? "the shadow and job data of every thing"
                                                         : "the reserved topics of every device";
        context.report(RuleId::IOT202, Severity::error, value.span,
                       fmt::format("'{}/{}' lets any device holding this policy use {} on {} (spec §6.2, Device "
                                   "Defender IOT_POLICY_OVERLY_PERMISSIVE_CHECK); limit it to the device's own "
                                   "resources, e.g. '{}'",
                                   type, name, action_list(on_type),
                                   name == "${iot:ClientId}"
                                       ? "any client ID it chooses (without an IsAttached condition "
                                         "'client/${iot:ClientId}' equals 'client/*'), so it can take over any "
                                         "device's session"
                                       : whose,
                                   own_resource(type)));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT202>() {
    return std::make_unique<WildcardResource>();
}

}  // namespace iotpolicy::lint
