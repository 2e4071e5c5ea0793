#include "suggest.hpp"

#include <algorithm>  // min, clamp, count_if
#include <vector>

namespace iotpolicy::detail {


std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
    const std::size_t length_gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    if (length_gap > limit) {
        return limit + 1;
    }
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        previous[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        std::size_t row_minimum = current[0];
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t substitution = previous[j - 1] + (ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
            row_minimum = std::min(row_minimum, current[j]);
        }
        if (row_minimum > limit) {
            return limit + 1;
        }
        std::swap(previous, current);
    }
    return std::min(previous[b.size()], limit + 1);
}

std::optional<std::string_view> nearest_name(std::string_view word, std::span<const std::string_view> candidates) {
    for (const std::string_view candidate : candidates) {
        if (equals_ignoring_case(word, candidate)) {
            return candidate;
        }
    }
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    std::optional<std::string_view> best;
    std::size_t best_distance = limit + 1;
    for (const std::string_view candidate : candidates) {
        const std::size_t distance = edit_distance(word, candidate, limit);
        // A one- or two-letter word is as close to every short name: only a case variant counts then.
        if (distance < best_distance && distance < word.size()) {
            best_distance = distance;
            best = candidate;
        }
    }
    return best;
}

std::optional<std::string_view> unique_nearest_name(std::string_view word,
                                                    std::span<const std::string_view> candidates) {
    const std::optional<std::string_view> nearest = nearest_name(word, candidates);
    if (!nearest) {
        return std::nullopt;
    }
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    const std::size_t distance = edit_distance(word, *nearest, limit);
    const auto ties = std::count_if(candidates.begin(), candidates.end(), [&](std::string_view candidate) {
        return edit_distance(word, candidate, limit) == distance;
    });
    return ties == 1 ? nearest : std::nullopt;
}

}  // namespace iotpolicy::detail
