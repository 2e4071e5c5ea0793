#include <array>

#include <catch2/catch.hpp>

#include "src/support/suggest.hpp"

using namespace iotpolicy::detail;

TEST_CASE("edit distance is case-insensitive and bounded") {
    CHECK(edit_distance("Effect", "effect", 3) == 0);
    CHECK(edit_distance("Efect", "Effect", 3) == 1);
    CHECK(edit_distance("Resorce", "Resource", 3) == 1);
    CHECK(edit_distance("abc", "xyzxyzxyz", 3) == 4);
}

TEST_CASE("nearest name prefers a case variant, then the closest within a third of the word") {
    constexpr std::array<std::string_view, 4> names{"Action", "NotAction", "Resource", "Effect"};
    CHECK(nearest_name("action", names) == "Action");
    CHECK(nearest_name("NotActon", names) == "NotAction");
    CHECK(nearest_name("Principal", names) == std::nullopt);
    CHECK(nearest_name("x", names) == std::nullopt);
}
