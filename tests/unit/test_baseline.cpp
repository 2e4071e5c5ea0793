#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "iotpolicy/baseline.hpp"
#include "iotpolicy/lint.hpp"
#include "tests/test_files.hpp"

using namespace iotpolicy;

namespace {

constexpr std::string_view k_policy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "iot:Connect", "Resource": "*"},
    {"Effect": "Allow", "Action": "iot:Publish", "Resource": "arn:aws:iot:eu-west-1:123456789012:topic/a"}
  ]
})";

std::vector<std::string> fingerprints_of(const std::string& text) {
    const SourceFile source("p.json", text);
    return fingerprint_diagnostics(source, lint_source(source));
}

std::vector<std::string> problems_of(std::string_view text) {
    const SourceFile source("b.json", std::string(text));
    std::vector<std::string> out;
    for (const FileProblem& problem : parse_baseline(source).problems) {
        const Location at = source.location(problem.span.begin);
        out.push_back(std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + problem.message);
    }
    return out;
}

}  // namespace

TEST_CASE("baseline: fingerprints survive lines added or removed elsewhere") {
    const std::string original(k_policy);
    const std::vector<std::string> before = fingerprints_of(original);
    REQUIRE_FALSE(before.empty());
    // Two lines inserted above every finding, and the flagged line indented deeper.
    std::string shifted = original;
    shifted.insert(shifted.find("\"Statement\""), "\n\n  ");
    shifted.insert(shifted.find("{\"Effect\": \"Allow\", \"Action\": \"iot:Connect\""), "    ");
    CHECK(fingerprints_of(shifted) == before);
    // The flagged text changes: the finding is a new one.
    std::string edited = original;
    edited.replace(edited.find("\"Resource\": \"*\""), 15, "\"Resource\": \"arn:aws:iot:*:*:client/*\"");
    CHECK(fingerprints_of(edited) != before);
}

TEST_CASE("baseline: identical findings are told apart by their occurrence") {
    const SourceFile source("p.json", "{}");
    const std::vector<Diagnostic> twice{{RuleId::IOT004, Severity::error, {0, 2}, "a"},
                                        {RuleId::IOT004, Severity::error, {0, 2}, "b"}};
    const std::vector<std::string> fingerprints = fingerprint_diagnostics(source, twice);
    REQUIRE(fingerprints.size() == 2);
    CHECK(fingerprints[0] != fingerprints[1]);
    CHECK(fingerprints[0].size() == 16);
    // The message plays no part.
    const std::vector<Diagnostic> reworded{{RuleId::IOT004, Severity::error, {0, 2}, "reworded"}};
    CHECK(fingerprint_diagnostics(source, reworded)[0] == fingerprints[0]);
}

TEST_CASE("baseline: a span past the end of the text is clamped, not read") {
    const SourceFile source("p.json", "{}");
    const std::vector<Diagnostic> odd{{RuleId::IOT004, Severity::error, {5, 9}, "x"}};
    CHECK(fingerprint_diagnostics(source, odd).size() == 1);
}

TEST_CASE("baseline: written sorted, read back, matched as a multiset") {
    std::vector<BaselineEntry> entries{{"b.json", "IOT203", "00000000000000ff", "second \"quoted\""},
                                       {"a.json", "IOT209", "0000000000000001", "first\tline"},
                                       {"a.json", "IOT209", "0000000000000001", "first\tline"}};
    const std::string text = format_baseline(entries);
    CHECK(text == "{\n  \"version\": 1,\n  \"findings\": [\n"
                  "    {\"path\": \"a.json\", \"rule\": \"IOT209\", \"fingerprint\": \"0000000000000001\", "
                  "\"message\": \"first\\tline\"},\n"
                  "    {\"path\": \"a.json\", \"rule\": \"IOT209\", \"fingerprint\": \"0000000000000001\", "
                  "\"message\": \"first\\tline\"},\n"
                  "    {\"path\": \"b.json\", \"rule\": \"IOT203\", \"fingerprint\": \"00000000000000ff\", "
                  "\"message\": \"second \\\"quoted\\\"\"}\n  ]\n}\n");
    const LoadedBaseline loaded = parse_baseline(SourceFile("baseline.json", text));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.entries.size() == 3);
    CHECK(loaded.entries[2].message == "second \"quoted\"");

    BaselineMatcher matcher(loaded.entries);
    CHECK(matcher.take("a.json", "IOT209", "0000000000000001"));
    CHECK(matcher.take("a.json", "IOT209", "0000000000000001"));
    CHECK_FALSE(matcher.take("a.json", "IOT209", "0000000000000001"));  // a third needs a third entry
    CHECK_FALSE(matcher.take("a.json", "IOT203", "00000000000000ff"));  // another file's entry
    const auto unused = matcher.unused_by_path();
    REQUIRE(unused.size() == 1);
    CHECK(unused.at("b.json") == 1);
    CHECK(format_baseline({}) == "{\n  \"version\": 1,\n  \"findings\": []\n}\n");
}

TEST_CASE("baseline: invalid UTF-8 in a message is written as U+FFFD") {
    const std::string text = format_baseline({{"a.json", "IOT001", "0", "bad \xFF byte"}});
    CHECK(text.find("bad \xEF\xBF\xBD byte") != std::string::npos);
    CHECK(parse_baseline(SourceFile("b.json", text)).problems.empty());
}

TEST_CASE("baseline: every problem is reported with its position") {
    CHECK(problems_of("[]") == std::vector<std::string>{
                                   "1:1: a baseline is a JSON object {\"version\": 1, \"findings\": [...]} (written "
                                   "by --write-baseline)"});
    CHECK(problems_of(R"({"version": 2, "findings": []})") ==
          std::vector<std::string>{"1:13: this baseline format is version 1; write the baseline again with "
                                   "--write-baseline"});
    CHECK(problems_of(R"({"version": 1, "finding": []})") ==
          std::vector<std::string>{"1:1: a baseline needs \"version\" and \"findings\": {\"version\": 1, \"findings\": "
                                   "[...]} (written by --write-baseline)",
                                   "1:16: unknown key \"finding\"; did you mean \"findings\"?"});
    CHECK(problems_of("{\"version\": 1, \"findings\": [\n  {\"path\": \"a.json\", \"rule\": \"IOT2\", "
                      "\"fingerprint\": \"1\"},\n  {\"path\": \"a.json\", \"fingerprint\": 1, \"rules\": \"x\"},\n  "
                      "3\n]}") ==
          std::vector<std::string>{
              "2:30: \"IOT2\" is not a rule code such as \"IOT203\"",
              "3:3: a finding needs \"rule\" as a string",
              "3:37: a finding needs \"fingerprint\" as a string",
              "3:40: unknown key \"rules\"; did you mean \"rule\"?",
              "4:3: each finding must be an object {\"path\": ..., \"rule\": ..., \"fingerprint\": ...}",
          });
    CHECK(problems_of("{\"version\": 1, \"findings\": [}").size() >= 1);
}

TEST_CASE("baseline: problems come in source order, whatever order the parser finds them in") {
    // The input fuzz_config found listing the parser's duplicate-key finding after a later problem (it is kept as
    // one of the fuzzer's seeds).
    const std::string text = testing::read_test_file(std::string(IOTPOLICY_SOURCE_DIR) +
                                                     "/fuzz/corpus-config/baseline-problems-out-of-order.json");
    const LoadedBaseline loaded = parse_baseline(SourceFile("b.json", text));
    REQUIRE(loaded.problems.size() >= 2);
    for (std::size_t i = 1; i < loaded.problems.size(); ++i) {
        CHECK(loaded.problems[i - 1].span.begin <= loaded.problems[i].span.begin);
    }
}
