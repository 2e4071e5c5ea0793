// Which actions an Action or NotAction list reaches, and the resource forms those actions are checked against
// (actions-and-resources.md §3, §4, §10, §11; spec §3.1). Shared by the rules that judge a statement's resources
// by its actions (IOT102 action-resource-mismatch) and the least-privilege rules that ask what an Allow grants
// (IOT202, IOT203, IOT204, IOT205, IOT207, IOT208, IOT209, IOT210).
//
// A list reaches an action when one of its entries matches the action's name, compared ignoring ASCII case with
// `*`/`?` as wildcards (spec §3.1); under NotAction, when none does. Besides the catalog's actions:
//   - a legacy `iot:` job name reaches its `iotjobsdata:` alias (actions §10: a Deny naming it applies, and
//     patterns are matched against both spellings);
//   - a data-plane API that is not a policy action (iot:GetConnection...) reaches the resource type the data gives
//     it, or every form when the data gives none (actions §10: effect unverified, so nothing is assumed);
//   - a greengrass: action reaches every form: Greengrass core devices are authorised by IoT policies
//     (actions §11), on resource types the catalog does not list (greengrass:Discover takes a thing ARN);
//   - any other prefix (s3:, iam:) is never evaluated by AWS IoT Core (actions §11) and reaches nothing.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "iotpolicy/ast.hpp"
#include "iotpolicy/catalog.hpp"
#include "iotpolicy/wildcard.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

/// The shapes of resource a request can carry: an ARN type, the named-shadow ARN `thing/<t>/<s>` (the catalog's
/// pseudo type "thingshadow"), and the bare `*` of iot:ListRetainedMessages.
enum class ResourceForm : std::uint8_t { client, topic, topicfilter, thing, thing_shadow, rolealias, any };

constexpr std::size_t k_resource_form_count = 7;

/// A set of ResourceForm values.
using FormMask = std::uint8_t;

constexpr FormMask form_bit(ResourceForm form) { return static_cast<FormMask>(1U << static_cast<unsigned>(form)); }

constexpr FormMask k_every_form = static_cast<FormMask>((1U << k_resource_form_count) - 1U);

/// The form of a catalog resource type, by its name ("thingshadow", "*").
inline FormMask form_of(const catalog::ResourceType* type) {
    if (type == nullptr) {
        return k_every_form;  // the data names no type: nothing can be ruled out
    }
    constexpr std::array<std::pair<std::string_view, ResourceForm>, k_resource_form_count> k_names{{
        {"client", ResourceForm::client},
        {"topic", ResourceForm::topic},
        {"topicfilter", ResourceForm::topicfilter},
        {"thing", ResourceForm::thing},
        {"thingshadow", ResourceForm::thing_shadow},
        {"rolealias", ResourceForm::rolealias},
        {"*", ResourceForm::any},
    }};
    for (const auto& [name, form] : k_names) {
        if (type->name == name) {
            return form_bit(form);
        }
    }
    return k_every_form;  // a type this table does not know: judge nothing
}

/// Every form `action` is checked against: its resource type and the alternates (named shadows, `*`).
inline FormMask forms_of(const catalog::Action& action) {
    FormMask mask = form_of(action.resource_type);
    for (const catalog::ResourceType* alternate : action.alternate_resource_types) {
        mask |= form_of(alternate);
    }
    return mask;
}

/// An Action or NotAction list compiled once: which names it reaches. Only the entries with `*` or `?` are
/// compiled; the others (most of them) are compared directly, which is what their pattern would do.
class ActionMatcher {
public:
    explicit ActionMatcher(const ElementList& list) : m_list(list) {
        for (const Spanned<std::string>& entry : list.values) {
            if (has_wildcard(entry.value)) {
                m_patterns.push_back(WildcardPattern::compile(entry.value));
            }
        }
    }

    /// Whether the list reaches the action called `name` (spec §3.1: case-insensitive, wildcards).
    bool reaches(std::string_view name) const { return named(name) != m_list.negated; }

    /// Whether an entry of the list matches `name`, whatever Action or NotAction says about it.
    bool named(std::string_view name) const {
        const bool plain = std::any_of(m_list.values.begin(), m_list.values.end(), [&](const Spanned<std::string>& e) {
            return detail::equals_ignoring_case(e.value, name);
        });
        return plain || std::any_of(m_patterns.begin(), m_patterns.end(), [&](const WildcardPattern& p) {
                   return p.matches(name, Case::insensitive);
               });
    }

    /// True when the list is a NotAction.
    bool negated() const { return m_list.negated; }

    /// Whether the list reaches greengrass: actions: under Action, when an entry can match some greengrass: name;
    /// under NotAction, unless an entry matches them all ("greengrass:*", "*").
    bool reaches_greengrass() const { return m_list.negated ? !named("greengrass:*") : greengrass_named(); }

private:
    /// An entry names a greengrass: action, or is a pattern that matches one with its own name part ("*",
    /// "*:Discover", "g*"; a pattern without ':' is tried against the bare prefix).
    bool greengrass_named() const {
        auto pattern = m_patterns.begin();
        for (const Spanned<std::string>& entry : m_list.values) {
            const std::string_view text = entry.value;
            const std::size_t colon = text.find(':');
            if (!has_wildcard(text)) {
                if (colon != std::string_view::npos &&
                    detail::equals_ignoring_case(text.substr(0, colon), "greengrass")) {
                    return true;
                }
                continue;
            }
            const std::string subject =
                "greengrass:" + std::string(colon == std::string_view::npos ? "" : text.substr(colon + 1));
            if ((pattern++)->matches(subject, Case::insensitive)) {
                return true;
            }
        }
        return false;
    }

    const ElementList& m_list;
    std::vector<WildcardPattern> m_patterns;  // the entries with `*` or `?`, in list order
};

/// The catalog actions for which `keep(const catalog::Action&)` holds and that the list allows: under Action,
/// named by their canonical name or a legacy `iot:` spelling of the job actions (spec §6.2,
/// actions-and-resources.md §10); under NotAction, named by neither.
template <typename Keep>
std::vector<const catalog::Action*> reached_catalog_actions(const ActionMatcher& matcher, Keep&& keep) {
    std::vector<const catalog::Action*> result;
    for (const catalog::Action& action : catalog::actions()) {
        if (!keep(action)) {
            continue;
        }
        bool matched = matcher.named(action.name);
        for (const catalog::LegacyActionName& legacy : catalog::legacy_action_names()) {
            matched = matched || (legacy.alias_of == &action && matcher.named(legacy.name));
        }
        if (matched != matcher.negated()) {
            result.push_back(&action);
        }
    }
    return result;
}

/// Calls `visit(name, forms)` for every action `matcher` reaches, in the catalog's order, then the unlisted
/// data-plane APIs and greengrass: (see the header comment). A legacy name is visited under its alias's name.
template <typename Visit>
void for_each_reached_action(const ActionMatcher& matcher, Visit&& visit) {
    for (const catalog::Action& action : catalog::actions()) {
        bool reached = matcher.reaches(action.name);
        for (const catalog::LegacyActionName& legacy : catalog::legacy_action_names()) {
            reached = reached || (legacy.alias_of == &action && matcher.reaches(legacy.name));
        }
        if (reached) {
            visit(action.name, forms_of(action));
        }
    }
    for (const catalog::UnlistedDataPlaneApi& api : catalog::unlisted_data_plane_apis()) {
        if (matcher.reaches(api.name)) {
            visit(api.name, form_of(api.resource_type));
        }
    }
    if (matcher.reaches_greengrass()) {
        visit(std::string_view("greengrass:*"), k_every_form);
    }
}

}  // namespace iotpolicy::lint
