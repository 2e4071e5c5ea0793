// Applying the fixes rules attach to their diagnostics: `iotpolicy lint --fix`, and the language server's quick fixes.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/lint.hpp"

namespace iotpolicy {

/// How many lint-and-fix passes fix_source() runs before it reports that the fixes do not converge.
inline constexpr std::size_t k_max_fix_passes = 10;

/// The fixes of `diagnostics` applied to `text` in one pass. A fix is taken whole or not at all: one whose edits
/// overlap an edit already taken (or insert at the same point as one) is left for the next pass; a fix identical to
/// one already taken (two rules proposing the same change) counts as applied without being applied twice; a fix
/// whose edits leave the text or overlap each other is never applied.
struct FixPass {
    std::string text;
    std::size_t applied = 0;  // fixes applied, duplicates included
    std::size_t deferred = 0;  // fixes left out because they overlap one applied in this pass
};

FixPass apply_fixes(std::string_view text, std::span<const Diagnostic> diagnostics);

/// The outcome of fixing one document.
struct FixResult {
    std::string text;                   // the fixed document (the original when nothing applied)
    std::size_t applied = 0;            // fixes applied over all passes
    std::size_t passes = 0;             // lint passes that applied something
    bool converged = true;              // false: fixes still applied after k_max_fix_passes (a fix loop)
    std::vector<Diagnostic> remaining;  // the findings of `text`, as lint_source() reports them
};

/// Lints `text` under `config`, applies the fixes, and repeats on the new text until no fix applies or
/// k_max_fix_passes passes have applied fixes. `path` names the document in the remaining diagnostics' source.
FixResult fix_source(const std::string& path, std::string text, const LintConfig& config = {});

}  // namespace iotpolicy
