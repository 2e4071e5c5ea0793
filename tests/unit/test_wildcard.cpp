#include <array>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "iotpolicy/wildcard.hpp"
#include "reference_glob.hpp"
#include "src/semantics/glob.hpp"

using iotpolicy::Case;
using iotpolicy::PatternPiece;
using iotpolicy::WildcardPattern;

namespace {

bool glob(std::string_view pattern, std::string_view subject, Case letter_case = Case::sensitive) {
    return WildcardPattern::compile(pattern).matches(subject, letter_case);
}

}  // namespace

TEST_CASE("star matches any run, the empty one included, across '/'") {
    CHECK(glob("*", ""));
    CHECK(glob("*", "a/b/c"));
    CHECK(glob("g*", "g"));
    CHECK(glob("a/*/c", "a/x/y/c"));
    CHECK_FALSE(glob("a/*/c", "a/c"));
    CHECK(glob("a*b*c", "abc"));
    CHECK(glob("a*b*c", "aXbYbZc"));
    CHECK_FALSE(glob("a*b*c", "aXcYb"));
    CHECK(glob("**", "x"));
    CHECK(glob("*a*", "a"));
    CHECK_FALSE(glob("*a*", "b"));
    CHECK_FALSE(glob("a*", ""));
    CHECK(glob("*abab", "abababab"));
    CHECK_FALSE(glob("*abab", "ababa"));
}

TEST_CASE("question mark matches exactly one character, '/' included") {
    CHECK(glob("dev-?", "dev-1"));
    CHECK_FALSE(glob("dev-?", "dev-12"));
    CHECK_FALSE(glob("dev-?", "dev-"));
    CHECK(glob("e?f", "e/f"));
    CHECK(glob("???", "a/b"));
    CHECK_FALSE(glob("?", ""));
}

TEST_CASE("a run of question marks confines a wildcard to one level where '*' would not") {
    CHECK(glob("a/\?\?\?/b", "a/xyz/b"));
    CHECK(glob("a/\?\?\?/b", "a/x/z/b"));  // '?' still matches '/': x/z is three characters
    CHECK_FALSE(glob("a/\?\?\?/b", "a/wxyz/b"));
    CHECK(glob("a/*/b", "a/w/x/y/z/b"));
}

TEST_CASE("the spec's examples: actions and MQTT wildcards as literal characters") {
    CHECK(glob("iot:*", "iot:Publish"));
    CHECK(glob("iot:Get*", "iot:GetThingShadow"));
    CHECK_FALSE(glob("iot:Get*", "iot:UpdateThingShadow"));
    CHECK(glob("iot:*Shadow", "iot:DeleteThingShadow"));
    CHECK(glob("iot:publish", "iot:Publish", Case::insensitive));
    CHECK_FALSE(glob("iot:publish", "iot:Publish"));
    // topicfilter/a/* covers the wildcard filters a/#, a/+, a/+/x (spec §3.3)
    CHECK(glob("topicfilter/a/*", "topicfilter/a/#"));
    CHECK(glob("topicfilter/a/*", "topicfilter/a/+"));
    CHECK(glob("topicfilter/a/*", "topicfilter/a/+/x"));
    // '+' and '#' are literal: topicfilter/a/+/b allows the filter string a/+/b only
    CHECK(glob("topicfilter/a/+/b", "topicfilter/a/+/b"));
    CHECK_FALSE(glob("topicfilter/a/+/b", "topicfilter/a/x/b"));
    CHECK_FALSE(glob("topicfilter/a/#", "topicfilter/a/b"));
    CHECK(glob("topicfilter/a/?/b", "topicfilter/a/+/b"));
    CHECK_FALSE(glob("topicfilter/a/restricted/*", "topicfilter/a/#"));
}

TEST_CASE("case-insensitive matching folds ASCII letters only") {
    CHECK(glob("client/DEV-*", "client/dev-9", Case::insensitive));
    CHECK_FALSE(glob("client/DEV-*", "client/dev-9"));
    CHECK(glob("*ab?D", "xxABcd", Case::insensitive));
    CHECK_FALSE(glob("\xC3\x89", "\xC3\xA9", Case::insensitive));  // É and é are not folded
    CHECK(glob("a*B*c", "AxbXC", Case::insensitive));
    CHECK_FALSE(glob("*[*", "x{"));  // '[' and '{' differ by 0x20 but are not letters
    CHECK_FALSE(glob("*[*", "x{", Case::insensitive));
}

TEST_CASE("a question mark consumes one code point; a star never splits one") {
    const std::string e_acute = "\xC3\xA9";       // é, 2 bytes
    const std::string euro = "\xE2\x82\xAC";      // €, 3 bytes
    const std::string emoji = "\xF0\x9F\x98\x80";  // 4 bytes
    CHECK(glob("dev-?", "dev-" + e_acute));
    CHECK_FALSE(glob("dev-??", "dev-" + e_acute));
    CHECK(glob("?", euro));
    CHECK(glob("?", emoji));
    CHECK_FALSE(glob("??", euro));
    CHECK(glob("*?", euro));
    CHECK_FALSE(glob("*??", euro));  // with byte stars, '*' = E2 and '?' '?' = 82, AC would match
    CHECK(glob("*" + euro + "*", "a" + euro + "b"));
    CHECK(glob("?" + euro, e_acute + euro));
    CHECK(glob("*?" + euro + "?*", "x" + e_acute + euro + emoji + "y"));
    CHECK_FALSE(glob(std::string("a?") + "\xAC", "a\xE2\x82\xAC"));  // a literal byte inside a character
}

TEST_CASE("bytes that are not UTF-8 are characters of their own") {
    CHECK(glob("?", "\xFF"));
    CHECK(glob("??", "\xC3\x41"));  // a lead byte without its continuation, then 'A'
    CHECK(glob("a\xC3*", "a\xC3xyz"));
    CHECK_FALSE(glob("a\xC3*", "a\xC3\xA9xyz"));  // here C3 begins é: the literal would split it
    CHECK(glob("*\x82\xAC", "\x82\xAC"));
    CHECK_FALSE(glob("*\x82\xAC", "\xE2\x82\xAC"));
}

TEST_CASE("plain strings take the fast path") {
    const WildcardPattern plain = WildcardPattern::compile("topic/a/b");
    CHECK_FALSE(plain.has_wildcards());
    CHECK(plain.plain_text() == "topic/a/b");
    CHECK(plain.matches("topic/a/b"));
    CHECK_FALSE(plain.matches("topic/a/B"));
    CHECK(plain.matches("TOPIC/A/B", Case::insensitive));
    CHECK_FALSE(plain.matches("topic/a/b/"));

    const WildcardPattern star = WildcardPattern::compile("topic/*");
    CHECK(star.has_wildcards());
    CHECK(star.plain_text() == std::nullopt);

    const WildcardPattern empty;
    CHECK(empty.matches(""));
    CHECK_FALSE(empty.matches("x"));
    CHECK_FALSE(empty.has_wildcards());
}

TEST_CASE("literal pieces keep '*' and '?' as characters (escapes, substituted values)") {
    const std::array<PatternPiece, 3> pieces{PatternPiece{"a/", false}, PatternPiece{"*?", true},
                                             PatternPiece{"/*", false}};
    const WildcardPattern pattern = WildcardPattern::compile(pieces);
    CHECK(pattern.has_wildcards());
    CHECK(pattern.matches("a/*?/x/y"));
    CHECK_FALSE(pattern.matches("a/xy/x"));

    const std::array<PatternPiece, 1> literal{PatternPiece{"*", true}};
    const WildcardPattern star = WildcardPattern::compile(literal);
    CHECK_FALSE(star.has_wildcards());
    CHECK(star.matches("*"));
    CHECK_FALSE(star.matches("x"));

    // A literal split over pieces still forms one character.
    const std::array<PatternPiece, 3> split{PatternPiece{"\xC3", true}, PatternPiece{"\xA9", false},
                                            PatternPiece{"?", false}};
    CHECK(WildcardPattern::compile(split).matches("\xC3\xA9x"));
}

TEST_CASE("pathological patterns decide without backtracking") {
    std::string stars;  // *a*a*...*a* : 64 stars
    for (int i = 0; i < 63; ++i) {
        stars += "*a";
    }
    stars += "*";
    const WildcardPattern pattern = WildcardPattern::compile(stars);
    const std::size_t size = 64 * 1024;

    std::string sparse(size, 'b');
    for (std::size_t i = 0; i < 63; ++i) {
        sparse[size - 1 - i * 7] = 'a';
    }
    CHECK(pattern.matches(sparse));
    sparse[size - 1] = 'b';  // 62 a's left
    CHECK_FALSE(pattern.matches(sparse));
    CHECK(pattern.matches(std::string(size, 'a')));

    std::string ending = stars + "b";  // *a*...*a*b against a's only: no b at the end
    CHECK_FALSE(WildcardPattern::compile(ending).matches(std::string(size, 'a')));

    std::string questions;  // *a?*a?*... : pieces with '?' run the bit-parallel matcher
    for (int i = 0; i < 32; ++i) {
        questions += "*a?";
    }
    questions += "*";
    CHECK(WildcardPattern::compile(questions).matches(std::string(size, 'a')));
    CHECK_FALSE(WildcardPattern::compile(questions).matches(std::string(size - 1, 'b') + "a"));
}

TEST_CASE("long pieces with '?' span several state words") {
    std::string piece;
    for (int i = 0; i < 150; ++i) {
        piece += i % 10 == 0 ? '?' : static_cast<char>('a' + i % 3);
    }
    const WildcardPattern pattern = WildcardPattern::compile("*" + piece + "*");
    std::string subject = piece;
    for (char& c : subject) {
        c = c == '?' ? 'z' : c;
    }
    CHECK(pattern.matches("xx" + subject + "yy"));
    CHECK(pattern.matches(subject));
    subject[140] = 'q';  // position 140 is a '?': still fine
    CHECK(pattern.matches(subject));
    subject[149] = 'q';
    CHECK_FALSE(pattern.matches(subject));
}

TEST_CASE("a piece wider than the stack state still matches (its state goes on the heap)") {
    std::string piece(5000, 'a');
    piece[2500] = '?';
    piece[4000] = '?';
    std::string subject = "xy";
    subject.append(2500, 'a');
    subject += "\xC3\xA9";  // the first '?' takes the whole of é
    subject.append(2499, 'a');
    subject += 'z';
    std::string text = "*";
    text += piece;
    text += '*';
    const WildcardPattern pattern = WildcardPattern::compile(text);
    CHECK(pattern.matches(subject));
    CHECK(pattern.matches(subject, Case::insensitive));
    subject[subject.size() - 3] = 'b';  // inside the piece's last 'a' run
    CHECK_FALSE(pattern.matches(subject));
}

namespace {

using iotpolicy::test::Prng;

constexpr std::array<std::string_view, 13> k_pattern_tokens{"a", "b", "A", "/", ":", "\xC3\xA9", "\xE2\x82\xAC",
                                                            "\xC3", "\x82", "+", "#", "*", "?"};
constexpr std::array<std::string_view, 13> k_subject_tokens{
    "a", "b", "A", "B", "/", ":", "\xC3\xA9", "\xC3\x89", "\xE2\x82\xAC", "\xC3", "\xA9", "\x82", "\xE2\x82"};

constexpr std::array<std::string_view, 4> k_long_tokens{"a", "b", "/", "\xC3\xA9"};

std::string random_pattern(Prng& prng, std::size_t max_tokens) {
    std::string pattern;
    const std::size_t count = prng.below(max_tokens + 1);
    for (std::size_t i = 0; i < count; ++i) {
        // Wildcards a third of the time, so that pieces are short and many.
        pattern += prng.chance(35) ? (prng.chance(50) ? "*" : "?") : prng.pick(k_pattern_tokens);
    }
    return pattern;
}

/// A subject the pattern is likely to match: each `*` replaced by a few tokens, each `?` by one, then perhaps
/// one token changed.
std::string derived_subject(Prng& prng, std::string_view pattern) {
    std::string subject;
    for (const char c : pattern) {
        if (c == '*') {
            for (std::size_t k = prng.below(4); k > 0; --k) {
                subject += prng.pick(k_subject_tokens);
            }
        } else if (c == '?') {
            subject += prng.pick(k_subject_tokens);
        } else {
            subject += prng.chance(5) ? 'A' : c;
        }
    }
    if (prng.chance(30) && !subject.empty()) {
        subject[prng.below(subject.size())] = prng.pick(k_subject_tokens)[0];
    }
    return subject;
}

std::string random_subject(Prng& prng, std::size_t max_tokens) {
    std::string subject;
    for (std::size_t k = prng.below(max_tokens + 1); k > 0; --k) {
        subject += prng.pick(k_subject_tokens);
    }
    return subject;
}

}  // namespace

TEST_CASE("differential: the compiled matcher agrees with a reference table matcher") {
    Prng prng(20251125);
    std::size_t matched = 0;
    std::size_t total = 0;
    for (int round = 0; round < 12000; ++round) {
        const std::string pattern = random_pattern(prng, 10);
        const std::string subject = prng.chance(60) ? derived_subject(prng, pattern) : random_subject(prng, 12);
        const WildcardPattern compiled = WildcardPattern::compile(pattern);
        const auto items = iotpolicy::test::reference_items(pattern);
        for (const Case letter_case : {Case::sensitive, Case::insensitive}) {
            const bool expected =
                iotpolicy::test::reference_match(items, subject, letter_case == Case::insensitive ? subject.size() : 0);
            INFO("pattern '" << pattern << "' subject '" << subject << "' insensitive "
                             << (letter_case == Case::insensitive));
            REQUIRE(compiled.matches(subject, letter_case) == expected);
            matched += expected ? 1 : 0;
            ++total;
        }
    }
    // The generator must exercise both outcomes in earnest.
    CHECK(matched > total / 5);
    CHECK(matched < total * 4 / 5);
}

TEST_CASE("differential: long subjects and pieces longer than 64 characters") {
    Prng prng(7);
    for (int round = 0; round < 400; ++round) {
        std::string pattern;
        for (std::size_t k = 1 + prng.below(4); k > 0; --k) {
            pattern += "*";
            for (std::size_t len = prng.below(round % 2 == 0 ? 12 : 90); len > 0; --len) {
                pattern += prng.chance(20) ? std::string_view("?") : prng.pick(k_long_tokens);
            }
        }
        if (prng.chance(50)) {
            pattern += "*";
        }
        const std::string subject = prng.chance(70) ? random_subject(prng, 3) + derived_subject(prng, pattern)
                                                    : random_subject(prng, 200);
        const auto items = iotpolicy::test::reference_items(pattern);
        INFO("pattern '" << pattern << "' subject '" << subject << "'");
        REQUIRE(WildcardPattern::compile(pattern).matches(subject) ==
                iotpolicy::test::reference_match(items, subject, 0));
    }
}

namespace {

using iotpolicy::detail::Glob;
using iotpolicy::detail::GlobClass;
using iotpolicy::detail::GlobToken;
using iotpolicy::test::RefItem;

constexpr std::array<std::string_view, 10> k_literal_tokens{"a", "b", "A", ":", "/", "\xC3\xA9", "\xE2\x82\xAC",
                                                            "\xC3", "\x82", "ab"};

}  // namespace

TEST_CASE("differential: the engine with ':'-refusing wildcards and case folded before any offset") {
    Prng prng(11);
    std::size_t matched = 0;
    const int rounds = 8000;
    for (int round = 0; round < rounds; ++round) {
        std::vector<GlobToken> tokens;
        std::vector<RefItem> items;
        std::string run;
        std::string shown;
        for (std::size_t k = prng.below(9); k > 0; --k) {
            const std::size_t kind = prng.below(10);
            const GlobClass cls = prng.chance(50) ? GlobClass::any : GlobClass::not_colon;
            if (kind < 5) {
                const std::string_view text = prng.pick(k_literal_tokens);
                tokens.push_back({GlobToken::Kind::literal, GlobClass::any, text});
                run += text;
                shown += text;
                continue;
            }
            iotpolicy::test::append_literal_run(run, items);
            run.clear();
            const bool one = kind < 7;
            tokens.push_back({one ? GlobToken::Kind::any_one : GlobToken::Kind::any_run, cls, {}});
            items.push_back({one ? RefItem::Kind::one : RefItem::Kind::run, cls == GlobClass::not_colon, {}});
            shown += one ? (cls == GlobClass::any ? "?" : "[^:]") : (cls == GlobClass::any ? "*" : "[^:]*");
        }
        iotpolicy::test::append_literal_run(run, items);

        std::string subject;
        for (const GlobToken& token : tokens) {
            if (token.kind == GlobToken::Kind::literal) {
                subject += prng.chance(90) ? std::string(token.text) : std::string(prng.pick(k_subject_tokens));
            } else {
                for (std::size_t k = token.kind == GlobToken::Kind::any_one ? 1 : prng.below(4); k > 0; --k) {
                    subject += prng.pick(k_subject_tokens);
                }
            }
        }
        const std::size_t fold_end = prng.below(subject.size() + 2);
        const Glob glob(tokens);
        const bool expected = iotpolicy::test::reference_match(items, subject, fold_end);
        INFO("pattern " << shown << " subject '" << subject << "' fold_end " << fold_end);
        REQUIRE(glob.matches(subject, fold_end) == expected);
        matched += expected ? 1 : 0;
    }
    CHECK(matched > rounds / 5);
    CHECK(matched < rounds * 4 / 5);
}
