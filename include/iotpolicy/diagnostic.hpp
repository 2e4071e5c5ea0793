// Diagnostics and the rule catalog they refer to.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/source.hpp"

namespace iotpolicy {

enum class Severity : std::uint8_t { error, warning, info };

/// Every rule, in the order of lint-rules/rules.def.
enum class RuleId : std::uint16_t {
#define IOTPOLICY_RULE(code, name, category, severity, origin, summary) code,
#include "rules.def"
#undef IOTPOLICY_RULE
};

inline constexpr std::size_t k_rule_count = 0
#define IOTPOLICY_RULE(code, name, category, severity, origin, summary) +1
#include "rules.def"
#undef IOTPOLICY_RULE
    ;

/// Replace the bytes of `span` with `replacement` (an empty span inserts).
struct TextEdit {
    Span span;
    std::string replacement;

    friend bool operator==(const TextEdit&, const TextEdit&) = default;
};

/// A machine-applicable change that resolves a diagnostic: every edit is applied, or none. A rule attaches one only
/// when the intended text is certain; its README's "Fix safety" says what applying it changes.
struct Fix {
    std::string description;
    std::vector<TextEdit> edits;
};

/// One finding: which rule, how severe, where, and a message that says what is wrong and what would be right.
struct Diagnostic {
    RuleId rule;
    Severity severity;
    Span span;
    std::string message;
    std::optional<Fix> fix = std::nullopt;
};

/// A rule's fixed metadata and its documentation (its lint-rules/ README, compiled in).
struct RuleInfo {
    RuleId id;
    std::string_view code;      // "IOT004"
    std::string_view name;      // "invalid-version"
    std::string_view category;  // "structure"
    Severity default_severity;
    std::string_view summary;
    std::string_view documentation;  // Markdown
};

/// All rules, sorted by code.
std::span<const RuleInfo> all_rules();

const RuleInfo& rule_info(RuleId id);

/// The rule whose code (case-insensitive) or name equals `code_or_name`, if any.
const RuleInfo* find_rule(std::string_view code_or_name);

/// Where a rule's documentation is published (SARIF helpUri).
std::string rule_help_uri(const RuleInfo& rule);

std::string_view severity_name(Severity severity);

/// Orders diagnostics by position, then rule, so every output format lists them alike.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

}  // namespace iotpolicy
