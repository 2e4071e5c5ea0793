// Nearest-name suggestions for misspelt keys, actions and variables.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace iotpolicy::detail {

/// Case-insensitive Levenshtein distance between `a` and `b`, giving up (returning `limit` + 1) once the
/// distance exceeds `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

/// `c` with an ASCII capital letter made small.
constexpr char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// True when `a` and `b` differ only in ASCII letter case. Inline: the linter asks it of every Action entry
/// against every catalog name, and most calls end at the sizes or the first byte.
constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i] && ascii_lower(a[i]) != ascii_lower(b[i])) {
            return false;
        }
    }
    return true;
}

/// True when `text` begins with `prefix`, ignoring ASCII letter case.
inline bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && equals_ignoring_case(text.substr(0, prefix.size()), prefix);
}

/// The candidate closest to `word`: an exact case-insensitive match first, else the nearest within a third of
/// the word's length (at least 1, at most 3 edits). Nothing when no candidate is close.
std::optional<std::string_view> nearest_name(std::string_view word, std::span<const std::string_view> candidates);

/// nearest_name(), but only when no other candidate is as near: what a fix may replace `word` with.
std::optional<std::string_view> unique_nearest_name(std::string_view word,
                                                    std::span<const std::string_view> candidates);

}  // namespace iotpolicy::detail
