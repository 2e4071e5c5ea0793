// What the benchmarks share: reproducible random numbers, CPU time and peak memory.
#pragma once

#include <sys/resource.h>  // getrusage, rusage

#include <array>
#include <cstddef>
#include <cstdint>
#include <ctime>  // clock_gettime
#include <string_view>
#include <vector>

namespace iotpolicy::bench {

/// splitmix64 (Steele, Lea and Flood, 2014): small and fully specified, unlike the std:: distributions, whose
/// output differs between standard libraries.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next() {
        m_state += 0x9E37'79B9'7F4A'7C15ULL;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30U)) * 0xBF58'476D'1CE4'E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D0'49BB'1331'11EBULL;
        return z ^ (z >> 31U);
    }

    /// A number in [0, bound); the modulo bias is negligible for the small bounds used here.
    std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }

    std::size_t between(std::size_t low, std::size_t high) { return low + below(high - low + 1); }

    bool percent(unsigned chance) { return below(100) < chance; }

    template <typename T, std::size_t N>
    const T& pick(const std::array<T, N>& items) {
        return items[below(N)];
    }

    /// Between `low` and `high` items of `items`, consecutive from a random start (wrapping), so lists keep the
    /// natural order people write them in.
    template <std::size_t N>
    std::vector<std::string_view> pick_some(const std::array<std::string_view, N>& items, std::size_t low,
                                            std::size_t high) {
        const std::size_t count = between(low, std::min(high, N));
        const std::size_t start = below(N);
        std::vector<std::string_view> chosen;
        for (std::size_t i = 0; i < count; ++i) {
            chosen.push_back(items[(start + i) % N]);
        }
        return chosen;
    }

private:
    std::uint64_t m_state;
};

/// CPU time of the calling thread: printed beside wall time, which on a shared machine also counts other processes.
inline double thread_cpu_seconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

/// Peak resident memory in `usage` in MB (Linux reports ru_maxrss in KiB).
inline double peak_rss_megabytes(const rusage& usage) { return static_cast<double>(usage.ru_maxrss) * 1024.0 / 1e6; }

/// Peak resident memory of this process so far, in MB.
inline double peak_rss_megabytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return peak_rss_megabytes(usage);
}

}  // namespace iotpolicy::bench
