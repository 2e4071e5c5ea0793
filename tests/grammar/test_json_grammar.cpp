// The grammar on its own: no cycles without progress, and an accept/reject table run with PEGTL's own
// control (no actions), so that the grammar is tested apart from the tree builder.
#include <catch2/catch.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar/json.hpp"

namespace pegtl = tao::pegtl;
namespace g = iotpolicy::grammar::json;

namespace {

bool accepts(std::string_view text) {
    pegtl::memory_input input(text.data(), text.size(), "test");
    try {
        return pegtl::parse<g::document>(input);
    } catch (const pegtl::parse_error&) {
        return false;
    }
}

}  // namespace

TEST_CASE("the grammar has no rule that can loop without consuming input") {
    CHECK(pegtl::analyze<g::document>(-1) == 0);
}

TEST_CASE("RFC 8259 documents are accepted") {
    for (const char* text : {"{}", "[]", "0", "-0", "1.5e+10", "-0.25E-3", "\"\"", "\"\\u00e9\\n\"", "true", "null",
                             " \t\r\n{ \"a\" : [ 1 , { } , [ ] ] } \n", "\"\xC3\xA9\xF0\x9F\x98\x80\"",
                             "[\"\x7F\"]"}) {
        INFO(text);
        CHECK(accepts(text));
    }
}

TEST_CASE("definitive errors are rejected") {
    for (const char* text : {"", "{", "{\"a\"}", "{\"a\":}", "[1 2]", "[,]", "01", "1.", "1e", "-", "+1", ".5",
                             "'a'", "{a:1}", "NaN", "tru", "\"abc", "\"a\nb\"", "{} {}", "/* x", "[1]]"}) {
        INFO(text);
        CHECK_FALSE(accepts(text));
    }
}

TEST_CASE("recoverable defects are matched, so the parser can report them and go on") {
    for (const char* text : {"\xEF\xBB\xBF{}", "[1,]", "{\"a\":1,}", "// c\n{}", "{/* c */}", "[\"\\q\"]",
                             "[\"\\u12\"]", "[\"\x01\"]", "[\"\t\"]", "[\"\xFF\"]", "[\"\xED\xA0\x80\"]"}) {
        INFO(text);
        CHECK(accepts(text));
    }
}
