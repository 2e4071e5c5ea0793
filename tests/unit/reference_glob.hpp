// A deliberately simple glob matcher for differential tests of wildcard.hpp and arn.hpp: a table over (pattern
// item, subject character), O(items × characters), sharing no code with src/semantics/. Also a fixed-seed PRNG.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace iotpolicy::test {

/// splitmix64: the same sequence on every platform, unlike the std:: distributions.
class Prng {
public:
    explicit Prng(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }

    /// A number in [0, bound).
    std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }

    /// True with probability `percent` / 100.
    bool chance(unsigned percent) { return below(100) < percent; }

    template <typename Container>
    const auto& pick(const Container& items) {
        return items[below(items.size())];
    }

private:
    std::uint64_t m_state;
};

/// Splits `text` into characters: well-formed UTF-8 sequences (Unicode Table 3-7), else single bytes.
inline std::vector<std::string_view> reference_characters(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        const auto b = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(text[i + k])); };
        std::size_t length = 1;
        unsigned lo = 0x80;
        unsigned hi = 0xBF;
        const unsigned lead = b(0);
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            lo = lead == 0xE0 ? 0xA0 : 0x80;
            hi = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            lo = lead == 0xF0 ? 0x90 : 0x80;
            hi = lead == 0xF4 ? 0x8F : 0xBF;
        }
        bool valid = length > 1 && i + length <= text.size() && b(1) >= lo && b(1) <= hi;
        for (std::size_t k = 2; valid && k < length; ++k) {
            valid = (b(k) & 0xC0U) == 0x80U;
        }
        if (!valid) {
            length = 1;
        }
        out.push_back(text.substr(i, length));
        i += length;
    }
    return out;
}

/// One item of a reference pattern.
struct RefItem {
    enum class Kind { literal, one, run };
    Kind kind = Kind::literal;
    bool refuses_colon = false;  // one and run only
    std::string character;       // literal only
};

/// Appends the characters of the literal run `run`, decoded on its own.
inline void append_literal_run(std::string_view run, std::vector<RefItem>& items) {
    for (const std::string_view character : reference_characters(run)) {
        items.push_back({RefItem::Kind::literal, false, std::string(character)});
    }
}

/// `pattern` with every `*` and `?` a wildcard of any character.
inline std::vector<RefItem> reference_items(std::string_view pattern) {
    std::vector<RefItem> items;
    std::string run;
    for (const char c : pattern) {
        if (c == '*' || c == '?') {
            append_literal_run(run, items);
            run.clear();
            items.push_back({c == '*' ? RefItem::Kind::run : RefItem::Kind::one, false, {}});
        } else {
            run += c;
        }
    }
    append_literal_run(run, items);
    return items;
}

inline char reference_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Whether `items` match all of `subject`; ASCII letters of characters starting before `fold_end` fold case.
inline bool reference_match(const std::vector<RefItem>& items, std::string_view subject, std::size_t fold_end) {
    const std::vector<std::string_view> chars = reference_characters(subject);
    std::vector<std::size_t> offsets;
    std::size_t offset = 0;
    for (const std::string_view c : chars) {
        offsets.push_back(offset);
        offset += c.size();
    }
    const std::size_t m = items.size();
    const std::size_t n = chars.size();
    // at(i, j): items[i..] match chars[j..]
    std::vector<char> table((m + 1) * (n + 1), 0);
    const auto at = [&](std::size_t i, std::size_t j) -> char& { return table[i * (n + 1) + j]; };
    at(m, n) = 1;
    const auto same = [&](const std::string& p, std::size_t j) {
        const std::string_view s = chars[j];
        if (p.size() != s.size()) {
            return false;
        }
        if (p.size() == 1 && offsets[j] < fold_end) {
            return reference_lower(p[0]) == reference_lower(s[0]);
        }
        return p == s;
    };
    for (std::size_t i = m; i-- > 0;) {
        const RefItem& item = items[i];
        for (std::size_t j = n + 1; j-- > 0;) {
            const bool takes = j < n && !(item.refuses_colon && chars[j] == ":");
            switch (item.kind) {
            case RefItem::Kind::run:
                at(i, j) = static_cast<char>(at(i + 1, j) || (takes && at(i, j + 1)));
                break;
            case RefItem::Kind::one:
                at(i, j) = static_cast<char>(takes && at(i + 1, j + 1));
                break;
            case RefItem::Kind::literal:
                at(i, j) = static_cast<char>(j < n && same(item.character, j) && at(i + 1, j + 1));
                break;
            }
        }
    }
    return at(0, 0) != 0;
}

}  // namespace iotpolicy::test
