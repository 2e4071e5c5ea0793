// Byte-set searches for hot paths.
#pragma once

#include <cstddef>
#include <string_view>

namespace iotpolicy::detail {

/// The position of the first byte of `text` at or after `from` that is one of `set`'s bytes, or npos. What
/// std::string_view::find_first_of returns, by a plain loop: libstdc++ calls memchr on `set` once per byte of
/// `text`, which made that call a top cost of linting (every Resource entry is scanned by several rules).
constexpr std::size_t find_any_of(std::string_view text, std::string_view set, std::size_t from = 0) {
    for (std::size_t at = from; at < text.size(); ++at) {
        for (const char c : set) {
            if (text[at] == c) {
                return at;
            }
        }
    }
    return std::string_view::npos;
}

/// find_any_of that steps over `${…}` tokens, whose bytes are a variable's name or an escape (`${*}` is a literal
/// star, not a wildcard). An unclosed `${` ends the search with npos: the rest is a malformed variable (IOT304).
constexpr std::size_t find_any_of_outside_variables(std::string_view text, std::string_view set,
                                                     std::size_t from = 0) {
    for (std::size_t at = from; at < text.size(); ++at) {
        if (text[at] == '$' && at + 1 < text.size() && text[at + 1] == '{') {
            at = text.find('}', at);
            if (at == std::string_view::npos) {
                return std::string_view::npos;
            }
            continue;
        }
        for (const char c : set) {
            if (text[at] == c) {
                return at;
            }
        }
    }
    return std::string_view::npos;
}

}  // namespace iotpolicy::detail
