// IAM wildcard patterns: `*` is any run of characters (empty included, '/' included) and `?` is exactly one
// character (spec §3.1, §3.2; actions-and-resources.md §6). Used for Action and Resource values.
//
// Characters. A `?` consumes one character, and a character is a Unicode code point: a `?` against a
// multi-byte UTF-8 character consumes all of its bytes, and `*` never stops inside one. AWS says "character"
// without defining it (spec §3.2); code points are what a user writing `dev-?` for `dev-é` expects, and the
// policy size is counted in code points too (spec §4.2). A byte that starts no well-formed UTF-8 sequence is
// one character of its own. Literal text is compared byte for byte, but an occurrence that would begin or end
// inside a character is not one. Case::insensitive folds ASCII letters only (the simulator's R0 reading for
// Deny, spec §3.2); other characters compare as they are.
//
// Algorithm. Compiling splits the pattern at its `*` into pieces S0 * S1 * ... * Sk (no piece contains `*`).
// Matching anchors S0 at the start and Sk at the end, then places S1 ... Sk-1 left to right, each at the
// occurrence that ends first among those beginning at or after the end of the previous piece. As every
// occurrence of a piece spans the same number of characters, that is its leftmost occurrence. Nothing is ever
// undone, and the greedy choice is exact: if some match places Si at [s_i, e_i), then by induction the greedy
// end g_i <= e_i (the true occurrence begins at s_i >= e_{i-1} >= g_{i-1}, so it was a candidate, and greedy
// took the earliest end), hence Sk still fits after g_{k-1}, and the `*` between pieces absorb the slack;
// conversely a greedy placement is a match.
//
// Complexity, for a subject of n bytes and a pattern of m bytes. Compiling is O(m) time and memory (a 512-byte
// table per piece, plus about 2 KiB per 64 characters of a piece that contains `?`). Matching reads each subject
// byte in at most one piece search, and the two anchored pieces in O(m):
//   - a piece of literal characters is found by Knuth–Morris–Pratt, skipping with memchr (or an 8-bytes-at-a-time
//     scan for a letter of either case) to where it can start: O(bytes scanned + piece length);
//   - a piece containing `?` runs a bit-parallel (shift-and) automaton with one bit per character of the piece:
//     O(characters scanned × ⌈p/64⌉) for a piece of p characters, i.e. a constant number of word operations per
//     byte up to 64 characters. A policy holds at most 2048 characters (spec §4.1), so ⌈p/64⌉ <= 32 for any
//     pattern a policy can contain.
// Total: O(n × ⌈p_max/64⌉ + m), p_max being the longest piece with `?` (O(n + m) when no such piece exceeds 64
// characters); no backtracking, so 64 `*` against 64 KiB is a single pass (bench/bench_wildcard.cpp).
// Matching allocates nothing unless a piece containing `?` exceeds 4096 characters.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace iotpolicy {

namespace detail {
class Glob;
}

/// Whether letters must agree in case when a pattern is matched.
enum class Case : std::uint8_t {
    sensitive,    // bytes compare as they are
    insensitive,  // ASCII letters compare without regard to case; everything else as it is
};

/// A piece of pattern text: its `*` and `?` are wildcards, unless the piece is literal (a substituted variable
/// value, or an escape such as `${*}`, whose characters stand for themselves).
struct PatternPiece {
    std::string_view text;
    bool literal = false;
};

/// Whether `text` holds a `*` or `?`. A plain loop: `find_first_of("*?")` calls memchr once per character, which
/// made it the linter's largest cost.
inline bool has_wildcard(std::string_view text) {
    for (const char c : text) {
        if (c == '*' || c == '?') {
            return true;
        }
    }
    return false;
}

/// A `*`/`?` pattern compiled for repeated matching (algorithm and bounds in this file's header comment).
/// Copies share the compiled form; a pattern is immutable, so matching from several threads is safe.
class WildcardPattern {
public:
    /// The pattern that matches only the empty string.
    WildcardPattern();

    /// Compiles `pattern`, in which every `*` and `?` is a wildcard and every other byte is literal.
    static WildcardPattern compile(std::string_view pattern);

    /// Compiles the concatenation of `pieces`; only non-literal pieces contribute wildcards.
    static WildcardPattern compile(std::span<const PatternPiece> pieces);

    /// Whether the whole of `subject` matches, with letters compared as `letter_case` says.
    bool matches(std::string_view subject, Case letter_case = Case::sensitive) const;

    /// False when the pattern is a plain string, so that `matches` is a string comparison.
    bool has_wildcards() const;

    /// The string a pattern without wildcards equals; nothing when it has wildcards.
    std::optional<std::string_view> plain_text() const;

private:
    explicit WildcardPattern(std::shared_ptr<const detail::Glob> glob);

    std::shared_ptr<const detail::Glob> m_glob;  // never null
};

/// Whether every string `sub` matches is also matched by `super`, both being `*`/`?` patterns as above, letters
/// compared as `letter_case` says. Sound but not complete: true only when inclusion holds, and false for some
/// pairs where it does (none of the shapes policies use in practice). A `${…}` is an opaque token in both
/// patterns: it equals only the same text, and only a `*` of `super` absorbs it (never a `?`). That holds
/// whether it is a policy variable (whatever value it takes, it takes the same one in both patterns, as both are
/// read for one connection) or literal text (Version 2008-10-17, spec §1.2), so the answer needs no version.
/// A `$(` in either pattern (whose `*` is a wildcard under one reading and literal under the other, spec vars
/// §2) makes the answer false. Runs of `*` and `?` are normalised first (`*?` → `?*`, `**` → `*`), then a DP
/// decides in O(|sub| × |super|) time and O(|super|) memory (algorithm in wildcard.cpp).
bool pattern_includes(std::string_view sub, std::string_view super, Case letter_case = Case::sensitive);

}  // namespace iotpolicy
