#include <catch2/catch.hpp>

#include "iotpolicy/source.hpp"

#include <sys/stat.h>  // chmod, stat
#include <unistd.h>    // getpid

#include <filesystem>

using iotpolicy::Location;
using iotpolicy::SourceFile;
using iotpolicy::read_file;
using iotpolicy::write_file_atomically;

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

TEST_CASE("indentation_before: the blanks before what starts a line, nothing mid-line") {
    const SourceFile source("p.json", "{\r\n  \"a\": 1, \"b\": 2\r\n}");
    CHECK(source.indentation_before(5) == std::optional<std::string_view>("  "));
    CHECK_FALSE(source.indentation_before(13).has_value());
    CHECK(source.indentation_before(0) == std::optional<std::string_view>(""));
    CHECK(source.line_break() == "\r\n");
    CHECK(SourceFile("p.json", "{}").line_break() == "\n");
}

TEST_CASE("write_file_atomically replaces the text, keeps the permissions and leaves no temporary file") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / fs::path("iotpolicy-atomic-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string path = (dir / "p.json").string();
    std::string error;
    REQUIRE(write_file_atomically(path, "old", error));
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    REQUIRE(write_file_atomically(path, "new text", error));
    CHECK(read_file(path, error) == std::optional<std::string>("new text"));
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0640);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);

    // A directory that does not exist: nothing written, and the error says why.
    CHECK_FALSE(write_file_atomically((dir / "missing" / "p.json").string(), "x", error));
    CHECK_FALSE(error.empty());
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    fs::remove_all(dir);
}
