#include <catch2/catch.hpp>

#include "iotpolicy/json.hpp"

using namespace iotpolicy;

namespace {

std::string_view text_of(const SourceFile& source, Span span) {
    return source.text().substr(span.begin, span.end - span.begin);
}

std::vector<std::string> messages(const JsonDocument& document) {
    std::vector<std::string> out;
    for (const Diagnostic& d : document.diagnostics) {
        out.push_back(d.message);
    }
    return out;
}

}  // namespace

TEST_CASE("every key and value keeps its span") {
    const SourceFile source("f.json", R"({ "a" : [1, "x", true, null, {"b": -2.5e3}] })");
    const JsonDocument document = parse_json(source);
    REQUIRE(document.diagnostics.empty());
    REQUIRE(document.root);
    const JsonValue& root = *document.root;
    CHECK(root.kind == JsonKind::object);
    CHECK(text_of(source, root.span) == source.text());
    REQUIRE(root.members.size() == 1);
    const JsonMember& a = root.members[0];
    CHECK(a.key == "a");
    CHECK(text_of(source, a.key_span) == "\"a\"");
    CHECK(text_of(source, a.value.span) == R"([1, "x", true, null, {"b": -2.5e3}])");
    REQUIRE(a.value.items.size() == 5);
    CHECK(text_of(source, a.value.items[0].span) == "1");
    CHECK(a.value.items[1].text == "x");
    CHECK(text_of(source, a.value.items[1].span) == "\"x\"");
    CHECK(a.value.items[2].boolean);
    CHECK(a.value.items[3].kind == JsonKind::null);
    const JsonMember& b = a.value.items[4].members.at(0);
    CHECK(b.value.number == -2500.0);
    CHECK(text_of(source, b.value.span) == "-2.5e3");
    CHECK(source.location(b.value.span.begin) == Location{1, 36});
}

TEST_CASE("escapes decode, surrogate pairs combine") {
    const SourceFile source("f.json", R"(["\"\\\/\b\f\n\r\t", "\u00e9\uD83D\uDE00", "a\u0000b"])");
    const JsonDocument document = parse_json(source);
    REQUIRE(document.diagnostics.empty());
    const auto& items = document.root->items;
    CHECK(items[0].text == "\"\\/\b\f\n\r\t");
    CHECK(items[1].text == "\xC3\xA9\xF0\x9F\x98\x80");
    CHECK(items[2].text == std::string("a\0b", 3));
}

TEST_CASE("decoded strings are always valid UTF-8: what is invalid becomes U+FFFD") {
    // Found by fuzz_log_records: invalid bytes were copied through, and an invalid escape before a multi-byte
    // character left that character's continuation byte behind.
    const SourceFile source("f.json", "[\"a\xFF" "b\", \"gh-\\\xC3\xA9" "x\", \"\\q\"]");
    const JsonDocument document = parse_json(source);
    CHECK(document.diagnostics.size() == 3);
    REQUIRE(document.root);
    const auto& items = document.root->items;
    REQUIRE(items.size() == 3);
    CHECK(items[0].text == "a\xEF\xBF\xBD" "b");
    CHECK(items[1].text == "gh-\xEF\xBF\xBD" "x");
    CHECK(items[2].text == "\xEF\xBF\xBD");
}

TEST_CASE("recoverable defects are all reported and the tree is still built") {
    const SourceFile source("f.json", "\xEF\xBB\xBF{\"a\": [1, 2,], // note\n \"b\": \"x\\qy\", \"c\": \"\\uDC00\", }");
    const JsonDocument document = parse_json(source);
    REQUIRE(document.root);
    CHECK(document.root->members.size() == 3);
    CHECK(document.root->members[1].value.text == "x\xEF\xBF\xBDy");
    REQUIRE(document.diagnostics.size() == 6);
    CHECK(document.diagnostics[0].severity == Severity::warning);  // the byte-order mark
    CHECK_THAT(document.diagnostics[1].message, Catch::Contains("trailing comma before ']'"));
    CHECK_THAT(document.diagnostics[2].message, Catch::Contains("comments are not allowed"));
    CHECK_THAT(document.diagnostics[3].message, Catch::Contains("invalid escape '\\q'"));
    CHECK_THAT(document.diagnostics[4].message, Catch::Contains("lone surrogate \\uDC00"));
    CHECK_THAT(document.diagnostics[5].message, Catch::Contains("trailing comma before '}'"));
    for (const Diagnostic& d : document.diagnostics) {
        CHECK(d.rule == RuleId::IOT001);
    }
}

TEST_CASE("a definitive error stops the parse with what was expected and what was found") {
    struct Case {
        const char* text;
        const char* message;
        std::uint32_t offset;
    };
    const Case cases[] = {
        {R"({"a" 1})", "expected ':' after an object key, found '1'", 5},
        {R"({"a": 1 "b": 2})", "expected ',' or '}' after an object member, found '\"'", 8},
        {R"([1 2])", "expected ',' or ']' after an array element, found '2'", 3},
        {R"({'a': 1})", "expected a key in double quotes or '}': strings and keys must be in double quotes, found a single quote", 1},
        {R"({a: 1})", "expected a key in double quotes or '}': found 'a'; strings and keys must be in double quotes", 1},
        {R"([Infinity])", "expected a value or ']': Infinity is not a JSON number", 1},
        {R"([True])", "expected a value or ']': JSON literals are lower-case true, false and null, found 'True'", 1},
        {R"([01])", "a number must not have leading zeros, found '1'", 2},
        {R"([1.])", "expected a digit after the decimal point, found ']'", 3},
        {R"([1e+])", "expected a digit in the exponent, found ']'", 4},
        {R"([-])", "expected a digit after '-', found ']'", 2},
        {R"({"a": })", "expected a value after ':', found '}'", 6},
        {R"([1,,2])", "expected a value after ',', found ','", 3},
        {R"({} x)", "unexpected text after the end of the JSON document, found 'x'", 3},
        {"{\"a\": \"b", "unterminated string: expected '\"' before the end of the line, found the end of the input", 8},
        {"/* open", "unterminated block comment: no '*/' closes the comment that starts here", 0},
        {"{\"a\":\x01}", "expected a value after ':', found control character U+0001", 5},
        {"\xFF", "expected a JSON value (an IoT policy is a JSON object), found byte 0xFF", 0},
        {"", "the file is empty: expected a JSON object holding an IoT policy", 0},
        {" \n\t", "the file is empty: expected a JSON object holding an IoT policy", 3},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        const SourceFile source("f.json", c.text);
        const JsonDocument document = parse_json(source);
        CHECK_FALSE(document.root);
        REQUIRE(document.diagnostics.size() == 1);
        CHECK(document.diagnostics[0].message == c.message);
        CHECK(document.diagnostics[0].span.begin == c.offset);
        CHECK(document.diagnostics[0].severity == Severity::error);
    }
}

TEST_CASE("nesting past the limit is an error, not a stack overflow") {
    for (const std::size_t depth : {k_max_json_depth, k_max_json_depth + 1, std::size_t{200'000}}) {
        INFO(depth);
        const SourceFile arrays("f.json", std::string(depth, '[') + std::string(depth, ']'));
        const JsonDocument document = parse_json(arrays);
        if (depth <= k_max_json_depth) {
            CHECK(document.diagnostics.empty());
        } else {
            REQUIRE(document.diagnostics.size() == 1);
            CHECK_THAT(document.diagnostics[0].message, Catch::Contains("nest deeper than 128 levels"));
            CHECK(document.diagnostics[0].span.begin == k_max_json_depth);
        }
    }
    std::string objects;
    for (int i = 0; i < 200'000; ++i) {
        objects += "{\"a\":";
    }
    CHECK(parse_json(SourceFile("f.json", objects)).diagnostics.size() == 1);
}

TEST_CASE("numbers out of range are reported, underflow is not") {
    const JsonDocument big = parse_json(SourceFile("f.json", "[1e999, -1e400, 1e-400, 0.0000e99999]"));
    CHECK(messages(big).size() == 2);
    CHECK_THAT(messages(big)[0], Catch::Contains("number 1e999 is out of range"));
    CHECK(big.root->items[2].number == 0.0);
    // Found by the fuzzer's oracle: 1e-324 written with the zeros in the fraction is an underflow too.
    const std::string tiny = "[0." + std::string(324, '0') + "1e1]";
    CHECK(parse_json(SourceFile("f.json", tiny)).diagnostics.empty());
}

TEST_CASE("duplicate keys are reported at each repeat") {
    const SourceFile source("f.json", R"({"a": 1, "b": {"x": 1, "x": 2}, "a": 2, "a": 3})");
    const JsonDocument document = parse_json(source);
    REQUIRE(document.diagnostics.size() == 3);
    for (const Diagnostic& d : document.diagnostics) {
        CHECK(d.rule == RuleId::IOT002);
    }
    CHECK(text_of(source, document.diagnostics[0].span) == "\"x\"");
    CHECK(document.diagnostics[1].span.begin == 32);
    CHECK(document.diagnostics[2].span.begin == 40);
    std::string wide = "{";
    for (int i = 0; i < 40; ++i) {
        wide += "\"k" + std::to_string(i % 30) + "\": 0,";
    }
    wide.back() = '}';
    CHECK(parse_json(SourceFile("f.json", wide)).diagnostics.size() == 10);
}

TEST_CASE("a large document parses completely") {
    std::string text = "[";
    for (int i = 0; i < 200'000; ++i) {
        text += R"({"Effect": "Allow", "Action": ["iot:Publish"], "n": 1.5},)";
    }
    text.back() = ']';
    const JsonDocument document = parse_json(SourceFile("big.json", text));
    CHECK(document.diagnostics.empty());
    CHECK(document.root->items.size() == 200'000);
}
