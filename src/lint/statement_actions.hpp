// Which catalog actions a statement's Action list names, for rules whose verdict depends on the requests a statement
// can apply to (the keys they carry, IOT404; the protocols they use, IOT303).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "iotpolicy/ast.hpp"
#include "iotpolicy/catalog.hpp"
#include "iotpolicy/wildcard.hpp"

namespace iotpolicy::lint {

/// The catalog actions `list` names, legacy spellings resolved to their current action (actions §10), wildcards
/// matched ignoring case as IAM matches action names (spec §3.1). Nothing when the rules cannot know the requests:
/// a NotAction list (every other action, including ones outside the catalog), an entry that names no catalog action
/// (a typo, another service, a `${…}`), or a wildcard that also reaches an API the catalog lists without protocols
/// or keys (otherDataPlaneApis).
inline std::optional<std::vector<const catalog::Action*>> named_actions(const ElementList& list) {
    if (list.negated) {
        return std::nullopt;
    }
    std::vector<const catalog::Action*> found;
    for (const Spanned<std::string>& entry : list.values) {
        const std::size_t before = found.size();
        if (has_wildcard(entry.value)) {
            const WildcardPattern pattern = WildcardPattern::compile(entry.value);
            for (const catalog::Action& action : catalog::actions()) {
                if (pattern.matches(action.name, Case::insensitive)) {
                    found.push_back(&action);
                }
            }
            for (const catalog::LegacyActionName& legacy : catalog::legacy_action_names()) {
                if (pattern.matches(legacy.name, Case::insensitive)) {
                    found.push_back(legacy.alias_of);
                }
            }
            for (const catalog::UnlistedDataPlaneApi& api : catalog::unlisted_data_plane_apis()) {
                if (pattern.matches(api.name, Case::insensitive)) {
                    return std::nullopt;
                }
            }
        } else if (const catalog::Action* action = catalog::find_action(entry.value)) {
            found.push_back(action);
        } else if (const catalog::LegacyActionName* legacy = catalog::find_legacy_action_name(entry.value)) {
            found.push_back(legacy->alias_of);
        }
        if (found.size() == before) {
            return std::nullopt;
        }
    }
    return found;
}

}  // namespace iotpolicy::lint
