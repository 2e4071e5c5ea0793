// The catalog entry of a condition's base operator, for the rules that judge a condition by its operator's family
// (IOT302's neighbours in variable_sites.hpp, IOT401, IOT403).
#pragma once

#include "iotpolicy/ast.hpp"
#include "iotpolicy/catalog.hpp"

namespace iotpolicy::lint {

/// The operator `condition`'s base operator names, exactly or else ignoring ASCII case; null when the catalog does not
/// know it. A mis-cased name is IOT401's finding; the other rules judge it as the operator it spells, so that one
/// slip is not reported again as a type or variable problem.
inline const catalog::ConditionOperator* spelled_operator(const Condition& condition) {
    const catalog::ConditionOperator* op = catalog::find_condition_operator(condition.base_operator);
    return op != nullptr ? op : catalog::find_condition_operator_ignoring_case(condition.base_operator);
}

}  // namespace iotpolicy::lint
