// IOT205 fleet-wide-subscription: an Allow of iot:Subscribe on a topic filter under a broad prefix, so one stolen
// device reads the traffic of the whole fleet (spec §6.2: a device's policy should reach resources of that device;
// the guide's examples are reserved topics, and whether broad non-reserved topics are flagged is unclear → flagged
// too; a warning, as the finding rests on that reading, spec §0.2 R0).
//
// A broad prefix (src/lint/topic_scope.hpp broad_prefix_wildcard): a `*` or `?` in the first two topic levels with
// no variable before it (`telemetry/*`, `tele*`, `telemetry/sensor-?`). Deeper wildcards follow two literal levels,
// which usually name one device, site or thing (`$aws/things/MyThing/shadow/*`), and are not flagged. Entries of
// IOT105 (`+`, `#`), IOT202 (text before the wildcard a prefix of `$aws/things/`: `*`, `#`), IOT207 and IOT204 (a
// per-device level the policy reveals) are theirs. iot:Receive alone is never flagged (spec §6.2: compliant even on
// `topic/$aws/things/*`); a Receive grant that delivers what the filter subscribes to is named in the message.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "src/lint/action_coverage.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/string_spans.hpp"
#include "src/lint/topic_scope.hpp"

namespace iotpolicy::lint {

namespace {

/// An Allow Receive entry of the policy whose topics overlap the names starting with `literal`: `*`, an ARN whose
/// resource part is only `*`, or a topic whose literal prefix and `literal` are prefixes one of the other. Empty
/// when there is none.
std::string_view overlapping_receive(const RuleContext& context, std::string_view literal) {
    for (const Statement& statement : context.statements()) {
        if (!is_allow_on_listed_resources(statement) || !ActionMatcher(*statement.action).reaches("iot:Receive")) {
            continue;
        }
        for (const Spanned<std::string>& value : statement.resource->values) {
            const ParsedArn& parsed = context.arn(value.value);
            const Span resource = parsed.parts.resource;
            if (parsed.is_any || (parsed.has_all_segments && resource.end - resource.begin == 1 &&
                                  value.value[resource.begin] == '*')) {
                return value.value;
            }
            const std::optional<ScopedEntry> entry = scoped_entry(context.arn(value.value), value.value);
            if (!entry || entry->kind != ArnResourceKind::topic) {
                continue;
            }
            const LiteralPrefix prefix = literal_prefix(entry->name, false);
            const std::string_view fixed = entry->name.substr(0, prefix.length);
            if (prefix.at_wildcard && (fixed.starts_with(literal) || literal.starts_with(fixed))) {
                return value.value;
            }
        }
    }
    return {};
}

class FleetWideSubscription final : public Rule {
public:
    void check(RuleContext& context) const override {
        const Statement* last = nullptr;
        bool subscribes = false;
        for_each_broad_prefix_entry(context, ArnResourceKind::topicfilter,
                                    [&](const Statement& statement, const Spanned<std::string>& value,
                                        const ScopedEntry& entry) {
                                        if (&statement != last) {  // the actions, read once per statement
                                            last = &statement;
                                            subscribes = ActionMatcher(*statement.action).reaches("iot:Subscribe");
                                        }
                                        if (subscribes) {
                                            report(context, value, entry);
                                        }
                                    });
    }

private:
    static void report(RuleContext& context, const Spanned<std::string>& value, const ScopedEntry& entry) {
        const std::size_t wildcard = broad_prefix_wildcard(entry.name);
        const std::string_view literal = entry.name.substr(0, wildcard);
        const std::string_view receive = overlapping_receive(context, literal);
        const std::string delivery =
            receive.empty() ? std::string("and receive every message published there once any policy attached to "
                                          "its certificate allows iot:Receive on those topics")
                            : fmt::format("and this policy's iot:Receive on '{}' delivers every message published "
                                          "there",
                                          receive);
        context.report(RuleId::IOT205, Severity::warning,
                       string_part_span(context.source(), value.span, value.value, entry.name_offset + wildcard,
                                        entry.name_offset + entry.name.size()),
                       fmt::format("'topicfilter/{}' lets any device holding this policy subscribe to every topic "
                                   "starting with '{}', {}: one stolen device reads the whole fleet's traffic, not "
                                   "only its own (spec §6.2, applied to non-reserved topics too); subscribe to the "
                                   "device's own topics{}, or name the shared topics every device needs",
                                   entry.name, literal, delivery,
                                   literal.ends_with('/') ? fmt::format(", e.g. 'topicfilter/{}{}/*'", literal,
                                                                        k_thing_name_variable)
                                                          : std::string()));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT205>() {
    return std::make_unique<FleetWideSubscription>();
}

}  // namespace iotpolicy::lint
