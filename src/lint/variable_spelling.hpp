// The documented spelling of a policy variable or condition key name, for rules that report a name written in
// another letter case (IOT301 unknown-variable, IOT402 unknown-condition-key; spec vars §1, §7.1).
#pragma once

#include <string>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"

namespace iotpolicy::lint {

/// The catalog's spelling of the name `match` was resolved from, with its parameter or index as written.
inline std::string documented_spelling(const catalog::VariableMatch& match) {
    const catalog::PolicyVariable& variable = *match.variable;
    if (match.index > 0 && variable.indexed_form.kind != catalog::ParameterKind::none) {
        const std::string digits = match.parameter.empty() ? std::to_string(match.index) : std::string(match.parameter);
        return fmt::format("{}{}{}", variable.indexed_form.prefix, digits, variable.indexed_form.suffix);
    }
    if (variable.name_pattern.kind != catalog::ParameterKind::none) {
        return fmt::format("{}{}{}", variable.name_pattern.prefix, match.parameter, variable.name_pattern.suffix);
    }
    return std::string(variable.name);
}

}  // namespace iotpolicy::lint
