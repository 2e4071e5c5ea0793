#include "input.hpp"

#include <algorithm>   // sort
#include <filesystem>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

#include "iotpolicy/config.hpp"  // k_config_file_name

namespace iotpolicy::cli {

namespace {

namespace fs = std::filesystem;

void read_one(const std::string& path, Inputs& inputs) {
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
        inputs.errors.push_back(fmt::format("cannot read '{}': {}", path, error));
        return;
    }
    inputs.sources.emplace_back(path, std::move(*text));
}

bool is_skipped_directory(const fs::path& path) {
    const std::string name = path.filename().string();
    return (name.size() > 1 && name.front() == '.') || name == "node_modules";
}

void read_directory(const std::string& root, const InputFilter& filter, Inputs& inputs) {
    std::vector<std::string> files;
    std::error_code error;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
    if (error) {
        inputs.errors.push_back(fmt::format("cannot read directory '{}': {}", root, error.message()));
        return;
    }
    for (const fs::recursive_directory_iterator end; it != end; it.increment(error)) {
        if (error) {
            inputs.errors.push_back(fmt::format("cannot read directory '{}': {}", root, error.message()));
            return;
        }
        if (it->is_directory(error)) {
            if (is_skipped_directory(it->path()) ||
                (filter.excluded && filter.excluded(it->path().lexically_normal().string(), true))) {
                it.disable_recursion_pending();
            }
            continue;
        }
        // A configuration file is no policy, though its name ends in .json.
        if (it->is_regular_file(error) && it->path().extension() == ".json" &&
            it->path().filename() != k_config_file_name) {
            std::string file = it->path().lexically_normal().string();
            if (!filter.excluded || !filter.excluded(file, false)) {
                files.push_back(std::move(file));
            }
        }
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) {
        read_one(file, inputs);
    }
}

}  // namespace

Inputs read_inputs(const std::vector<std::string>& paths, const std::string& stdin_name, const InputFilter& filter) {
    Inputs inputs;
    for (const std::string& path : paths) {
        const bool is_stdin = path == "-";
        std::error_code error;
        const bool is_directory = !is_stdin && fs::is_directory(path, error);
        // Named paths are linted even when ignored, unless asked otherwise (--force-exclude, as in Ruff).
        if (filter.applies_to_named && filter.excluded && filter.excluded(is_stdin ? stdin_name : path, is_directory)) {
            continue;
        }
        if (is_stdin) {
            std::string read_error;
            std::optional<std::string> text = read_all(std::cin, read_error);
            if (text) {
                inputs.sources.emplace_back(stdin_name, std::move(*text));
            } else {
                inputs.errors.push_back(fmt::format("cannot read standard input: {}", read_error));
            }
            continue;
        }
        if (is_directory) {
            read_directory(path, filter, inputs);
        } else {
            read_one(path, inputs);
        }
    }
    return inputs;
}

}  // namespace iotpolicy::cli
