#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "iotpolicy/lint.hpp"
#include "iotpolicy/output.hpp"

using namespace iotpolicy;

namespace {

FileDiagnostics lint(const SourceFile& source) {
    return {&source, lint_source(source)};
}

}  // namespace

TEST_CASE("text: location, severity, message, rule, a fixable mark, then the line with the span underlined") {
    const SourceFile source("p.json", "{\"Version\": \"2012-10-18\", \"Statement\": []}");
    const FileDiagnostics files[] = {lint(source)};
    std::ostringstream out;
    write_text(out, files, false);
    CHECK(out.str() ==
          "p.json:1:13: error: unknown policy language version \"2012-10-18\": the only current version is "
          "\"2012-10-17\" (the legacy one is \"2008-10-17\"); a version is a fixed date, not the date you wrote the "
          "policy [IOT004] [*]\n"
          "    1 | {\"Version\": \"2012-10-18\", \"Statement\": []}\n"
          "      |             ^~~~~~~~~~~~\n"
          "p.json:1:40: error: \"Statement\" is empty, so the policy grants nothing: add at least one statement "
          "[IOT006]\n"
          "    1 | {\"Version\": \"2012-10-18\", \"Statement\": []}\n"
          "      |                                        ^~\n"
          "Found 2 problems (2 errors) in 1 of 1 file.\n"
          "[*] 1 fixable with `iotpolicy lint --fix`.\n");
}

TEST_CASE("text: colour only when asked") {
    const SourceFile source("p.json", "{");
    const FileDiagnostics files[] = {lint(source)};
    std::ostringstream plain;
    std::ostringstream colored;
    write_text(plain, files, false);
    write_text(colored, files, true);
    CHECK(plain.str().find('\x1b') == std::string::npos);
    CHECK(colored.str().find("\x1b[1;31merror:") != std::string::npos);
}

TEST_CASE("text: carets count code points, tabs stay aligned, long lines are windowed") {
    const SourceFile source("p.json", "{\"\xC3\xA9\":\t1,}");
    const FileDiagnostics files[] = {{&source, {{RuleId::IOT001, Severity::error, {9, 10}, "m"}}}};
    std::ostringstream out;
    write_text(out, files, false);
    CHECK_THAT(out.str(), Catch::Contains("    1 | {\"\xC3\xA9\": 1,}\n      |         ^\n"));

    const SourceFile wide("w.json", "[" + std::string(10'000, ' ') + "x]");
    const FileDiagnostics wide_files[] = {lint(wide)};
    std::ostringstream wide_out;
    write_text(wide_out, wide_files, false);
    CHECK(wide_out.str().size() < 600);
    CHECK_THAT(wide_out.str(), Catch::Contains("w.json:1:10002: error:"));

    // IOT008 spans the whole document: on one long line only a window of it is underlined.
    const SourceFile minified("m.json", R"({"Version":"2012-10-17","Statement":[)" + std::string(200'000, ' ') +
                                            R"({"Effect":"Allow","Action":"iot:Publish","Resource":"arn:aws:iot:us-east-1:123456789012:topic/)" +
                                            std::string(3000, 'x') + "\"}]}");
    const FileDiagnostics minified_files[] = {lint(minified)};
    std::ostringstream minified_out;
    write_text(minified_out, minified_files, false);
    CHECK_THAT(minified_out.str(), Catch::Contains("m.json:1:1: error: the policy is 3"));
    CHECK(minified_out.str().size() < 1500);
}

TEST_CASE("json: the documented shape with 1-based, end-exclusive positions") {
    const SourceFile source("dir/p.json", "{\"Version\": 1, \"Statement\": []}");
    const FileDiagnostics files[] = {lint(source)};
    std::ostringstream out;
    write_json(out, files);
    const auto document = nlohmann::json::parse(out.str());
    CHECK(document["version"] == 1);
    CHECK(document["files"] == 1);
    REQUIRE(document["diagnostics"].size() == 2);
    const auto& first = document["diagnostics"][0];
    CHECK(first["file"] == "dir/p.json");
    CHECK(first["rule"] == "IOT004");
    CHECK(first["name"] == "invalid-version");
    CHECK(first["severity"] == "error");
    CHECK(first["line"] == 1);
    CHECK(first["column"] == 13);
    CHECK(first["endLine"] == 1);
    CHECK(first["endColumn"] == 14);
    CHECK(first["fix"].is_null());  // a number is no near miss of a version
}

TEST_CASE("json: a fix with its description and edits, positioned like diagnostics") {
    const SourceFile source("p.json", "{\"Version\": \"2012-10-18\", \"Statement\": []}");
    const FileDiagnostics files[] = {lint(source)};
    std::ostringstream out;
    write_json(out, files);
    const auto document = nlohmann::json::parse(out.str());
    const auto& fix = document["diagnostics"][0]["fix"];
    CHECK(fix["description"] == "Write \"2012-10-17\"");
    REQUIRE(fix["edits"].size() == 1);
    const auto& edit = fix["edits"][0];
    CHECK(edit["line"] == 1);
    CHECK(edit["column"] == 13);
    CHECK(edit["endLine"] == 1);
    CHECK(edit["endColumn"] == 25);
    CHECK(edit["offset"] == 12);
    CHECK(edit["endOffset"] == 24);
    CHECK(edit["replacement"] == "\"2012-10-17\"");
    CHECK(document["diagnostics"][1]["fix"].is_null());
}

TEST_CASE("sarif: rules in the driver, results with regions, levels and fingerprints") {
    const SourceFile source("./policies/p.json", "{\"Statement\": [{\"Effect\": \"allow\"}]}");
    const FileDiagnostics files[] = {lint(source)};
    std::ostringstream out;
    write_sarif(out, files, "1.2.3");
    const auto log = nlohmann::json::parse(out.str());
    CHECK(log["version"] == "2.1.0");
    const auto& run = log["runs"][0];
    CHECK(run["columnKind"] == "unicodeCodePoints");
    const auto& driver = run["tool"]["driver"];
    CHECK(driver["name"] == "iotpolicy");
    CHECK(driver["version"] == "1.2.3");
    CHECK(driver["rules"].size() == all_rules().size());
    CHECK(driver["rules"][3]["id"] == "IOT004");
    CHECK(driver["rules"][3]["shortDescription"]["text"].get<std::string>().size() > 10);
    CHECK(driver["rules"][3]["helpUri"].get<std::string>().ends_with("lint-rules/IOT004-invalid-version/README.md"));
    const auto& results = run["results"];
    REQUIRE(results.size() == 4);  // no Version; the Effect; no Action; no Resource
    for (const auto& result : results) {
        const std::string rule = result["ruleId"];
        CHECK(driver["rules"][result["ruleIndex"].get<std::size_t>()]["id"] == rule);
        CHECK(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policies/p.json");
        CHECK(result["partialFingerprints"]["primaryLocationLineHash"].get<std::string>().size() > 16);
    }
    CHECK(results[0]["level"] == "warning");
    CHECK(results[0]["locations"][0]["physicalLocation"]["region"]["startColumn"] == 1);
    // The missing Version's fix: an insertion, i.e. an empty deleted region, after the opening brace.
    REQUIRE(results[0]["fixes"].size() == 1);
    const auto& change = results[0]["fixes"][0]["artifactChanges"][0];
    CHECK(change["artifactLocation"]["uri"] == "policies/p.json");
    const auto& replacement = change["replacements"][0];
    CHECK(replacement["deletedRegion"]["startColumn"] == 2);
    CHECK(replacement["deletedRegion"]["endColumn"] == 2);
    CHECK(replacement["insertedContent"]["text"] == "\"Version\": \"2012-10-17\", ");
    CHECK_FALSE(results[1].contains("fixes"));
}
