#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/condition.hpp"

using iotpolicy::CompiledCondition;
using iotpolicy::KeyPresence;
using iotpolicy::Truth;

namespace {

CompiledCondition make(std::string_view op, std::initializer_list<std::string_view> values) {
    std::vector<std::string_view> v(values);
    return CompiledCondition::compile(op, std::span<const std::string_view>(v));
}

Truth eval(const CompiledCondition& c, std::initializer_list<std::string_view> request,
           KeyPresence presence = KeyPresence::present) {
    std::vector<std::string_view> v(request);
    return c.evaluate(std::span<const std::string_view>(v), presence);
}

Truth absent(const CompiledCondition& c) { return c.evaluate({}, KeyPresence::absent); }

}  // namespace

TEST_CASE("three-valued helpers", "[condition]") {
    using iotpolicy::truth_and;
    using iotpolicy::truth_not;
    using iotpolicy::truth_or;
    CHECK(truth_and(Truth::yes, Truth::unknown) == Truth::unknown);
    CHECK(truth_and(Truth::no, Truth::unknown) == Truth::no);
    CHECK(truth_or(Truth::yes, Truth::unknown) == Truth::yes);
    CHECK(truth_or(Truth::no, Truth::unknown) == Truth::unknown);
    CHECK(truth_not(Truth::unknown) == Truth::unknown);
    CHECK(truth_not(Truth::yes) == Truth::no);
}

TEST_CASE("operator names are parsed with the catalog", "[condition]") {
    auto c = make("ForAnyValue:StringLikeIfExists", {"a*"});
    REQUIRE(c.base() != nullptr);
    CHECK(c.base()->name == "StringLike");
    CHECK(c.qualifier() == iotpolicy::SetQualifier::for_any_value);
    CHECK(c.if_exists());
    CHECK(c.problems().empty());

    auto bad = make("StringLikes", {"a"});
    CHECK(bad.base() == nullptr);
    CHECK(bad.problems().size() == 1);
    CHECK(eval(bad, {"a"}) == Truth::unknown);

    auto null_if_exists = make("NullIfExists", {"true"});
    CHECK_FALSE(null_if_exists.problems().empty());
    CHECK(absent(null_if_exists) == Truth::unknown);

    auto numeric_set = make("ForAnyValue:NumericEquals", {"1"});
    CHECK_FALSE(numeric_set.problems().empty());
    CHECK(eval(numeric_set, {"1"}) == Truth::unknown);
}

TEST_CASE("string operators", "[condition]") {
    auto eq = make("StringEquals", {"abc", "def"});
    CHECK(eval(eq, {"abc"}) == Truth::yes);
    CHECK(eval(eq, {"def"}) == Truth::yes);
    CHECK(eval(eq, {"ABC"}) == Truth::no);
    CHECK(eval(make("StringEquals", {"a*"}), {"abc"}) == Truth::no);
    CHECK(eval(make("StringEquals", {"a*"}), {"a*"}) == Truth::yes);
    CHECK(absent(eq) == Truth::no);

    auto ne = make("StringNotEquals", {"abc", "def"});
    CHECK(eval(ne, {"abc"}) == Truth::no);
    CHECK(eval(ne, {"xyz"}) == Truth::yes);
    CHECK(absent(ne) == Truth::yes);

    auto ic = make("StringEqualsIgnoreCase", {"Hello"});
    CHECK(eval(ic, {"hELLO"}) == Truth::yes);
    CHECK(eval(ic, {"help"}) == Truth::no);
    CHECK(eval(make("StringEqualsIgnoreCase", {"\xC3\xA9t\xC3\xA9"}), {"\xC3\x89T\xC3\x89"}) == Truth::unknown);
    CHECK(eval(make("StringNotEqualsIgnoreCase", {"Hello"}), {"HELLO"}) == Truth::no);

    auto like = make("StringLike", {"thing/*", "a?c"});
    CHECK(eval(like, {"thing/x/y:z"}) == Truth::yes);
    CHECK(eval(like, {"abc"}) == Truth::yes);
    CHECK(eval(like, {"Thing/x"}) == Truth::no);
    CHECK(eval(like, {"ac"}) == Truth::no);
    CHECK(eval(make("StringLike", {"a*z"}), {"a/b:c/z"}) == Truth::yes);
    auto nlike = make("StringNotLike", {"thing/*", "a?c"});
    CHECK(eval(nlike, {"abc"}) == Truth::no);
    CHECK(eval(nlike, {"other"}) == Truth::yes);
}

TEST_CASE("IfExists", "[condition]") {
    auto c = make("StringEqualsIfExists", {"x"});
    CHECK(absent(c) == Truth::yes);
    CHECK(eval(c, {"x"}) == Truth::yes);
    CHECK(eval(c, {"y"}) == Truth::no);
    auto n = make("StringNotEqualsIfExists", {"x"});
    CHECK(absent(n) == Truth::yes);
    CHECK(eval(n, {"x"}) == Truth::no);
}

TEST_CASE("Null", "[condition]") {
    auto t = make("Null", {"true"});
    CHECK(absent(t) == Truth::yes);
    CHECK(eval(t, {"v"}) == Truth::no);
    CHECK(eval(t, {}) == Truth::yes);  // empty set counts as null
    auto f = make("Null", {"false"});
    CHECK(absent(f) == Truth::no);
    CHECK(eval(f, {"v"}) == Truth::yes);
    auto bad = make("Null", {"yes"});
    CHECK(bad.problems().size() == 1);
    CHECK(absent(bad) == Truth::unknown);
}

TEST_CASE("set qualifiers", "[condition]") {
    auto any = make("ForAnyValue:StringEquals", {"a", "b"});
    CHECK(absent(any) == Truth::no);
    CHECK(eval(any, {}) == Truth::no);
    CHECK(eval(any, {"a"}) == Truth::yes);
    CHECK(eval(any, {"x"}) == Truth::no);
    CHECK(eval(any, {"x", "b"}) == Truth::yes);
    CHECK(eval(any, {"x", "y"}) == Truth::no);

    auto all = make("ForAllValues:StringEquals", {"a", "b"});
    CHECK(absent(all) == Truth::yes);
    CHECK(eval(all, {}) == Truth::yes);
    CHECK(eval(all, {"a"}) == Truth::yes);
    CHECK(eval(all, {"x"}) == Truth::no);
    CHECK(eval(all, {"a", "b"}) == Truth::yes);
    CHECK(eval(all, {"a", "x"}) == Truth::no);

    // ForAllValues:StringNotEquals: no request value is in the list.
    auto all_not = make("ForAllValues:StringNotEquals", {"a", "b"});
    CHECK(eval(all_not, {"x", "y"}) == Truth::yes);
    CHECK(eval(all_not, {"x", "a"}) == Truth::no);
    CHECK(absent(all_not) == Truth::yes);
    // ForAnyValue:StringNotEquals: some request value is outside the list.
    auto any_not = make("ForAnyValue:StringNotEquals", {"a", "b"});
    CHECK(eval(any_not, {"a", "x"}) == Truth::yes);
    CHECK(eval(any_not, {"a", "b"}) == Truth::no);
    CHECK(absent(any_not) == Truth::no);

    // ForAnyValue with IfExists on an absent key: R0.
    CHECK(absent(make("ForAnyValue:StringEqualsIfExists", {"a"})) == Truth::unknown);
    CHECK(absent(make("ForAllValues:StringEqualsIfExists", {"a"})) == Truth::yes);

    // A plain operator on several values: decided only when both readings agree.
    CHECK(eval(make("StringEquals", {"a", "b"}), {"a", "b"}) == Truth::yes);
    CHECK(eval(make("StringEquals", {"a"}), {"x", "y"}) == Truth::no);
    CHECK(eval(make("StringEquals", {"a"}), {"a", "y"}) == Truth::unknown);
}

TEST_CASE("AWS iot:ConnectAttributes examples (spec section 6)", "[condition]") {
    auto c = make("ForAllValues:StringEquals", {"PersistentConnect"});
    CHECK(eval(c, {}) == Truth::yes);
    CHECK(eval(c, {"PersistentConnect"}) == Truth::yes);
    CHECK(eval(c, {"LastWill"}) == Truth::no);
    CHECK(eval(c, {"PersistentConnect", "LastWill"}) == Truth::no);

    auto only_default = make("ForAllValues:StringEquals", {});
    CHECK(eval(only_default, {}) == Truth::yes);
    CHECK(eval(only_default, {"PersistentConnect"}) == Truth::no);

    auto deny = make("ForAnyValue:StringEquals", {"PersistentConnect"});
    CHECK(eval(deny, {}) == Truth::no);
    CHECK(eval(deny, {"PersistentConnect"}) == Truth::yes);
    CHECK(eval(deny, {"LastWill"}) == Truth::no);
}

TEST_CASE("unknown presence", "[condition]") {
    auto eq = make("StringEquals", {"a"});
    CHECK(eval(eq, {"a"}, KeyPresence::unknown) == Truth::unknown);
    CHECK(eval(eq, {"b"}, KeyPresence::unknown) == Truth::no);  // false either way
    auto ie = make("StringEqualsIfExists", {"a"});
    CHECK(eval(ie, {"a"}, KeyPresence::unknown) == Truth::yes);  // true either way
    CHECK(eval(ie, {"b"}, KeyPresence::unknown) == Truth::unknown);
}

TEST_CASE("numeric operators", "[condition]") {
    CHECK(eval(make("NumericEquals", {"10"}), {"10.0"}) == Truth::yes);
    CHECK(eval(make("NumericNotEquals", {"10"}), {"10"}) == Truth::no);
    CHECK(eval(make("NumericNotEquals", {"10"}), {"11"}) == Truth::yes);
    CHECK(eval(make("NumericLessThan", {"10"}), {"9.5"}) == Truth::yes);
    CHECK(eval(make("NumericLessThan", {"10"}), {"10"}) == Truth::no);
    CHECK(eval(make("NumericLessThanEquals", {"10"}), {"10"}) == Truth::yes);
    CHECK(eval(make("NumericGreaterThan", {"-1"}), {"0"}) == Truth::yes);
    CHECK(eval(make("NumericGreaterThanEquals", {"1"}), {"0"}) == Truth::no);
    CHECK(eval(make("NumericEquals", {"10"}), {"ten"}) == Truth::unknown);
    auto bad = make("NumericEquals", {"1", "x"});
    REQUIRE(bad.problems().size() == 1);
    CHECK(bad.problems()[0].value_index == 1u);
    CHECK(eval(bad, {"1"}) == Truth::yes);  // OR: a definite match wins
    CHECK(eval(bad, {"2"}) == Truth::unknown);
    CHECK(absent(make("NumericNotEquals", {"1"})) == Truth::yes);
}

TEST_CASE("date operators", "[condition]") {
    using iotpolicy::parse_condition_date;
    REQUIRE(parse_condition_date("1970-01-01T00:00:00Z"));
    CHECK(parse_condition_date("1970-01-01T00:00:00Z")->first == 0.0);
    CHECK(parse_condition_date("2020-01-01T00:00Z")->first == 1577836800.0);
    CHECK(parse_condition_date("2020-01-01T01:00:00+01:00")->first == 1577836800.0);
    CHECK(parse_condition_date("2020-01-01T00:00:00.5Z")->first == 1577836800.5);
    CHECK(parse_condition_date("1577836800")->first == 1577836800.0);
    CHECK(parse_condition_date("2020")->granularity == 3);
    CHECK(parse_condition_date("2020-02")->granularity == 2);
    CHECK(parse_condition_date("2020-02-29")->granularity == 1);
    CHECK_FALSE(parse_condition_date("2021-02-29"));
    CHECK_FALSE(parse_condition_date("2020-01-01T00:00"));  // no TZD
    CHECK_FALSE(parse_condition_date("yesterday"));
    CHECK_FALSE(parse_condition_date("1.5"));

    auto lt = make("DateLessThan", {"2020-06-01T00:00:00Z"});
    CHECK(eval(lt, {"2020-05-31T23:59:59Z"}) == Truth::yes);
    CHECK(eval(lt, {"2020-06-01T00:00:00Z"}) == Truth::no);
    CHECK(eval(lt, {"1577836800"}) == Truth::yes);
    CHECK(eval(lt, {"2020"}) == Truth::unknown);  // partial date straddling the bound
    CHECK(eval(lt, {"2019"}) == Truth::yes);
    CHECK(eval(make("DateEquals", {"2020-06-01"}), {"2020-06-01"}) == Truth::yes);
    CHECK(eval(make("DateEquals", {"2020-06-01"}), {"2020-06-01T10:00:00Z"}) == Truth::unknown);
    CHECK(eval(make("DateEquals", {"2020-06-01"}), {"2020-07-01T10:00:00Z"}) == Truth::no);
    CHECK(eval(make("DateNotEquals", {"2020-06-01T00:00:00Z"}), {"2020-06-02T00:00:00Z"}) == Truth::yes);
    CHECK(eval(make("DateGreaterThanEquals", {"2020-06-01T00:00:00Z"}), {"2020-06-01T00:00:00Z"}) == Truth::yes);
    auto bad = make("DateGreaterThan", {"not a date"});
    CHECK(bad.problems().size() == 1);
    CHECK(eval(bad, {"2020-01-01T00:00:00Z"}) == Truth::unknown);
    CHECK(eval(lt, {"garbage"}) == Truth::unknown);
}

TEST_CASE("IP address operators", "[condition]") {
    auto ip = make("IpAddress", {"203.0.113.0/24", "2001:DB8:1234:5678::/64"});
    CHECK(ip.problems().empty());
    CHECK(eval(ip, {"203.0.113.7"}) == Truth::yes);
    CHECK(eval(ip, {"203.0.114.7"}) == Truth::no);
    CHECK(eval(ip, {"2001:db8:1234:5678:1::2"}) == Truth::yes);
    CHECK(eval(ip, {"2001:db8:1234:5679::2"}) == Truth::no);
    CHECK(eval(ip, {"not-an-ip"}) == Truth::unknown);
    CHECK(eval(ip, {"::ffff:203.0.113.7"}) == Truth::unknown);  // IPv4-mapped: R0
    auto bare = make("IpAddress", {"10.0.0.1"});
    CHECK(eval(bare, {"10.0.0.1"}) == Truth::yes);
    CHECK(eval(bare, {"10.0.0.2"}) == Truth::no);
    auto not_ip = make("NotIpAddress", {"10.0.0.0/8"});
    CHECK(eval(not_ip, {"10.1.2.3"}) == Truth::no);
    CHECK(eval(not_ip, {"11.1.2.3"}) == Truth::yes);
    CHECK(absent(not_ip) == Truth::yes);
    auto bad = make("IpAddress", {"10.0.0.0/33", "300.1.1.1", "1::2::3"});
    CHECK(bad.problems().size() == 3);
    CHECK(eval(bad, {"10.0.0.1"}) == Truth::unknown);
    CHECK(eval(make("IpAddress", {"0.0.0.0/0"}), {"1.2.3.4"}) == Truth::yes);
}

TEST_CASE("Bool and Binary", "[condition]") {
    auto b = make("Bool", {"true"});
    CHECK(eval(b, {"true"}) == Truth::yes);
    CHECK(eval(b, {"false"}) == Truth::no);
    CHECK(eval(b, {"True"}) == Truth::unknown);
    CHECK(absent(b) == Truth::no);
    auto odd = make("Bool", {"1"});
    CHECK(odd.problems().size() == 1);
    CHECK(eval(odd, {"true"}) == Truth::unknown);
    CHECK(eval(make("ForAllValues:Bool", {"false"}), {"false", "false"}) == Truth::yes);

    auto bin = make("BinaryEquals", {"QmluYXJ5"});
    CHECK(eval(bin, {"QmluYXJ5"}) == Truth::yes);
    CHECK(eval(bin, {"qmluyxj5"}) == Truth::no);
}

TEST_CASE("ARN operators", "[condition]") {
    auto like = make("ArnLike", {"arn:aws:iot:*:123456789012:topic/*"});
    CHECK(like.problems().empty());
    CHECK(eval(like, {"arn:aws:iot:us-east-1:123456789012:topic/a/b"}) == Truth::yes);
    CHECK(eval(like, {"arn:aws:iot:us-east-1:999999999999:topic/a"}) == Truth::no);
    CHECK(eval(like, {"arn:aws:iot:us-east-1:123456789012:client/a"}) == Truth::no);
    CHECK(eval(like, {"ARN:aws:iot:us-east-1:123456789012:topic/a"}) == Truth::no);
    CHECK(eval(like, {"not an arn"}) == Truth::no);
    // Wildcards do not cross ':' (unlike StringLike).
    auto cross = make("ArnLike", {"arn:aws:iot:*:topic/x"});
    CHECK_FALSE(cross.problems().empty());  // five components only
    auto region = make("ArnEquals", {"arn:aws:iot:us-*:123456789012:topic/x"});
    CHECK(eval(region, {"arn:aws:iot:us-east-1:123456789012:topic/x"}) == Truth::yes);
    CHECK(eval(region, {"arn:aws:iot:us-east-1:extra:123456789012:topic/x"}) == Truth::no);
    CHECK(eval(make("StringLike", {"arn:aws:iot:us-*:123456789012:topic/x"}),
               {"arn:aws:iot:us-east-1:extra:123456789012:topic/x"}) == Truth::yes);
    auto not_like = make("ArnNotLike", {"arn:aws:iot:*:*:topic/*"});
    CHECK(eval(not_like, {"arn:aws:iot:r:1:topic/a"}) == Truth::no);
    CHECK(eval(not_like, {"arn:aws:iot:r:1:client/a"}) == Truth::yes);
    CHECK(absent(not_like) == Truth::yes);
}
