// iotpolicy-bench-wildcard: how long wildcard and ARN matching take on adversarial input (64 `*` against 64 KiB)
// and how many matches per second they sustain on the resources IoT policies hold. Speed is measured here, never
// asserted in unit tests. Usage: iotpolicy-bench-wildcard [--repeat N] (default 200 timed runs per case).
#include <algorithm>  // sort, min
#include <charconv>   // from_chars
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/wildcard.hpp"
#include "bench_support.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using iotpolicy::ArnPattern;
using iotpolicy::Case;
using iotpolicy::RequestArn;
using iotpolicy::WildcardPattern;
using iotpolicy::bench::peak_rss_megabytes;

constexpr std::size_t k_subject_bytes = 64 * 1024;
constexpr std::uint64_t k_naive_step_budget = 200'000'000;

// Keeps the optimiser from discarding results.
volatile std::uint64_t g_sink = 0;


struct Timing {
    double best_us = 0;
    double median_us = 0;
};

/// Best and median wall time of `repeat` runs of `run`.
Timing time_runs(std::size_t repeat, const std::function<bool()>& run) {
    std::vector<double> samples;
    samples.reserve(repeat);
    for (std::size_t i = 0; i < repeat; ++i) {
        const auto start = Clock::now();
        g_sink = g_sink + (run() ? 1 : 0);
        samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    }
    std::sort(samples.begin(), samples.end());
    return Timing{samples.front(), samples[samples.size() / 2]};
}

/// The textbook recursive matcher, to show what backtracking costs; gives up after `budget` steps.
bool naive_match(std::string_view p, std::string_view s, std::uint64_t& steps, std::uint64_t budget) {
    if (++steps > budget) {
        return false;
    }
    if (p.empty()) {
        return s.empty();
    }
    if (p[0] == '*') {
        for (std::size_t k = 0; k <= s.size(); ++k) {
            if (naive_match(p.substr(1), s.substr(k), steps, budget)) {
                return true;
            }
            if (steps > budget) {
                return false;
            }
        }
        return false;
    }
    return !s.empty() && (p[0] == '?' || p[0] == s[0]) && naive_match(p.substr(1), s.substr(1), steps, budget);
}

std::string repeat_text(std::string_view unit, std::size_t times, std::string_view tail) {
    std::string text;
    for (std::size_t i = 0; i < times; ++i) {
        text += unit;
    }
    return text + std::string(tail);
}

/// `bytes` of 'b' with `count` 'a' spread evenly, the last one at the very end.
std::string sparse_subject(std::size_t bytes, std::size_t count) {
    std::string subject(bytes, 'b');
    for (std::size_t i = 0; i < count; ++i) {
        subject[bytes - 1 - i * (bytes / count)] = 'a';
    }
    return subject;
}

void pathological(std::size_t repeat) {
    fmt::print("pathological input: a 64 KiB subject, best / median of {} runs\n", repeat);
    const std::string stars = repeat_text("*a", 63, "*");  // 64 stars, 63 literal pieces
    const std::string questions = repeat_text("*a?", 32, "*");
    std::string dense_piece = "*";  // one 63-character piece a?a?...b: one state word, alive at every 'a'
    dense_piece += repeat_text("a?", 31, "b*");
    std::string long_piece = "*";  // one 150-character piece: 3 state words
    long_piece += repeat_text("ab?", 50, "*");
    const WildcardPattern star_pattern = WildcardPattern::compile(stars);
    const WildcardPattern question_pattern = WildcardPattern::compile(questions);
    const WildcardPattern long_pattern = WildcardPattern::compile(long_piece);
    const WildcardPattern dense_pattern = WildcardPattern::compile(dense_piece);
    const std::string match63 = sparse_subject(k_subject_bytes, 63);
    const std::string miss62 = sparse_subject(k_subject_bytes, 62);
    const std::string all_a(k_subject_bytes, 'a');
    const std::string all_b(k_subject_bytes, 'b');
    const std::string ab_run = repeat_text("ab", k_subject_bytes / 2, "");

    struct TimedCase {
        std::string_view name;
        const WildcardPattern* pattern;
        const std::string* subject;
        Case letter_case;
    };
    const std::vector<TimedCase> cases{
        {"64 '*' (*a*a...*), match: 63 a's spread over the subject", &star_pattern, &match63, Case::sensitive},
        {"64 '*', no match: 62 a's", &star_pattern, &miss62, Case::sensitive},
        {"64 '*', match: all a's", &star_pattern, &all_a, Case::sensitive},
        {"64 '*', match, case-insensitive", &star_pattern, &match63, Case::insensitive},
        {"64 '*', no match, case-insensitive", &star_pattern, &miss62, Case::insensitive},
        {"33 '*' with '?' pieces (*a?*a?...*), match: all a's", &question_pattern, &all_a, Case::sensitive},
        {"33 '*' with '?' pieces, no match: all b's", &question_pattern, &all_b, Case::sensitive},
        {"one 63-character piece a?a?...b, no match: all a's", &dense_pattern, &all_a, Case::sensitive},
        {"one 63-character piece, no match, case-insensitive", &dense_pattern, &all_a, Case::insensitive},
        {"one 150-character piece with '?', no match: abab...", &long_pattern, &ab_run, Case::sensitive},
    };
    for (const TimedCase& c : cases) {
        bool result = false;
        const Timing t = time_runs(repeat, [&] {
            result = c.pattern->matches(*c.subject, c.letter_case);
            return result;
        });
        fmt::print("  {:<58} {:>5}  best {:8.1f} us  median {:8.1f} us\n", c.name, result ? "match" : "no", t.best_us,
                   t.median_us);
    }

    // The same shape in an ARN pattern: both readings, both letter cases (ArnPattern::match runs up to four).
    const std::string arn_pattern_text = "arn:aws:iot:*:123456789012:topic/" + stars;
    const ArnPattern arn_pattern = ArnPattern::compile(arn_pattern_text);
    const std::string arn_hit = "arn:aws:iot:us-east-1:123456789012:topic/" + match63;
    const std::string arn_miss = "arn:aws:iot:us-east-1:123456789012:topic/" + miss62;
    for (const auto& [name, subject] :
         {std::pair<std::string_view, const std::string*>{"ArnPattern, topic/ + 64 '*', match (all four flags)", &arn_hit},
          std::pair<std::string_view, const std::string*>{"ArnPattern, topic/ + 64 '*', no match", &arn_miss}}) {
        const RequestArn request(*subject);
        bool result = false;
        const Timing t = time_runs(repeat, [&] {
            result = arn_pattern.match(request).denies();
            return result;
        });
        fmt::print("  {:<58} {:>5}  best {:8.1f} us  median {:8.1f} us\n", name, result ? "match" : "no", t.best_us,
                   t.median_us);
    }

    std::uint64_t steps = 0;
    const auto start = Clock::now();
    naive_match(stars, miss62, steps, k_naive_step_budget);
    const double naive_s = std::chrono::duration<double>(Clock::now() - start).count();
    fmt::print("  for contrast, naive backtracking on '64 *, no match': no answer after {} steps ({:.2f} s)\n",
               steps - 1, naive_s);
}

/// Resource patterns in the shapes policies use (bench/README.md describes the fleets), with the values a
/// simulator substitutes for policy variables.
std::vector<std::string> realistic_patterns() {
    std::vector<std::string> patterns;
    const std::string arn = "arn:aws:iot:eu-central-1:145099023593:";
    for (const std::string_view app : {"meter", "tracker", "hvac"}) {
        const std::string a(app);
        patterns.push_back(arn + "client/" + a + "-*");
        patterns.push_back(arn + "client/" + a + "-0042");
        patterns.push_back(arn + "topic/dt/" + a + "/" + a + "-0042/*");
        patterns.push_back(arn + "topic/dt/" + a + "/*/telemetry");
        patterns.push_back(arn + "topicfilter/cmd/" + a + "/" + a + "-0042/*");
        patterns.push_back(arn + "topic/cmd/" + a + "/" + a + "-0042/*");
        patterns.push_back(arn + "topic/$aws/things/" + a + "-0042/shadow/*");
        patterns.push_back(arn + "topicfilter/$aws/things/" + a + "-0042/shadow/name/*/update/*");
        patterns.push_back(arn + "topic/$aws/things/" + a + "-?\?\?\?/jobs/*");
        patterns.push_back(arn + "thing/" + a + "-0042");
        patterns.push_back("arn:aws:iot:*:145099023593:topic/dt/" + a + "/*");
        patterns.push_back("arn:aws:iot:eu-central-?:145099023593:rolealias/" + a + "-*");
    }
    patterns.push_back(arn + "*");
    patterns.push_back(arn + "topic/$aws/certificates/create/*");
    patterns.push_back(arn + "topic/$aws/provisioning-templates/fleet-template/provision/*");
    patterns.push_back("*");
    return patterns;
}

std::vector<std::string> realistic_requests() {
    std::vector<std::string> requests;
    const std::string arn = "arn:aws:iot:eu-central-1:145099023593:";
    for (const std::string_view app : {"meter", "tracker", "hvac", "door"}) {
        const std::string a(app);
        for (int device = 40; device < 50; ++device) {
            const std::string thing = fmt::format("{}-{:04}", a, device);
            requests.push_back(arn + "client/" + thing);
            requests.push_back(arn + "topic/dt/" + a + "/" + thing + "/telemetry");
            requests.push_back(arn + "topic/dt/" + a + "/" + thing + "/events/door-open");
            requests.push_back(arn + "topicfilter/cmd/" + a + "/" + thing + "/#");
            requests.push_back(arn + "topic/cmd/" + a + "/" + thing + "/reboot");
            requests.push_back(arn + "topic/$aws/things/" + thing + "/shadow/update");
            requests.push_back(arn + "topicfilter/$aws/things/" + thing + "/shadow/name/config/update/accepted");
            requests.push_back(arn + "topic/$aws/things/" + thing + "/jobs/notify-next");
            requests.push_back(arn + "thing/" + thing);
            requests.push_back(arn + "rolealias/" + a + "-uploader");
        }
    }
    return requests;
}

void realistic(std::size_t repeat) {
    const std::vector<std::string> pattern_texts = realistic_patterns();
    const std::vector<std::string> request_texts = realistic_requests();
    std::vector<WildcardPattern> globs;
    std::vector<ArnPattern> arns;
    const auto compile_start = Clock::now();
    for (const std::string& text : pattern_texts) {
        globs.push_back(WildcardPattern::compile(text));
        arns.push_back(ArnPattern::compile(text));
    }
    const double compile_s = std::chrono::duration<double>(Clock::now() - compile_start).count();
    std::vector<RequestArn> requests;
    std::size_t request_bytes = 0;
    for (const std::string& text : request_texts) {
        requests.emplace_back(text);
        request_bytes += text.size();
    }
    const std::size_t pairs = globs.size() * requests.size();
    const std::size_t passes = std::max<std::size_t>(1, repeat / 10);
    fmt::print("\nrealistic resources: {} patterns x {} request ARNs (mean {} bytes) = {} pairs, {} passes\n",
               globs.size(), requests.size(), request_bytes / requests.size(), pairs, passes);
    fmt::print("  compiling a pattern (WildcardPattern + ArnPattern): {:.2f} us each\n",
               compile_s * 1e6 / static_cast<double>(pattern_texts.size()));

    const auto measure = [&](std::string_view name, const std::function<std::size_t()>& pass) {
        std::size_t hits = 0;
        const auto start = Clock::now();
        for (std::size_t p = 0; p < passes; ++p) {
            hits = pass();
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        const double per_second = static_cast<double>(pairs * passes) / seconds;
        fmt::print("  {:<48} {:>12.0f} matches/s  ({:.0f} ns each; {} of {} pairs match)\n", name, per_second,
                   1e9 / per_second, hits, pairs);
    };
    measure("WildcardPattern::matches, case-sensitive", [&] {
        std::size_t hits = 0;
        for (const WildcardPattern& glob : globs) {
            for (const std::string& request : request_texts) {
                hits += glob.matches(request) ? 1 : 0;
            }
        }
        return hits;
    });
    measure("WildcardPattern::matches, case-insensitive", [&] {
        std::size_t hits = 0;
        for (const WildcardPattern& glob : globs) {
            for (const std::string& request : request_texts) {
                hits += glob.matches(request, Case::insensitive) ? 1 : 0;
            }
        }
        return hits;
    });
    measure("ArnPattern::match (both readings, both cases)", [&] {
        std::size_t hits = 0;
        for (const ArnPattern& arn : arns) {
            for (const RequestArn& request : requests) {
                hits += arn.match(request).denies() ? 1 : 0;
            }
        }
        return hits;
    });
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t repeat = 200;
    if (argc == 3 && std::string_view(argv[1]) == "--repeat") {
        const std::string_view text = argv[2];
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), repeat);
        if (error != std::errc() || end != text.data() + text.size() || repeat == 0) {
            fmt::print(stderr, "--repeat takes a positive integer, not '{}'\n", text);
            return 2;
        }
    } else if (argc != 1) {
        fmt::print(stderr, "usage: iotpolicy-bench-wildcard [--repeat N]\n");
        return 2;
    }
    pathological(repeat);
    realistic(repeat);
    fmt::print("\npeak RSS {:.1f} MB (whole process)\n", peak_rss_megabytes());
    return 0;
}
