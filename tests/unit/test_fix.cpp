// Applying fixes: one pass (overlaps, insertions at one point, duplicates, bad edits) and the re-linting loop.
#include <catch2/catch.hpp>

#include "iotpolicy/fix.hpp"

using namespace iotpolicy;

namespace {

Diagnostic fixable(std::vector<TextEdit> edits) {
    Diagnostic d{RuleId::IOT004, Severity::warning, {0, 0}, "test"};
    d.fix = Fix{"test fix", std::move(edits)};
    return d;
}

TextEdit edit(std::uint32_t begin, std::uint32_t end, std::string replacement) {
    return TextEdit{{begin, end}, std::move(replacement)};
}

}  // namespace

TEST_CASE("apply_fixes applies non-overlapping fixes whole, in any edit order") {
    const std::vector<Diagnostic> diagnostics{fixable({edit(6, 7, "Z"), edit(0, 1, "A")}), fixable({edit(3, 4, "D")})};
    const FixPass pass = apply_fixes("abcdefgh", diagnostics);
    CHECK(pass.text == "AbcDefZh");
    CHECK(pass.applied == 2);
    CHECK(pass.deferred == 0);
}

TEST_CASE("apply_fixes defers a fix that overlaps one taken earlier, with all its edits") {
    const std::vector<Diagnostic> diagnostics{fixable({edit(2, 5, "X")}),
                                              fixable({edit(0, 1, "A"), edit(4, 6, "Y")})};
    const FixPass pass = apply_fixes("abcdefgh", diagnostics);
    CHECK(pass.text == "abXfgh");  // the second fix is left out entirely, its first edit too
    CHECK(pass.applied == 1);
    CHECK(pass.deferred == 1);
}

TEST_CASE("apply_fixes: two insertions at one point conflict, an insertion next to a replacement does not") {
    SECTION("same point") {
        const std::vector<Diagnostic> diagnostics{fixable({edit(3, 3, "1")}), fixable({edit(3, 3, "2")})};
        const FixPass pass = apply_fixes("abcdef", diagnostics);
        CHECK(pass.text == "abc1def");
        CHECK(pass.deferred == 1);
    }
    SECTION("at the start and the end of a replaced range") {
        const std::vector<Diagnostic> diagnostics{fixable({edit(2, 4, "XY")}), fixable({edit(2, 2, "<")}),
                                                  fixable({edit(4, 4, ">")})};
        const FixPass pass = apply_fixes("abcdef", diagnostics);
        CHECK(pass.text == "ab<XY>ef");
        CHECK(pass.applied == 3);
    }
    SECTION("strictly inside a replaced range") {
        const std::vector<Diagnostic> diagnostics{fixable({edit(1, 5, "-")}), fixable({edit(3, 3, "!")})};
        const FixPass pass = apply_fixes("abcdef", diagnostics);
        CHECK(pass.text == "a-f");
        CHECK(pass.deferred == 1);
    }
}

TEST_CASE("apply_fixes counts an identical fix once in the text and twice in the count") {
    const std::vector<Diagnostic> diagnostics{fixable({edit(1, 1, "+")}), fixable({edit(1, 1, "+")})};
    const FixPass pass = apply_fixes("ab", diagnostics);
    CHECK(pass.text == "a+b");
    CHECK(pass.applied == 2);
    CHECK(pass.deferred == 0);
}

TEST_CASE("apply_fixes never applies a fix whose edits leave the text or overlap each other") {
    const std::vector<Diagnostic> diagnostics{fixable({edit(2, 9, "X")}), fixable({edit(0, 2, "A"), edit(1, 3, "B")}),
                                              fixable({edit(3, 2, "R")}), fixable({})};
    const FixPass pass = apply_fixes("abcd", diagnostics);
    CHECK(pass.text == "abcd");
    CHECK(pass.applied == 0);
}

TEST_CASE("fix_source re-lints until nothing is left to fix, and fixing the result changes nothing") {
    // Pass 1 replaces the near miss "2008-10-18" with "2008-10-17", pass 2 the legacy version with "2012-10-17"
    // (IOT004 and IOT305 propose that same edit: two problems fixed by one change).
    const std::string text = R"({"Version": "2008-10-18", "Statement": {"Effect": "Allow", "Action": "iot:Connect",
 "Resource": "arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}",
 "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}}}
)";
    const FixResult result = fix_source("p.json", text);
    CHECK(result.converged);
    CHECK(result.passes == 2);
    CHECK(result.applied == 3);
    CHECK(result.text.starts_with(R"({"Version": "2012-10-17", "Statement")"));
    CHECK(result.remaining.empty());

    const FixResult again = fix_source("p.json", result.text);
    CHECK(again.text == result.text);
    CHECK(again.applied == 0);
    CHECK(again.passes == 0);
}

TEST_CASE("fix_source leaves a document without fixable findings as it is") {
    const std::string text = "{\"Statement\": 3}";  // IOT004 fixable, IOT007 not
    const FixResult result = fix_source("p.json", text);
    CHECK(result.applied == 1);
    CHECK(result.text == "{\"Version\": \"2012-10-17\", \"Statement\": 3}");
    CHECK_FALSE(result.remaining.empty());
    const std::string broken = "{\"Version\": \"2012-10-17\", ";
    const FixResult unchanged = fix_source("p.json", broken);
    CHECK(unchanged.text == broken);
    CHECK(unchanged.applied == 0);
}
