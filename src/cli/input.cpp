#include "input.hpp"

#include <algorithm>   // sort
#include <filesystem>
#include <iostream>
#include <iterator>

#include <fmt/format.h>

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

void read_directory(const std::string& root, Inputs& inputs) {
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
        if (it->is_directory(error) && is_skipped_directory(it->path())) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(error) && it->path().extension() == ".json") {
            files.push_back(it->path().lexically_normal().string());
        }
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) {
        read_one(file, inputs);
    }
}

}  // namespace

Inputs read_inputs(const std::vector<std::string>& paths, const std::string& stdin_name) {
    Inputs inputs;
    for (const std::string& path : paths) {
        if (path == "-") {
            std::string error;
            std::optional<std::string> text = read_all(std::cin, error);
            if (text) {
                inputs.sources.emplace_back(stdin_name, std::move(*text));
            } else {
                inputs.errors.push_back(fmt::format("cannot read standard input: {}", error));
            }
            continue;
        }
        std::error_code error;
        if (fs::is_directory(path, error)) {
            read_directory(path, inputs);
        } else {
            read_one(path, inputs);
        }
    }
    return inputs;
}

}  // namespace iotpolicy::cli
