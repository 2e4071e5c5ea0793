// Building the text edits of fixes: rewriting a JSON string value in the raw source, escapes included.
#pragma once

#include <algorithm>  // mismatch
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy::lint {

/// `value` as a JSON string literal: quotes, and escapes for '"', '\' and control characters; UTF-8 kept as is.
inline std::string json_quoted(std::string_view value) {
    std::string out = "\"";
    for (const char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
            out += c;
        }
    }
    return out + '"';
}

/// The edit that turns the JSON string token `token` (quotes included), whose decoded text is `value`, into one
/// whose decoded text is `new_value`. When the token spells `value` byte for byte, only the bytes that differ are
/// replaced (and the replacement needs no escaping), so the rest of the string stays as written; otherwise the whole
/// token is written anew. Nothing when `value` holds U+FFFD: the parser puts it for invalid bytes, which a rewrite
/// would silently replace, so the result would not be certain.
inline std::optional<TextEdit> rewrite_string(const SourceFile& source, Span token, std::string_view value,
                                              std::string_view new_value) {
    const std::string_view text = source.text();
    if (token.end > text.size() || token.begin >= token.end || value.find("\xEF\xBF\xBD") != std::string_view::npos) {
        return std::nullopt;
    }
    const bool spelled_as_is = token.end - token.begin == value.size() + 2 &&
                               text.substr(token.begin + 1, value.size()) == value;
    const bool plain = new_value.find_first_of("\"\\") == std::string_view::npos &&
                       std::none_of(new_value.begin(), new_value.end(),
                                    [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (!spelled_as_is || !plain) {
        return TextEdit{token, json_quoted(new_value)};
    }
    // The differing middle: strip the common prefix, then the common suffix of what is left.
    const std::size_t prefix =
        static_cast<std::size_t>(std::mismatch(value.begin(), value.end(), new_value.begin(), new_value.end()).first -
                                 value.begin());
    std::size_t suffix = 0;
    while (suffix < value.size() - prefix && suffix < new_value.size() - prefix &&
           value[value.size() - 1 - suffix] == new_value[new_value.size() - 1 - suffix]) {
        ++suffix;
    }
    const auto begin = static_cast<std::uint32_t>(token.begin + 1 + prefix);
    const auto end = static_cast<std::uint32_t>(token.begin + 1 + value.size() - suffix);
    return TextEdit{{begin, end}, std::string(new_value.substr(prefix, new_value.size() - suffix - prefix))};
}

}  // namespace iotpolicy::lint
