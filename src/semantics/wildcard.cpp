#include "iotpolicy/wildcard.hpp"

#include <cstdint>
#include <utility>  // move
#include <vector>

#include "../support/utf8.hpp"
#include "../support/suggest.hpp"  // equals_ignoring_case
#include "glob.hpp"

namespace iotpolicy {

namespace {

/// Appends the tokens of `piece`: literal runs, and (unless the piece is literal) `*` and `?`.
void append_tokens(const PatternPiece& piece, std::vector<detail::GlobToken>& tokens) {
    using Kind = detail::GlobToken::Kind;
    if (piece.literal) {
        tokens.push_back({Kind::literal, detail::GlobClass::any, piece.text});
        return;
    }
    std::size_t run_begin = 0;
    for (std::size_t i = 0; i < piece.text.size(); ++i) {
        const char c = piece.text[i];
        if (c != '*' && c != '?') {
            continue;
        }
        tokens.push_back({Kind::literal, detail::GlobClass::any, piece.text.substr(run_begin, i - run_begin)});
        tokens.push_back({c == '*' ? Kind::any_run : Kind::any_one, detail::GlobClass::any, {}});
        run_begin = i + 1;
    }
    tokens.push_back({Kind::literal, detail::GlobClass::any, piece.text.substr(run_begin)});
}

const std::shared_ptr<const detail::Glob>& empty_glob() {
    static const std::shared_ptr<const detail::Glob> glob = std::make_shared<const detail::Glob>();
    return glob;
}

}  // namespace

// Every default pattern shares one empty glob: condition values hold several unused patterns each.
WildcardPattern::WildcardPattern() : m_glob(empty_glob()) {}

WildcardPattern::WildcardPattern(std::shared_ptr<const detail::Glob> glob) : m_glob(std::move(glob)) {}

WildcardPattern WildcardPattern::compile(std::string_view pattern) {
    const PatternPiece piece{pattern, false};
    return compile(std::span<const PatternPiece>(&piece, 1));
}

WildcardPattern WildcardPattern::compile(std::span<const PatternPiece> pieces) {
    std::vector<detail::GlobToken> tokens;
    for (const PatternPiece& piece : pieces) {
        append_tokens(piece, tokens);
    }
    return WildcardPattern(std::make_shared<const detail::Glob>(tokens));
}

bool WildcardPattern::matches(std::string_view subject, Case letter_case) const {
    return m_glob->matches(subject, letter_case == Case::insensitive ? subject.size() : 0);
}

bool WildcardPattern::has_wildcards() const {
    return m_glob->has_wildcards();
}

std::optional<std::string_view> WildcardPattern::plain_text() const {
    return m_glob->plain_text();
}

// --- Inclusion of one pattern in another -----------------------------------------------------------------------
//
// Both patterns become token lists: `*`, `?`, one literal character (a code point, or one invalid byte, as `?`
// consumes, wildcard.hpp), or an opaque `${…}` (up to its `}`, or to the end when unclosed). Within a run of `*` and
// `?` the `?` are moved first and the `*` merged (`*?*` → `?*`): the run matches the same strings (at least as many
// characters as it has `?`, any number when it has a `*`), and the DP below can then pair `?` with `?`.
//
// in(i, j) claims "every string matched by sub[i..] is matched by super[j..]":
//   - super[j] = `*`:  in(i, j+1) (the star matches nothing) or, when i < |sub|, in(i+1, j) (the star also
//     takes whatever sub[i] matches: any string for a `*`, one character for a `?` or literal, a value for `${…}`);
//   - sub exhausted:   super[j..] must be all `*`;
//   - sub[i] = `*`:    false unless super[j] is `*` (a non-star token of super matches a bounded length);
//   - sub[i] = `?`:    super[j] must be `?` (a literal or `${…}` matches one string, `?` many);
//   - sub[i] literal:  super[j] is the equal literal (letter case per `letter_case`) or `?`;
//   - sub[i] `${…}`:   super[j] is the same text (its value can have any length, so no `?` takes it).
// Each claim is justified by the strings concatenated on both sides, so a true answer is an inclusion. Rows are
// computed from i = |sub| down to 0, each right to left: O(|sub| × |super|) time, two rows of memory (buffers
// kept per thread, so a call allocates only when a pattern is longer than any before it).

namespace {

enum class IncludeToken : std::uint8_t { star, one, literal, opaque };

struct IncludeItem {
    IncludeToken kind;
    std::string_view text;  // literal or opaque text
};

/// Writes the normalised tokens of `pattern` into `items`; false when it contains `$(`.
bool include_tokens(std::string_view pattern, std::vector<IncludeItem>& items) {
    items.clear();
    std::size_t i = 0;
    while (i < pattern.size()) {
        const char c = pattern[i];
        if (c == '*' || c == '?') {
            std::size_t stars = 0;
            for (; i < pattern.size() && (pattern[i] == '*' || pattern[i] == '?'); ++i) {
                if (pattern[i] == '?') {
                    items.push_back({IncludeToken::one, {}});
                } else {
                    ++stars;
                }
            }
            if (stars > 0) {
                items.push_back({IncludeToken::star, {}});
            }
            continue;
        }
        if (c == '$' && i + 1 < pattern.size() && pattern[i + 1] == '(') {
            return false;
        }
        if (c == '$' && i + 1 < pattern.size() && pattern[i + 1] == '{') {
            const std::size_t close = pattern.find('}', i);
            const std::size_t end = close == std::string_view::npos ? pattern.size() : close + 1;
            items.push_back({IncludeToken::opaque, pattern.substr(i, end - i)});
            i = end;
            continue;
        }
        const std::size_t step = detail::utf8_step(pattern, i);
        items.push_back({IncludeToken::literal, pattern.substr(i, step)});
        i += step;
    }
    return true;
}

/// Buffers reused by every call on one thread: linting calls pattern_includes for many pairs of entries of
/// every policy, and allocating per call would cost more than the DP.
struct IncludeScratch {
    std::vector<IncludeItem> sub;
    std::vector<IncludeItem> super;
    std::vector<std::uint8_t> next;
    std::vector<std::uint8_t> row;
};

bool same_text(std::string_view a, std::string_view b, Case letter_case) {
    return letter_case == Case::sensitive ? a == b : detail::equals_ignoring_case(a, b);
}

/// The bytes of `super` before its first `*`, `?`, `${` or `$(`: text every string it matches starts with.
std::size_t literal_prefix_length(std::string_view pattern) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '*' || c == '?' || (c == '$' && i + 1 < pattern.size() && (pattern[i + 1] == '{' || pattern[i + 1] == '('))) {
            return i;
        }
    }
    return pattern.size();
}

/// The length of the tail of `pattern` made of literal characters only: it stops at a wildcard and at any byte
/// of a `${…}` or `$(…)` token (`$`, `{`, `}`, `(`), so whatever the tokenizer reads there, the tail is literal.
std::size_t literal_suffix_length(std::string_view pattern) {
    for (std::size_t i = pattern.size(); i-- > 0;) {
        const char c = pattern[i];
        if (c == '*' || c == '?' || c == '$' || c == '{' || c == '}' || c == '(') {
            return pattern.size() - i - 1;
        }
    }
    return pattern.size();
}

}  // namespace

bool pattern_includes(std::string_view sub, std::string_view super, Case letter_case) {
    // The DP pairs super's literal tail token for token with sub's last tokens, which must be the same literals;
    // likewise at the start. Checking both first rejects most pairs before anything is allocated, and the DP
    // runs on what follows the prefix (which ends before an ASCII byte of super, so at a character boundary of
    // both). The tail goes first: entries of one list share long prefixes and differ at the end.
    const std::size_t suffix = literal_suffix_length(super);
    if (sub.size() < suffix ||
        !same_text(sub.substr(sub.size() - suffix), super.substr(super.size() - suffix), letter_case)) {
        return false;
    }
    std::size_t prefix = literal_prefix_length(super);
    if (sub.size() < prefix || !same_text(sub.substr(0, prefix), super.substr(0, prefix), letter_case)) {
        return false;
    }
    // A '$' that ends the prefix may open `${` or `$(` in sub: leave it to the tokenizer of both.
    if (prefix > 0 && super[prefix - 1] == '$') {
        --prefix;
    }
    thread_local IncludeScratch scratch;
    if (!include_tokens(sub.substr(prefix), scratch.sub) || !include_tokens(super.substr(prefix), scratch.super)) {
        return false;
    }
    const std::vector<IncludeItem>* a = &scratch.sub;
    const std::vector<IncludeItem>* b = &scratch.super;
    const std::size_t n = a->size();
    const std::size_t m = b->size();
    std::vector<std::uint8_t>& next = scratch.next;  // row i + 1
    std::vector<std::uint8_t>& row = scratch.row;    // row i
    next.assign(m + 1, 0);
    row.assign(m + 1, 0);
    // Row n: the empty rest of sub is included where super's rest is all stars.
    row[m] = 1;
    for (std::size_t j = m; j-- > 0;) {
        row[j] = static_cast<std::uint8_t>((*b)[j].kind == IncludeToken::star && row[j + 1]);
    }
    for (std::size_t i = n; i-- > 0;) {
        next.swap(row);
        const IncludeItem& x = (*a)[i];
        row[m] = 0;  // sub has tokens left, super none
        for (std::size_t j = m; j-- > 0;) {
            const IncludeItem& y = (*b)[j];
            bool in = false;
            if (y.kind == IncludeToken::star) {
                in = row[j + 1] || next[j];
            } else if (x.kind == IncludeToken::one) {
                in = y.kind == IncludeToken::one && next[j + 1];
            } else if (x.kind == IncludeToken::literal) {
                in = (y.kind == IncludeToken::one ||
                      (y.kind == IncludeToken::literal && same_text(x.text, y.text, letter_case))) &&
                     next[j + 1];
            } else if (x.kind == IncludeToken::opaque) {
                in = y.kind == IncludeToken::opaque && x.text == y.text && next[j + 1];
            }
            row[j] = static_cast<std::uint8_t>(in);
        }
    }
    return row[0] != 0;
}

}  // namespace iotpolicy
