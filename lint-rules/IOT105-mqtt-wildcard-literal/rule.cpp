// IOT105 mqtt-wildcard-literal: `+` or `#` in a topic/ or topicfilter/ resource, where they are literal
// characters (spec §3.3, §6.3; actions-and-resources.md §6).
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/string_spans.hpp"
#include "src/lint/topic_scope.hpp"

namespace iotpolicy::lint {

namespace {

/// The source span of value byte `at` of a JSON string (the whole string when it is not spelled as is).
Span byte_span(const SourceFile& source, const Spanned<std::string>& value, std::size_t at) {
    return string_part_span(source, value.span, value.value, at, at + 1);
}

/// `name` with every `+` and `#` outside `${…}` replaced by `*`: the glob a policy means by them.
std::string with_stars(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '$' && i + 1 < name.size() && name[i + 1] == '{') {
            const std::size_t close = name.find('}', i);
            const std::size_t end = close == std::string_view::npos ? name.size() : close + 1;
            out.append(name.substr(i, end - i));
            i = end - 1;
            continue;
        }
        out.push_back(name[i] == '+' || name[i] == '#' ? '*' : name[i]);
    }
    return out;
}

class MqttWildcardLiteral final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            // NotResource is left out: an exclusion that names a literal '+'/'#' filter is reported by no
            // Device Defender check, and its meaning is the same literal reading.
            if (!statement.resource || statement.resource->negated || !statement.effect) {
                continue;
            }
            for (const Spanned<std::string>& value : statement.resource->values) {
                check_entry(context, statement.effect->value, value);
            }
        }
    }

private:
    static void check_entry(RuleContext& context, Effect effect, const Spanned<std::string>& value) {
        const ParsedArn parsed = parse_arn(value.value);
        if (parsed.kind != ArnResourceKind::topic && parsed.kind != ArnResourceKind::topicfilter) {
            return;  // other types, and a wrongly cased type word (IOT103)
        }
        const std::string_view name(value.value.data() + parsed.parts.resource_name.begin,
                                    parsed.parts.resource_name.end - parsed.parts.resource_name.begin);
        const std::size_t at = first_mqtt_wildcard(name);
        if (at == std::string_view::npos) {
            return;
        }
        const char c = name[at];
        const std::string_view type = arn_resource_kind_name(parsed.kind);
        const Span where = byte_span(context.source(), value, parsed.parts.resource_name.begin + at);
        const std::string fixed = with_stars(name);
        if (effect == Effect::deny) {
            // Spec §3.3 and §6.3: Device Defender POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT.
            const std::string blocks =
                parsed.kind == ArnResourceKind::topic
                    ? fmt::format("it blocks no topic at all, since MQTT topic names cannot contain '{}'", c)
                    : fmt::format("it blocks only the literal filter string '{}', while other filters covering the "
                                  "same topics (the concrete topic names, or broader filters such as '#') stay "
                                  "allowed",
                                  name);
            context.report(RuleId::IOT105, Severity::error, where,
                           fmt::format("'{}' is a literal character in a policy resource, not an MQTT wildcard (spec "
                                       "§3.3): this Deny is ineffective, {} (Device Defender "
                                       "POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT); write '{}/{}'{}",
                                       c, blocks, type, fixed,
                                       parsed.kind == ArnResourceKind::topicfilter
                                           ? fmt::format(" and also deny iot:Receive on 'topic/{}'", fixed)
                                           : std::string()));
            return;
        }
        if (parsed.kind == ArnResourceKind::topic) {
            // Spec §3.3: a topic/ entry with '+' or '#' can never match a real request (dead entry).
            context.report(RuleId::IOT105, Severity::warning, where,
                           fmt::format("'{}' is a literal character in a policy resource, and MQTT topic names cannot "
                                       "contain it (spec §3.3): this entry matches no PUBLISH or delivered message, so "
                                       "it grants nothing; name the topics, or write 'topic/{}' if every topic it "
                                       "stands for is meant",
                                       c, fixed));
            return;
        }
        // Spec §3.3, §6.2: an allowed literal filter is a real wildcard subscription once subscribed.
        const bool every_device = name.starts_with("$aws/things/");
        context.report(RuleId::IOT105, Severity::warning, where,
                       fmt::format("'{}' is a literal character in a policy resource (spec §3.3): this entry allows "
                                   "exactly the filter string '{}', and a client subscribed to it receives every topic "
                                   "that filter matches (iot:Receive permitting){}; unless all of them are meant, name the "
                                   "filters this client needs, e.g. with '${{iot:Connection.Thing.ThingName}}' in "
                                   "place of '{}'",
                                   c, name,
                                   every_device ? ", here the reserved topics of every device (Device Defender "
                                                  "flags this as overly permissive, spec §6.2)"
                                                : "",
                                   c));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT105>() {
    return std::make_unique<MqttWildcardLiteral>();
}

}  // namespace iotpolicy::lint
