// Which actions a statement's Action or NotAction list allows, for the least-privilege rules (IOT202, IOT204,
// IOT205, IOT207, IOT210). Action names match case-insensitively and `*`/`?` glob (spec §3.1).
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include "iotpolicy/ast.hpp"
#include "iotpolicy/catalog.hpp"
#include "iotpolicy/wildcard.hpp"

namespace iotpolicy::lint {

/// An Action or NotAction list compiled once.
class AllowedActions {
public:
    explicit AllowedActions(const ElementList& list) : m_negated(list.negated) {
        m_patterns.reserve(list.values.size());
        for (const Spanned<std::string>& value : list.values) {
            m_patterns.push_back(WildcardPattern::compile(value.value));
        }
    }

    /// True when the list names `action` (NotAction: does not name it).
    bool allows(std::string_view action) const { return named(action) != m_negated; }

    /// True when the list names `action` itself, whatever Action or NotAction says about it.
    bool named(std::string_view action) const {
        return std::any_of(m_patterns.begin(), m_patterns.end(),
                           [&](const WildcardPattern& p) { return p.matches(action, Case::insensitive); });
    }

    /// True when the list is a NotAction.
    bool negated() const { return m_negated; }

private:
    std::vector<WildcardPattern> m_patterns;
    bool m_negated = false;
};

/// The catalog actions for which `keep(const catalog::Action&)` holds and that `allowed` allows, under their
/// canonical name or a legacy `iot:` spelling of the job actions (spec §6.2, actions-and-resources.md §10).
template <typename Keep>
std::vector<const catalog::Action*> allowed_catalog_actions(const AllowedActions& allowed, Keep&& keep) {
    std::vector<const catalog::Action*> result;
    for (const catalog::Action& action : catalog::actions()) {
        if (!keep(action)) {
            continue;
        }
        bool matched = allowed.named(action.name);
        for (const catalog::LegacyActionName& legacy : catalog::legacy_action_names()) {
            if (legacy.alias_of == &action && allowed.named(legacy.name)) {
                matched = true;
            }
        }
        if (matched != allowed.negated()) {
            result.push_back(&action);
        }
    }
    return result;
}

}  // namespace iotpolicy::lint
