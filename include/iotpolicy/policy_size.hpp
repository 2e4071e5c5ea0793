// The IoT policy-size quota and how the policy text is counted against it (spec §4.1, §4.2).
#pragma once

#include <cstddef>
#include <string_view>

namespace iotpolicy {

/// CreatePolicy's limit: 2048 characters, whitespace excluded.
inline constexpr std::size_t k_policy_size_quota = 2048;

/// A policy's size under each reading of "characters, excluding whitespace" that AWS leaves open.
struct PolicySize {
    std::size_t strict = 0;          // code points without any space, tab, CR or LF, even inside strings
    std::size_t minified = 0;        // code points without whitespace outside string literals
    std::size_t minified_bytes = 0;  // UTF-8 bytes of the minified text
};

/// Measures `text` as written (escapes count as written; a leading byte-order mark is not counted).
PolicySize measure_policy_size(std::string_view text);

}  // namespace iotpolicy
