// What one statement can reach compared with another, for IOT106 ineffective-statement and IOT107
// redundant-statement: inclusion of Action and Resource entries (pattern_includes, wildcard.hpp), which request
// actions a statement names and which resource types its entries can be, and whether an Allow is fully overridden
// by unconditional Denies. Everything here is sound: "included", "overridden" and "reaches no resource" are
// claimed only when they hold under every reading the simulator weighs (spec §0.2 R0), since a wrong claim would
// have users delete a grant they need.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/ast.hpp"
#include "iotpolicy/catalog.hpp"
#include "iotpolicy/source.hpp"
#include "iotpolicy/wildcard.hpp"
#include "src/lint/rule.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint::reach {

/// A statement whose Action and Resource can be read as unions of patterns: well-formed (spec §0.3 R1), plain
/// Action and Resource (NotAction / NotResource are complements, left out: no claim is made about them), and no
/// foreign elements (spec §1.5: the simulator drops such an Allow, which IOT003 reports, and its readings differ).
inline bool is_plain(const Statement& statement) {
    return statement.effect && statement.action && statement.resource && !statement.is_broken &&
           !statement.action->negated && !statement.resource->negated && !statement.has_foreign_elements &&
           !statement.action->values.empty() && !statement.resource->values.empty();
}

inline bool is_effect(const Statement& statement, Effect effect) {
    return statement.effect && statement.effect->value == effect;
}

/// Action entry `sub` names only actions `super` names: action names compare case-insensitively (spec §3.1).
inline bool action_includes(std::string_view sub, std::string_view super) {
    return pattern_includes(sub, super, Case::insensitive);
}

/// True when `pattern` has no wildcard, variable or escape before its fifth ':' (outside `${…}` none can come
/// first), or has fewer than five ':' and no wildcard at all: then its per-segment and whole-string readings
/// (spec §3.2) match the same requests.
inline bool readings_agree(std::string_view pattern) {
    int colons = 0;
    for (const char c : pattern) {
        if (colons == 5) {
            return true;
        }
        if (c == '*' || c == '?' || c == '$') {
            return false;
        }
        colons += c == ':' ? 1 : 0;
    }
    return true;
}

/// Resource entry `sub` matches only requests `super` matches. Text compares case-sensitively (topic names are
/// case-sensitive; for the other parts, an inclusion shown on the exact text carries over to the folded reading,
/// since the DP pairs only equal characters). The whole-string reading of spec §3.2 contains the per-segment one,
/// so pattern_includes on the whole text shows inclusion for what a Deny applies to (either reading). What an
/// Allow grants needs both readings of `super`; `for_allow` then also requires that they agree, or that `super`
/// is `*`, which matches every request.
/// `super_readings_agree` is readings_agree(super), for callers that compare one entry with many (read only
/// `for_allow`).
inline bool resource_includes(std::string_view sub, std::string_view super, bool for_allow,
                              bool super_readings_agree) {
    if (super == "*") {
        return true;
    }
    return (!for_allow || super_readings_agree) && pattern_includes(sub, super);
}

inline bool resource_includes(std::string_view sub, std::string_view super, bool for_allow) {
    return resource_includes(sub, super, for_allow, for_allow && readings_agree(super));
}

/// Calls `visit(std::string_view)` for every `${…}` of `text` (to its `}`, or to the end when unclosed).
template <typename Visit>
void for_each_variable(std::string_view text, Visit&& visit) {
    for (std::size_t at = text.find("${"); at != std::string_view::npos; at = text.find("${", at + 2)) {
        const std::size_t close = text.find('}', at);
        visit(text.substr(at, close == std::string_view::npos ? text.npos : close + 1 - at));
    }
}

/// Every `${…}` of `text` occurs in `other`. An Allow statement holding an unresolved variable anywhere grants
/// nothing (spec vars §2, "Whole statement", R0), so an Allow entry or statement can be dropped in favour of
/// another only if every variable it holds is also held by what stays: otherwise dropping it could make the
/// statement grant where it granted nothing.
inline bool variables_within(std::string_view text, std::string_view other) {
    bool within = true;
    for_each_variable(text, [&](std::string_view variable) {
        within = within && other.find(variable) != std::string_view::npos;
    });
    return within;
}

/// Calls `visit(std::string_view)` for every string of a statement in which variables are substituted: Resource
/// entries and condition values (spec vars §1).
template <typename Visit>
void for_each_substituted_text(const Statement& statement, Visit&& visit) {
    if (statement.resource) {
        for (const Spanned<std::string>& entry : statement.resource->values) {
            visit(std::string_view(entry.value));
        }
    }
    for (const Condition& condition : statement.conditions) {
        for (const ConditionValue& value : condition.values) {
            visit(std::string_view(value.text));
        }
    }
}

/// Every `${…}` in the Resource entries and condition values of `statement` also occurs in those of `holder`.
inline bool statement_variables_within(const Statement& statement, const Statement& holder) {
    bool within = true;
    for_each_substituted_text(statement, [&](std::string_view text) {
        for_each_variable(text, [&](std::string_view variable) {
            bool found = false;
            for_each_substituted_text(holder, [&](std::string_view other) {
                found = found || other.find(variable) != std::string_view::npos;
            });
            within = within && found;
        });
    });
    return within;
}

/// The two statements have the same Condition block, operator by operator in the same order (a conservative
/// reading of "identical": a reordered block is not recognised).
inline bool same_conditions(const Statement& a, const Statement& b) {
    return std::equal(a.conditions.begin(), a.conditions.end(), b.conditions.begin(), b.conditions.end(),
                      [](const Condition& x, const Condition& y) {
                          return x.operator_name.value == y.operator_name.value && x.key.value == y.key.value &&
                                 std::equal(x.values.begin(), x.values.end(), y.values.begin(), y.values.end(),
                                            [](const ConditionValue& u, const ConditionValue& v) {
                                                return u.text == v.text && u.kind == v.kind;
                                            });
                      });
}

/// How the report names a statement: its Sid, else its position and line.
inline std::string statement_name(const SourceFile& source, const Statement& statement) {
    if (statement.sid && !statement.sid->value.empty()) {
        return fmt::format("statement '{}' (line {})", statement.sid->value,
                           source.location(statement.span.begin).line);
    }
    return fmt::format("statement {} at line {}", statement.index + 1, source.location(statement.span.begin).line);
}

/// Where a finding about a whole statement is reported: its Sid, else its Effect value.
inline Span statement_anchor(const Statement& statement) {
    if (statement.sid) {
        return statement.sid->span;
    }
    return statement.effect ? statement.effect->span : statement.span;
}

// --- Request actions and resource types ----------------------------------------------------------------------

/// The resource types entries are told apart by, one bit each in a mask.
inline constexpr std::array k_kinds{ArnResourceKind::client, ArnResourceKind::topic, ArnResourceKind::topicfilter,
                                    ArnResourceKind::thing, ArnResourceKind::rolealias};

inline unsigned kind_bit(ArnResourceKind kind) {
    const auto at = std::find(k_kinds.begin(), k_kinds.end(), kind);
    return at == k_kinds.end() ? 0U : 1U << static_cast<unsigned>(at - k_kinds.begin());
}

/// An action a request can name, and the k_kinds mask of the Resource entries that can match its requests: every
/// kind when it is not checked against a per-resource ARN (`*`, a `*` reading, or none given).
struct RequestAction {
    std::string_view name;
    unsigned kinds = 0;
};

/// Every action a request can name (spec §2.2, actions-and-resources.md §10): the catalog's policy actions, their
/// legacy `iot:` spellings, and the data-plane APIs not listed as policy actions. Built once: IOT106 and IOT107
/// walk it for every Action entry.
inline std::span<const RequestAction> request_actions() {
    static const std::vector<RequestAction> k_actions = [] {
        constexpr unsigned k_every_kind = (1U << k_kinds.size()) - 1U;
        const auto catalog_kinds = [&](const catalog::Action& action) {
            const bool any = action.is_resource_less() ||
                             std::any_of(action.alternate_resource_types.begin(),
                                         action.alternate_resource_types.end(),
                                         [](const catalog::ResourceType* type) { return type->any_resource; });
            if (any) {
                return k_every_kind;
            }
            unsigned kinds = 0;
            // Named shadows (the pseudo type "thingshadow") are thing/<thing>/<shadow> ARNs (actions §4.3).
            const auto add = [&](const catalog::ResourceType* type) {
                kinds |= type->name == "thingshadow" ? kind_bit(ArnResourceKind::thing)
                                                     : kind_bit(arn_resource_kind(type->name));
            };
            add(action.resource_type);
            std::for_each(action.alternate_resource_types.begin(), action.alternate_resource_types.end(), add);
            return kinds;
        };
        std::vector<RequestAction> actions;
        for (const catalog::Action& action : catalog::actions()) {
            actions.push_back({action.name, catalog_kinds(action)});
        }
        for (const catalog::LegacyActionName& legacy : catalog::legacy_action_names()) {
            actions.push_back({legacy.name, catalog_kinds(*legacy.alias_of)});
        }
        for (const catalog::UnlistedDataPlaneApi& api : catalog::unlisted_data_plane_apis()) {
            const bool any = api.resource_type == nullptr || api.resource_type->any_resource;
            actions.push_back({api.name, any ? k_every_kind : kind_bit(arn_resource_kind(api.resource_type->name))});
        }
        return actions;
    }();
    return k_actions;
}

/// The resource type every request a Resource entry matches must have, when that is certain: a well-formed ARN
/// (IOT103 reports the others) with a known type word and no wildcard, variable or escape before it. A `*` (or,
/// under the whole-string reading, a `?`) in the partition, region or account can take a ':' and shift the type
/// word into a client ID or topic name (spec §3.2), so such an entry may match requests of any type.
inline std::optional<ArnResourceKind> certain_kind(const ParsedArn& parsed, std::string_view entry) {
    if (parsed.is_any || !parsed.problems.empty() || parsed.kind == ArnResourceKind::unknown ||
        !readings_agree(entry)) {
        return std::nullopt;
    }
    return parsed.kind;
}

/// `entry` (an Action value) names request action `name`: case-insensitively, `*` and `?` as wildcards (§3.1).
/// A name has no wildcard, so matching it is the inclusion of the one-string pattern `name` in `entry`; that
/// needs no compiled pattern (action names hold no `${` or `$(`, so the opaque tokens change nothing).
/// `wildcard` is has_wildcard(entry), for callers that try one entry against many names.
inline bool names_action(std::string_view entry, bool wildcard, std::string_view name) {
    // Most entries name one action: compared directly, which is what the inclusion would find, for far less.
    if (!wildcard) {
        return detail::equals_ignoring_case(entry, name);
    }
    return pattern_includes(name, entry, Case::insensitive);
}

inline bool names_action(std::string_view entry, std::string_view name) {
    return names_action(entry, has_wildcard(entry), name);
}

/// Calls `visit(const RequestAction&)` for each request action Action entry `entry` names (names_action), in
/// request_actions() order, until `visit` returns false. The entry is looked at once, not once per action.
template <typename Visit>
void for_each_named_request_action(std::string_view entry, Visit&& visit) {
    const bool wildcard = has_wildcard(entry);
    for (const RequestAction& action : request_actions()) {
        if (names_action(entry, wildcard, action.name) && !visit(action)) {
            return;
        }
    }
}

/// The list (Action, not NotAction) names request action `name`.
inline bool list_names_action(const ElementList& list, std::string_view name) {
    return std::any_of(list.values.begin(), list.values.end(),
                       [&](const Spanned<std::string>& entry) { return names_action(entry.value, name); });
}

/// A well-formed Deny with plain Action and Resource. Foreign elements do not matter: the simulator keeps such a
/// Deny (spec §1.5).
inline bool is_readable_deny(const Statement& statement) {
    return is_effect(statement, Effect::deny) && statement.action && statement.resource && !statement.is_broken &&
           !statement.action->negated && !statement.resource->negated;
}

/// A Deny statement that applies whenever its Action and Resource match.
inline bool is_unconditional_deny(const Statement& statement) {
    return is_readable_deny(statement) && statement.conditions.empty();
}

/// Deny `deny` applies to every request of Action entry `action` on Resource entry `resource`.
inline bool deny_covers(const Statement& deny, std::string_view action, std::string_view resource) {
    const auto& actions = deny.action->values;
    const auto& resources = deny.resource->values;
    return std::any_of(actions.begin(), actions.end(),
                       [&](const Spanned<std::string>& a) { return action_includes(action, a.value); }) &&
           std::any_of(resources.begin(), resources.end(), [&](const Spanned<std::string>& r) {
               return resource_includes(resource, r.value, false);
           });
}

/// When every Action × Resource pair of plain Allow `allow` is inside one unconditional Deny of `statements`
/// (explicit Deny overrides every Allow, spec §2.2), the first such Deny of each pair, in statement order and
/// without repeats; empty otherwise. Pairs are taken one at a time, so a pair split over two Denies is not
/// recognised (sound, not complete).
inline std::vector<const Statement*> overriding_denies(const Statement& allow, std::span<const Statement> statements) {
    std::vector<const Statement*> used;
    for (const Spanned<std::string>& action : allow.action->values) {
        for (const Spanned<std::string>& resource : allow.resource->values) {
            const auto deny = std::find_if(statements.begin(), statements.end(), [&](const Statement& s) {
                return is_unconditional_deny(s) && deny_covers(s, action.value, resource.value);
            });
            if (deny == statements.end()) {
                return {};
            }
            if (std::find(used.begin(), used.end(), &*deny) == used.end()) {
                used.push_back(&*deny);
            }
        }
    }
    return used;
}

/// The types a statement's actions are checked against, and the types of its Resource entries (k_kinds masks).
struct TypeMismatch {
    unsigned wanted = 0;
    unsigned resources = 0;
};

/// When plain statement `statement` names known actions and none of them is checked against the (certain) type of
/// any of its Resource entries, so it never applies to a request, both sets of types; nothing otherwise (also
/// when it names no known action, IOT101's finding, or an entry's type is not certain).
inline std::optional<TypeMismatch> type_mismatch(const RuleContext& context, const Statement& statement) {
    TypeMismatch found;
    for (const Spanned<std::string>& entry : statement.resource->values) {
        const auto kind = certain_kind(context.arn(entry.value), entry.value);
        if (!kind) {
            return std::nullopt;  // this entry may be of any type
        }
        found.resources |= kind_bit(*kind);
    }
    bool named = false;
    bool reaches = false;
    for (const Spanned<std::string>& entry : statement.action->values) {
        for_each_named_request_action(entry.value, [&](const RequestAction& action) {
            named = true;
            found.wanted |= action.kinds;
            reaches = (found.wanted & found.resources) != 0;
            return !reaches;  // once one action meets one entry, the statement can apply
        });
        if (reaches) {
            return std::nullopt;
        }
    }
    if (!named) {
        return std::nullopt;
    }
    return found;
}

}  // namespace iotpolicy::lint::reach
