// `iotpolicy lint --fix` and `--diff`: fixing the documents read, and writing or showing the result.
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/lint.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy::cli {

enum class FixMode { none, fix, diff };

/// What fixing the inputs did.
struct FixRun {
    std::vector<std::vector<Diagnostic>> remaining;  // per source: the findings of its fixed text
    std::size_t applied = 0;                         // fixes applied (or, for --diff, that would be)
    std::size_t changed_files = 0;
    std::vector<std::string> errors;    // files that could not be written
    std::vector<std::string> warnings;  // documents whose fixes did not converge
};

/// Fixes every source under its configuration (`configs[i]` for `sources[i]`) and replaces it by its fixed text. `fix`: each changed file is written
/// atomically, or, when `to_stdout` (the document came from standard input), the fixed document is printed to
/// `out` whether it changed or not. `diff`: a unified diff of each changed file is printed to `out`, nothing is
/// written.
FixRun fix_sources(std::vector<SourceFile>& sources, std::span<const LintConfig> configs, FixMode mode,
                   bool to_stdout, std::ostream& out);

/// "Fixed 3 problems (2 remaining)." or, for --diff, "Would fix 3 problems in 1 file."
std::string fix_summary(const FixRun& run, FixMode mode, std::size_t remaining);

}  // namespace iotpolicy::cli
