#include "rule.hpp"

namespace iotpolicy::lint {

namespace {

// Expands only the rows of rules.def whose origin is `check`.
#define IOTPOLICY_ORIGIN_parser(code)
#define IOTPOLICY_ORIGIN_builder(code)
#define IOTPOLICY_ORIGIN_check(code) rules.push_back({RuleId::code, make_rule<RuleId::code>()});

std::vector<RegisteredRule> create_check_rules() {
    std::vector<RegisteredRule> rules;
#define IOTPOLICY_RULE(code, name, category, severity, origin, summary) IOTPOLICY_ORIGIN_##origin(code)
#include "rules.def"
#undef IOTPOLICY_RULE
    return rules;
}

}  // namespace

const std::vector<RegisteredRule>& check_rules() {
    static const std::vector<RegisteredRule> rules = create_check_rules();
    return rules;
}

}  // namespace iotpolicy::lint
