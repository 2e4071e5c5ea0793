#include <unistd.h>  // getpid

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "src/cli/lint_config.hpp"

using namespace iotpolicy;
using namespace iotpolicy::cli;
namespace fs = std::filesystem;

namespace {

/// A scratch directory tree, removed at the end of the test.
class Tree {
public:
    Tree() : m_root(fs::temp_directory_path() / ("iotpolicy-test-" + std::to_string(getpid()))) {
        fs::remove_all(m_root);
        fs::create_directories(m_root);
    }
    ~Tree() { fs::remove_all(m_root); }
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;

    std::string write(const std::string& relative, const std::string& text) const {
        const fs::path path = m_root / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
        return path.string();
    }
    std::string path(const std::string& relative) const { return (m_root / relative).string(); }

private:
    fs::path m_root;
};

constexpr const char* k_policy = R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "iot:Connect", "Resource": "arn:aws:iot:eu-west-1:123456789012:client/*"}]})";

Severity severity_of(LintProject& project, const std::string& path, RuleId rule) {
    const LintConfig config = project.config_for(SourceFile(path, ""));
    REQUIRE(config.rule(rule).enabled);
    return config.rule(rule).severity.value_or(rule_info(rule).default_severity);
}

std::vector<std::string> linted_paths(const Inputs& inputs) {
    std::vector<std::string> paths;
    for (const SourceFile& source : inputs.sources) {
        paths.push_back(fs::path(source.path()).filename().string());
    }
    return paths;
}

}  // namespace

TEST_CASE("discovery: the nearest .iotpolicy.json above a file decides, alone") {
    Tree tree;
    tree.write(".iotpolicy.json", R"({"rules": {"IOT203": "warning", "IOT209": "off"}})");
    tree.write("labs/.iotpolicy.json", R"({"rules": {"IOT203": "info"}})");
    const std::string device = tree.write("fleet/a/b/device.json", k_policy);
    const std::string lab = tree.write("labs/x/lab.json", k_policy);
    LintProject project(ProjectOptions{});
    CHECK(severity_of(project, device, RuleId::IOT203) == Severity::warning);
    CHECK_FALSE(project.config_for(SourceFile(device, "")).rule(RuleId::IOT209).enabled);
    CHECK(severity_of(project, lab, RuleId::IOT203) == Severity::info);
    // Configurations do not merge: the labs one says nothing of IOT209.
    CHECK(project.config_for(SourceFile(lab, "")).rule(RuleId::IOT209).enabled);
    std::ostringstream err;
    CHECK_FALSE(project.report_problems(err));
}

TEST_CASE("discovery: --isolated reads nothing, --config replaces discovery") {
    Tree tree;
    tree.write(".iotpolicy.json", R"({"rules": {"IOT203": "warning"}})");
    const std::string explicit_config = tree.write("other/strict.json", R"({"rules": {"IOT203": "info"}})");
    const std::string device = tree.write("fleet/device.json", k_policy);
    ProjectOptions isolated;
    isolated.isolated = true;
    LintProject none(isolated);
    CHECK(severity_of(none, device, RuleId::IOT203) == Severity::error);
    ProjectOptions named;
    named.config = explicit_config;
    LintProject project(named);
    // The file lies outside the configuration's directory: the file-wide settings still apply.
    CHECK(severity_of(project, device, RuleId::IOT203) == Severity::info);
}

TEST_CASE("discovery: a bad configuration is reported with its path, line and column") {
    Tree tree;
    const std::string config = tree.write(".iotpolicy.json", "{\n  \"rule\": {}\n}");
    const std::string device = tree.write("device.json", k_policy);
    ProjectOptions named;
    named.config = config;
    LintProject project(named);
    std::ostringstream err;
    CHECK(project.report_problems(err));
    CHECK(err.str() == config + ":2:3: error: unknown key \"rule\" in the configuration; did you mean \"rules\"?\n");
}

TEST_CASE("ignores: skipped in directory walks, named files linted unless --force-exclude") {
    Tree tree;
    tree.write(".iotpolicy.json", R"({"ignore": ["legacy", "*.template.json"]})");
    tree.write("a.json", k_policy);
    tree.write("b.template.json", k_policy);
    const std::string old = tree.write("legacy/deep/old.json", k_policy);
    tree.write("sub/c.json", k_policy);
    {
        LintProject project(ProjectOptions{});
        const Inputs inputs = read_inputs({tree.path("")}, "<stdin>", project.input_filter());
        // The configuration file itself is no policy.
        CHECK(linted_paths(inputs) == std::vector<std::string>{"a.json", "c.json"});
        CHECK(linted_paths(read_inputs({old}, "<stdin>", project.input_filter())) ==
              std::vector<std::string>{"old.json"});
    }
    ProjectOptions force;
    force.force_exclude = true;
    LintProject project(force);
    CHECK(read_inputs({old}, "<stdin>", project.input_filter()).sources.empty());
}

TEST_CASE("baseline: the baseline file is not linted, and a bad one is reported with its position") {
    Tree tree;
    tree.write("a.json", k_policy);
    const std::string baseline = tree.write("baseline.json", "{\"version\": 2, \"findings\": []}");
    ProjectOptions options;
    options.baseline = baseline;
    LintProject project(options);
    const Inputs inputs = read_inputs({tree.path("")}, "<stdin>", project.input_filter());
    CHECK(linted_paths(inputs) == std::vector<std::string>{"a.json"});
    std::vector<FileDiagnostics> files{{&inputs.sources[0], lint_source(inputs.sources[0])}};
    project.apply_baseline(files);
    std::ostringstream err;
    CHECK(project.report_problems(err));
    CHECK(err.str() == baseline + ":1:13: error: this baseline format is version 1; write the baseline again with "
                                  "--write-baseline\n");
    CHECK(files[0].diagnostics.size() == 1);  // nothing hidden by a bad baseline
}
