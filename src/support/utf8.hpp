// Walking UTF-8 text one code point at a time, tolerating invalid bytes.
#pragma once

#include <cstdint>
#include <string_view>

namespace iotpolicy::detail {

/// Length of the well-formed UTF-8 sequence at `text[i]` (Unicode Table 3-7: no overlong forms, no
/// surrogates, nothing above U+10FFFF), or 0 when none starts there. Callers treat a 0 as one invalid byte,
/// which editors show as one replacement character.
inline std::uint32_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) {
        return 1;
    }
    std::uint32_t length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        second_min = lead == 0xE0 ? 0xA0 : 0x80;
        second_max = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        second_min = lead == 0xF0 ? 0x90 : 0x80;
        second_max = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (i + length > text.size() || byte(1) < second_min || byte(1) > second_max) {
        return 0;
    }
    for (std::uint32_t k = 2; k < length; ++k) {
        if ((byte(k) & 0xC0U) != 0x80U) {
            return 0;
        }
    }
    return length;
}

/// Steps over one code point, or one invalid byte.
inline std::uint32_t utf8_step(std::string_view text, std::size_t i) {
    const std::uint32_t length = utf8_sequence_length(text, i);
    return length == 0 ? 1 : length;
}

}  // namespace iotpolicy::detail
