#include "iotpolicy/topic.hpp"

#include <algorithm>  // count, all_of
#include <utility>    // move

#include <fmt/format.h>

#include "../support/utf8.hpp"

namespace iotpolicy {

namespace {

constexpr std::string_view k_share_prefix = "$share/";
constexpr std::string_view k_aws_prefix = "$aws/";
constexpr std::string_view k_basic_ingest_prefix = "$aws/rules/";

Span span_of(std::size_t begin, std::size_t end) {
    return Span{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
}

std::size_t size_of(Span span) {
    return span.end - span.begin;
}

std::size_t level_end(std::string_view text, std::size_t begin) {
    const std::size_t slash = text.find('/', begin);
    return slash == std::string_view::npos ? text.size() : slash;
}

bool is_rule_name_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// Where a shared subscription's filter starts: after `$share/<group>/`; 0 when `filter` is not one, or when its
/// group or filter is missing or the group holds a wildcard (`valid` says which).
struct SharePrefix {
    std::size_t filter_begin = 0;
    bool present = false;
    bool valid = false;
};

SharePrefix read_share_prefix(std::string_view filter) {
    SharePrefix share;
    if (!filter.starts_with(k_share_prefix)) {
        return share;
    }
    share.present = true;
    const std::size_t group_end = filter.find('/', k_share_prefix.size());
    if (group_end == std::string_view::npos) {
        return share;
    }
    const std::string_view group = filter.substr(k_share_prefix.size(), group_end - k_share_prefix.size());
    share.filter_begin = group_end + 1;
    share.valid = !group.empty() && group.find_first_of("+#") == std::string_view::npos &&
                  share.filter_begin < filter.size();
    return share;
}

/// Whether every `+` and `#` of `filter` is a whole level, and `#` only the last.
bool has_valid_wildcards(std::string_view filter) {
    for (std::size_t begin = 0; begin <= filter.size();) {
        const std::size_t end = level_end(filter, begin);
        const std::string_view level = filter.substr(begin, end - begin);
        if (level.find_first_of("+#") != std::string_view::npos) {
            if (level.size() != 1 || (level == "#" && end != filter.size())) {
                return false;
            }
        }
        begin = end + 1;
    }
    return true;
}

class TopicChecker {
public:
    TopicChecker(std::string_view text, bool is_filter) : m_text(text), m_is_filter(is_filter) {}

    TopicAnalysis run();

private:
    void report(TopicProblemKind kind, Span span, std::string message, bool certain = true) {
        m_result.problems.push_back(TopicProblem{kind, span, std::move(message), certain});
    }
    std::string_view noun() const { return m_is_filter ? "topic filter" : "topic name"; }

    void check_encoding();
    void check_share_prefix();
    void check_reserved();
    void check_levels();
    void check_limits();

    std::string_view m_text;
    bool m_is_filter;
    std::size_t m_body_begin = 0;  // after a `$share/<group>/` prefix
    TopicAnalysis m_result;
};

TopicAnalysis TopicChecker::run() {
    m_result.level_count = static_cast<std::size_t>(std::count(m_text.begin(), m_text.end(), '/')) + 1;
    if (m_text.empty()) {
        report(TopicProblemKind::empty, span_of(0, 0), fmt::format("a {} cannot be empty", noun()));
        return std::move(m_result);
    }
    check_encoding();
    check_share_prefix();
    check_reserved();
    check_levels();
    check_limits();
    return std::move(m_result);
}

void TopicChecker::check_encoding() {
    for (std::size_t at = 0; at < m_text.size();) {
        if (m_text[at] == '\0') {
            report(TopicProblemKind::null_character, span_of(at, at + 1),
                   fmt::format("a {} cannot contain the character U+0000", noun()));
        }
        if (detail::utf8_sequence_length(m_text, at) != 0) {
            at += detail::utf8_step(m_text, at);
            continue;
        }
        // One report per run of invalid bytes.
        std::size_t end = at + 1;
        while (end < m_text.size() && detail::utf8_sequence_length(m_text, end) == 0) {
            ++end;
        }
        report(TopicProblemKind::invalid_utf8, span_of(at, end),
               fmt::format("a {} must be UTF-8; byte 0x{:02X} here is not", noun(),
                           static_cast<unsigned char>(m_text[at])));
        at = end;
    }
}

void TopicChecker::check_share_prefix() {
    if (!m_is_filter) {
        return;
    }
    const SharePrefix share = read_share_prefix(m_text);
    if (!share.present) {
        return;
    }
    const std::size_t group_begin = k_share_prefix.size();
    if (share.filter_begin == 0) {
        report(TopicProblemKind::bad_shared_subscription, span_of(0, m_text.size()),
               "a shared subscription is $share/<group>/<filter>; the '/' and filter after the group are missing");
        m_body_begin = m_text.size();
        m_result.shared_prefix = span_of(0, m_text.size());
        return;
    }
    m_body_begin = share.filter_begin;
    m_result.shared_prefix = span_of(0, m_body_begin);
    const std::size_t group_end = m_body_begin - 1;
    const std::string_view group = m_text.substr(group_begin, group_end - group_begin);
    if (group.empty()) {
        report(TopicProblemKind::bad_shared_subscription, span_of(0, m_body_begin),
               "the group name of $share/<group>/ is empty");
    } else if (group.find_first_of("+#") != std::string_view::npos) {
        report(TopicProblemKind::bad_shared_subscription, span_of(group_begin, group_end),
               fmt::format("the group name '{}' of a shared subscription cannot contain '+' or '#'", group));
    }
    if (m_body_begin == m_text.size()) {
        report(TopicProblemKind::bad_shared_subscription, span_of(0, m_body_begin),
               "the topic filter after $share/<group>/ is empty");
    }
}

void TopicChecker::check_reserved() {
    const std::string_view body = m_text.substr(m_body_begin);
    m_result.is_reserved = body.starts_with('$');
    m_result.is_aws_reserved = body.starts_with(k_aws_prefix);
    if (m_result.is_reserved && !m_result.is_aws_reserved) {
        report(TopicProblemKind::unknown_reserved, span_of(m_body_begin, level_end(m_text, m_body_begin)),
               fmt::format("a {} beginning with '$' is reserved for AWS; only the documented $aws/ topics can be used",
                           noun()));
    }
    if (!body.starts_with(k_basic_ingest_prefix)) {
        return;
    }
    const std::size_t rule_begin = m_body_begin + k_basic_ingest_prefix.size();
    const std::size_t rule_end = level_end(m_text, rule_begin);
    const std::string_view rule = m_text.substr(rule_begin, rule_end - rule_begin);
    m_result.basic_ingest_prefix = span_of(m_body_begin, rule_end < m_text.size() ? rule_end + 1 : rule_end);
    if (rule.empty()) {
        report(TopicProblemKind::bad_basic_ingest, span_of(m_body_begin, rule_end),
               "Basic Ingest topics are $aws/rules/<rule-name>/...; the rule name is empty");
    } else if (!std::all_of(rule.begin(), rule.end(), is_rule_name_character)) {
        report(TopicProblemKind::bad_basic_ingest, span_of(rule_begin, rule_end),
               fmt::format("'{}' is not a rule name: rule names have only letters, digits and '_'", rule));
    }
}

void TopicChecker::check_levels() {
    for (std::size_t begin = m_body_begin; begin <= m_text.size();) {
        const std::size_t end = level_end(m_text, begin);
        const std::string_view level = m_text.substr(begin, end - begin);
        if (!m_is_filter) {
            for (std::size_t i = begin; i < end; ++i) {
                if (m_text[i] == '+' || m_text[i] == '#') {
                    report(TopicProblemKind::wildcard_in_name, span_of(i, i + 1),
                           fmt::format("'{}' is an MQTT wildcard: topic names cannot contain it, only filters can",
                                       m_text[i]));
                }
            }
        } else if (level.find('#') != std::string_view::npos) {
            m_result.has_wildcards = true;
            if (level != "#") {
                report(TopicProblemKind::misplaced_hash, span_of(begin, end),
                       fmt::format("'#' must be a whole level ('.../#'), not part of '{}'", level));
            } else if (end != m_text.size()) {
                report(TopicProblemKind::misplaced_hash, span_of(begin, end),
                       "'#' matches all the levels below it, so it must be the last level");
            }
            if (level != "#" && level.find('+') != std::string_view::npos) {
                report(TopicProblemKind::misplaced_plus, span_of(begin, end),
                       fmt::format("'+' must be a whole level ('.../+/...'), not part of '{}'", level));
            }
        } else if (level.find('+') != std::string_view::npos) {
            m_result.has_wildcards = true;
            if (level != "+") {
                report(TopicProblemKind::misplaced_plus, span_of(begin, end),
                       fmt::format("'+' must be a whole level ('.../+/...'), not part of '{}'", level));
            }
        }
        begin = end + 1;
    }
}

// The limits exclude the Basic Ingest prefix. A `$share/<group>/` prefix may or may not count (unclear), so a
// limit that only the prefix breaks is reported as not certain.
void TopicChecker::check_limits() {
    const std::size_t ingest = size_of(m_result.basic_ingest_prefix);
    const std::size_t share = size_of(m_result.shared_prefix);
    const std::size_t bytes = m_text.size() - ingest;
    m_result.counted_bytes = bytes;
    if (bytes > k_topic_max_bytes) {
        const bool certain = bytes - share > k_topic_max_bytes;
        report(TopicProblemKind::too_long, span_of(0, m_text.size()),
               share == 0 || certain
                   ? fmt::format("the {} is {} bytes{}; AWS IoT allows {}", noun(), bytes - (certain ? 0 : share),
                                 ingest != 0 ? " after the Basic Ingest prefix" : "", k_topic_max_bytes)
                   : fmt::format("the {} is {} bytes with its $share/<group>/ prefix and {} without; AWS IoT "
                                 "allows {}, and whether it counts the prefix is not documented",
                                 noun(), bytes, bytes - share, k_topic_max_bytes),
               certain);
    }

    // Other $aws/ topics are not held to the slash limit: AWS makes some of them deeper itself.
    if (m_result.is_aws_reserved && ingest == 0) {
        return;
    }
    const std::size_t counted_from = ingest != 0 ? m_result.basic_ingest_prefix.end : 0;
    std::size_t slashes = 0;
    std::size_t first_over = m_text.size();
    for (std::size_t i = counted_from; i < m_text.size(); ++i) {
        if (m_text[i] == '/' && ++slashes == k_topic_max_slashes + 1) {
            first_over = i;
        }
    }
    m_result.counted_slashes = slashes;
    if (slashes > k_topic_max_slashes) {
        const std::size_t share_slashes = share == 0 ? 0 : 2;
        const bool certain = slashes - share_slashes > k_topic_max_slashes;
        report(TopicProblemKind::too_many_slashes, span_of(first_over, m_text.size()),
               share == 0 || certain
                   ? fmt::format("the {} has {} '/' ({} levels){}; AWS IoT allows {} ({} levels)", noun(),
                                 slashes - (certain ? 0 : share_slashes), slashes + 1,
                                 ingest != 0 ? " after the Basic Ingest prefix" : "", k_topic_max_slashes,
                                 k_topic_max_slashes + 1)
                   : fmt::format("the {} has {} '/' with its $share/<group>/ prefix and {} without; AWS IoT allows "
                                 "{}, and whether it counts the prefix is not documented",
                                 noun(), slashes, slashes - share_slashes, k_topic_max_slashes),
               certain);
    }
}

}  // namespace

TopicAnalysis analyze_topic_name(std::string_view topic) {
    return TopicChecker(topic, false).run();
}

TopicAnalysis analyze_topic_filter(std::string_view filter) {
    return TopicChecker(filter, true).run();
}

std::vector<Span> topic_levels(std::string_view text) {
    std::vector<Span> levels;
    for (std::size_t begin = 0; begin <= text.size();) {
        const std::size_t end = level_end(text, begin);
        levels.push_back(span_of(begin, end));
        begin = end + 1;
    }
    return levels;
}

TopicDelivery filter_delivers(std::string_view filter, std::string_view topic) {
    TopicDelivery delivery;
    const SharePrefix share = read_share_prefix(filter);
    if (share.present) {
        if (!share.valid) {
            return delivery;
        }
        filter.remove_prefix(share.filter_begin);
    }
    if (filter.empty() || topic.empty() || topic.find_first_of("+#") != std::string_view::npos ||
        !has_valid_wildcards(filter)) {
        return delivery;
    }

    std::size_t f = 0;
    std::size_t t = 0;
    bool topic_done = false;  // every topic level has been matched
    while (true) {
        const std::size_t filter_end = level_end(filter, f);
        const std::string_view level = filter.substr(f, filter_end - f);
        if (level == "#") {
            // `#` takes the remaining levels; with none left it needs MQTT's reading that `a/#` matches `a`.
            delivery.possible = true;
            delivery.needs_parent_level_reading = topic_done;
            break;
        }
        if (topic_done) {
            return delivery;
        }
        const std::size_t topic_end = level_end(topic, t);
        if (level != "+" && level != topic.substr(t, topic_end - t)) {
            return delivery;
        }
        const bool topic_last = topic_end == topic.size();
        if (filter_end == filter.size()) {
            delivery.possible = topic_last;
            break;
        }
        f = filter_end + 1;
        topic_done = topic_last;
        t = topic_last ? t : topic_end + 1;
    }
    delivery.needs_reserved_wildcard_reading =
        delivery.possible && topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#'));
    return delivery;
}

}  // namespace iotpolicy
