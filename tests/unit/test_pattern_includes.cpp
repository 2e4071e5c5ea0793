// pattern_includes (wildcard.hpp): one `*`/`?` pattern contained in another. A wrong "true" would let IOT106 and
// IOT107 tell users to delete a needed grant, so soundness is checked exhaustively on small patterns.
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "iotpolicy/wildcard.hpp"

using iotpolicy::Case;
using iotpolicy::pattern_includes;
using iotpolicy::WildcardPattern;

namespace {

bool includes(std::string_view sub, std::string_view super) {
    return pattern_includes(sub, super);
}

/// Every string over `alphabet` of length at most `max_length`.
std::vector<std::string> all_strings(std::string_view alphabet, std::size_t max_length) {
    std::vector<std::string> out{""};
    for (std::size_t begin = 0, length = 0; length < max_length; ++length) {
        const std::size_t end = out.size();
        for (std::size_t k = begin; k < end; ++k) {
            for (const char c : alphabet) {
                out.push_back(out[k] + c);
            }
        }
        begin = end;
    }
    return out;
}

}  // namespace

TEST_CASE("pattern_includes: plain strings, stars and question marks") {
    CHECK(includes("iot:Publish", "iot:Publish"));
    CHECK(includes("iot:Publish", "iot:*"));
    CHECK(includes("iot:Publish", "*"));
    CHECK(includes("", "*"));
    CHECK(includes("", "**"));
    CHECK_FALSE(includes("iot:*", "iot:Publish"));
    CHECK_FALSE(includes("a", ""));
    CHECK_FALSE(includes("", "a"));
    CHECK_FALSE(includes("", "?"));
    CHECK(includes("topic/a/b", "topic/a/*"));
    CHECK(includes("topic/a/*", "topic/*"));
    CHECK(includes("topic/a/*/c", "topic/a/*"));
    CHECK_FALSE(includes("topic/a/*", "topic/a/*/c"));
    CHECK(includes("dev-1", "dev-?"));
    CHECK(includes("dev-?", "dev-?"));
    CHECK(includes("dev-?", "dev-*"));
    CHECK_FALSE(includes("dev-*", "dev-?"));
    CHECK_FALSE(includes("dev-??", "dev-?"));
    CHECK_FALSE(includes("dev-?", "dev-1"));
}

TEST_CASE("pattern_includes: the tricky shapes") {
    // a* holds "ab", *a does not; *a holds "ba", a* does not.
    CHECK_FALSE(includes("a*", "*a"));
    CHECK_FALSE(includes("*a", "a*"));
    // ?* and *? both mean "at least one character": normalising runs makes the DP see it.
    CHECK(includes("?*", "*?"));
    CHECK(includes("*?", "?*"));
    CHECK(includes("*?*", "?*"));
    CHECK(includes("??*", "*?"));
    CHECK_FALSE(includes("*?", "??*"));
    CHECK(includes("**", "*"));
    CHECK(includes("*", "**"));
    CHECK(includes("a**b", "a*b"));
    CHECK(includes("a*a", "*a"));
    CHECK(includes("a*b*c", "a*c"));
    CHECK_FALSE(includes("a*c", "a*b*c"));
    CHECK(includes("abab", "*ab"));
    CHECK(includes("*ab*ab*", "*ab*"));
}

TEST_CASE("pattern_includes: letter case") {
    CHECK_FALSE(includes("iot:publish", "iot:Publish"));
    CHECK(pattern_includes("iot:publish", "iot:Publish", Case::insensitive));
    CHECK(pattern_includes("IOT:PUBLISH", "iot:Pub*", Case::insensitive));
    CHECK_FALSE(pattern_includes("iot:Pub*", "IOT:PUBLISH", Case::insensitive));
    CHECK_FALSE(pattern_includes("\xc3\xa9", "\xc3\x89", Case::insensitive));  // é, É: only ASCII folds
}

TEST_CASE("pattern_includes: a question mark takes one code point") {
    CHECK(includes("caf\xc3\xa9", "caf?"));
    CHECK_FALSE(includes("caf\xc3\xa9", "caf??"));
    CHECK(includes("caf\xc3\xa9", "caf*"));
}

TEST_CASE("pattern_includes: ${...} is an opaque token, never a wildcard") {
    constexpr std::string_view own = "topic/${iot:Connection.Thing.ThingName}/data";
    CHECK(includes(own, own));
    CHECK(includes(own, "topic/*/data"));
    CHECK(includes(own, "topic/*"));
    // Its value has no fixed length (and in Version 2008 it is 38 literal characters): no `?` takes it.
    CHECK_FALSE(includes(own, "topic/?/data"));
    CHECK_FALSE(includes("topic/${iot:ClientId}/data", own));
    // A variable in super is not a wildcard: it stands for one value, or for its own literal text.
    CHECK_FALSE(includes("topic/x/data", own));
    CHECK_FALSE(includes("topic/*/data", own));
    CHECK_FALSE(includes("topic/${iot:ClientId}", "topic/${iot:*}"));
    // The escapes are tokens too: `${*}` is a literal star (or literal text), not a wildcard.
    CHECK(includes("a${*}", "a*"));
    CHECK_FALSE(includes("ab", "a${*}"));
    CHECK_FALSE(includes("a*", "a${*}"));
    // A '$' of super before its first wildcard does not open sub's variable: "a" + value need not start with '$'.
    CHECK_FALSE(includes("a${x}", "a$*"));
    CHECK_FALSE(includes("a$(*)", "a$*"));
    CHECK(includes("a$b", "a$*"));
    // An unclosed `${` runs to the end as one token.
    CHECK(includes("a${b", "a${b"));
    CHECK_FALSE(includes("a${b", "a${bc"));
}

TEST_CASE("pattern_includes: $( has two readings, so nothing is claimed about it") {
    CHECK_FALSE(includes("a$(*)", "a$(*)"));
    CHECK_FALSE(includes("a$(*)", "*b"));
    CHECK_FALSE(includes("a", "$(*)"));
}

TEST_CASE("pattern_includes: every inclusion it claims holds on all short strings") {
    // All patterns of up to 4 tokens over {a, b, *, ?}, against every subject of up to 6 characters over {a, b, c}.
    const std::vector<std::string> patterns = all_strings("ab*?", 4);
    const std::vector<std::string> subjects = all_strings("abc", 6);
    std::vector<std::vector<bool>> matched;
    for (const std::string& p : patterns) {
        const WildcardPattern compiled = WildcardPattern::compile(p);
        std::vector<bool>& row = matched.emplace_back();
        for (const std::string& s : subjects) {
            row.push_back(compiled.matches(s));
        }
    }
    std::size_t claimed = 0;
    for (std::size_t x = 0; x < patterns.size(); ++x) {
        for (std::size_t y = 0; y < patterns.size(); ++y) {
            if (!pattern_includes(patterns[x], patterns[y])) {
                continue;
            }
            ++claimed;
            for (std::size_t s = 0; s < subjects.size(); ++s) {
                if (matched[x][s] && !matched[y][s]) {
                    FAIL("'" << patterns[x] << "' claimed inside '" << patterns[y] << "', but '" << subjects[s]
                             << "' matches only the first");
                }
            }
        }
    }
    // Every pattern includes itself, so at least that many claims were checked.
    CHECK(claimed > patterns.size());
}

TEST_CASE("pattern_includes: quadratic, not exponential, on long star patterns") {
    std::string sub;
    std::string super;
    for (int k = 0; k < 500; ++k) {
        sub += "*a";
        super += "*a";
    }
    super += "*b";
    CHECK(includes(sub + "*", sub + "*"));
    CHECK_FALSE(includes(sub, super));
}
