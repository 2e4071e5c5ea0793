#include <catch2/catch.hpp>

#include "iotpolicy/source.hpp"

using iotpolicy::Location;
using iotpolicy::SourceFile;

TEST_CASE("locations are 1-based lines and code-point columns") {
    const SourceFile source("f.json", "ab\n\xC3\xA9x\r\ny\rz");
    CHECK(source.line_count() == 4);
    CHECK(source.location(0) == Location{1, 1});
    CHECK(source.location(2) == Location{1, 3});
    CHECK(source.location(3) == Location{2, 1});
    CHECK(source.location(5) == Location{2, 2});  // after the two-byte é
    CHECK(source.location(8) == Location{3, 1});  // after CR LF
    CHECK(source.location(10) == Location{4, 1});  // after a lone CR
    CHECK(source.location(999) == Location{4, 2});  // clamped to the end
}

TEST_CASE("line text excludes the line break") {
    const SourceFile source("f.json", "one\r\ntwo\nthree");
    CHECK(source.line_text(1) == "one");
    CHECK(source.line_text(2) == "two");
    CHECK(source.line_text(3) == "three");
    CHECK(source.line_start(3) == 9);
}

TEST_CASE("invalid UTF-8 bytes count one column each") {
    const SourceFile source("f.json", "\xFF\xFE" "a");
    CHECK(source.location(2) == Location{1, 3});
}

TEST_CASE("UTF-16 columns count surrogate pairs for astral code points") {
    const SourceFile source("f.json", "\"\xF0\x9F\x98\x80\xC3\xA9\"x");  // "😀é"x
    CHECK(source.utf16_column(1) == 1);
    CHECK(source.utf16_column(5) == 3);
    CHECK(source.utf16_column(7) == 4);
    CHECK(source.location(7).column == 4);
}

TEST_CASE("columns on a line long enough for checkpoints agree with a scan from the line start") {
    std::string text = "ab\n";
    for (int i = 0; i < 30'000; ++i) {
        text += i % 7 == 0 ? "\xF0\x9F\x98\x80" : "\xC3\xA9";  // 😀 (two UTF-16 units) or é
    }
    text += "\nz";
    const SourceFile source("long.json", text);
    std::uint32_t offset = 3;
    std::uint32_t utf16 = 0;
    for (int i = 0; i < 30'000; ++i) {
        if (i % 997 == 0) {
            INFO(i);
            CHECK(source.location(offset) == Location{2, static_cast<std::uint32_t>(i + 1)});
            CHECK(source.utf16_column(offset) == utf16);
        }
        const bool astral = i % 7 == 0;
        offset += astral ? 4 : 2;
        utf16 += astral ? 2 : 1;
    }
    CHECK(source.location(offset + 1) == Location{3, 1});
}
