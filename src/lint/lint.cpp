#include "iotpolicy/lint.hpp"

#include <algorithm>

#include "iotpolicy/ast.hpp"
#include "iotpolicy/json.hpp"
#include "rule.hpp"

namespace iotpolicy {

std::vector<Diagnostic> lint_source(const SourceFile& source, const LintConfig& config) {
    JsonDocument document = parse_json(source);
    std::vector<Diagnostic> diagnostics = std::move(document.diagnostics);
    std::optional<Policy> policy;
    if (document.root) {
        policy = build_policy(source, *document.root, diagnostics);
    }
    lint::RuleContext context(source, policy ? &*policy : nullptr, config, diagnostics);
    for (const lint::RegisteredRule& rule : lint::check_rules()) {
        if (config.rule(rule.id).enabled) {
            rule.rule->check(context);
        }
    }
    // The parser and the builder report without knowing the configuration; their findings are filtered here.
    std::erase_if(diagnostics, [&](const Diagnostic& d) { return !config.rule(d.rule).enabled; });
    for (Diagnostic& diagnostic : diagnostics) {
        if (const auto& severity = config.rule(diagnostic.rule).severity) {
            diagnostic.severity = *severity;
        }
    }
    sort_diagnostics(diagnostics);
    return diagnostics;
}

}  // namespace iotpolicy
