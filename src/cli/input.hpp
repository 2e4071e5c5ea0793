// Reading the files a command is given: paths, directories and standard input.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "iotpolicy/source.hpp"

namespace iotpolicy::cli {

/// The outcome of expanding and reading the command's PATH arguments.
struct Inputs {
    std::vector<SourceFile> sources;
    std::vector<std::string> errors;  // "cannot read 'x': reason", one per unreadable path
};

/// Reads every path: "-" is standard input (named `stdin_name`), a directory contributes its *.json files
/// (recursively, sorted, skipping hidden directories and node_modules), anything else is read as a file.
Inputs read_inputs(const std::vector<std::string>& paths, const std::string& stdin_name);

}  // namespace iotpolicy::cli
