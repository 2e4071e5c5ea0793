#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "iotpolicy/arn.hpp"
#include "reference_glob.hpp"

using iotpolicy::ArnMatch;
using iotpolicy::ArnPattern;
using iotpolicy::ArnProblemKind;
using iotpolicy::ArnResourceKind;
using iotpolicy::parse_arn;
using iotpolicy::ParsedArn;
using iotpolicy::PatternPiece;
using iotpolicy::RequestArn;
using iotpolicy::Span;

namespace {

constexpr std::string_view k_prefix = "arn:aws:iot:us-east-1:123456789012:";

std::string request(std::string_view resource) {
    return std::string(k_prefix) + std::string(resource);
}

std::string_view slice(std::string_view text, Span span) {
    return text.substr(span.begin, span.end - span.begin);
}

std::vector<ArnProblemKind> kinds(const ParsedArn& parsed) {
    std::vector<ArnProblemKind> out;
    for (const auto& problem : parsed.problems) {
        out.push_back(problem.kind);
    }
    return out;
}

/// The single problem of `text`, which must have exactly one.
iotpolicy::ArnProblem only_problem(std::string_view text) {
    const ParsedArn parsed = parse_arn(text);
    INFO(text);
    REQUIRE(parsed.problems.size() == 1);
    return parsed.problems.front();
}

}  // namespace

TEST_CASE("a well-formed ARN is split into parts with byte ranges") {
    const std::string text = "arn:aws:iot:us-east-1:123456789012:topic/a/b:c";
    const ParsedArn parsed = parse_arn(text);
    CHECK(parsed.problems.empty());
    CHECK(parsed.has_all_segments);
    CHECK_FALSE(parsed.is_any);
    CHECK(parsed.kind == ArnResourceKind::topic);
    CHECK(parsed.has_name_separator);
    CHECK(slice(text, parsed.parts.prefix) == "arn");
    CHECK(slice(text, parsed.parts.partition) == "aws");
    CHECK(slice(text, parsed.parts.service) == "iot");
    CHECK(slice(text, parsed.parts.region) == "us-east-1");
    CHECK(slice(text, parsed.parts.account) == "123456789012");
    CHECK(slice(text, parsed.parts.resource) == "topic/a/b:c");
    CHECK(slice(text, parsed.parts.resource_type) == "topic");
    CHECK(slice(text, parsed.parts.resource_name) == "a/b:c");
    CHECK(parsed.parts.resource_name == Span{41, 46});
}

TEST_CASE("names keep their ':' and '/'; every resource type is known") {
    const std::string thing = "arn:aws-us-gov:iot:us-gov-west-1:123456789012:thing/line:7/shadow-a";
    const ParsedArn parsed = parse_arn(thing);
    CHECK(parsed.problems.empty());
    CHECK(parsed.kind == ArnResourceKind::thing);
    CHECK(slice(thing, parsed.parts.resource_name) == "line:7/shadow-a");
    for (const std::string_view type : {"client", "topic", "topicfilter", "thing", "rolealias"}) {
        const ParsedArn typed = parse_arn(request(std::string(type) + "/x"));
        CHECK(typed.problems.empty());
        CHECK(iotpolicy::arn_resource_kind_name(typed.kind) == type);
    }
    CHECK(parse_arn("arn:aws-cn:iot:cn-north-1:123456789012:client/a").problems.empty());
    CHECK(iotpolicy::arn_resource_kind("Topic") == ArnResourceKind::unknown);
    CHECK(iotpolicy::arn_resource_kind_name(ArnResourceKind::unknown).empty());
}

TEST_CASE("the resource '*' alone, and the custom-authorizer pattern ending in ':*'") {
    const ParsedArn any = parse_arn("*");
    CHECK(any.is_any);
    CHECK(any.problems.empty());
    CHECK(any.parts.resource == Span{0, 1});

    const std::string custom = "arn:aws:iot:us-east-1:123456789012:*";
    const ParsedArn parsed = parse_arn(custom);
    CHECK(parsed.problems.empty());
    CHECK_FALSE(parsed.is_any);
    CHECK(parsed.kind == ArnResourceKind::unknown);
    CHECK(slice(custom, parsed.parts.resource) == "*");

    // A final '*' stands for the missing parts (IAM: a segment's last '*' may cross ':').
    CHECK(parse_arn("arn:aws:iot:*").problems.empty());
    CHECK(parse_arn("arn:aws:iot:us-east-1:*").problems.empty());
    CHECK_FALSE(parse_arn("arn:aws:iot:*").has_all_segments);
}

TEST_CASE("wildcards are accepted in every part but the service") {
    CHECK(parse_arn("arn:*:iot:*:*:*").problems.empty());
    CHECK(parse_arn("arn:aws*:iot:us-east-?:12345678901?:topic/*").problems.empty());
    CHECK(parse_arn("arn:aws:iot:us-*-1:1234*:t?pic/x").problems.empty());
    CHECK(parse_arn("arn:aws:iot:us-east-1:123456789012:thing/dev-*").problems.empty());
    const auto service = only_problem("arn:aws:i*:us-east-1:123456789012:topic/x");
    CHECK(service.kind == ArnProblemKind::wildcard_in_service);
    CHECK(service.span == Span{8, 10});
}

TEST_CASE("what is malformed is reported with its range and a clear message") {
    SECTION("prefix") {
        const auto upper = only_problem("ARN:aws:iot:us-east-1:123456789012:topic/x");
        CHECK(upper.kind == ArnProblemKind::not_an_arn);
        CHECK(upper.span == Span{0, 3});
        CHECK(upper.message == "an ARN starts with lowercase 'arn:', not 'ARN:'");
        const auto plain = only_problem("topic/x");
        CHECK(plain.kind == ArnProblemKind::not_an_arn);
        CHECK(plain.message ==
              "'topic/x' is neither '*' nor an ARN (arn:<partition>:iot:<region>:<account>:<type>/<name>)");
    }
    SECTION("missing parts") {
        const auto missing = only_problem("arn:aws:iot:us-east-1:123456789012");
        CHECK(missing.kind == ArnProblemKind::missing_segments);
        CHECK(missing.message ==
              "incomplete ARN: 5 of the 6 parts of arn:<partition>:iot:<region>:<account>:<type>/<name>");
    }
    SECTION("partition") {
        const auto typo = only_problem("arn:awz:iot:us-east-1:123456789012:topic/x");
        CHECK(typo.kind == ArnProblemKind::unknown_partition);
        CHECK(typo.span == Span{4, 7});
        CHECK(typo.message == "unknown partition 'awz'; did you mean 'aws'?");
        CHECK(only_problem("arn:aws-x?:iot:us-east-1:123456789012:topic/x").kind == ArnProblemKind::unknown_partition);
        CHECK(only_problem("arn::iot:us-east-1:123456789012:topic/x").kind == ArnProblemKind::unknown_partition);
    }
    SECTION("service") {
        const auto s3 = only_problem("arn:aws:s3:us-east-1:123456789012:topic/x");
        CHECK(s3.kind == ArnProblemKind::wrong_service);
        CHECK(s3.message == "IoT Core resources have the service 'iot', not 's3'");
        CHECK(only_problem("arn:aws:IoT:us-east-1:123456789012:topic/x").message ==
              "the service is written 'iot' in lowercase, not 'IoT'");
    }
    SECTION("region") {
        CHECK(only_problem("arn:aws:iot::123456789012:topic/x").kind == ArnProblemKind::empty_region);
        const auto upper = only_problem("arn:aws:iot:US-EAST-1:123456789012:topic/x");
        CHECK(upper.kind == ArnProblemKind::bad_region);
        CHECK(upper.message == "region names are lowercase, not 'US-EAST-1'");
        CHECK(only_problem("arn:aws:iot:useast1:123456789012:topic/x").kind == ArnProblemKind::bad_region);
        CHECK(only_problem("arn:aws:iot:us_east_1:123456789012:topic/x").message ==
              "'us_east_1' is not a region name such as us-east-1");
        const auto mismatch = only_problem("arn:aws:iot:cn-north-1:123456789012:topic/x");
        CHECK(mismatch.kind == ArnProblemKind::partition_region_mismatch);
        CHECK(mismatch.message == "region 'cn-north-1' is in partition 'aws-cn', not 'aws': this ARN can never match");
        CHECK(only_problem("arn:aws-us-gov:iot:us-east-1:123456789012:topic/x").kind ==
              ArnProblemKind::partition_region_mismatch);
    }
    SECTION("account") {
        CHECK(only_problem("arn:aws:iot:us-east-1::topic/x").kind == ArnProblemKind::empty_account);
        const auto short_account = only_problem("arn:aws:iot:us-east-1:12345678901:topic/x");
        CHECK(short_account.kind == ArnProblemKind::bad_account);
        CHECK(short_account.message == "'12345678901' is not an account ID: accounts are 12 digits (11 characters here)");
        CHECK(only_problem("arn:aws:iot:us-east-1:12345678901a:topic/x").message ==
              "'12345678901a' is not an account ID: accounts are 12 digits (not only digits here)");
        CHECK(only_problem("arn:aws:iot:us-east-1:1234567890123*:topic/x").kind == ArnProblemKind::bad_account);
        CHECK(only_problem("arn:aws:iot:us-east-1:1234567890?:topic/x").kind == ArnProblemKind::bad_account);
    }
    SECTION("resource") {
        const auto empty = only_problem("arn:aws:iot:us-east-1:123456789012:");
        CHECK(empty.kind == ArnProblemKind::empty_resource);
        CHECK(empty.span == Span{35, 35});
        const auto upper = only_problem(request("Topic/x"));
        CHECK(upper.kind == ArnProblemKind::resource_type_case);
        CHECK(upper.span == Span{35, 40});
        CHECK(upper.message == "resource types are lowercase: 'topic', not 'Topic'");
        const auto typo = only_problem(request("topc/x"));
        CHECK(typo.kind == ArnProblemKind::unknown_resource_type);
        CHECK(typo.message == "unknown resource type 'topc'; did you mean 'topic'?");
        CHECK(only_problem(request("bucket/x")).kind == ArnProblemKind::unknown_resource_type);
        CHECK(only_problem(request("z?/x")).kind == ArnProblemKind::unknown_resource_type);
        const auto bare = only_problem(request("topic"));
        CHECK(bare.kind == ArnProblemKind::missing_resource_name);
        CHECK(bare.message == "'topic' must be followed by '/' and a name");
        CHECK(only_problem(request("client/")).message == "the name after 'client/' is empty");
    }
    SECTION("several problems, in text order") {
        const ParsedArn parsed = parse_arn("arn:aws:sns:Mars:42:Topic/x");
        CHECK(kinds(parsed) == std::vector<ArnProblemKind>{ArnProblemKind::wrong_service, ArnProblemKind::bad_region,
                                                           ArnProblemKind::bad_account,
                                                           ArnProblemKind::resource_type_case});
    }
}

TEST_CASE("a request ARN knows where its case-sensitive topic name starts") {
    const std::string topic = request("topic/Data/x");
    CHECK(RequestArn(topic).case_sensitive_from() == k_prefix.size() + 6);
    const std::string filter = request("topicfilter/a/#");
    CHECK(RequestArn(filter).case_sensitive_from() == k_prefix.size() + 12);
    const std::string client = request("client/Dev-1");
    CHECK(RequestArn(client).case_sensitive_from() == client.size());
    CHECK(RequestArn("*").case_sensitive_from() == 1);
}

namespace {

ArnMatch arn_match(std::string_view pattern, std::string_view resource_or_arn) {
    const std::string text =
        resource_or_arn.starts_with("arn:") || resource_or_arn == "*" ? std::string(resource_or_arn) : request(resource_or_arn);
    return ArnPattern::compile(pattern).match(text);
}

bool all_four(const ArnMatch& m) {
    return m.per_segment_exact && m.per_segment_folded && m.whole_string_exact && m.whole_string_folded;
}

bool none_of_four(const ArnMatch& m) {
    return !m.per_segment_exact && !m.per_segment_folded && !m.whole_string_exact && !m.whole_string_folded;
}

}  // namespace

TEST_CASE("wildcards in the region and account segments (conformance: resource-arn-segments)") {
    CHECK(all_four(arn_match("arn:aws:iot:*:123456789012:client/seg-1", "client/seg-1")));
    CHECK(all_four(arn_match("arn:aws:iot:us-east-1:*:topic/acct/*", "topic/acct/x")));
    CHECK(all_four(arn_match("arn:aws:iot:us-east-?:123456789012:topic/reg/*", "topic/reg/x")));
    CHECK(none_of_four(arn_match("arn:aws:iot:us-west-2:123456789012:topic/west", "topic/west")));
    CHECK(none_of_four(arn_match("arn:aws:iot:us-east-1:999999999999:topic/other-acct", "topic/other-acct")));
    // The custom-authorizer pattern covers every resource of the account, but not the request resource "*".
    CHECK(all_four(arn_match("arn:aws:iot:us-east-1:123456789012:*", "topic/any/where")));
    CHECK(none_of_four(arn_match("arn:aws:iot:us-east-1:123456789012:*", "*")));
    CHECK(all_four(arn_match("*", "*")));
    CHECK(all_four(arn_match("*", "topic/x")));
}

TEST_CASE("the resource segment's wildcards match ':' and '/'") {
    CHECK(all_four(arn_match(request("topic/a/*/c"), "topic/a/x/y/c")));
    CHECK(none_of_four(arn_match(request("topic/a/*/c"), "topic/a/c")));
    CHECK(all_four(arn_match(request("topic/e?f"), "topic/e/f")));
    CHECK(all_four(arn_match(request("client/a?b"), "client/a:b")));
    CHECK(all_four(arn_match(request("thing/*"), "thing/line:7/shadow")));
    CHECK(all_four(arn_match(request("topicfilter/a/*"), "topicfilter/a/#")));
    CHECK(none_of_four(arn_match(request("topicfilter/a/+/b"), "topicfilter/a/x/b")));
}

TEST_CASE("a '*' that is last in its segment may cross ':' under both readings") {
    CHECK(all_four(arn_match("arn:aws:iot:*", "topic/x")));
    CHECK(all_four(arn_match("arn:aws:iot:us-*", "topic/x")));
    // IAM's rule taken literally: the region's '*' swallows ':999:topic/a' and the rest lines up again.
    CHECK(all_four(arn_match("arn:aws:iot:*:123456789012:topic/x",
                             "arn:aws:iot:us-east-1:999:topic/a:123456789012:topic/x")));
}

TEST_CASE("where the readings differ: a '*' not last in its segment, a '?', a wildcard in the service") {
    const ArnPattern inner_star = ArnPattern::compile("arn:aws:iot:us*2:topic/x");
    CHECK(inner_star.readings_may_differ());
    const ArnMatch m = inner_star.match(request("topic/x"));  // '*' would have to cross ':' of the account
    CHECK_FALSE(m.per_segment_exact);
    CHECK_FALSE(m.per_segment_folded);
    CHECK(m.whole_string_exact);
    CHECK(m.whole_string_folded);
    CHECK_FALSE(m.allows());
    CHECK(m.denies());
    CHECK(m.is_ambiguous());

    const ArnMatch question = arn_match("arn:aws:iot:us-east-1?123456789012:topic/x", "topic/x");
    CHECK_FALSE(question.per_segment_exact);
    CHECK(question.whole_string_exact);
    CHECK(question.is_ambiguous());

    const ArnMatch service = arn_match("arn:aws:i*:us-east-1:123456789012:topic/x", "topic/x");
    CHECK(ArnPattern::compile("arn:aws:i*:us-east-1:123456789012:topic/x").readings_may_differ());
    CHECK_FALSE(service.per_segment_folded);
    CHECK(service.whole_string_exact);
    CHECK(service.denies());
    CHECK_FALSE(service.allows());

    // The same segment wildcards agree when no ':' is at stake.
    CHECK(all_four(arn_match("arn:aws:iot:us-*-1:1234?6789012:topic/x", "topic/x")));
    CHECK_FALSE(ArnPattern::compile("arn:aws:iot:*:*:topic/?").readings_may_differ());
}

TEST_CASE("letter case: topic names exact, everything else R0 (conformance: resource-case)") {
    const ArnMatch exact = arn_match(request("client/Sensor-1"), "client/Sensor-1");
    CHECK(exact.allows());
    CHECK_FALSE(exact.is_ambiguous());

    const ArnMatch client = arn_match(request("client/Sensor-1"), "client/sensor-1");
    CHECK_FALSE(client.allows());
    CHECK(client.denies());
    CHECK(client.is_ambiguous());
    CHECK(client.per_segment_folded);
    CHECK_FALSE(client.whole_string_exact);

    CHECK(arn_match(request("client/DEV-9"), "client/dev-9").denies());
    CHECK_FALSE(arn_match(request("client/DEV-9"), "client/dev-1").denies());

    // topic/Data/* and data/t: topic names are case-sensitive under every reading
    CHECK(none_of_four(arn_match(request("topic/Data/*"), "topic/data/t")));
    // Topic/x: the type word in the wrong case; an Allow needs it exact, a Deny folds it
    const ArnMatch type_word = arn_match(request("Topic/x"), "topic/x");
    CHECK_FALSE(type_word.allows());
    CHECK(type_word.denies());
    CHECK(arn_match(request("TOPIC/y"), "topic/y").denies());
    CHECK_FALSE(arn_match(request("TOPIC/Y"), "topic/y").denies());
    CHECK(arn_match(request("TOPICFILTER/A/*"), "topicfilter/A/b").denies());
    CHECK_FALSE(arn_match(request("TOPICFILTER/A/*"), "topicfilter/a/b").denies());
    // The region, account and partition fold too.
    CHECK(arn_match("arn:AWS:iot:US-EAST-1:123456789012:thing/T", "thing/t").denies());
    // Folding stops at the topic name even when a '*' spans the boundary.
    CHECK(arn_match("arn:aws:iot:us-east-1:123456789012:TO*ta", "topic/data").denies());
    CHECK_FALSE(arn_match("arn:aws:iot:us-east-1:123456789012:TO*TA", "topic/data").denies());
}

TEST_CASE("literal pieces: substituted values and escapes are never wildcards") {
    const std::array<PatternPiece, 2> pieces{PatternPiece{"arn:aws:iot:us-east-1:123456789012:client/", false},
                                             PatternPiece{"dev-*", true}};
    const ArnPattern pattern = ArnPattern::compile(pieces);
    CHECK(pattern.match(request("client/dev-*")).allows());
    CHECK_FALSE(pattern.match(request("client/dev-1")).denies());
    CHECK_FALSE(pattern.readings_may_differ());

    const ArnPattern empty;
    CHECK(empty.match("").allows());
    CHECK_FALSE(empty.match(request("topic/x")).denies());
}

namespace {

using iotpolicy::test::Prng;
using iotpolicy::test::RefItem;

/// IAM's per-segment reading, written independently of src/semantics/arn.cpp.
std::vector<RefItem> reference_per_segment(std::string_view pattern) {
    std::vector<RefItem> items;
    std::string run;
    std::size_t colons = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        const bool wildcard = (c == '*' || c == '?') && colons != 2;
        if (!wildcard) {
            run += c;
            colons += c == ':' ? 1 : 0;
            continue;
        }
        iotpolicy::test::append_literal_run(run, items);
        run.clear();
        const bool in_resource = colons >= 5;
        const bool last = i + 1 == pattern.size() || pattern[i + 1] == ':';
        RefItem item;
        item.kind = c == '*' ? RefItem::Kind::run : RefItem::Kind::one;
        item.refuses_colon = !in_resource && !(c == '*' && last);
        items.push_back(item);
    }
    iotpolicy::test::append_literal_run(run, items);
    return items;
}

constexpr std::array<std::string_view, 6> k_partitions{"aws", "*", "aw?", "a*s", "aws-cn", "AWS"};
constexpr std::array<std::string_view, 5> k_services{"iot", "i*", "*", "io?", "IOT"};
constexpr std::array<std::string_view, 8> k_regions{"us-east-1", "*", "us-*-1", "us-east-?", "*-1", "us-east-1*", "u?",
                                                    "US-EAST-1"};
constexpr std::array<std::string_view, 6> k_accounts{"123456789012", "*", "1234*", "12345678901?", "*9012", "1?3*"};
constexpr std::array<std::string_view, 12> k_resources{"topic/a/*", "topic/*",       "*",          "topicfilter/a/#",
                                                       "client/dev-?", "thing/T*",   "topic/Data/*", "Topic/x",
                                                       "t*c/?",        "client/a:*", "*:topic/x",  "TOPIC/a?b"};
constexpr std::array<std::string_view, 5> k_request_regions{"us-east-1", "us-west-2", "US-EAST-1", "us-east-12", "x:y"};
constexpr std::array<std::string_view, 4> k_request_accounts{"123456789012", "999999999012", "1x3", "12:34"};
constexpr std::array<std::string_view, 12> k_request_resources{
    "topic/a/b", "topic/a/#", "topic/Data/t", "topic/data/t", "topicfilter/a/#", "client/dev-1", "client/DEV-1",
    "thing/t1",  "Topic/x",   "topic/x",      "client/a:b:c", "topic/a:b:topic/x"};

std::string random_arn_pattern(Prng& prng) {
    std::string pattern = prng.chance(90) ? "arn" : "a*";
    const std::array<std::string_view, 5> parts{prng.pick(k_partitions), prng.pick(k_services), prng.pick(k_regions),
                                                prng.pick(k_accounts), prng.pick(k_resources)};
    const std::size_t keep = prng.chance(85) ? 5 : prng.below(5);
    for (std::size_t i = 0; i < keep; ++i) {
        pattern += ":";
        pattern += parts[i];
    }
    if (keep < 5 && prng.chance(70)) {
        pattern += "*";
    }
    return pattern;
}

std::string random_request(Prng& prng) {
    return std::string("arn:") + (prng.chance(80) ? "aws" : "aws-cn") + ":iot:" + std::string(prng.pick(k_request_regions)) +
           ":" + std::string(prng.pick(k_request_accounts)) + ":" + std::string(prng.pick(k_request_resources));
}

}  // namespace

TEST_CASE("differential: both readings and both letter cases agree with reference table matchers") {
    Prng prng(3);
    std::array<std::size_t, 4> true_counts{};
    std::size_t ambiguous = 0;
    const int rounds = 6000;
    for (int round = 0; round < rounds; ++round) {
        const std::string pattern = random_arn_pattern(prng);
        const std::string text = random_request(prng);
        const RequestArn request(text);
        const ArnMatch got = ArnPattern::compile(pattern).match(request);
        const auto segment_items = reference_per_segment(pattern);
        const auto whole_items = iotpolicy::test::reference_items(pattern);
        const std::size_t fold = request.case_sensitive_from();
        INFO("pattern '" << pattern << "' request '" << text << "'");
        REQUIRE(got.per_segment_exact == iotpolicy::test::reference_match(segment_items, text, 0));
        REQUIRE(got.per_segment_folded == iotpolicy::test::reference_match(segment_items, text, fold));
        REQUIRE(got.whole_string_exact == iotpolicy::test::reference_match(whole_items, text, 0));
        REQUIRE(got.whole_string_folded == iotpolicy::test::reference_match(whole_items, text, fold));
        true_counts[0] += got.per_segment_exact ? 1 : 0;
        true_counts[1] += got.per_segment_folded ? 1 : 0;
        true_counts[2] += got.whole_string_exact ? 1 : 0;
        true_counts[3] += got.whole_string_folded ? 1 : 0;
        ambiguous += got.is_ambiguous() ? 1 : 0;
    }
    // Every flag is exercised both ways, and the readings disagree in a fair number of cases.
    for (const std::size_t count : true_counts) {
        CHECK(count > rounds / 50);
        CHECK(count < rounds / 2);
    }
    CHECK(ambiguous > rounds / 100);
}
