#include <catch2/catch.hpp>

#include <string>

#include "iotpolicy/policy_size.hpp"

using iotpolicy::measure_policy_size;

TEST_CASE("whitespace is excluded outside strings in both readings, inside strings only in the strict one") {
    const auto size = measure_policy_size("{ \"a b\" :\n\t\"c\\\" d\" }");
    CHECK(size.strict == 13);    // {"ab":"c\"d"}
    CHECK(size.minified == 15);  // {"a b":"c\" d"}
    CHECK(size.minified_bytes == 15);
}

TEST_CASE("code points, not bytes, and no byte-order mark") {
    const auto size = measure_policy_size("\xEF\xBB\xBF[\"\xC3\xA9\xF0\x9F\x98\x80\"]");
    CHECK(size.strict == 6);
    CHECK(size.minified == 6);
    CHECK(size.minified_bytes == 10);
}

TEST_CASE("escaped quotes and backslash runs do not end or start strings") {
    const auto size = measure_policy_size(R"(["a\\" , "b\" c"])");
    CHECK(size.strict == 14);    // ["a\\","b\"c"]
    CHECK(size.minified == 15);  // ["a\\","b\" c"]
}

TEST_CASE("an unterminated string counts to the end") {
    CHECK(measure_policy_size("[\"a b").minified == 5);
}

TEST_CASE("long texts count every byte, whatever their length and alignment") {
    // Far beyond 8 * 255 bytes, where per-lane sums have to be folded, with each tail length 0-7.
    std::string unit = "a \xC3\xA9\t";  // 5 bytes, 4 code points, 2 of them whitespace
    for (std::size_t extra = 0; extra < 8; ++extra) {
        std::string text;
        for (int k = 0; k < 3000; ++k) {
            text += unit;
        }
        text += std::string(extra, 'x');
        const auto outside = measure_policy_size(text);
        CHECK(outside.strict == 3000 * 2 + extra);
        CHECK(outside.minified == 3000 * 2 + extra);
        const auto inside = measure_policy_size("\"" + text + "\"");
        CHECK(inside.strict == 3000 * 2 + extra + 2);
        CHECK(inside.minified == 3000 * 4 + extra + 2);
        CHECK(inside.minified_bytes == 3000 * 5 + extra + 2);
    }
}
