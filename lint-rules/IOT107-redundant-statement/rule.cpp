// IOT107 redundant-statement: a statement whose every request is already covered by another statement of the same
// Effect, or an Action / Resource entry covered by another entry of the same list (IAM Access Analyzer's
// "Redundant statement / action / resource" suggestions, spec §7.1).
//
// Soundness first: removing what this rule reports must never change a decision, under any reading of spec §0.2
// R0. So inclusion is pattern_includes (wildcard.hpp), action names case-insensitive, resources case-sensitive,
// `${…}` as opaque tokens; a Resource entry covers another only when its per-segment and whole-string readings
// agree (spec §3.2: no wildcard before the type word) or it is `*`; an Allow can only be dropped in favour of one
// whose variables it also holds (spec vars §2: an unresolved variable anywhere voids an Allow). A statement is
// covered by another when each of its Action entries is inside one of the other's, each Resource entry likewise,
// and the other has no Condition or the very same Condition block. NotAction / NotResource statements are not
// compared (complements: no easy sound case), but their entries are checked within their own list.
// Of two statements covering each other, only the later is reported; of two equal entries, the later one.
// Left to other rules: statements IOT106 reports (they do nothing at all); entries naming no known action (IOT101),
// malformed ARNs (IOT103), '+'/'#' in topic names (IOT105).
// Severity info: removing a redundant statement or entry changes no decision; it only frees policy size (spec §4)
// and makes the policy say what it does. Access Analyzer ranks these as suggestions.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/statement_reach.hpp"
#include "src/support/find_any_of.hpp"

namespace iotpolicy::lint {

namespace {

/// Statement `outer` covers statement `inner`: every request `inner` applies to, `outer` applies to as well.
bool covers(const Statement& outer, const Statement& inner) {
    const bool allow = inner.effect->value == Effect::allow;
    if (!outer.conditions.empty() && !reach::same_conditions(outer, inner)) {
        return false;
    }
    const auto& outer_actions = outer.action->values;
    const auto& outer_resources = outer.resource->values;
    // The variable check last: it walks every string of both statements, and most pairs fail on their actions.
    return std::all_of(inner.action->values.begin(), inner.action->values.end(),
                       [&](const Spanned<std::string>& a) {
                           return std::any_of(outer_actions.begin(), outer_actions.end(),
                                              [&](const Spanned<std::string>& b) {
                                                  return reach::action_includes(a.value, b.value);
                                              });
                       }) &&
           std::all_of(inner.resource->values.begin(), inner.resource->values.end(),
                       [&](const Spanned<std::string>& a) {
                           return std::any_of(outer_resources.begin(), outer_resources.end(),
                                              [&](const Spanned<std::string>& b) {
                                                  return reach::resource_includes(a.value, b.value, allow);
                                              });
                       }) &&
           (!allow || reach::statement_variables_within(outer, inner));
}

/// An Action entry other rules report or that names nothing known (IOT101).
bool action_entry_left_out(std::string_view entry) {
    bool named = false;
    reach::for_each_named_request_action(entry, [&](const reach::RequestAction&) {
        named = true;
        return false;
    });
    return !named;
}

/// A Resource entry IOT103 (malformed) or IOT105 ('+'/'#' in a topic name) reports.
bool resource_entry_left_out(const RuleContext& context, const std::string& entry) {
    const ParsedArn& parsed = context.arn(entry);
    if (parsed.is_any) {
        return false;
    }
    return !parsed.problems.empty() ||
           ((parsed.kind == ArnResourceKind::topic || parsed.kind == ArnResourceKind::topicfilter) &&
            detail::find_any_of(entry, "+#", parsed.parts.resource_name.begin) != std::string_view::npos);
}

class RedundantStatement final : public Rule {
public:
    void check(RuleContext& context) const override {
        const auto statements = context.statements();
        for (const Statement& statement : statements) {
            if (statement.is_broken || statement.has_foreign_elements || !statement.effect) {
                continue;
            }
            if (reach::is_plain(statement) && check_statement(context, statement, statements)) {
                continue;  // the statement goes as a whole: its entries need no finding of their own
            }
            const bool allow = statement.effect->value == Effect::allow;
            if (statement.action) {
                check_entries(context, *statement.action, allow, true);
            }
            if (statement.resource) {
                check_entries(context, *statement.resource, allow, false);
            }
        }
    }

private:
    /// Reports `statement` when another statement covers it; true when it did (or when IOT106 reports it).
    static bool check_statement(RuleContext& context, const Statement& statement,
                                std::span<const Statement> statements) {
        const Effect effect = statement.effect->value;
        // A statement that does nothing is IOT106's finding, whichever statement also covers it.
        if (reach::type_mismatch(context, statement) ||
            (effect == Effect::allow && !reach::overriding_denies(statement, statements).empty())) {
            return true;
        }
        for (const Statement& other : statements) {
            if (&other == &statement || !reach::is_plain(other) || other.effect->value != effect ||
                !covers(other, statement)) {
                continue;
            }
            // Covering each other: only the later of the two is reported.
            if (other.index > statement.index && covers(statement, other)) {
                continue;
            }
            context.report(RuleId::IOT107, Severity::info, reach::statement_anchor(statement),
                           fmt::format("this statement is redundant: every request it {} is already {} by {}{}, "
                                       "so removing it changes no decision and frees policy size (spec §4.1, §7.1 "
                                       "\"Redundant statement\"); if it was meant to differ, check its actions, "
                                       "resources and conditions",
                                       effect == Effect::allow ? "allows" : "denies",
                                       effect == Effect::allow ? "allowed" : "denied",
                                       reach::statement_name(context.source(), other),
                                       other.conditions.empty() ? "" : " under the same conditions"));
            return true;
        }
        return false;
    }

    /// Reports each entry of `list` covered by another entry of it (the later of two that cover each other).
    static void check_entries(RuleContext& context, const ElementList& list, bool allow, bool actions) {
        const auto& values = list.values;
        if (values.size() < 2) {
            return;
        }
        // Whether each entry is another rule's, and whether its readings agree (once per entry, not per pair).
        std::vector<bool> left_out(values.size());
        std::vector<bool> readings_agree(values.size());
        for (std::size_t k = 0; k < values.size(); ++k) {
            left_out[k] =
                actions ? action_entry_left_out(values[k].value) : resource_entry_left_out(context, values[k].value);
            readings_agree[k] = !actions && reach::readings_agree(values[k].value);
        }
        // Entry `sub` is inside entry `super` under every reading (NotResource included: the union of the list is
        // then the same under each reading with or without `sub`).
        const auto includes = [&](std::size_t sub, std::size_t super) {
            const std::string_view a = values[sub].value;
            const std::string_view b = values[super].value;
            if (actions) {
                return reach::action_includes(a, b);
            }
            return reach::resource_includes(a, b, true, readings_agree[super]) &&
                   (!allow || reach::variables_within(a, b));
        };
        for (std::size_t k = 0; k < values.size(); ++k) {
            const std::string_view entry = values[k].value;
            if (left_out[k]) {
                continue;
            }
            for (std::size_t l = 0; l < values.size(); ++l) {
                const std::string_view other = values[l].value;
                if (l == k || left_out[l] || !includes(k, l) || (l > k && includes(l, k))) {
                    continue;
                }
                const std::string element =
                    fmt::format("{}{}", list.negated ? "Not" : "", actions ? "Action" : "Resource");
                const std::string_view noun = actions ? "action" : "resource";
                const std::string reason =
                    entry == other ? fmt::format("it repeats an earlier entry of this {}", element)
                                   : fmt::format("'{}' in the same {} already matches every {} it matches", other,
                                                 element, noun);
                context.report(RuleId::IOT107, Severity::info, values[k].span,
                               fmt::format("'{}' is redundant: {}, so removing it changes nothing (spec §7.1 "
                                           "\"Redundant {}\")",
                                           entry, reason, noun));
                break;
            }
        }
    }

};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT107>() {
    return std::make_unique<RedundantStatement>();
}

}  // namespace iotpolicy::lint
