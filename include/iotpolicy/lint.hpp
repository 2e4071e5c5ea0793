// Linting one document: parse, build the AST, run every rule.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "iotpolicy/catalog.hpp"
#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy {

/// A rule as configured: on or off, and the severity it reports with when not its default.
struct RuleSetting {
    bool enabled = true;
    std::optional<Severity> severity;
};

/// What the linter knows about the fleet the policies serve. The defaults assume nothing: every rule on at its
/// default severity, any account and region, every auth type and protocol.
struct LintConfig {
    std::array<RuleSetting, k_rule_count> rules{};
    /// The 12-digit account IDs and the regions the policies may name (IOT104); empty: any.
    std::vector<std::string> accounts;
    std::vector<std::string> regions;
    /// The auth types and protocols devices use (IOT303); empty: all of them.
    std::vector<catalog::AuthType> auth_types;
    std::vector<catalog::Protocol> protocols;

    const RuleSetting& rule(RuleId id) const { return rules[static_cast<std::size_t>(id)]; }
    RuleSetting& rule(RuleId id) { return rules[static_cast<std::size_t>(id)]; }
};

/// Every diagnostic for `source` under `config`, sorted by position: disabled rules are not run and their
/// findings dropped, configured severities replace the defaults. Never throws on bad input.
std::vector<Diagnostic> lint_source(const SourceFile& source, const LintConfig& config = {});

}  // namespace iotpolicy
