// Runs scenario files through the simulator: the public conformance suite (../shared/conformance/simulate, every
// decision exactly as decisions.json states it) and the evaluator cases of tests/simulate/cases (every request
// with its exact expected decision). Adding a scenario file needs no change here.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "iotpolicy/scenario.hpp"

namespace fs = std::filesystem;
using namespace iotpolicy;

namespace {

/// The conformance suite: IOTPOLICY_CONFORMANCE_DIR, else ../shared/conformance/simulate beside the repository.
fs::path conformance_dir() {
    if (const char* dir = std::getenv("IOTPOLICY_CONFORMANCE_DIR"); dir && *dir) return dir;
    return fs::path(IOTPOLICY_SOURCE_DIR).parent_path() / "shared" / "conformance" / "simulate";
}

std::vector<fs::path> scenario_files(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json" &&
            entry.path().filename() != "decisions.json") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

SimulationReport run_file(const fs::path& path) {
    const ScenarioLoad load = load_scenario(path.string());
    for (const InputProblem& p : load.problems) {
        UNSCOPED_INFO(fmt::format("{}:{}:{}: {}", p.path, p.location.line, p.location.column, p.message));
    }
    REQUIRE(load.scenario);
    return run_scenario(*load.scenario);
}

std::string describe(const SimulationResult& r) {
    return fmt::format("{} #{} {} {} → {}{}\n  {}\n  notes: {}", r.connection, r.request, r.action, r.resource,
                       decision_name(r.decision), r.uncertain ? " (uncertain)" : "", r.explanation,
                       fmt::join(r.notes, " | "));
}

}  // namespace

TEST_CASE("the public conformance suite: every decision exactly", "[simulate][conformance]") {
    const fs::path dir = conformance_dir();
    INFO("conformance suite expected at " << dir.string() << " (set IOTPOLICY_CONFORMANCE_DIR)");
    REQUIRE(fs::is_directory(dir));
    std::ifstream in(dir / "decisions.json");
    const nlohmann::json decisions = nlohmann::json::parse(in);
    const std::vector<fs::path> files = scenario_files(dir);
    CHECK(files.size() == decisions.size());
    std::size_t requests = 0;
    for (const fs::path& file : files) {
        const std::string name = file.filename().string();
        DYNAMIC_SECTION(name) {
            REQUIRE(decisions.contains(name));
            const auto& expected = decisions[name]["decisions"];
            const auto& reasons = decisions[name]["reasons"];
            const SimulationReport report = run_file(file);
            REQUIRE(report.results.size() == expected.size());
            for (std::size_t i = 0; i < expected.size(); ++i) {
                INFO(describe(report.results[i]) << "\n  spec: " << reasons[i].get<std::string>());
                CHECK(decision_name(report.results[i].decision) == expected[i].get<std::string>());
            }
        }
        requests += decisions[name]["decisions"].size();
    }
    CHECK(requests == 247);
}

TEST_CASE("evaluator cases: every request meets its exact expectation", "[simulate][cases]") {
    const fs::path dir = fs::path(IOTPOLICY_SOURCE_DIR) / "tests" / "simulate" / "cases";
    const std::vector<fs::path> files = scenario_files(dir);
    REQUIRE(!files.empty());
    std::size_t requests = 0;
    for (const fs::path& file : files) {
        DYNAMIC_SECTION(file.filename().string()) {
            const SimulationReport report = run_file(file);
            for (const SimulationResult& r : report.results) {
                INFO(describe(r));
                CHECK(r.expected != Expectation::none);
                CHECK(r.expected != Expectation::deny);  // cases state the exact decision
                CHECK(r.pass == true);
            }
        }
        const ScenarioLoad load = load_scenario(file.string());
        if (load.scenario) {
            for (const auto& c : load.scenario->connections) requests += c.requests.size();
        }
    }
    CHECK(requests >= 150);
}

TEST_CASE("decide() and explain() agree on every request of every scenario", "[simulate][decide]") {
    // decide() takes the planned, allocation-free path where it can; explain() always the compiled readings.
    std::vector<fs::path> files = scenario_files(fs::path(IOTPOLICY_SOURCE_DIR) / "tests" / "simulate" / "cases");
    if (fs::is_directory(conformance_dir())) {
        const std::vector<fs::path> conformance = scenario_files(conformance_dir());
        files.insert(files.end(), conformance.begin(), conformance.end());
    }
    std::size_t requests = 0;
    for (const fs::path& file : files) {
        const ScenarioLoad load = load_scenario(file.string());
        REQUIRE(load.scenario);
        const PolicySet policies(load.scenario->policies);
        for (const ScenarioConnection& c : load.scenario->connections) {
            const ConnectionEvaluator evaluator(policies, c.connection, load.scenario->options);
            for (const ScenarioRequest& r : c.requests) {
                INFO(file.filename().string() << ": " << c.connection.name << " " << request_action_name(r.request.action)
                                              << " " << r.request.resource);
                const Decision quick = evaluator.decide(r.request);
                const Explanation full = evaluator.explain(r.request);
                CHECK(quick.kind == full.decision.kind);
                CHECK(quick.uncertain == full.decision.uncertain);
                ++requests;
            }
        }
    }
    CHECK(requests >= 700);
}
