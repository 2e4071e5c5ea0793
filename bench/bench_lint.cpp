// iotpolicy-bench-lint: writes a policy corpus and measures `iotpolicy lint` on it, both the library on one thread
// (`measure`) and the real command line end to end (`run-cli`). See bench/README.md.
#include <fcntl.h>         // open
#include <sys/resource.h>  // getrusage, rusage
#include <sys/wait.h>      // wait4
#include <unistd.h>        // fork, execvp, dup2

#include <algorithm>  // find, sort
#include <array>
#include <cerrno>
#include <charconv>  // from_chars
#include <chrono>
#include <cstdio>
#include <cstring>  // strerror
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/lint.hpp"
#include "iotpolicy/source.hpp"
#include "bench_support.hpp"
#include "policy_corpus.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using iotpolicy::bench::peak_rss_megabytes;
using iotpolicy::bench::thread_cpu_seconds;

constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;
constexpr int k_exit_usage = 2;

constexpr std::size_t k_default_count = 10'000;
constexpr std::uint64_t k_default_seed = 1;
constexpr std::uint64_t k_default_repeat = 3;

constexpr std::string_view k_usage = R"(usage:
  iotpolicy-bench-lint generate DIR [--count N] [--seed S]   write N policies (default 10000, seed 1) below DIR
  iotpolicy-bench-lint measure DIR [--repeat N]              time lint_source over DIR's *.json (best of N, default 3)
  iotpolicy-bench-lint run-cli IOTPOLICY_BINARY DIR          time `IOTPOLICY_BINARY lint --format json DIR`
)";

class UsageError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The arguments after the mode: positionals in order, and `--name value` options.
struct Arguments {
    std::vector<std::string_view> positional;
    std::map<std::string_view, std::string_view> options;

    std::uint64_t number(std::string_view name, std::uint64_t fallback) const {
        const auto it = options.find(name);
        if (it == options.end()) {
            return fallback;
        }
        std::uint64_t value = 0;
        const std::string_view text = it->second;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size()) {
            throw UsageError(fmt::format("{} takes a non-negative integer, not '{}'", name, text));
        }
        return value;
    }
};

Arguments parse_arguments(std::span<char* const> args, std::size_t positional_count,
                          std::span<const std::string_view> option_names) {
    Arguments arguments;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (!arg.starts_with("--")) {
            arguments.positional.push_back(arg);
            continue;
        }
        if (std::find(option_names.begin(), option_names.end(), arg) == option_names.end()) {
            throw UsageError(fmt::format("unknown option '{}'", arg));
        }
        if (i + 1 == args.size()) {
            throw UsageError(fmt::format("{} needs a value", arg));
        }
        arguments.options[arg] = args[++i];
    }
    if (arguments.positional.size() != positional_count) {
        throw UsageError(fmt::format("expected {} argument(s), found {}", positional_count,
                                     arguments.positional.size()));
    }
    return arguments;
}

/// Every *.json file below `directory`, sorted.
std::vector<fs::path> find_policy_files(const fs::path& directory) {
    if (!fs::is_directory(directory)) {
        throw std::runtime_error(fmt::format("'{}' is not a directory", directory.string()));
    }
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(directory)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
            files.push_back(entry.path());
        }
    }
    if (files.empty()) {
        throw std::runtime_error(fmt::format("no *.json files below '{}'", directory.string()));
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in) {
        throw std::runtime_error(fmt::format("cannot read '{}'", path.string()));
    }
    return text;
}

double megabytes(std::size_t bytes) {
    return static_cast<double>(bytes) / 1e6;
}


double seconds(const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
}


/// Wall time is the headline figure; CPU time is printed beside it because on a shared machine the wall clock also
/// counts the time the core spent on other processes.
void print_throughput(std::size_t policies, std::size_t bytes, double wall_seconds, double cpu_seconds) {
    const auto rates = [&](double elapsed) {
        return fmt::format("{:.0f} policies/s, {:.2f} MB/s", static_cast<double>(policies) / elapsed,
                           megabytes(bytes) / elapsed);
    };
    fmt::print("  time          {:.4f} s wall, {:.4f} s CPU\n", wall_seconds, cpu_seconds);
    fmt::print("  throughput    {}\n", rates(wall_seconds));
    fmt::print("  per CPU time  {}\n", rates(cpu_seconds));
}

int run_generate(const Arguments& arguments) {
    const std::uint64_t count = arguments.number("--count", k_default_count);
    if (count == 0) {
        throw UsageError("--count must be at least 1");
    }
    const fs::path directory(arguments.positional[0]);
    const iotpolicy::bench::CorpusSummary summary =
        iotpolicy::bench::write_corpus(directory, count, arguments.number("--seed", k_default_seed));
    fmt::print("wrote {} policies, {} bytes ({:.2f} MB), {} with a deliberate defect, below {}\n", summary.files,
               summary.bytes, megabytes(summary.bytes), summary.defective_files, directory.string());
    return k_exit_ok;
}

int run_measure(const Arguments& arguments) {
    const std::uint64_t repeat = arguments.number("--repeat", k_default_repeat);
    if (repeat == 0) {
        throw UsageError("--repeat must be at least 1");
    }
    std::vector<iotpolicy::SourceFile> sources;
    std::size_t bytes = 0;
    for (const fs::path& path : find_policy_files(fs::path(arguments.positional[0]))) {
        std::string text = read_file(path);
        bytes += text.size();
        sources.emplace_back(path.string(), std::move(text));
    }

    double best_wall_seconds = 0;
    double best_pass_cpu_seconds = 0;
    std::size_t diagnostics = 0;
    std::size_t policies_with_findings = 0;
    for (std::uint64_t pass = 0; pass < repeat; ++pass) {
        diagnostics = 0;
        policies_with_findings = 0;
        const Clock::time_point start = Clock::now();
        const double cpu_start = thread_cpu_seconds();
        for (const iotpolicy::SourceFile& source : sources) {
            // Counting the findings doubles as a check of the corpus: exactly its defective policies should have
            // findings, one each.
            const std::size_t found = iotpolicy::lint_source(source).size();
            diagnostics += found;
            policies_with_findings += found > 0 ? 1 : 0;
        }
        const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        const double cpu_elapsed = thread_cpu_seconds() - cpu_start;
        if (pass == 0 || elapsed < best_wall_seconds) {
            best_wall_seconds = elapsed;
            best_pass_cpu_seconds = cpu_elapsed;
        }
    }

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    fmt::print("measure: lint_source on one thread, {} (files read beforehand, not timed)\n",
               repeat == 1 ? std::string("one pass") : fmt::format("best of {} passes", repeat));
    fmt::print("  policies      {}\n", sources.size());
    fmt::print("  bytes         {} ({:.2f} MB)\n", bytes, megabytes(bytes));
    print_throughput(sources.size(), bytes, best_wall_seconds, best_pass_cpu_seconds);
    fmt::print("  diagnostics   {} in {} policies\n", diagnostics, policies_with_findings);
    fmt::print("  peak RSS      {:.1f} MB (whole process, corpus included)\n", peak_rss_megabytes(usage));
    return k_exit_ok;
}

int run_cli(const Arguments& arguments) {
    const std::string binary(arguments.positional[0]);
    const std::string directory(arguments.positional[1]);
    std::size_t policies = 0;
    std::size_t bytes = 0;
    for (const fs::path& path : find_policy_files(fs::path(directory))) {
        ++policies;
        bytes += static_cast<std::size_t>(fs::file_size(path));
    }

    std::vector<std::string> command{binary, "lint", "--format", "json", "--fail-on", "never", directory};
    std::vector<char*> argv;
    for (std::string& arg : command) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);

    // Printed first so whatever the CLI writes to stderr appears under it; flushed so the child does not inherit
    // the buffered text.
    fmt::print("run-cli: {} lint --format json --fail-on never DIR > /dev/null (reading, linting and output)\n",
               binary);
    std::fflush(stdout);
    const Clock::time_point start = Clock::now();
    const pid_t child = fork();
    if (child < 0) {
        throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
    }
    if (child == 0) {
        const int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd < 0 || dup2(null_fd, STDOUT_FILENO) < 0) {
            std::fprintf(stderr, "iotpolicy-bench-lint: cannot redirect stdout to /dev/null: %s\n",
                         std::strerror(errno));
            _exit(127);
        }
        close(null_fd);
        execvp(argv[0], argv.data());
        std::fprintf(stderr, "iotpolicy-bench-lint: cannot run '%s': %s\n", argv[0], std::strerror(errno));
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    while (wait4(child, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            throw std::runtime_error(fmt::format("wait4: {}", std::strerror(errno)));
        }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fmt::print(stderr, "iotpolicy-bench-lint: '{}' failed ({} {})\n", binary,
                   WIFEXITED(status) ? "exit status" : "signal",
                   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return k_exit_failure;
    }

    fmt::print("  policies      {}\n", policies);
    fmt::print("  bytes         {} ({:.2f} MB)\n", bytes, megabytes(bytes));
    print_throughput(policies, bytes, elapsed, seconds(usage.ru_utime) + seconds(usage.ru_stime));
    fmt::print("  of which      {:.4f} s user, {:.4f} s system\n", seconds(usage.ru_utime), seconds(usage.ru_stime));
    fmt::print("  peak RSS      {:.1f} MB (the iotpolicy process)\n", peak_rss_megabytes(usage));
    return k_exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    const std::span<char* const> args(argv, static_cast<std::size_t>(argc));
    try {
        if (args.size() < 2) {
            throw UsageError("no mode given");
        }
        const std::string_view mode = args[1];
        const std::span<char* const> rest = args.subspan(2);
        if (mode == "generate") {
            constexpr std::array<std::string_view, 2> k_options{"--count", "--seed"};
            return run_generate(parse_arguments(rest, 1, k_options));
        }
        if (mode == "measure") {
            constexpr std::array<std::string_view, 1> k_options{"--repeat"};
            return run_measure(parse_arguments(rest, 1, k_options));
        }
        if (mode == "run-cli") {
            return run_cli(parse_arguments(rest, 2, {}));
        }
        throw UsageError(fmt::format("unknown mode '{}'", mode));
    } catch (const UsageError& error) {
        fmt::print(stderr, "iotpolicy-bench-lint: {}\n{}", error.what(), k_usage);
        return k_exit_usage;
    } catch (const std::exception& error) {
        fmt::print(stderr, "iotpolicy-bench-lint: {}\n", error.what());
        return k_exit_failure;
    }
}
