// How far a topic/, topicfilter/ or thing/ Resource entry reaches beyond the connecting device, for the
// least-privilege rules. One classification keeps one entry to one finding (spec §6.2):
//   - IOT105 mqtt-wildcard-literal: a `+` or `#` in a topic or topic filter (first_mqtt_wildcard);
//   - IOT202 wildcard-resource: a name whose text before its first wildcard is a prefix of `$aws/things/`
//     (reaches_every_thing);
//   - IOT207 reserved-topic-access: a wildcard inside the `$aws/things/` thing-name level after literal text
//     (partial_thing_wildcard);
//   - IOT204 cross-device-topic-access: a wildcard or a literal other device at the per-device level the policy
//     itself reveals (DeviceNamespaces, cross_device_topic, cross_device_thing), or a wildcard beside the device's
//     own name in any level (own_name_wildcard);
//   - IOT205 fleet-wide-subscription and IOT210 broad-retained-messages: a wildcard within the first two topic
//     levels that no rule above reports (broad_prefix_wildcard).
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/ast.hpp"
#include "src/lint/rule.hpp"
#include "src/support/find_any_of.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

/// A well-formed `topic/`, `topicfilter/` or `thing/` Resource entry taken apart.
struct ScopedEntry {
    ArnResourceKind kind = ArnResourceKind::unknown;
    std::string_view name;       // the resource name, a view into the entry
    std::size_t name_offset = 0;  // where `name` starts in the entry
};

/// The entry when `value` (parsed as `parsed`) is a well-formed topic, topicfilter or thing ARN; `*`, other types
/// and malformed entries (IOT103's) give none.
inline std::optional<ScopedEntry> scoped_entry(const ParsedArn& parsed, std::string_view value) {
    if (parsed.is_any || !parsed.problems.empty() ||
        (parsed.kind != ArnResourceKind::topic && parsed.kind != ArnResourceKind::topicfilter &&
         parsed.kind != ArnResourceKind::thing)) {
        return std::nullopt;
    }
    const Span name = parsed.parts.resource_name;
    return ScopedEntry{parsed.kind, value.substr(name.begin, name.end - name.begin), name.begin};
}

/// Calls `visit(i)` for each `+` or `#` of `name` outside `${…}`, until it returns false.
template <typename Visit>
void for_each_mqtt_wildcard(std::string_view name, Visit visit) {
    for (std::size_t i = detail::find_any_of_outside_variables(name, "+#"); i != std::string_view::npos;
         i = detail::find_any_of_outside_variables(name, "+#", i + 1)) {
        if (!visit(i)) {
            return;
        }
    }
}

/// The offset of the first `+` or `#` of `name` outside `${…}`, or npos: IOT105's finding.
inline std::size_t first_mqtt_wildcard(std::string_view name) {
    std::size_t first = std::string_view::npos;
    for_each_mqtt_wildcard(name, [&](std::size_t i) {
        first = i;
        return false;
    });
    return first;
}

/// Where the literal text of a resource name ends.
struct LiteralPrefix {
    std::size_t length = 0;    // bytes before the first wildcard or `${`
    bool at_wildcard = false;  // it ends at a wildcard (not at a variable or at the end of the name)
};

/// The literal prefix of `name`: up to the first `*` or `?` (with `mqtt_too`, `+` and `#` as well, which a topic
/// filter delivers as wildcards, spec §3.3) or the first `${` (a variable narrows what follows to the
/// connection's own value).
inline LiteralPrefix literal_prefix(std::string_view name, bool mqtt_too) {
    std::size_t at = 0;
    while (at < name.size()) {
        const char c = name[at];
        if (c == '*' || c == '?' || (mqtt_too && (c == '+' || c == '#'))) {
            return {at, true};
        }
        if (c == '$' && at + 1 < name.size() && name[at + 1] == '{') {
            break;
        }
        ++at;
    }
    return {at, false};
}

/// True when a topic or topic filter name's text before its first wildcard is a prefix of `$aws/things/` (`*`,
/// `$aws/*`, `$aws/things/*/shadow/update`): it reaches every device. IOT202's finding.
inline bool reaches_every_thing(std::string_view name, bool filter) {
    constexpr std::string_view reserved = "$aws/things/";
    const LiteralPrefix prefix = literal_prefix(name, filter);
    return prefix.at_wildcard && reserved.starts_with(name.substr(0, prefix.length));
}

/// The thing-name level of `$aws/things/<thing>/...`, when it has a `*` or `?` after some literal text: IOT207's
/// finding (a wildcard at the start of the level or before it is IOT202's).
inline std::optional<std::string_view> partial_thing_wildcard(std::string_view name) {
    constexpr std::string_view prefix = "$aws/things/";
    if (!name.starts_with(prefix)) {
        return std::nullopt;
    }
    std::string_view thing = name.substr(prefix.size());
    thing = thing.substr(0, thing.find('/'));
    const std::size_t wildcard = detail::find_any_of(thing, "*?");
    if (wildcard == std::string_view::npos || wildcard == 0 || thing.starts_with("${") || thing.front() == '+' ||
        thing.front() == '#') {
        return std::nullopt;
    }
    return thing;
}

/// The variable that names the connecting thing (spec vars §4).
inline constexpr std::string_view k_thing_name_variable = "${iot:Connection.Thing.ThingName}";

/// The variable that names the connecting client.
inline constexpr std::string_view k_client_id_variable = "${iot:ClientId}";

/// The device-naming variable (`k_thing_name_variable` or `k_client_id_variable`, in any letter case) that `text`
/// starts with, spelt as documented; empty when it starts with neither.
inline std::string_view device_variable_at(std::string_view text) {
    for (const std::string_view variable : {k_thing_name_variable, k_client_id_variable}) {
        if (text.size() >= variable.size() &&
            detail::equals_ignoring_case(text.substr(0, variable.size()), variable)) {
            return variable;
        }
    }
    return {};
}

/// Where a topic or thing name puts a `*` or `?` in the level that holds the device's own name
/// (`devices/${iot:Connection.Thing.ThingName}*`, `${iot:ClientId}-?/data`). Whatever the level, such a wildcard
/// also matches the names of other devices that extend the device's own, so it reaches them (IOT204).
struct OwnNameWildcard {
    std::string_view variable;  // the device-naming variable of the level, spelt as documented
    std::size_t level_begin = 0;
    std::size_t wildcard = 0;
    std::size_t level_end = 0;
};

inline std::optional<OwnNameWildcard> own_name_wildcard(std::string_view name) {
    for (std::size_t at = name.find("${"); at != std::string_view::npos; at = name.find("${", at + 2)) {
        const std::size_t slash_before = name.rfind('/', at);
        const std::size_t level_begin = slash_before == std::string_view::npos ? 0 : slash_before + 1;
        const std::size_t level_end = std::min(name.find('/', at), name.size());
        const std::string_view level = name.substr(level_begin, level_end - level_begin);
        const std::size_t wildcard = detail::find_any_of_outside_variables(level, "*?");
        if (wildcard == std::string_view::npos) {
            continue;
        }
        const std::string_view variable = device_variable_at(name.substr(at));
        if (!variable.empty()) {
            return OwnNameWildcard{variable, level_begin, level_begin + wildcard, level_end};
        }
    }
    return std::nullopt;
}

/// The per-device topic namespaces a policy reveals in its Allow statements' Resource entries (IOT204, spec §6.2:
/// "a device's policy should reach resources of that device and none or very few others").
///   - An anchor is a topic or topic filter name `<prefix>${iot:Connection.Thing.ThingName}` or
///     `<prefix>${iot:ClientId}`, followed by `/`, the end or a wildcard in the same level (own_name_wildcard's
///     finding, which still says the level names the device), whose prefix is literal (no wildcard, no variable), not
///     empty and ends with `/`: `devices/${iot:Connection.Thing.ThingName}/telemetry` says that the level after
///     `devices/` names the device. A thing name as the first level (`${iot:Connection.Thing.ThingName}/data`)
///     reveals no namespace that could be told apart from every other topic, so it is not an anchor.
///   - A fleet policy uses `${iot:Connection.Thing.ThingName}` in any Resource entry: one policy for every thing.
///     There the thing-name levels of `$aws/things/<thing>/` and `thing/<thing>` name devices too.
class DeviceNamespaces {
public:
    explicit DeviceNamespaces(std::span<const Statement> statements) {
        for (const Statement& statement : statements) {
            if (!statement.effect || statement.effect->value != Effect::allow || !statement.resource ||
                statement.resource->negated || statement.is_broken) {
                continue;
            }
            for (const Spanned<std::string>& entry : statement.resource->values) {
                read(entry.value);
            }
        }
        if (m_fleet) {
            add_anchor("$aws/things/", k_thing_name_variable);
        }
    }

    /// True when the policy uses the thing-name variable in a Resource entry.
    bool fleet() const { return m_fleet; }

    /// A literal prefix after which a topic level names the device, and the variable the policy puts there.
    struct Anchor {
        std::string_view prefix;    // `devices/`
        std::string_view variable;  // `${iot:Connection.Thing.ThingName}` or `${iot:ClientId}`, as documented
    };

    /// The anchors, in the order first seen; `$aws/things/` with the thing-name variable in a fleet policy.
    std::span<const Anchor> anchors() const { return m_anchors; }

private:
    void read(std::string_view value) {
        if (value.find("${") == std::string_view::npos) {
            return;  // neither an anchor nor the thing-name variable; most entries, so the ARN is not parsed
        }
        const ParsedArn parsed = parse_arn(value);
        if (parsed.is_any || !parsed.problems.empty()) {
            return;
        }
        const Span span = parsed.parts.resource_name;
        const std::string_view name = value.substr(span.begin, span.end - span.begin);
        const std::size_t first_variable = name.find("${");
        if (first_variable == std::string_view::npos) {
            return;
        }
        for (std::size_t at = first_variable; at != std::string_view::npos; at = name.find("${", at + 1)) {
            m_fleet = m_fleet || device_variable_at(name.substr(at)) == k_thing_name_variable;
        }
        if (parsed.kind != ArnResourceKind::topic && parsed.kind != ArnResourceKind::topicfilter) {
            return;
        }
        const std::string_view prefix = name.substr(0, first_variable);
        const std::string_view rest = name.substr(first_variable);
        const std::string_view variable = device_variable_at(rest);
        if (variable.empty() || prefix.empty() || !prefix.ends_with('/') ||
            detail::find_any_of(prefix, "*?+#") != std::string_view::npos) {
            return;
        }
        // The variable ends the level, or a wildcard follows it there (`${iot:ClientId}*`, IOT204's finding): either
        // way the level is meant to name the device.
        const std::string_view tail = rest.substr(0, std::min(rest.find('/'), rest.size())).substr(variable.size());
        if (!tail.empty() && detail::find_any_of_outside_variables(tail, "*?") == std::string_view::npos) {
            return;
        }
        add_anchor(prefix, variable);
    }

    void add_anchor(std::string_view prefix, std::string_view variable) {
        if (std::none_of(m_anchors.begin(), m_anchors.end(), [&](const Anchor& a) { return a.prefix == prefix; })) {
            m_anchors.push_back({prefix, variable});
        }
    }

    std::vector<Anchor> m_anchors;
    bool m_fleet = false;
};

/// How an entry reaches other devices' topics or things (IOT204).
enum class CrossDeviceKind {
    none,                // the device's own level, a variable, or outside every per-device namespace
    reported_elsewhere,  // IOT105, IOT202 or IOT207 reports the entry
    wildcard,            // a wildcard at or before the device level: every device, or every one whose name fits
    own_name_wildcard,   // a wildcard after the device's own name: every device whose name begins with it
    literal,             // a literal other device's name at the device level
};

struct CrossDevice {
    CrossDeviceKind kind = CrossDeviceKind::none;
    std::size_t begin = 0;   // the bytes of the name to report: the wildcard or the literal device name
    std::size_t end = 0;
    DeviceNamespaces::Anchor anchor;  // the namespace (`devices/` and its variable); no prefix for thing/
    std::optional<OwnNameWildcard> own_name = std::nullopt;  // own_name_wildcard only
};

/// How the topic or topic filter name `name` reaches other devices' topics in `namespaces`.
inline CrossDevice cross_device_topic(std::string_view name, bool filter, const DeviceNamespaces& namespaces) {
    if (first_mqtt_wildcard(name) != std::string_view::npos || reaches_every_thing(name, filter) ||
        partial_thing_wildcard(name)) {
        return {CrossDeviceKind::reported_elsewhere, 0, 0, {}};
    }
    if (const std::optional<OwnNameWildcard> own = own_name_wildcard(name)) {
        return {CrossDeviceKind::own_name_wildcard, own->wildcard, own->level_end, {}, own};
    }
    const LiteralPrefix literal = literal_prefix(name, filter);
    const auto level_end = [&](std::size_t from) {
        const std::size_t slash = name.find('/', from);
        return slash == std::string_view::npos ? name.size() : slash;
    };
    for (const DeviceNamespaces::Anchor& anchor : namespaces.anchors()) {
        const std::string_view prefix = anchor.prefix;
        // A wildcard before the device level (`dev*`, `devices/*`) crosses into it: `*` spans `/` (spec §3.2).
        if (literal.at_wildcard && literal.length <= prefix.size() &&
            prefix.starts_with(name.substr(0, literal.length))) {
            return {CrossDeviceKind::wildcard, literal.length, level_end(literal.length), anchor};
        }
        if (!name.starts_with(prefix)) {
            continue;
        }
        const std::size_t end = level_end(prefix.size());
        const std::string_view level = name.substr(prefix.size(), end - prefix.size());
        if (level.empty() || level.find("${") != std::string_view::npos) {
            continue;  // the device's own level, or one narrowed by a variable to the connection's value
        }
        if (literal.at_wildcard && literal.length < end) {
            return {CrossDeviceKind::wildcard, literal.length, end, anchor};
        }
        return {CrossDeviceKind::literal, prefix.size(), end, anchor};
    }
    return {};
}

/// How the thing name `name` (of a thing/ entry) reaches other things in a fleet policy. `thing/*` is IOT202's;
/// outside a fleet policy a literal thing or a prefix such as `thing/MyThing*` is compliant (spec §6.2, §6.4).
inline CrossDevice cross_device_thing(std::string_view name, const DeviceNamespaces& namespaces) {
    const LiteralPrefix literal = literal_prefix(name, false);
    if (literal.at_wildcard && literal.length == 0) {
        return {CrossDeviceKind::reported_elsewhere, 0, 0, {}};
    }
    if (!namespaces.fleet()) {
        return {};
    }
    const std::size_t end = std::min(name.find('/'), name.size());
    const std::string_view level = name.substr(0, end);
    if (level.empty()) {
        return {};
    }
    if (level.find("${") != std::string_view::npos) {
        const std::optional<OwnNameWildcard> own = own_name_wildcard(level);
        if (!own) {
            return {};
        }
        return {CrossDeviceKind::own_name_wildcard, own->wildcard, own->level_end, {}, own};
    }
    if (literal.at_wildcard && literal.length < end) {
        return {CrossDeviceKind::wildcard, literal.length, end, {{}, k_thing_name_variable}};
    }
    return {CrossDeviceKind::literal, 0, end, {{}, k_thing_name_variable}};
}

/// The offset of the wildcard that makes a topic or topic filter name a broad prefix, or npos (IOT205, IOT210):
/// a `*` or `?` in the first two topic levels (`telemetry/*`, `tele*`, `telemetry/sensor-?`) with no variable
/// before it, so every device holding the policy shares it. Deeper wildcards (`building-1/floor-2/*`,
/// `$aws/things/MyThing/shadow/*`) follow two literal levels that usually name one device, site or thing, and are
/// not broad. Callers first leave the entries of cross_device_topic (IOT105, IOT202, IOT207, IOT204) alone.
inline std::size_t broad_prefix_wildcard(std::string_view name) {
    const LiteralPrefix literal = literal_prefix(name, false);
    if (!literal.at_wildcard || std::count(name.begin(), name.begin() + literal.length, '/') > 1) {
        return std::string_view::npos;
    }
    return literal.length;
}

/// Calls `visit(statement, value, entry)` for every Resource entry of an Allow that is a `kind` (topic or
/// topicfilter) entry under a broad prefix (broad_prefix_wildcard) and reaches no other device's level
/// (cross_device_topic, IOT204's): the entries IOT205 (topic filters) and IOT210 (topics) judge. The device
/// namespaces are read only once such an entry turns up, which few policies have.
template <typename Visit>
void for_each_broad_prefix_entry(const RuleContext& context, ArnResourceKind kind, Visit&& visit) {
    const std::span<const Statement> statements = context.statements();
    std::optional<DeviceNamespaces> namespaces;
    for (const Statement& statement : statements) {
        if (!is_allow_on_listed_resources(statement)) {
            continue;
        }
        for (const Spanned<std::string>& value : statement.resource->values) {
            const std::optional<ScopedEntry> entry = scoped_entry(context.arn(value.value), value.value);
            if (!entry || entry->kind != kind || broad_prefix_wildcard(entry->name) == std::string_view::npos) {
                continue;
            }
            if (!namespaces) {
                namespaces.emplace(statements);
            }
            if (cross_device_topic(entry->name, kind == ArnResourceKind::topicfilter, *namespaces).kind ==
                CrossDeviceKind::none) {
                visit(statement, value, *entry);
            }
        }
    }
}

}  // namespace iotpolicy::lint
