#include "iotpolicy/policy_size.hpp"

#include <cstdint>
#include <cstring>  // memchr, memcpy

namespace iotpolicy {

namespace {

bool is_json_whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Whitespace bytes of a short run (the gap between two string literals: indentation and punctuation). A plain
/// loop: a vectorised count's setup costs more than such a gap.
std::size_t count_whitespace_in_gap(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) {
        count += is_json_whitespace(c) ? 1 : 0;
    }
    return count;
}

struct ByteCounts {
    std::size_t continuation = 0;  // UTF-8 continuation bytes (10xxxxxx)
    std::size_t whitespace = 0;    // space, tab, LF, CR
};

/// Both counts of the whole text in one pass, eight bytes at a time: each byte lane of a word holds a 0 or 1 per
/// test, summed lane-wise and folded every 255 words, before a lane can overflow.
ByteCounts count_bytes(std::string_view text) {
    constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
    constexpr std::uint64_t k_high = 0x8080808080808080ULL;
    constexpr std::uint64_t k_low7 = 0x7F7F7F7F7F7F7F7FULL;
    // The high bit of each zero byte of v, exactly (no borrow between lanes).
    const auto zero_bytes = [&](std::uint64_t v) { return ~(((v & k_low7) + k_low7) | v) & k_high; };
    // The eight lane sums of `lanes` (each at most 255) added up: paired into 16-bit lanes first, so that the
    // total (at most 2040) cannot overflow the lane it is gathered in.
    const auto fold = [](std::uint64_t lanes) {
        constexpr std::uint64_t k_even_bytes = 0x00FF00FF00FF00FFULL;
        const std::uint64_t pairs = (lanes & k_even_bytes) + ((lanes >> 8) & k_even_bytes);
        return static_cast<std::size_t>((pairs * 0x0001000100010001ULL) >> 48);
    };
    ByteCounts counts;
    std::size_t at = 0;
    while (text.size() - at >= 8) {
        std::uint64_t continuation_lanes = 0;
        std::uint64_t whitespace_lanes = 0;
        for (int words = 0; words < 255 && text.size() - at >= 8; ++words, at += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, text.data() + at, sizeof w);
            // 10xxxxxx: bit 7 set, and bit 6 (shifted into bit 7's place) clear.
            continuation_lanes += ((w & ~(w << 1)) & k_high) >> 7;
            const std::uint64_t spaces = zero_bytes(w ^ (k_ones * ' ')) | zero_bytes(w ^ (k_ones * '\t')) |
                                         zero_bytes(w ^ (k_ones * '\n')) | zero_bytes(w ^ (k_ones * '\r'));
            whitespace_lanes += spaces >> 7;
        }
        counts.continuation += fold(continuation_lanes);
        counts.whitespace += fold(whitespace_lanes);
    }
    for (; at < text.size(); ++at) {
        counts.continuation += (static_cast<unsigned char>(text[at]) & 0xC0U) == 0x80U ? 1 : 0;
        counts.whitespace += is_json_whitespace(text[at]) ? 1 : 0;
    }
    return counts;
}

/// Offset just past the string literal whose opening quote is at `open`, or the text's size if it never
/// closes. A quote preceded by an odd number of backslashes is escaped.
std::size_t string_end(std::string_view text, std::size_t open) {
    std::size_t at = open + 1;
    while (at < text.size()) {
        const void* quote = std::memchr(text.data() + at, '"', text.size() - at);
        if (quote == nullptr) {
            return text.size();
        }
        const auto close = static_cast<std::size_t>(static_cast<const char*>(quote) - text.data());
        std::size_t backslashes = 0;
        while (close - backslashes > open + 1 && text[close - backslashes - 1] == '\\') {
            ++backslashes;
        }
        if (backslashes % 2 == 0) {
            return close + 1;
        }
        at = close + 1;
    }
    return text.size();
}

}  // namespace

// Counted in one whole-text pass (continuation bytes, whitespace) plus a quote-to-quote walk for what lies
// outside strings: the lint benchmark showed a byte-at-a-time state machine here costing a quarter of linting.
PolicySize measure_policy_size(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    const ByteCounts counts = count_bytes(text);
    std::size_t whitespace_outside_strings = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        const void* quote = std::memchr(text.data() + at, '"', text.size() - at);
        const std::size_t open =
            quote == nullptr ? text.size() : static_cast<std::size_t>(static_cast<const char*>(quote) - text.data());
        whitespace_outside_strings += count_whitespace_in_gap(text.substr(at, open - at));
        at = open < text.size() ? string_end(text, open) : open;
    }
    const std::size_t code_points = text.size() - counts.continuation;
    return PolicySize{
        .strict = code_points - counts.whitespace,
        .minified = code_points - whitespace_outside_strings,
        .minified_bytes = text.size() - whitespace_outside_strings,
    };
}

}  // namespace iotpolicy
