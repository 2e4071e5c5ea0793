// Where a part of a policy string is in the policy text, for rules that point inside a Resource or Action value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iotpolicy/source.hpp"

namespace iotpolicy::lint {

/// The policy-text span of bytes [from, to) of `value`, the decoded text of the JSON string token `token` (quotes
/// included): that part when the token spells the value byte for byte, else the whole token. Escapes and invalid
/// UTF-8 (decoded as U+FFFD) break the byte-for-byte correspondence; reporting the whole string then keeps every
/// span inside the text.
inline Span string_part_span(const SourceFile& source, Span token, std::string_view value, std::size_t from,
                             std::size_t to) {
    const std::string_view text = source.text();
    const bool spelled_as_is = token.begin < token.end && token.end <= text.size() &&
                               token.end - token.begin == value.size() + 2 &&
                               text.substr(token.begin + 1, value.size()) == value;
    if (!spelled_as_is || from > to || to > value.size()) {
        return token;
    }
    return {static_cast<std::uint32_t>(token.begin + 1 + from), static_cast<std::uint32_t>(token.begin + 1 + to)};
}

}  // namespace iotpolicy::lint
