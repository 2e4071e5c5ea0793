#include <catch2/catch.hpp>

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
