// The interface every `check` rule in lint-rules/<code>-<name>/rule.cpp implements.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/ast.hpp"
#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/lint.hpp"
#include "iotpolicy/policy_size.hpp"
#include "iotpolicy/policy_variable.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy::lint {

/// What a rule sees of one document, and where it reports.
class RuleContext {
public:
    RuleContext(const SourceFile& source, const Policy* policy, const LintConfig& config,
                std::vector<Diagnostic>& diagnostics)
        : m_source(source), m_policy(policy), m_config(config), m_diagnostics(diagnostics) {}

    const SourceFile& source() const { return m_source; }

    /// The policy AST; null when the document is not a JSON object.
    const Policy* policy() const { return m_policy; }

    /// The policy's statements; none when the document is not a JSON object.
    std::span<const Statement> statements() const {
        return m_policy ? std::span<const Statement>(m_policy->statements) : std::span<const Statement>();
    }

    /// The fleet's accounts, regions, auth types and protocols. Severities and disabled rules are applied by
    /// lint_source(): a rule reports at its own severity.
    const LintConfig& config() const { return m_config; }

    /// parse_arn of `entry`, a string of this document's AST (a Resource entry, a condition value), parsed once per
    /// document: some ten rules read every Resource entry's ARN, and each parsing it again was the catalog's
    /// largest cost. Keyed by the string's address, which the immutable AST keeps for the whole run.
    const ParsedArn& arn(const std::string& entry) const {
        for (const auto& [key, parsed] : m_arns) {
            if (key == &entry) {
                return parsed;
            }
        }
        return m_arns.emplace_back(&entry, parse_arn(entry)).second;
    }

    /// parse_variable_template of `text`, a view of a string of this document's AST (a variable site), parsed
    /// once per document: four rules (IOT301, IOT303, IOT304, IOT305) read every site. Keyed by the view's
    /// bytes' address and length, which the immutable AST keeps for the whole run.
    const VariableTemplate& variable_template(std::string_view text) const {
        for (const auto& [key, parsed] : m_templates) {
            if (key.data() == text.data() && key.size() == text.size()) {
                return parsed;
            }
        }
        return m_templates.emplace_back(text, parse_variable_template(text)).second;
    }

    /// measure_policy_size of the document, measured once (IOT008 and IOT501 both read it).
    const PolicySize& size() const {
        if (!m_size) {
            m_size = measure_policy_size(m_source.text());
        }
        return *m_size;
    }

    /// Records a finding; attach a fix through the returned diagnostic.
    Diagnostic& report(RuleId rule, Severity severity, Span span, std::string message) {
        return m_diagnostics.emplace_back(Diagnostic{rule, severity, span, std::move(message)});
    }

private:
    const SourceFile& m_source;
    const Policy* m_policy;
    const LintConfig& m_config;
    std::vector<Diagnostic>& m_diagnostics;
    mutable std::deque<std::pair<const std::string*, ParsedArn>> m_arns;  // a deque: references stay valid
    mutable std::deque<std::pair<std::string_view, VariableTemplate>> m_templates;
    mutable std::optional<PolicySize> m_size;
};

/// An Allow statement with Action (or NotAction) and a Resource list, readable as written: the statements whose
/// listed resources least-privilege rules judge.
inline bool is_allow_on_listed_resources(const Statement& statement) {
    return statement.effect && statement.effect->value == Effect::allow && statement.action && statement.resource &&
           !statement.resource->negated && !statement.is_broken;
}

/// A check over one document. Rules keep no state between documents, so one instance serves every file.
class Rule {
public:
    virtual ~Rule() = default;
    virtual void check(RuleContext& context) const = 0;
};

/// Each check rule's folder defines the specialisation for its own RuleId; src/lint/registry.cpp calls them
/// in the order of rules.def. Nothing registers itself.
template <RuleId Id>
std::unique_ptr<Rule> make_rule();

struct RegisteredRule {
    RuleId id;
    std::unique_ptr<Rule> rule;
};

/// One instance of every check rule, in rules.def order.
const std::vector<RegisteredRule>& check_rules();

}  // namespace iotpolicy::lint
