// Reading the files a test is about (fixtures, samples, tables): through the library's own read_file, and a file
// that cannot be read fails the test rather than reading as empty.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "iotpolicy/source.hpp"

namespace iotpolicy::testing {

inline std::string read_test_file(const std::filesystem::path& path) {
    std::string error;
    std::optional<std::string> text = read_file(path.string(), error);
    INFO(path.string() << ": " << error);
    REQUIRE(text.has_value());
    return std::move(*text);
}

}  // namespace iotpolicy::testing
