// The benchmarks' random numbers: reproducible on every platform and standard library.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

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

}  // namespace iotpolicy::bench
