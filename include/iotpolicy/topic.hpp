// MQTT topic names and topic filters as AWS IoT Core takes them (actions-and-resources.md §8, spec §3.3, §4.1):
// validation with byte ranges for the linter, and whether a subscription's filter delivers a topic.
//
// Levels are the texts between '/' (empty levels are levels: "a//b" has three). A topic or filter may hold at
// most k_topic_max_bytes bytes and k_topic_max_slashes '/', not counting the Basic Ingest prefix
// `$aws/rules/<rule-name>/`; the slash limit is not applied to other `$aws/` topics, some of which AWS itself
// makes deeper (actions-and-resources.md §8, unclear). Topic names cannot contain the MQTT wildcards; in a
// filter `+` is a whole level and `#` a whole last level.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/source.hpp"

namespace iotpolicy {

/// iot-actions.json "limits": topicMaxBytes, bytes of UTF-8 in a topic name or filter.
inline constexpr std::size_t k_topic_max_bytes = 256;

/// iot-actions.json "limits": topicMaxSlashes, '/' in a topic name or filter (so at most 8 levels).
inline constexpr std::size_t k_topic_max_slashes = 7;

/// What is wrong with a topic name or filter, one kind per check.
enum class TopicProblemKind : std::uint8_t {
    empty,                    // MQTT topics and filters have at least one character
    invalid_utf8,             // MQTT strings are well-formed UTF-8
    null_character,           // MQTT strings must not contain U+0000
    too_long,                 // over k_topic_max_bytes
    too_many_slashes,         // over k_topic_max_slashes
    wildcard_in_name,         // `+` or `#` in a topic name
    misplaced_plus,           // `+` sharing its level with other characters
    misplaced_hash,           // `#` sharing its level, or not in the last level
    unknown_reserved,         // begins with '$' but is not an `$aws/` topic (nor, in a filter, `$share/`)
    bad_basic_ingest,         // `$aws/rules/` without a rule name of letters, digits and '_'
    bad_shared_subscription,  // `$share/` without a group name free of wildcards, or without a filter
};

/// One problem, with the byte range of the analysed text it is about.
struct TopicProblem {
    TopicProblemKind kind;
    Span span;
    std::string message;
    bool certain = true;  // false: a problem under one reading of an unclear rule only (a warning, spec §0.2)
};

/// What a topic name or filter is, and what is wrong with it.
struct TopicAnalysis {
    bool is_reserved = false;      // begins with '$' (after the `$share/<group>/` of a shared subscription)
    bool is_aws_reserved = false;  // begins with "$aws/" (likewise)
    Span basic_ingest_prefix;      // `$aws/rules/<rule-name>` and the '/' after it; empty when absent
    Span shared_prefix;            // `$share/<group>/` of a shared subscription (filters only); empty when absent
    bool has_wildcards = false;    // a filter with a `+` or `#` level
    std::size_t level_count = 0;   // levels of the whole text
    // Bytes and '/' counted against the limits, a `$share/<group>/` prefix included; counted_slashes is 0 for
    // `$aws/` topics other than Basic Ingest, which the slash limit does not bind.
    std::size_t counted_bytes = 0;
    std::size_t counted_slashes = 0;
    std::vector<TopicProblem> problems;  // in text order of their checks; empty when valid
};

/// Validates `topic` as the topic name of a PUBLISH (or of a `topic/` resource).
TopicAnalysis analyze_topic_name(std::string_view topic);

/// Validates `filter` as a SUBSCRIBE topic filter (or the name of a `topicfilter/` resource). For a shared
/// subscription the limits are checked with and without the `$share/<group>/` prefix, which AWS may or may
/// not count (unclear): a problem only the prefix causes is not certain.
TopicAnalysis analyze_topic_filter(std::string_view filter);

/// The byte ranges of the levels of `text`.
std::vector<Span> topic_levels(std::string_view text);

/// Whether a subscription with a filter receives messages published on a topic (routing, not authorization).
struct TopicDelivery {
    bool possible = false;  // delivered under at least one reading
    // Delivered only because `a/#` is taken to match `a`: MQTT 3.1.1 §4.7.1.2 says it does, AWS's topics page
    // says it does not; exposure analyses use the broader reading and mark the delivery uncertain (spec §3.3).
    bool needs_parent_level_reading = false;
    // Delivered only because a filter beginning with `+` or `#` is taken to match a topic beginning with '$':
    // MQTT 3.1.1 §4.7.2 says it does not, AWS documents nothing either way (R0, spec §0.2).
    bool needs_reserved_wildcard_reading = false;

    /// Delivered under every reading.
    bool certain() const { return possible && !needs_parent_level_reading && !needs_reserved_wildcard_reading; }
};

/// How `filter` (as sent in SUBSCRIBE, `$share/<group>/` allowed) delivers `topic` (as published). Nothing is
/// delivered when the filter's wildcards are misplaced or the topic contains one, as the broker rejects both;
/// the limits do not enter. Linear in the two lengths, no allocation.
TopicDelivery filter_delivers(std::string_view filter, std::string_view topic);

}  // namespace iotpolicy
