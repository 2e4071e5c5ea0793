#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "iotpolicy/config.hpp"

using namespace iotpolicy;

namespace {

/// Every problem as "line:col: message", the form the CLI prints after the path.
std::vector<std::string> problems_of(std::string_view text) {
    const SourceFile source("cfg.json", std::string(text));
    std::vector<std::string> out;
    for (const FileProblem& problem : parse_config(source).problems) {
        const Location at = source.location(problem.span.begin);
        out.push_back(std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + problem.message);
    }
    return out;
}

ProjectConfig config_of(std::string_view text) {
    const LoadedConfig loaded = parse_config(SourceFile("cfg.json", std::string(text)));
    REQUIRE(loaded.problems.empty());
    return loaded.config;
}

}  // namespace

TEST_CASE("config: every key is read") {
    const ProjectConfig config = config_of(R"({
  "$schema": "https://example.com/iotpolicy.schema.json",
  "rules": {"IOT203": "warning", "IOT209": "off", "policy-size-near-limit": "error", "iot201": "info",
            "IOT202": "on"},
  "accounts": ["123456789012"], "regions": ["eu-west-1", "us-gov-west-1"],
  "authTypes": ["x509", "sigv4"], "protocols": ["mqtt", "http"],
  "ignore": ["legacy/**"],
  "overrides": [{"files": ["labs/**"], "rules": {"IOT203": "off"}}]
})");
    CHECK(config.lint.rule(RuleId::IOT203).enabled);
    CHECK(config.lint.rule(RuleId::IOT203).severity == Severity::warning);
    CHECK_FALSE(config.lint.rule(RuleId::IOT209).enabled);
    CHECK(config.lint.rule(RuleId::IOT501).severity == Severity::error);
    CHECK(config.lint.rule(RuleId::IOT201).severity == Severity::info);
    CHECK(config.lint.rule(RuleId::IOT202).enabled);
    CHECK_FALSE(config.lint.rule(RuleId::IOT202).severity.has_value());
    CHECK(config.lint.accounts == std::vector<std::string>{"123456789012"});
    CHECK(config.lint.regions == std::vector<std::string>{"eu-west-1", "us-gov-west-1"});
    CHECK(config.lint.auth_types == std::vector{catalog::AuthType::x509, catalog::AuthType::sigv4});
    CHECK(config.lint.protocols == std::vector{catalog::Protocol::mqtt, catalog::Protocol::https});
    CHECK(config.is_ignored("legacy/a.json"));
    CHECK_FALSE(config.is_ignored("current/a.json"));
    CHECK_FALSE(config.for_file("labs/x/a.json").rule(RuleId::IOT203).enabled);
    // An override changes only what it lists.
    CHECK_FALSE(config.for_file("labs/x/a.json").rule(RuleId::IOT209).enabled);
    CHECK(config.for_file("labs/x/a.json").rule(RuleId::IOT501).severity == Severity::error);
    CHECK(config.for_file("prod/a.json").rule(RuleId::IOT203).enabled);
}

TEST_CASE("config: an empty object is the default configuration") {
    const ProjectConfig config = config_of("{}");
    CHECK(config.lint.rule(RuleId::IOT203).enabled);
    CHECK(config.lint.accounts.empty());
    CHECK_FALSE(config.is_ignored("a.json"));
}

TEST_CASE("config: invalid JSON is reported where it is") {
    CHECK(problems_of("{\"rules\": {\"IOT203\": \"off\",}}") ==
          std::vector<std::string>{"1:27: trailing comma before '}': JSON does not allow a comma after the last "
                                   "element; remove it"});
    CHECK(problems_of("[]") == std::vector<std::string>{"1:1: the configuration must be a JSON object such as "
                                                        "{\"rules\": {\"IOT203\": \"warning\"}}, found an array"});
    const auto duplicate = problems_of("{\"regions\": [], \"regions\": []}");
    REQUIRE(duplicate.size() == 1);
    CHECK(duplicate[0].starts_with("1:17: "));
}

TEST_CASE("config: unknown keys, with a suggestion when one is close") {
    CHECK(problems_of("{\n  \"rule\": {}\n}") ==
          std::vector<std::string>{"2:3: unknown key \"rule\" in the configuration; did you mean \"rules\"?"});
    CHECK(problems_of("{\"authtypes\": []}") ==
          std::vector<std::string>{"1:2: unknown key \"authtypes\" in the configuration; did you mean \"authTypes\"?"});
    CHECK(problems_of("{\"select\": []}") ==
          std::vector<std::string>{"1:2: unknown key \"select\" in the configuration: the keys are \"$schema\", "
                                   "\"rules\", \"accounts\", \"regions\", \"authTypes\", \"protocols\", \"ignore\", "
                                   "\"overrides\""});
    CHECK(problems_of(R"({"overrides": [{"files": ["a"], "rule": {}}]})") ==
          std::vector<std::string>{"1:33: unknown key \"rule\" in an override; did you mean \"rules\"?"});
}

TEST_CASE("config: wrong types") {
    CHECK(problems_of(R"({"rules": ["IOT203"]})") ==
          std::vector<std::string>{"1:11: \"rules\" must be an object mapping rule codes or names to \"off\", "
                                   "\"on\", \"error\", \"warning\" or \"info\", found an array"});
    CHECK(problems_of(R"({"accounts": "123456789012"})") ==
          std::vector<std::string>{"1:14: \"accounts\" (12-digit account IDs) must be an array, found "
                                   "\"123456789012\""});
    CHECK(problems_of(R"({"regions": ["eu-west-1", 7]})") ==
          std::vector<std::string>{"1:27: each item of \"regions\" (region names) must be a string, found 7"});
    CHECK(problems_of(R"({"rules": {"IOT203": false}})") ==
          std::vector<std::string>{"1:22: the setting of IOT203 must be \"off\", \"on\", \"error\", \"warning\" or "
                                   "\"info\", found false"});
    CHECK(problems_of(R"({"$schema": 1})") ==
          std::vector<std::string>{"1:13: \"$schema\" must be a string (a schema URL), found 1"});
    CHECK(problems_of(R"({"overrides": {}})") ==
          std::vector<std::string>{"1:15: \"overrides\" must be an array of {\"files\": [...], \"rules\": {...}} "
                                   "objects, found an object"});
    CHECK(problems_of(R"({"overrides": [1]})") ==
          std::vector<std::string>{"1:16: each override must be an object such as {\"files\": [\"labs/**\"], "
                                   "\"rules\": {\"IOT201\": \"warning\"}}, found 1"});
    CHECK(problems_of(R"({"overrides": [{"rules": {}}]})") ==
          std::vector<std::string>{"1:16: an override needs \"files\", the patterns of the files it applies to"});
}

TEST_CASE("config: unknown rules and settings") {
    CHECK(problems_of(R"({"rules": {"unrestricted-clientid": "off"}})") ==
          std::vector<std::string>{"1:12: unknown rule \"unrestricted-clientid\"; did you mean "
                                   "\"unrestricted-client-id\" (IOT203)?"});
    CHECK(problems_of(R"({"rules": {"IOT999": "off"}})") ==
          std::vector<std::string>{"1:12: unknown rule \"IOT999\"; did you mean \"IOT009\" (duplicate-sid)?"});
    CHECK(problems_of(R"({"rules": {"no-such-rule": "off"}})") ==
          std::vector<std::string>{"1:12: unknown rule \"no-such-rule\": name a rule by its code (\"IOT203\") or its "
                                   "name (\"unrestricted-client-id\"); `iotpolicy rules` lists them"});
    CHECK(problems_of(R"({"rules": {"IOT203": "warn"}})") ==
          std::vector<std::string>{"1:22: the setting of IOT203 must be \"off\", \"on\", \"error\", \"warning\" or "
                                   "\"info\", found \"warn\"; did you mean \"warning\"?"});
    CHECK(problems_of(R"({"rules": {"IOT203": "eror"}})") ==
          std::vector<std::string>{"1:22: the setting of IOT203 must be \"off\", \"on\", \"error\", \"warning\" or "
                                   "\"info\", found \"eror\"; did you mean \"error\"?"});
    CHECK(problems_of("{\"rules\": {\"IOT203\": \"off\",\n \"unrestricted-client-id\": \"error\"}}") ==
          std::vector<std::string>{"2:2: \"unrestricted-client-id\" is IOT203 unrestricted-client-id, already set on "
                                   "line 1; keep one of the two"});
}

TEST_CASE("config: accounts, regions, auth types and protocols are checked") {
    CHECK(problems_of(R"({"accounts": ["12345"]})") ==
          std::vector<std::string>{"1:15: \"12345\" is not an account ID: accounts are 12 digits, such as "
                                   "\"123456789012\" (spec §3.2)"});
    CHECK(problems_of(R"({"accounts": ["12345678901x"]})").size() == 1);
    CHECK(problems_of(R"({"regions": ["EU-WEST-1"]})") ==
          std::vector<std::string>{"1:14: \"EU-WEST-1\" is not a region name: regions are lowercase, shaped like "
                                   "\"us-east-1\" or \"us-gov-west-1\""});
    CHECK(problems_of(R"({"regions": ["eu-west"]})").size() == 1);
    CHECK(problems_of(R"({"authTypes": ["X509"]})") ==
          std::vector<std::string>{"1:16: unknown auth type \"X509\": the auth types are \"x509\", \"cognito\", "
                                   "\"custom\" or \"sigv4\"; did you mean \"x509\"?"});
    CHECK(problems_of(R"({"protocols": ["mqtts"]})") ==
          std::vector<std::string>{"1:16: unknown protocol \"mqtts\": the protocols are \"mqtt\", \"websocket\", "
                                   "\"https\" or \"http\"; did you mean \"mqtt\"?"});
}

TEST_CASE("config: ignore patterns are checked") {
    CHECK(problems_of(R"({"ignore": [""]})") ==
          std::vector<std::string>{"1:13: an empty pattern matches nothing; remove it or write \"**\" for everything"});
    CHECK(problems_of(R"({"ignore": ["../x"]})") ==
          std::vector<std::string>{"1:13: patterns are relative to the configuration file's directory and cannot "
                                   "leave it with \"..\"; put a configuration file higher up instead"});
    CHECK(problems_of(R"({"ignore": ["a\\b"]})") ==
          std::vector<std::string>{"1:13: patterns separate directories with '/', not '\\'"});
}

TEST_CASE("config: problems come in source order, all of them") {
    const auto problems =
        problems_of("{\n\"rules\": {\"IOT2O3\": \"off\"},\n\"acounts\": [],\n\"regions\": [\"x\"]\n}");
    REQUIRE(problems.size() == 3);
    CHECK(problems[0].starts_with("2:11: unknown rule \"IOT2O3\""));
    CHECK(problems[1].starts_with("3:1: unknown key \"acounts\""));
    CHECK(problems[2].starts_with("4:13: \"x\" is not a region name"));
}

TEST_CASE("path glob: * and ? stay in a segment, ** spans segments") {
    const auto m = [](std::string_view pattern, std::string_view path) {
        return PathGlob::compile(pattern).matches(path);
    };
    CHECK(m("legacy/**", "legacy/a.json"));
    CHECK(m("legacy/**", "legacy/x/y/a.json"));
    CHECK(m("legacy/**", "legacy"));
    CHECK_FALSE(m("legacy/**", "other/legacy/a.json"));
    CHECK(m("**/*.template.json", "a.template.json"));
    CHECK(m("**/*.template.json", "x/y/a.template.json"));
    CHECK_FALSE(m("**/*.template.json", "x/a.json"));
    CHECK(m("*.template.json", "deep/down/a.template.json"));  // a bare name matches at any depth
    CHECK_FALSE(m("/*.template.json", "deep/a.template.json"));  // unless anchored
    CHECK(m("/*.template.json", "a.template.json"));
    CHECK(m("./a.json", "a.json"));
    CHECK_FALSE(m("./a.json", "x/a.json"));
    CHECK_FALSE(m("dir/*.json", "dir/sub/a.json"));
    CHECK(m("dir/?.json", "dir/a.json"));
    CHECK_FALSE(m("dir/?.json", "dir/ab.json"));
    CHECK(m("a/**/b", "a/b"));
    CHECK(m("a/**/b", "a/x/y/b"));
    CHECK_FALSE(m("a/**/b", "a/x/y/c"));
    CHECK(m("dir/", "dir"));
    CHECK(m("**", "anything/at/all"));
}

TEST_CASE("path glob: many ** against a deep path decide without backtracking") {
    std::string pattern;
    for (int i = 0; i < 200; ++i) {
        pattern += "**/a*/";
    }
    pattern += "b";
    std::string path;
    for (int i = 0; i < 2000; ++i) {
        path += "aaaa/";
    }
    path += "c";
    CHECK_FALSE(PathGlob::compile(pattern).matches(path));
    CHECK(PathGlob::compile(pattern).matches(path.substr(0, path.size() - 1) + "b"));
}

TEST_CASE("config: ignoring a directory ignores what it holds") {
    const ProjectConfig config = config_of(R"({"ignore": ["generated", "/top.json"]})");
    CHECK(config.is_ignored("generated/a.json"));
    CHECK(config.is_ignored("x/generated/deep/a.json"));
    CHECK(config.is_ignored("top.json"));
    CHECK_FALSE(config.is_ignored("x/top.json"));
    CHECK_FALSE(config.is_ignored("generated-not/a.json"));
}
