// Rendering diagnostics: one format per source file in src/output/.
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy {

/// The diagnostics of one linted document.
struct FileDiagnostics {
    const SourceFile* source;
    std::vector<Diagnostic> diagnostics;
};

/// `file:line:col: severity: message [IOTnnn]` (then ` [*]` when the finding has a fix), the source line with the
/// span underlined, a summary line, and how many findings `--fix` can fix. `color` adds ANSI colours (the caller decides: a terminal, and NO_COLOR unset).
void write_text(std::ostream& out, std::span<const FileDiagnostics> files, bool color);

/// One JSON object: {"version":1,"files":N,"diagnostics":[...]} with 1-based lines and columns (end exclusive);
/// each diagnostic's "fix" is null or {"description", "edits": [{"line", "column", "endLine", "endColumn",
/// "offset", "endOffset", "replacement"}]}.
void write_json(std::ostream& out, std::span<const FileDiagnostics> files);

/// SARIF 2.1.0 for GitHub code scanning, with every rule in the driver and a result's fix in its `fixes`.
void write_sarif(std::ostream& out, std::span<const FileDiagnostics> files, std::string_view tool_version);

/// "Found 3 problems (2 errors, 1 warning) in 2 of 5 files." or "No problems found in 5 files."
std::string summary_line(std::span<const FileDiagnostics> files);

}  // namespace iotpolicy
