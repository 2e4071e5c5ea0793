#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "iotpolicy/topic.hpp"

using iotpolicy::analyze_topic_filter;
using iotpolicy::analyze_topic_name;
using iotpolicy::filter_delivers;
using iotpolicy::Span;
using iotpolicy::TopicAnalysis;
using iotpolicy::TopicDelivery;
using iotpolicy::TopicProblemKind;

namespace {

std::vector<TopicProblemKind> kinds(const TopicAnalysis& analysis) {
    std::vector<TopicProblemKind> out;
    for (const auto& problem : analysis.problems) {
        out.push_back(problem.kind);
    }
    return out;
}

/// `levels` levels of `width` characters each.
std::string deep(std::size_t levels, std::size_t width = 1) {
    std::string topic;
    for (std::size_t i = 0; i < levels; ++i) {
        if (i != 0) {
            topic += '/';
        }
        topic.append(width, 'a');
    }
    return topic;
}

}  // namespace

TEST_CASE("topic names: levels, and no MQTT wildcards") {
    const TopicAnalysis plain = analyze_topic_name("sensor/temperature/room1");
    CHECK(plain.problems.empty());
    CHECK(plain.level_count == 3);
    CHECK(plain.counted_bytes == 24);
    CHECK(plain.counted_slashes == 2);
    CHECK_FALSE(plain.is_reserved);

    CHECK(analyze_topic_name("a//b/").problems.empty());  // empty levels are levels
    CHECK(analyze_topic_name("a//b/").level_count == 4);

    const TopicAnalysis plus = analyze_topic_name("a/+/b#");
    REQUIRE(plus.problems.size() == 2);
    CHECK(plus.problems[0].kind == TopicProblemKind::wildcard_in_name);
    CHECK(plus.problems[0].span == Span{2, 3});
    CHECK(plus.problems[0].message == "'+' is an MQTT wildcard: topic names cannot contain it, only filters can");
    CHECK(plus.problems[1].span == Span{5, 6});

    const TopicAnalysis empty = analyze_topic_name("");
    CHECK(kinds(empty) == std::vector<TopicProblemKind>{TopicProblemKind::empty});
    CHECK(empty.problems[0].message == "a topic name cannot be empty");
}

TEST_CASE("topic text must be UTF-8 without U+0000") {
    const TopicAnalysis invalid = analyze_topic_name("a/\xC3\x28/\xFF\xFE");
    CHECK(kinds(invalid) == std::vector<TopicProblemKind>{TopicProblemKind::invalid_utf8, TopicProblemKind::invalid_utf8});
    CHECK(invalid.problems[0].span == Span{2, 3});
    CHECK(invalid.problems[1].span == Span{5, 7});  // one report per run of bad bytes
    CHECK(invalid.problems[1].message == "a topic name must be UTF-8; byte 0xFF here is not");
    CHECK(analyze_topic_name("caf\xC3\xA9/\xE2\x82\xAC").problems.empty());

    const TopicAnalysis null = analyze_topic_filter(std::string("a/\0/b", 5));
    CHECK(kinds(null) == std::vector<TopicProblemKind>{TopicProblemKind::null_character});
    CHECK(null.problems[0].span == Span{2, 3});
}

TEST_CASE("reserved topics begin with '$'; only $aws/ ones exist") {
    const TopicAnalysis shadow = analyze_topic_name("$aws/things/dev-1/shadow/update");
    CHECK(shadow.problems.empty());
    CHECK(shadow.is_reserved);
    CHECK(shadow.is_aws_reserved);

    const TopicAnalysis custom = analyze_topic_name("$devices/x");
    CHECK(kinds(custom) == std::vector<TopicProblemKind>{TopicProblemKind::unknown_reserved});
    CHECK(custom.problems[0].span == Span{0, 8});
    CHECK(custom.is_reserved);
    CHECK_FALSE(custom.is_aws_reserved);
}

TEST_CASE("the 256-byte limit, Basic Ingest prefix excluded") {
    CHECK(analyze_topic_name(std::string(256, 'a')).problems.empty());
    const TopicAnalysis long_topic = analyze_topic_name(std::string(257, 'a'));
    CHECK(kinds(long_topic) == std::vector<TopicProblemKind>{TopicProblemKind::too_long});
    CHECK(long_topic.problems[0].message == "the topic name is 257 bytes; AWS IoT allows 256");
    CHECK(long_topic.problems[0].certain);
    // Bytes, not characters: 128 two-byte characters are 256 bytes, 129 are too many.
    std::string wide;
    for (int i = 0; i < 129; ++i) {
        wide += "\xC3\xA9";
    }
    CHECK(kinds(analyze_topic_name(wide)) == std::vector<TopicProblemKind>{TopicProblemKind::too_long});

    const std::string prefix = "$aws/rules/my_rule/";
    const TopicAnalysis ingest = analyze_topic_name(prefix + std::string(256, 'a'));
    CHECK(ingest.problems.empty());
    CHECK(ingest.basic_ingest_prefix == Span{0, 19});
    CHECK(ingest.counted_bytes == 256);
    const TopicAnalysis over = analyze_topic_name(prefix + std::string(257, 'a'));
    CHECK(over.problems.at(0).message == "the topic name is 257 bytes after the Basic Ingest prefix; AWS IoT allows 256");
}

TEST_CASE("the 7-slash limit, Basic Ingest prefix excluded, other $aws/ topics exempt") {
    CHECK(analyze_topic_name(deep(8)).problems.empty());
    const std::string nine = deep(9);
    const TopicAnalysis too_deep = analyze_topic_name(nine);
    CHECK(kinds(too_deep) == std::vector<TopicProblemKind>{TopicProblemKind::too_many_slashes});
    CHECK(too_deep.problems[0].span == Span{15, static_cast<std::uint32_t>(nine.size())});  // from the 8th '/'
    CHECK(too_deep.problems[0].message == "the topic name has 8 '/' (9 levels); AWS IoT allows 7 (8 levels)");
    CHECK(kinds(analyze_topic_filter(deep(8) + "/#")) ==
          std::vector<TopicProblemKind>{TopicProblemKind::too_many_slashes});

    const TopicAnalysis ingest = analyze_topic_name("$aws/rules/r/" + deep(8));
    CHECK(ingest.problems.empty());
    CHECK(ingest.counted_slashes == 7);
    CHECK(kinds(analyze_topic_name("$aws/rules/r/" + deep(9))) ==
          std::vector<TopicProblemKind>{TopicProblemKind::too_many_slashes});

    const TopicAnalysis reserved = analyze_topic_name("$aws/commands/things/t/executions/e/response/json/x");
    CHECK(reserved.problems.empty());
    CHECK(reserved.counted_slashes == 0);
}

TEST_CASE("Basic Ingest needs a rule name") {
    const TopicAnalysis empty = analyze_topic_name("$aws/rules//x");
    CHECK(kinds(empty) == std::vector<TopicProblemKind>{TopicProblemKind::bad_basic_ingest});
    CHECK(empty.problems[0].message == "Basic Ingest topics are $aws/rules/<rule-name>/...; the rule name is empty");
    const TopicAnalysis dash = analyze_topic_name("$aws/rules/my-rule/x");
    CHECK(kinds(dash) == std::vector<TopicProblemKind>{TopicProblemKind::bad_basic_ingest});
    CHECK(dash.problems[0].span == Span{11, 18});
    CHECK(analyze_topic_name("$aws/rules/Rule_1").problems.empty());
    CHECK(analyze_topic_name("$aws/rules/Rule_1").basic_ingest_prefix == Span{0, 17});
}

TEST_CASE("topic filters: '+' is a whole level, '#' a whole last level") {
    for (const char* valid : {"a/+/b", "a/#", "#", "+", "+/+", "/#", "+/#", "a//+"}) {
        const TopicAnalysis analysis = analyze_topic_filter(valid);
        INFO(valid);
        CHECK(analysis.problems.empty());
        CHECK(analysis.has_wildcards);
    }
    CHECK_FALSE(analyze_topic_filter("a/b").has_wildcards);

    const TopicAnalysis glued = analyze_topic_filter("a/b#");
    CHECK(kinds(glued) == std::vector<TopicProblemKind>{TopicProblemKind::misplaced_hash});
    CHECK(glued.problems[0].span == Span{2, 4});
    CHECK(glued.problems[0].message == "'#' must be a whole level ('.../#'), not part of 'b#'");

    const TopicAnalysis middle = analyze_topic_filter("a/#/b");
    CHECK(kinds(middle) == std::vector<TopicProblemKind>{TopicProblemKind::misplaced_hash});
    CHECK(middle.problems[0].message == "'#' matches all the levels below it, so it must be the last level");

    const TopicAnalysis plus = analyze_topic_filter("a+/x/+y");
    CHECK(kinds(plus) == std::vector<TopicProblemKind>{TopicProblemKind::misplaced_plus, TopicProblemKind::misplaced_plus});
    CHECK(plus.problems[1].span == Span{5, 7});
    CHECK(kinds(analyze_topic_filter("+#")) ==
          std::vector<TopicProblemKind>{TopicProblemKind::misplaced_hash, TopicProblemKind::misplaced_plus});
}

TEST_CASE("shared subscriptions: $share/<group>/<filter>") {
    const TopicAnalysis shared = analyze_topic_filter("$share/workers/jobs/+/#");
    CHECK(shared.problems.empty());
    CHECK(shared.shared_prefix == Span{0, 15});
    CHECK_FALSE(shared.is_reserved);

    const TopicAnalysis reserved = analyze_topic_filter("$share/g/$aws/things/+/shadow/update/accepted");
    CHECK(reserved.problems.empty());
    CHECK(reserved.is_aws_reserved);

    CHECK(kinds(analyze_topic_filter("$share/g")) ==
          std::vector<TopicProblemKind>{TopicProblemKind::bad_shared_subscription});
    CHECK(analyze_topic_filter("$share//a").problems.at(0).message == "the group name of $share/<group>/ is empty");
    CHECK(analyze_topic_filter("$share/g+/a").problems.at(0).span == Span{7, 9});
    CHECK(analyze_topic_filter("$share/g/").problems.at(0).message == "the topic filter after $share/<group>/ is empty");
    // A topic name has no shared form: '$share' is just an unknown reserved topic there.
    CHECK(kinds(analyze_topic_name("$share/g/a")) == std::vector<TopicProblemKind>{TopicProblemKind::unknown_reserved});
}

TEST_CASE("a limit that only the $share/<group>/ prefix breaks is not certain") {
    const std::string prefix = "$share/g/";
    const TopicAnalysis bytes = analyze_topic_filter(prefix + std::string(250, 'a'));
    REQUIRE(kinds(bytes) == std::vector<TopicProblemKind>{TopicProblemKind::too_long});
    CHECK_FALSE(bytes.problems[0].certain);
    CHECK(bytes.problems[0].message ==
          "the topic filter is 259 bytes with its $share/<group>/ prefix and 250 without; AWS IoT allows 256, and "
          "whether it counts the prefix is not documented");
    CHECK(analyze_topic_filter(prefix + std::string(257, 'a')).problems.at(0).certain);

    const TopicAnalysis slashes = analyze_topic_filter(prefix + deep(7));
    REQUIRE(kinds(slashes) == std::vector<TopicProblemKind>{TopicProblemKind::too_many_slashes});
    CHECK_FALSE(slashes.problems[0].certain);
    CHECK_FALSE(analyze_topic_filter(prefix + deep(8)).problems.at(0).certain);
    CHECK(analyze_topic_filter(prefix + deep(9)).problems.at(0).certain);
}

TEST_CASE("topic levels as byte ranges") {
    CHECK(iotpolicy::topic_levels("a//bc") == std::vector<Span>{{0, 1}, {2, 2}, {3, 5}});
    CHECK(iotpolicy::topic_levels("/a/") == std::vector<Span>{{0, 0}, {1, 2}, {3, 3}});
    CHECK(iotpolicy::topic_levels("") == std::vector<Span>{{0, 0}});
}

namespace {

enum class Expect { none, certain, parent_level, reserved_wildcard, both };

Expect delivery(std::string_view filter, std::string_view topic) {
    const TopicDelivery d = filter_delivers(filter, topic);
    if (!d.possible) {
        CHECK_FALSE(d.needs_parent_level_reading);
        CHECK_FALSE(d.needs_reserved_wildcard_reading);
        return Expect::none;
    }
    if (d.certain()) {
        return Expect::certain;
    }
    if (d.needs_parent_level_reading && d.needs_reserved_wildcard_reading) {
        return Expect::both;
    }
    return d.needs_parent_level_reading ? Expect::parent_level : Expect::reserved_wildcard;
}

}  // namespace

TEST_CASE("filter delivery: '+' takes one level, '#' the rest") {
    CHECK(delivery("sensor/+/room1", "sensor/temp/room1") == Expect::certain);
    CHECK(delivery("sensor/+/room1", "sensor/temp/x/room1") == Expect::none);
    CHECK(delivery("sport/+", "sport") == Expect::none);
    CHECK(delivery("sport/+", "sport/") == Expect::certain);  // an empty level is a level
    CHECK(delivery("+/+", "/finance") == Expect::certain);
    CHECK(delivery("+", "a/b") == Expect::none);
    CHECK(delivery("#", "a/b/c") == Expect::certain);
    CHECK(delivery("a/b", "a/b") == Expect::certain);
    CHECK(delivery("a/b", "a/b/") == Expect::none);
    CHECK(delivery("A/#", "a/b") == Expect::none);  // case-sensitive
    CHECK(delivery("sensor/#", "sensor/") == Expect::certain);
    CHECK(delivery("sensor/#", "sensor/temp/room1") == Expect::certain);
    CHECK(delivery("$aws/things/+/shadow/update/#", "$aws/things/t1/shadow/update/accepted") == Expect::certain);
}

TEST_CASE("filter delivery: 'a/#' delivers 'a' only under MQTT's reading (spec §3.3)") {
    CHECK(delivery("sensor/#", "sensor") == Expect::parent_level);
    CHECK(delivery("a/+/#", "a/b") == Expect::parent_level);
    CHECK(delivery("a/+/#", "a") == Expect::none);
    CHECK_FALSE(filter_delivers("sensor/#", "sensor").certain());
    CHECK(filter_delivers("sensor/#", "sensor").possible);
}

TEST_CASE("filter delivery: a leading wildcard and a '$' topic (MQTT 3.1.1 §4.7.2)") {
    CHECK(delivery("#", "$aws/things/t/shadow/update") == Expect::reserved_wildcard);
    CHECK(delivery("+/things/#", "$aws/things/t") == Expect::reserved_wildcard);
    CHECK(delivery("+/#", "$x") == Expect::both);
    CHECK(delivery("$aws/#", "$aws/things/t") == Expect::certain);
}

TEST_CASE("filter delivery: shared subscriptions, invalid filters and topics") {
    CHECK(delivery("$share/g/a/#", "a/b") == Expect::certain);
    CHECK(delivery("$share/g/#", "$aws/x") == Expect::reserved_wildcard);
    CHECK(delivery("$share/g", "g") == Expect::none);
    CHECK(delivery("$share//a", "a") == Expect::none);
    CHECK(delivery("a/b#", "a/b#") == Expect::none);  // the broker refuses the filter
    CHECK(delivery("a/#/b", "a/x/b") == Expect::none);
    CHECK(delivery("a/+", "a/+") == Expect::none);  // a topic name cannot contain '+'
    CHECK(delivery("", "a") == Expect::none);
    CHECK(delivery("#", "") == Expect::none);
}
