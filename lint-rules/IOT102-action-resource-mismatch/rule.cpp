// IOT102 action-resource-mismatch: a Resource entry that none of its statement's actions is ever checked against,
// so it grants nothing (Allow) or blocks nothing (Deny) (actions-and-resources.md §3, §4, §11: "resource type that
// cannot match the action (e.g. a `topic/` ARN under `iot:Subscribe`) -> error").
//
// Judged: each Resource entry whose type can be read (client/, topic/, topicfilter/, thing/, rolealias/ with no
// wildcard in the type word and no IOT103 problem). Not judged: `*`, malformed or non-IoT ARNs and wildcard types
// (IOT103's), NotResource (an entry there excludes nothing; IOT206 reports Allow with NotResource), statements that
// reach no known action (IOT101's) and broken statements (spec §0.3 R1: no meaning of their own).
// Forms (actions §3, §4.3): a thing/ name with a '/' outside `${…}` is the named-shadow ARN `thing/<t>/<s>`, which
// only the shadow actions are checked against; one with `*` or `?` may be either form.
// IOT106 reports a whole statement that grants nothing; this rule reports each mismatched entry, whether or not
// the statement's other entries work: entry vs statement, complementary.
// iot:ListNamedShadowsForThing (actions §4.4, spec §9 #22): an Allow naming it with thing/ ARNs and no Resource `*`
// gets a warning at each thing/ entry, as AWS documents `*` for it and R0 lets an Allow grant only through `*`.
#include <algorithm>
#include <array>
#include <bit>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "src/lint/action_coverage.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/string_spans.hpp"
#include "src/support/find_any_of.hpp"

namespace iotpolicy::lint {

namespace {

std::string_view text_of(const std::string& value, Span part) {
    return std::string_view(value).substr(part.begin, part.end - part.begin);
}

/// The forms a readable Resource entry can match; 0 when the entry is not judged.
FormMask entry_forms(const ParsedArn& parsed, std::string_view name) {
    switch (parsed.kind) {
    case ArnResourceKind::client: return form_bit(ResourceForm::client);
    case ArnResourceKind::topic: return form_bit(ResourceForm::topic);
    case ArnResourceKind::topicfilter: return form_bit(ResourceForm::topicfilter);
    case ArnResourceKind::rolealias: return form_bit(ResourceForm::rolealias);
    case ArnResourceKind::thing:
        // A `*` (or `?`) can stand for the '/' of a named shadow, so such a name may be either form.
        if (detail::find_any_of_outside_variables(name, "*?") != std::string_view::npos) {
            return form_bit(ResourceForm::thing) | form_bit(ResourceForm::thing_shadow);
        }
        return detail::find_any_of_outside_variables(name, "/") != std::string_view::npos
                   ? form_bit(ResourceForm::thing_shadow) : form_bit(ResourceForm::thing);
    case ArnResourceKind::unknown: return 0;
    }
    return 0;
}

constexpr std::array<std::string_view, k_resource_form_count> k_form_text = {
    "client/<clientId>",          "topic/<topicName>", "topicfilter/<topicFilter>",
    "thing/<thingName>",          "thing/<thingName>/<shadowName>",
    "rolealias/<roleAlias>",      "Resource \"*\""};

std::string forms_text(FormMask mask) {
    std::string out;
    for (std::size_t i = 0; i < k_resource_form_count; ++i) {
        if ((mask & (1U << i)) != 0) {
            out += fmt::format("{}{}", out.empty() ? "" : " or ", k_form_text[i]);
        }
    }
    return out;
}

std::string_view entry_description(FormMask forms) {
    if (forms == form_bit(ResourceForm::thing_shadow)) {
        return "a named-shadow ARN (thing/<thingName>/<shadowName>)";
    }
    switch (static_cast<ResourceForm>(std::countr_zero(forms))) {
    case ResourceForm::client: return "a client/ ARN";
    case ResourceForm::topic: return "a topic/ ARN";
    case ResourceForm::topicfilter: return "a topicfilter/ ARN";
    case ResourceForm::thing: return "a thing/ ARN";
    default: return "a rolealias/ ARN";
    }
}

/// Beyond this many groups of actions the message names only the forms.
constexpr std::size_t k_listed_groups = 4;

/// The statement's actions grouped by the forms they are checked against, for the message.
struct ActionGroup {
    FormMask forms = 0;
    std::vector<std::string_view> names;
};

std::string names_text(const std::vector<std::string_view>& names) {
    constexpr std::size_t k_shown = 3;
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < k_shown; ++i) {
        const bool last = i + 1 == names.size();
        out += fmt::format("{}{}", i == 0 ? "" : (last ? " and " : ", "), names[i]);
    }
    if (names.size() > k_shown) {
        out += fmt::format(" and {} more", names.size() - k_shown);
    }
    return out;
}

class ActionResourceMismatch final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            if (!statement.effect || !statement.action || !statement.resource || statement.resource->negated ||
                statement.is_broken) {
                continue;
            }
            const ActionMatcher matcher(*statement.action);
            FormMask reached = 0;
            for_each_reached_action(matcher, [&](std::string_view, FormMask forms) { reached |= forms; });
            if (reached == 0) {
                continue;  // no known action: IOT101 says why
            }
            const bool allow = statement.effect->value == Effect::allow;
            const bool list_named_shadows = allow && names_list_named_shadows(*statement.action);
            const auto& entries = statement.resource->values;
            const bool has_any = std::any_of(entries.begin(), entries.end(),
                                             [](const Spanned<std::string>& e) { return e.value == "*"; });
            for (const Spanned<std::string>& entry : entries) {
                const ParsedArn& parsed = context.arn(entry.value);
                if (parsed.is_any || !parsed.problems.empty()) {
                    continue;  // `*` fits every action; malformed entries are IOT103's
                }
                const FormMask forms = entry_forms(parsed, text_of(entry.value, parsed.parts.resource_name));
                if (forms == 0) {
                    continue;
                }
                if ((forms & reached) == 0) {
                    report_mismatch(context, statement, matcher, entry, parsed, forms, reached);
                } else if (list_named_shadows && !has_any && (forms & form_bit(ResourceForm::thing)) != 0) {
                    report_list_named_shadows(context, entry, parsed);
                }
            }
        }
    }

private:
    /// Whether the Action list names iot:ListNamedShadowsForThing itself: reached through a wildcard such as
    /// iot:* it was likely not meant for this statement's thing/ entries.
    static bool names_list_named_shadows(const ElementList& list) {
        return !list.negated && std::any_of(list.values.begin(), list.values.end(), [](const Spanned<std::string>& e) {
                   return detail::equals_ignoring_case(e.value, "iot:ListNamedShadowsForThing");
               });
    }

    static void report_mismatch(RuleContext& context, const Statement& statement, const ActionMatcher& matcher,
                                const Spanned<std::string>& entry, const ParsedArn& parsed, FormMask forms,
                                FormMask reached) {
        std::vector<ActionGroup> groups;
        for_each_reached_action(matcher, [&](std::string_view name, FormMask action_forms) {
            const auto group = std::find_if(groups.begin(), groups.end(),
                                            [&](const ActionGroup& g) { return g.forms == action_forms; });
            if (group == groups.end()) {
                groups.push_back({action_forms, {name}});
            } else {
                group->names.push_back(name);
            }
        });
        std::string checked;
        if (groups.size() == 1) {
            checked = fmt::format("{} {} checked only against {}", names_text(groups.front().names),
                                  groups.front().names.size() == 1 ? "is" : "are", forms_text(groups.front().forms));
        } else if (groups.size() > k_listed_groups) {
            // NotAction and broad wildcards reach most actions: the forms they take say enough.
            checked = fmt::format("this statement's actions are checked only against {}", forms_text(reached));
        } else {
            std::string list;
            for (const ActionGroup& group : groups) {
                list += fmt::format("{}{}: {}", list.empty() ? "" : "; ", names_text(group.names),
                                    forms_text(group.forms));
            }
            checked = fmt::format("this statement's actions are checked only against other resources ({})", list);
        }
        const bool allow = statement.effect->value == Effect::allow;
        const std::string consequence =
            allow ? std::string("so this entry grants nothing")
                  : std::string("so this Deny blocks nothing through this entry: the requests it was written to stop "
                                "stay allowed wherever another statement allows them, a security gap");
        context.report(RuleId::IOT102, Severity::error,
                       string_part_span(context.source(), entry.span, entry.value, parsed.parts.resource_type.begin,
                                        parsed.parts.resource_type.end),
                       fmt::format("'{}' is {}, but {}, {} (actions-and-resources.md §3, §11){}",
                                   text_of(entry.value, parsed.parts.resource), entry_description(forms), checked,
                                   consequence, suggestion(entry, parsed, reached, allow)));
    }

    /// The entry rewritten to the one form the statement's actions are checked against, if there is one.
    static std::string suggestion(const Spanned<std::string>& entry, const ParsedArn& parsed, FormMask reached,
                                  bool allow) {
        const std::string_view verb = allow ? "grant" : "block";
        if (reached == form_bit(ResourceForm::any)) {
            return fmt::format("; to {} it, write Resource \"*\" (actions-and-resources.md §4.2)", verb);
        }
        // The shadow actions take both thing forms; the classic one is the rewrite.
        const FormMask target_mask =
            reached == (form_bit(ResourceForm::thing) | form_bit(ResourceForm::thing_shadow))
                ? form_bit(ResourceForm::thing)
                : reached;
        if (std::popcount(target_mask) != 1 || target_mask == form_bit(ResourceForm::thing_shadow)) {
            return "";
        }
        const auto target = static_cast<ResourceForm>(std::countr_zero(target_mask));
        constexpr std::array<std::string_view, k_resource_form_count> k_type_words = {
            "client", "topic", "topicfilter", "thing", "thing", "rolealias", ""};
        std::string_view name = text_of(entry.value, parsed.parts.resource_name);
        if (target == ResourceForm::thing && parsed.kind == ArnResourceKind::thing) {
            name = name.substr(0, name.find('/'));  // the named-shadow form, cut to its thing
        }
        return fmt::format("; to {} it, write '{}{}/{}'", verb,
                           std::string_view(entry.value).substr(0, parsed.parts.resource_type.begin),
                           k_type_words[static_cast<std::size_t>(target)], name);
    }

    static void report_list_named_shadows(RuleContext& context, const Spanned<std::string>& entry,
                                          const ParsedArn& parsed) {
        context.report(RuleId::IOT102, Severity::warning,
                       string_part_span(context.source(), entry.span, entry.value, parsed.parts.resource_type.begin,
                                        parsed.parts.resource_type.end),
                       fmt::format("'{}' may never grant iot:ListNamedShadowsForThing: AWS documents the resource of "
                                   "that action as \"*\" in one place and as thing/<thingName> in another, so an "
                                   "Allow grants it only through Resource \"*\" (actions-and-resources.md §4.4, "
                                   "spec §9 #22); add Resource \"*\" for this action",
                                   text_of(entry.value, parsed.parts.resource)));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT102>() {
    return std::make_unique<ActionResourceMismatch>();
}

}  // namespace iotpolicy::lint
