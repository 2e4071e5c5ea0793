// Walks lint-rules/: every rule has its docs and fixtures, and every fixture yields exactly what it expects.
// Adding a rule or a fixture needs no change here.
//
// A fixture can be linted with a LintConfig, for rules that depend on what the fleet is (IOT104's accounts and
// regions, IOT303's auth types and protocols): `x.lint-config.json` beside `x.json` configures that fixture, and
// `lint-config.json` in a fixture folder (a rule's bad/ or good/) every fixture of the folder that has no file of
// its own. Neither is a fixture. Every member is optional; an unknown member or name fails the test:
//   {"accounts": ["123456789012"], "regions": ["eu-west-1"], "authTypes": ["x509", "cognito", "custom", "sigv4"],
//    "protocols": ["mqtt", "websocket", "http"]}
// Auth types and protocols are spelled as scenario files spell them (auth_type_name, protocol_name). Without either
// file a fixture is linted with the default configuration: any account, region, auth type and protocol.
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "iotpolicy/connection.hpp"
#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/fix.hpp"
#include "iotpolicy/lint.hpp"
#include "tests/test_files.hpp"

namespace fs = std::filesystem;
using namespace iotpolicy;

namespace {

const fs::path k_rules_dir = fs::path(IOTPOLICY_SOURCE_DIR) / "lint-rules";


/// One diagnostic as a fixture states it: "IOT004 2:14 error".
struct Expectation {
    std::string rule;
    std::uint32_t line;
    std::uint32_t column;
    std::string severity;

    auto operator<=>(const Expectation&) const = default;
};

std::string to_string(const Expectation& e) {
    return fmt::format("{} {}:{} {}", e.rule, e.line, e.column, e.severity);
}

/// A fixture's .expected file: the diagnostics it must produce, and the rules they are compared over (the
/// folder's rule, every rule named in an expectation, and those of a line "compare: IOT006 IOT004", which
/// is how a fixture says that a rule must stay silent).
struct Expectations {
    std::vector<Expectation> diagnostics;
    std::vector<std::string> compared_rules;
};

Expectations parse_expectations(const fs::path& path) {
    Expectations expected;
    std::istringstream lines(iotpolicy::testing::read_test_file(path));
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
        ++number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (line.starts_with("compare:")) {
            std::istringstream rules(line.substr(8));
            std::string rule;
            while (rules >> rule) {
                INFO(path.string() << ":" << number << ": unknown rule " << rule);
                REQUIRE(find_rule(rule) != nullptr);
                expected.compared_rules.push_back(rule);
            }
            continue;
        }
        Expectation e;
        char colon = 0;
        std::istringstream fields(line);
        fields >> e.rule >> e.line >> colon >> e.column >> e.severity;
        INFO(path.string() << ":" << number << ": " << line);
        REQUIRE((fields && colon == ':'));
        expected.diagnostics.push_back(e);
        expected.compared_rules.push_back(e.rule);
    }
    return expected;
}

/// The files of `dir` ending in `extension`, sorted; configuration files (see the top of this file) are not fixtures.
std::vector<fs::path> files_in(const fs::path& dir, std::string_view extension) {
    std::vector<fs::path> files;
    if (fs::is_directory(dir)) {
        for (const auto& entry : fs::directory_iterator(dir)) {
            const bool configuration = entry.path().filename().string().ends_with("lint-config.json");
            if (entry.path().extension() == extension && !configuration) {
                files.push_back(entry.path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

/// The enumerator of `E` (whose values are 0 to `count` - 1) whose `name_of` is `name`; fails the test when there is
/// none.
template <typename E, std::size_t count, typename NameOf>
E enumerator_named(const std::string& name, NameOf name_of, const fs::path& path) {
    for (std::size_t i = 0; i < count; ++i) {
        const auto value = static_cast<E>(i);
        if (name_of(value) == name) {
            return value;
        }
    }
    FAIL(path.string() << ": unknown name " << name);
    return E{};
}

/// The configuration `fixture` is linted with (see the top of this file).
LintConfig fixture_config(const fs::path& fixture) {
    LintConfig config;
    fs::path path = fixture;
    path.replace_extension(".lint-config.json");
    if (!fs::exists(path)) {
        path = fixture.parent_path() / "lint-config.json";
    }
    if (!fs::exists(path)) {
        return config;
    }
    INFO(path.string());
    const nlohmann::json document = nlohmann::json::parse(iotpolicy::testing::read_test_file(path));
    REQUIRE(document.is_object());
    for (const auto& [member, value] : document.items()) {
        INFO(member);
        REQUIRE(value.is_array());
        for (const auto& item : value) {
            REQUIRE(item.is_string());
            const auto name = item.get<std::string>();
            if (member == "accounts") {
                config.accounts.push_back(name);
            } else if (member == "regions") {
                config.regions.push_back(name);
            } else if (member == "authTypes") {
                config.auth_types.push_back(enumerator_named<catalog::AuthType, 4>(name, auth_type_name, path));
            } else if (member == "protocols") {
                config.protocols.push_back(enumerator_named<catalog::Protocol, 3>(name, protocol_name, path));
            } else {
                FAIL("unknown member " << member);
            }
        }
    }
    return config;
}

fs::path rule_folder(const RuleInfo& rule) {
    return k_rules_dir / fmt::format("{}-{}", rule.code, rule.name);
}

}  // namespace

TEST_CASE("every rule has a folder with docs and fixtures, and every folder a rule") {
    std::size_t folders = 0;
    for (const auto& entry : fs::directory_iterator(k_rules_dir)) {
        if (entry.is_directory()) {
            ++folders;
            const std::string name = entry.path().filename().string();
            INFO(name);
            const RuleInfo* rule = find_rule(name.substr(0, 6));
            REQUIRE(rule != nullptr);
            CHECK(name == fmt::format("{}-{}", rule->code, rule->name));
        }
    }
    CHECK(folders == all_rules().size());
    for (const RuleInfo& rule : all_rules()) {
        INFO(rule.code);
        const fs::path folder = rule_folder(rule);
        REQUIRE(fs::exists(folder / "README.md"));
        const std::string doc = iotpolicy::testing::read_test_file(folder / "README.md");
        CHECK(doc == std::string(rule.documentation));  // the binary carries the current doc
        CHECK(doc.starts_with(fmt::format("# {} {}\n", rule.code, rule.name)));
        std::size_t previous = 0;
        for (const char* heading : {"## What it flags", "## Why it matters", "## Example", "## Use instead",
                                    "## Options", "## Fix safety"}) {
            INFO(heading);
            const std::size_t at = doc.find(std::string("\n") + heading + "\n");
            CHECK(at != std::string::npos);
            CHECK(at >= previous);
            previous = at == std::string::npos ? previous : at;
        }
        CHECK_FALSE(files_in(folder / "bad", ".json").empty());
        CHECK_FALSE(files_in(folder / "good", ".json").empty());
    }
}

TEST_CASE("rule codes are unique and sorted") {
    const auto rules = all_rules();
    for (std::size_t i = 1; i < rules.size(); ++i) {
        CHECK(rules[i - 1].code < rules[i].code);
        CHECK(static_cast<std::size_t>(rules[i].id) == i);
    }
}

TEST_CASE("bad fixtures produce exactly the expected diagnostics") {
    for (const RuleInfo& rule : all_rules()) {
        for (const fs::path& fixture : files_in(rule_folder(rule) / "bad", ".json")) {
            DYNAMIC_SECTION(fs::relative(fixture, k_rules_dir).string()) {
                fs::path expectation_file = fixture;
                expectation_file.replace_extension(".expected");
                REQUIRE(fs::exists(expectation_file));
                Expectations expectations = parse_expectations(expectation_file);
                std::vector<Expectation>& expected = expectations.diagnostics;

                // Only the folder's rule and the rules the fixture names are compared, so that a new rule does
                // not break every other rule's fixtures.
                std::vector<std::string>& compared = expectations.compared_rules;
                compared.emplace_back(rule.code);
                const SourceFile source(fixture.string(), iotpolicy::testing::read_test_file(fixture));
                std::vector<Expectation> actual;
                for (const Diagnostic& d : lint_source(source, fixture_config(fixture))) {
                    const RuleInfo& info = rule_info(d.rule);
                    if (std::find(compared.begin(), compared.end(), info.code) != compared.end()) {
                        const Location at = source.location(d.span.begin);
                        actual.push_back({std::string(info.code), at.line, at.column,
                                          std::string(severity_name(d.severity))});
                    }
                }
                std::sort(expected.begin(), expected.end());
                std::sort(actual.begin(), actual.end());
                std::string expected_text;
                std::string actual_text;
                for (const Expectation& e : expected) {
                    expected_text += to_string(e) + "\n";
                }
                for (const Expectation& e : actual) {
                    actual_text += to_string(e) + "\n";
                }
                CHECK(actual_text == expected_text);
                CHECK(std::any_of(actual.begin(), actual.end(),
                                  [&](const Expectation& e) { return e.rule == rule.code; }));
            }
        }
    }
}

// A bad fixture `x.json` whose findings of its rule carry a fix has `x.fixed`: the exact document `lint --fix`
// makes of it. The fixed text has no fixable finding of the rule left and fewer findings of it, and fixing it
// again changes nothing (the fixes converge).
TEST_CASE("fixes turn each bad fixture into its .fixed document") {
    for (const RuleInfo& rule : all_rules()) {
        for (const fs::path& fixture : files_in(rule_folder(rule) / "bad", ".json")) {
            DYNAMIC_SECTION(fs::relative(fixture, k_rules_dir).string()) {
                const std::string text = iotpolicy::testing::read_test_file(fixture);
                const auto of_rule = [&](const std::vector<Diagnostic>& diagnostics, bool fixable_only) {
                    return std::count_if(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
                        return d.rule == rule.id && (!fixable_only || d.fix.has_value());
                    });
                };
                const auto before = lint_source(SourceFile(fixture.string(), text));
                fs::path fixed_file = fixture;
                fixed_file.replace_extension(".fixed");
                if (!fs::exists(fixed_file)) {
                    INFO("a finding of the rule has a fix: add " << fixed_file.filename().string());
                    CHECK(of_rule(before, true) == 0);
                } else {
                    const FixResult result = fix_source(fixture.string(), text);
                    CHECK(result.converged);
                    CHECK(result.text == iotpolicy::testing::read_test_file(fixed_file));
                    CHECK(result.applied > 0);
                    CHECK(of_rule(result.remaining, true) == 0);
                    CHECK(of_rule(result.remaining, false) < of_rule(before, false));
                    const FixResult again = fix_source(fixed_file.string(), result.text);
                    CHECK(again.applied == 0);
                    CHECK(again.text == result.text);
                }
            }
        }
    }
}

TEST_CASE("good fixtures produce nothing from their rule") {
    for (const RuleInfo& rule : all_rules()) {
        for (const fs::path& fixture : files_in(rule_folder(rule) / "good", ".json")) {
            DYNAMIC_SECTION(fs::relative(fixture, k_rules_dir).string()) {
                const SourceFile source(fixture.string(), iotpolicy::testing::read_test_file(fixture));
                for (const Diagnostic& d : lint_source(source, fixture_config(fixture))) {
                    INFO(d.message);
                    CHECK(d.rule != rule.id);
                }
            }
        }
    }
}

// The README's ```json blocks are documentation users copy: they must behave as the text says. A block in
// another language (an abbreviated policy, say) is prose and is not run.
TEST_CASE("each rule's documented Example fires it and its Use instead does not") {
    const auto json_block_after = [](const std::string& doc, const std::string& heading) -> std::optional<std::string> {
        const std::size_t at = doc.find("\n" + heading + "\n");
        const std::size_t section_end = doc.find("\n## ", at + 1);
        const std::size_t open = doc.find("```json\n", at);
        if (at == std::string::npos || open == std::string::npos || open > section_end) {
            return std::nullopt;
        }
        const std::size_t close = doc.find("\n```", open + 8);
        return doc.substr(open + 8, close - open - 8 + 1);
    };
    std::size_t checked = 0;
    for (const RuleInfo& rule : all_rules()) {
        {
            INFO(rule.code);
            const std::string doc(rule.documentation);
            const auto fires = [&](const std::string& text) {
                const SourceFile source("README.md", text);
                const auto diagnostics = lint_source(source);
                return std::any_of(diagnostics.begin(), diagnostics.end(),
                                   [&](const Diagnostic& d) { return d.rule == rule.id; });
            };
            if (const auto example = json_block_after(doc, "## Example")) {
                CHECK(fires(*example));
                ++checked;
            }
            if (const auto fixed = json_block_after(doc, "## Use instead")) {
                CHECK_FALSE(fires(*fixed));
                ++checked;
            }
        }
    }
    CHECK(checked > all_rules().size());
}
