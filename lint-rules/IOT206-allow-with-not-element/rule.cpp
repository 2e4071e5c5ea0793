// IOT206 allow-with-not-element: an Allow with NotAction or NotResource grants every action or every resource its
// list does not name (spec §2.8). Device Defender does not document how it treats them, so the linter flags them as
// broad (spec §2.8: the linter must not under-report).
//   - NotAction on Resource `*` (or an ARN whose resource part is only `*`), or together with NotResource: error,
//     as it grants every other IoT action, present and future, on everything;
//   - NotAction on narrower resources: warning;
//   - NotResource: warning; with only iot:Receive and topic/ entries it is AWS's documented pattern (spec §2.8,
//     §3.3), reported all the same, with a message that says so and names what it grants (every other topic).
// Reported at the NotAction / NotResource key.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/wildcard.hpp"
#include "src/lint/rule.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

namespace {

/// `*`, or an ARN whose resource part is only `*` (arn:aws:iot:us-east-1:123456789012:*).
bool is_everything(const std::string& value) {
    const ParsedArn parsed = parse_arn(value);
    if (parsed.is_any) {
        return true;
    }
    const std::string_view resource = std::string_view(value).substr(
        parsed.parts.resource.begin, parsed.parts.resource.end - parsed.parts.resource.begin);
    return parsed.has_all_segments && !resource.empty() &&
           std::all_of(resource.begin(), resource.end(), [](char c) { return c == '*'; });
}

std::string quoted_list(const ElementList& list) {
    std::string out;
    for (std::size_t i = 0; i < list.values.size() && i < 3; ++i) {
        out += fmt::format("{}'{}'", i == 0 ? "" : ", ", list.values[i].value);
    }
    if (list.values.size() > 3) {
        out += fmt::format(" and {} more", list.values.size() - 3);
    }
    return out;
}

/// The resource types the NotResource entries name, e.g. "topic" or "topic and client"; empty when unknown.
std::vector<std::string> excluded_types(const ElementList& list) {
    std::vector<std::string> types;
    for (const Spanned<std::string>& value : list.values) {
        const ParsedArn parsed = parse_arn(value.value);
        std::string type = parsed.is_any || parsed.kind == ArnResourceKind::unknown
                               ? std::string()
                               : std::string(arn_resource_kind_name(parsed.kind));
        if (type.empty()) {
            return {};
        }
        if (std::find(types.begin(), types.end(), type) == types.end()) {
            types.push_back(type);
        }
    }
    return types;
}

bool only_receive(const ElementList& action) {
    return !action.negated && !action.values.empty() &&
           std::all_of(action.values.begin(), action.values.end(), [](const Spanned<std::string>& a) {
               return detail::equals_ignoring_case(a.value, "iot:Receive");
           });
}

class AllowWithNotElement final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            if (!statement.effect || statement.effect->value != Effect::allow || statement.is_broken) {
                continue;
            }
            if (statement.action && statement.action->negated) {
                check_not_action(context, statement);
            }
            if (statement.resource && statement.resource->negated) {
                check_not_resource(context, statement);
            }
        }
    }

private:
    static void check_not_action(RuleContext& context, const Statement& statement) {
        const ElementList& action = *statement.action;
        const bool with_not_resource = statement.resource && statement.resource->negated;
        const bool on_everything =
            statement.resource && !statement.resource->negated &&
            std::any_of(statement.resource->values.begin(), statement.resource->values.end(),
                        [](const Spanned<std::string>& v) { return is_everything(v.value); });
        const std::string excluded = action.values.empty() ? "nothing" : quoted_list(action);
        if (on_everything || with_not_resource) {
            context.report(RuleId::IOT206, Severity::error, action.key_span,
                           fmt::format("NotAction in an Allow grants every IoT action except {} on {}: Connect as "
                                       "any client, Publish and Subscribe on every topic, every device's shadows "
                                       "and jobs, and any action AWS adds later (spec §2.8); list the actions the "
                                       "device needs in Action instead",
                                       excluded,
                                       with_not_resource ? "every resource but the NotResource entries"
                                                         : "every resource"));
            return;
        }
        context.report(RuleId::IOT206, Severity::warning, action.key_span,
                       fmt::format("NotAction in an Allow grants every IoT action except {} on these resources, "
                                   "including actions AWS adds later (spec §2.8); list the actions the device "
                                   "needs in Action instead",
                                   excluded));
    }

    static void check_not_resource(RuleContext& context, const Statement& statement) {
        const ElementList& resource = *statement.resource;
        const std::vector<std::string> types = excluded_types(resource);
        const std::string excluded = resource.values.empty() ? "nothing" : quoted_list(resource);
        if (statement.action && only_receive(*statement.action) && types.size() == 1 && types.front() == "topic") {
            context.report(RuleId::IOT206, Severity::warning, resource.key_span,
                           fmt::format("Allow iot:Receive with NotResource is AWS's documented way to keep devices "
                                       "from receiving some topics (spec §2.8, §3.3), but it grants Receive on "
                                       "every other topic of the account, including topics added later; make sure "
                                       "Subscribe is what limits the device, or list the topics it may receive in "
                                       "Resource (excluded here: {})",
                                       excluded));
            return;
        }
        std::string what = "every other resource";
        if (!types.empty()) {
            what = "every other " + types.front();
            for (std::size_t i = 1; i < types.size(); ++i) {
                what += (i + 1 == types.size() ? " and " : ", ") + types[i];
            }
            what += " and every resource of the other types";
        }
        context.report(RuleId::IOT206, Severity::warning, resource.key_span,
                       fmt::format("NotResource in an Allow grants the statement's actions on {} of the account, "
                                   "other devices' included, and on any created later (spec §2.8; excluded: {}); "
                                   "list the resources the device needs in Resource instead, and a Deny for those "
                                   "it must never reach",
                                   what, excluded));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT206>() {
    return std::make_unique<AllowWithNotElement>();
}

}  // namespace iotpolicy::lint
