#include "iotpolicy/lint.hpp"

#include "iotpolicy/ast.hpp"
#include "iotpolicy/json.hpp"
#include "rule.hpp"

namespace iotpolicy {

std::vector<Diagnostic> lint_source(const SourceFile& source) {
    JsonDocument document = parse_json(source);
    std::vector<Diagnostic> diagnostics = std::move(document.diagnostics);
    std::optional<Policy> policy;
    if (document.root) {
        policy = build_policy(source, *document.root, diagnostics);
    }
    lint::RuleContext context(source, policy ? &*policy : nullptr, diagnostics);
    for (const auto& rule : lint::check_rules()) {
        rule->check(context);
    }
    sort_diagnostics(diagnostics);
    return diagnostics;
}

}  // namespace iotpolicy
