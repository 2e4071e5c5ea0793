// IOT105 mqtt-wildcard-literal: `+` or `#` in a topic/ or topicfilter/ resource, where they are literal
// characters (spec §3.3, §6.3; actions-and-resources.md §6).
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "src/lint/fix_edits.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/string_spans.hpp"
#include "src/lint/topic_scope.hpp"

namespace iotpolicy::lint {

namespace {

/// The source span of value byte `at` of a JSON string (the whole string when it is not spelled as is).
Span byte_span(const SourceFile& source, const Spanned<std::string>& value, std::size_t at) {
    return string_part_span(source, value.span, value.value, at, at + 1);
}

/// Whether each `+` of `name` is a whole topic level and each `#` the whole last level: only then is it clear
/// that they were meant as MQTT wildcards, and `*` says what they mean.
bool wildcards_are_whole_levels(std::string_view name) {
    bool whole = true;
    for_each_mqtt_wildcard(name, [&](std::size_t i) {
        const bool starts_level = i == 0 || name[i - 1] == '/';
        const bool ends_level = i + 1 == name.size() || name[i + 1] == '/';
        whole = starts_level && ends_level && (name[i] == '+' || i + 1 == name.size());
        return whole;
    });
    return whole;
}

/// `name` with every `+` and `#` outside `${…}` replaced by `*`: the glob a policy means by them.
std::string with_stars(std::string_view name) {
    std::string out(name);
    for_each_mqtt_wildcard(name, [&](std::size_t i) {
        out[i] = '*';
        return true;
    });
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
        const ParsedArn& parsed = context.arn(value.value);
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
            Diagnostic& diagnostic = context.report(
                RuleId::IOT105, Severity::warning, where,
                           fmt::format("'{}' is a literal character in a policy resource, and MQTT topic names cannot "
                                       "contain it (spec §3.3): this entry matches no PUBLISH or delivered message, so "
                                       "it grants nothing; name the topics, or write 'topic/{}' if every topic it "
                                       "stands for is meant",
                                       c, fixed));
            diagnostic.fix = stars_fix(context.source(), value, parsed, name, fixed);
            return;
        }
        // Spec §3.3, §6.2: an allowed literal filter is a real wildcard subscription once subscribed.
        const bool every_device = name.starts_with("$aws/things/");
        Diagnostic& diagnostic = context.report(RuleId::IOT105, Severity::warning, where,
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
        diagnostic.fix = stars_fix(context.source(), value, parsed, name, fixed);
    }

    /// An Allow's `+` and `#` rewritten as `*` (README "Fix safety": this widens what the entry allows). Not for a
    /// Deny, whose fixed form needs a second Deny of iot:Receive (spec §6.3) that a text edit cannot write with
    /// certainty.
    static std::optional<Fix> stars_fix(const SourceFile& source, const Spanned<std::string>& value,
                                        const ParsedArn& parsed, std::string_view name, const std::string& fixed) {
        if (!wildcards_are_whole_levels(name)) {
            return std::nullopt;
        }
        const std::string rewritten = value.value.substr(0, parsed.parts.resource_name.begin) + fixed +
                                      value.value.substr(parsed.parts.resource_name.end);
        std::optional<TextEdit> edit = rewrite_string(source, value.span, value.value, rewritten);
        if (!edit) {
            return std::nullopt;
        }
        return Fix{fmt::format("Write '{}/{}': '*' is the policy wildcard", arn_resource_kind_name(parsed.kind), fixed),
                   {std::move(*edit)}};
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT105>() {
    return std::make_unique<MqttWildcardLiteral>();
}

}  // namespace iotpolicy::lint
