// lint-rules/device-defender-parity.md is a claim per row: "this Device Defender case is reported (or accepted) by
// these rules, and this fixture shows it". Each row is checked here, so the table cannot drift from the linter.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "iotpolicy/lint.hpp"
#include "tests/test_files.hpp"

namespace fs = std::filesystem;
using namespace iotpolicy;

namespace {

const fs::path k_rules_dir = fs::path(IOTPOLICY_SOURCE_DIR) / "lint-rules";


std::vector<std::string> split_cells(std::string_view row) {
    std::vector<std::string> cells;
    row.remove_prefix(1);  // the leading '|'
    while (!row.empty()) {
        const std::size_t bar = row.find(" |");
        const std::string_view cell = row.substr(0, bar);
        cells.emplace_back(cell.substr(cell.find_first_not_of(' ')));
        row.remove_prefix(bar == std::string_view::npos ? row.size() : bar + 2);
    }
    return cells;
}

std::vector<std::string> code_spans(std::string_view cell) {
    std::vector<std::string> spans;
    for (std::size_t open = cell.find('`'); open != std::string_view::npos; open = cell.find('`', open)) {
        const std::size_t close = cell.find('`', open + 1);
        REQUIRE(close != std::string_view::npos);
        spans.emplace_back(cell.substr(open + 1, close - open - 1));
        open = close + 1;
    }
    return spans;
}

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

/// `token` occurs in `line` as a whole: not inside a longer action name, and not a prefix of a longer resource
/// (`topic/$aws/things/*` must not be found in `topic/$aws/things/*/shadow/update`).
bool contains_token(std::string_view line, std::string_view token) {
    constexpr std::string_view k_continues = "/*+#?.$-";
    for (std::size_t at = line.find(token); at != std::string_view::npos; at = line.find(token, at + 1)) {
        const bool starts = at == 0 || !is_word_char(line[at - 1]);
        const std::size_t after = at + token.size();
        const bool ends = after == line.size() ||
                          (!is_word_char(line[after]) && k_continues.find(line[after]) == std::string_view::npos);
        if (starts && ends) {
            return true;
        }
    }
    return false;
}

Severity least_severity(std::string_view device_defender_severity) {
    if (device_defender_severity == "Critical" || device_defender_severity == "High") {
        return Severity::error;
    }
    if (device_defender_severity == "Medium") {
        return Severity::warning;
    }
    REQUIRE(device_defender_severity == "note");
    return Severity::info;
}

/// Severities order error < warning < info; "at least" means numerically at most.
bool at_least(Severity found, Severity wanted) {
    return static_cast<int>(found) <= static_cast<int>(wanted);
}

}  // namespace

TEST_CASE("every row of the Device Defender parity table holds on its fixture") {
    std::istringstream table(iotpolicy::testing::read_test_file(k_rules_dir / "device-defender-parity.md"));
    std::string row;
    int rows = 0;
    while (std::getline(table, row)) {
        if (!row.starts_with("| OVERLY_PERMISSIVE") && !row.starts_with("| POTENTIAL_MISCONFIGURATION")) {
            continue;
        }
        ++rows;
        INFO(row);
        const std::vector<std::string> cells = split_cells(row);
        REQUIRE(cells.size() == 6);
        const Severity wanted = least_severity(cells[1]);
        const std::vector<std::string> pattern = code_spans(cells[2]);
        REQUIRE_FALSE(pattern.empty());
        std::vector<std::string> rules;
        std::istringstream rule_words(cells[3]);
        for (std::string rule; rule_words >> rule;) {
            REQUIRE(find_rule(rule) != nullptr);
            rules.push_back(rule);
        }
        const std::string& expect = cells[4];
        REQUIRE((expect == "reported" || expect == "silent"));
        const std::vector<std::string> fixture_spans = code_spans(cells[5]);
        REQUIRE(fixture_spans.size() == 1);
        const fs::path fixture = k_rules_dir / fixture_spans.front();
        REQUIRE(fs::exists(fixture));

        const std::string text = iotpolicy::testing::read_test_file(fixture);
        const SourceFile source(fixture.string(), text);
        std::uint32_t pattern_line = 0;
        std::istringstream lines(text);
        std::uint32_t number = 0;
        for (std::string line; std::getline(lines, line);) {
            ++number;
            if (std::all_of(pattern.begin(), pattern.end(),
                            [&](const std::string& token) { return contains_token(line, token); })) {
                REQUIRE(pattern_line == 0);  // one statement line per row, or the row proves nothing
                pattern_line = number;
            }
        }
        REQUIRE(pattern_line != 0);

        bool reported = false;
        for (const Diagnostic& diagnostic : lint_source(source)) {
            const RuleInfo& rule = rule_info(diagnostic.rule);
            if (source.location(diagnostic.span.begin).line != pattern_line ||
                std::find(rules.begin(), rules.end(), rule.code) == rules.end()) {
                continue;
            }
            if (expect == "reported") {
                reported = reported || at_least(diagnostic.severity, wanted);
            } else {
                INFO(fmt::format("{} {}", rule.code, diagnostic.message));
                CHECK(diagnostic.severity == Severity::info);
            }
        }
        if (expect == "reported") {
            CHECK(reported);
        }
    }
    CHECK(rows >= 33);
}
