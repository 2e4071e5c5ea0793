// A synthetic but realistic corpus of AWS IoT Core policies, for measuring the linter on the shapes fleets use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace iotpolicy::bench {

struct CorpusSummary {
    std::size_t files = 0;
    std::size_t bytes = 0;
    std::size_t defective_files = 0;  // files given one deliberate defect, each of which the linter must report
};

/// Writes `count` policy documents below `directory` (created if absent; it must hold no files), one
/// subdirectory per account and region. Output depends only on `count` and `seed`: the generator uses its own
/// PRNG, so every platform and standard library writes byte-identical files. Throws std::runtime_error on I/O
/// errors.
CorpusSummary write_corpus(const std::filesystem::path& directory, std::size_t count, std::uint64_t seed);

}  // namespace iotpolicy::bench
