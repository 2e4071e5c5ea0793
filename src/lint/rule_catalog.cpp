// The rule catalog: rules.def rows joined with their compiled-in README (generated rule_docs.inc).
#include <algorithm>  // find_if, stable_sort
#include <array>

#include "../support/suggest.hpp"
#include "iotpolicy/diagnostic.hpp"
#include "rule_docs.inc"

#ifndef IOTPOLICY_DOCS_BASE_URL
#error "IOTPOLICY_DOCS_BASE_URL is set by CMake"
#endif

namespace iotpolicy {

namespace {

constexpr std::array k_rules{
#define IOTPOLICY_RULE(code, name, category, severity, origin, summary) \
    RuleInfo{RuleId::code, #code, name, #category, Severity::severity, summary, rule_docs::code},
#include "rules.def"
#undef IOTPOLICY_RULE
};

constexpr std::array k_rule_folders{
#define IOTPOLICY_RULE(code, name, category, severity, origin, summary) #code "-" name,
#include "rules.def"
#undef IOTPOLICY_RULE
};

}  // namespace

std::span<const RuleInfo> all_rules() {
    return k_rules;
}

const RuleInfo& rule_info(RuleId id) {
    return k_rules[static_cast<std::size_t>(id)];
}

const RuleInfo* find_rule(std::string_view code_or_name) {
    const auto it = std::find_if(k_rules.begin(), k_rules.end(), [&](const RuleInfo& rule) {
        return detail::equals_ignoring_case(rule.code, code_or_name) || rule.name == code_or_name;
    });
    return it == k_rules.end() ? nullptr : &*it;
}

std::string rule_help_uri(const RuleInfo& rule) {
    return std::string(IOTPOLICY_DOCS_BASE_URL) + k_rule_folders[static_cast<std::size_t>(rule.id)] + "/README.md";
}

std::string_view severity_name(Severity severity) {
    switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "info";
    }
    return "error";
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
        if (a.span.begin != b.span.begin) {
            return a.span.begin < b.span.begin;
        }
        return a.rule < b.rule;
    });
}

}  // namespace iotpolicy
