// Reading the files a command is given: paths, directories and standard input.
#pragma once

#include <functional>
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

/// Which paths to leave out: `excluded(path, is_directory)` is asked of every file and directory a directory walk
/// meets and, when `applies_to_named`, of the paths named on the command line (standard input by `stdin_name`).
struct InputFilter {
    std::function<bool(const std::string& path, bool is_directory)> excluded;
    bool applies_to_named = false;
};

/// Reads every path: "-" is standard input (named `stdin_name`), a directory contributes its *.json files
/// (recursively, sorted, skipping hidden directories, node_modules and configuration files), anything else is
/// read as a file. Paths `filter` excludes are left out.
Inputs read_inputs(const std::vector<std::string>& paths, const std::string& stdin_name,
                   const InputFilter& filter = {});

}  // namespace iotpolicy::cli
