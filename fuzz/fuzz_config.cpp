// libFuzzer target: arbitrary bytes read both as a `.iotpolicy.json` (parse_config) and as a baseline file
// (parse_baseline), the two project files `iotpolicy lint` reads besides policies. Invariants that must hold for
// every input are checked; a violated one traps, so that libFuzzer records the input as a crash. See fuzz/README.md.
//
// A configuration that loads is then used as the CLI uses it: its ignore patterns and overrides are matched
// against a fixed set of relative paths (PathGlob must stay linear whatever the patterns). A baseline that loads
// must survive format_baseline: writing its entries and reading them back gives the same entries, which is what
// makes `--write-baseline` after `--baseline` a no-op.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "fuzz_support.hpp"
#include "iotpolicy/baseline.hpp"
#include "iotpolicy/config.hpp"
#include "iotpolicy/source.hpp"

namespace {

using iotpolicy::fuzz::check;

constexpr std::string_view k_paths[] = {
    "policy.json", "devices/sensor.json", "legacy/old/a.json", "labs/x.template.json", "a/b/c/d/e/f/g.json", "",
};

void check_problems(const iotpolicy::SourceFile& source, const std::vector<iotpolicy::FileProblem>& problems,
                    std::string_view reader) {
    for (std::size_t i = 0; i < problems.size(); ++i) {
        const iotpolicy::FileProblem& problem = problems[i];
        const std::string which = std::string(reader) + " problem #" + std::to_string(i) + " (" + problem.message + "): ";
        check(!problem.message.empty(), which + "empty message");
        check(problem.span.begin <= problem.span.end && problem.span.end <= source.text().size(),
              which + "span outside the file");
        if (i > 0) {
            check(problems[i - 1].span.begin <= problem.span.begin, which + "problems out of source order");
        }
    }
}

void check_config(const iotpolicy::SourceFile& source) {
    const iotpolicy::LoadedConfig loaded = iotpolicy::parse_config(source);
    check_problems(source, loaded.problems, "parse_config");
    if (!loaded.problems.empty()) {
        return;
    }
    for (const std::string_view path : k_paths) {
        (void)loaded.config.is_ignored(path);
        const iotpolicy::LintConfig lint = loaded.config.for_file(path);
        check(lint.accounts == loaded.config.lint.accounts && lint.regions == loaded.config.lint.regions,
              "for_file changed the accounts or regions, which overrides do not set");
    }
}

auto key(const iotpolicy::BaselineEntry& e) {
    return std::tie(e.path, e.rule, e.fingerprint, e.message);
}

void check_baseline(const iotpolicy::SourceFile& source) {
    const iotpolicy::LoadedBaseline loaded = iotpolicy::parse_baseline(source);
    check_problems(source, loaded.problems, "parse_baseline");
    if (!loaded.problems.empty()) {
        return;
    }
    const std::string written = iotpolicy::format_baseline(loaded.entries);
    const iotpolicy::SourceFile again("fuzz-baseline-again.json", written);
    const iotpolicy::LoadedBaseline reread = iotpolicy::parse_baseline(again);
    check(reread.problems.empty(), "format_baseline wrote a file parse_baseline rejects: " +
                                       (reread.problems.empty() ? std::string() : reread.problems[0].message));
    std::vector<iotpolicy::BaselineEntry> expected = loaded.entries;
    std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return key(a) < key(b); });
    std::vector<iotpolicy::BaselineEntry> actual = reread.entries;
    std::sort(actual.begin(), actual.end(), [](const auto& a, const auto& b) { return key(a) < key(b); });
    check(expected.size() == actual.size() &&
              std::equal(expected.begin(), expected.end(), actual.begin(),
                         [](const auto& a, const auto& b) { return key(a) == key(b); }),
          "format_baseline then parse_baseline changed the entries");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > iotpolicy::k_max_source_bytes) {
        return -1;  // outside SourceFile's contract; libFuzzer never gets near it
    }
    const std::string text(reinterpret_cast<const char*>(data), size);
    check_config(iotpolicy::SourceFile(".iotpolicy.json", text));
    check_baseline(iotpolicy::SourceFile("baseline.json", text));
    return 0;
}
