// Linting one document: parse, build the AST, run every rule.
#pragma once

#include <vector>

#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy {

/// Every diagnostic for `source`, sorted by position. Never throws on bad input.
std::vector<Diagnostic> lint_source(const SourceFile& source);

}  // namespace iotpolicy
