#include <catch2/catch.hpp>

#include "iotpolicy/ast.hpp"

using namespace iotpolicy;

namespace {

struct Built {
    SourceFile source;
    std::optional<Policy> policy;
    std::vector<Diagnostic> diagnostics;
};

Built build(std::string text) {
    Built built{SourceFile("p.json", std::move(text)), std::nullopt, {}};
    JsonDocument document = parse_json(built.source);
    built.diagnostics = std::move(document.diagnostics);
    if (document.root) {
        built.policy = build_policy(built.source, *document.root, built.diagnostics);
    }
    return built;
}

std::string_view text_of(const Built& built, Span span) {
    return built.source.text().substr(span.begin, span.end - span.begin);
}

std::vector<RuleId> rules_of(const Built& built) {
    std::vector<RuleId> rules;
    for (const Diagnostic& d : built.diagnostics) {
        rules.push_back(d.rule);
    }
    return rules;
}

}  // namespace

TEST_CASE("statements, actions, resources and conditions in every shape AWS accepts") {
    const Built built = build(R"({
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Connect", "Effect": "Allow", "Action": "iot:Connect",
     "Resource": ["arn:aws:iot:us-east-1:123456789012:client/${iot:Connection.Thing.ThingName}"],
     "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": true},
                   "ForAnyValue:StringLikeIfExists": {"iot:ConnectAttributes": ["PersistentConnect", "LastWill"]},
                   "NumericLessThan": {"aws:EpochTime": 1700000000.0}}},
    {"Effect": "Deny", "NotAction": ["iot:Publish", "iot:Receive"], "NotResource": "*"}
  ]
})");
    REQUIRE(built.diagnostics.empty());
    REQUIRE(built.policy);
    const Policy& policy = *built.policy;
    CHECK(policy.version == PolicyVersion::v2012_10_17);
    CHECK(policy.statement_is_array);
    REQUIRE(policy.statements.size() == 2);

    const Statement& connect = policy.statements[0];
    CHECK(connect.index == 0);
    CHECK(connect.sid->value == "Connect");
    CHECK(connect.effect->value == Effect::allow);
    CHECK(text_of(built, connect.effect->span) == "\"Allow\"");
    CHECK_FALSE(connect.action->negated);
    CHECK_FALSE(connect.action->is_array);
    CHECK(connect.action->values.at(0).value == "iot:Connect");
    CHECK(connect.resource->is_array);
    CHECK(text_of(built, connect.resource->values.at(0).span).starts_with("\"arn:aws:iot:"));
    REQUIRE(connect.conditions.size() == 3);

    const Condition& attached = connect.conditions[0];
    CHECK(attached.base_operator == "Bool");
    CHECK(attached.qualifier == SetQualifier::none);
    CHECK_FALSE(attached.if_exists);
    CHECK(attached.key.value == "iot:Connection.Thing.IsAttached");
    CHECK(attached.values.at(0).text == "true");
    CHECK(attached.values.at(0).kind == JsonKind::boolean);

    const Condition& attributes = connect.conditions[1];
    CHECK(attributes.operator_name.value == "ForAnyValue:StringLikeIfExists");
    CHECK(attributes.base_operator == "StringLike");
    CHECK(attributes.qualifier == SetQualifier::for_any_value);
    CHECK(attributes.if_exists);
    CHECK(attributes.values_are_array);
    REQUIRE(attributes.values.size() == 2);
    CHECK(text_of(built, attributes.values[1].span) == "\"LastWill\"");

    const Condition& epoch = connect.conditions[2];
    CHECK(epoch.values.at(0).text == "1700000000.0");  // numbers keep their spelling
    CHECK(epoch.values.at(0).kind == JsonKind::number);

    const Statement& deny = policy.statements[1];
    CHECK(deny.effect->value == Effect::deny);
    CHECK(deny.action->negated);
    CHECK(deny.action->values.size() == 2);
    CHECK(deny.resource->negated);
    CHECK_FALSE(deny.is_broken);
}

TEST_CASE("a single statement object is a one-statement policy") {
    const Built built = build(
        R"({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iot:*", "Resource": "*"}})");
    REQUIRE(built.diagnostics.empty());
    CHECK_FALSE(built.policy->statement_is_array);
    CHECK(built.policy->statements.size() == 1);
}

TEST_CASE("a mis-cased element is reported and read as the element it spells") {
    const Built built =
        build(R"({"Version": "2012-10-17", "statement": [{"effect": "Deny", "Action": "iot:*", "Resource": "*"}]})");
    CHECK(rules_of(built) == std::vector{RuleId::IOT003, RuleId::IOT003});
    REQUIRE(built.policy->statements.size() == 1);
    CHECK(built.policy->statements[0].effect->value == Effect::deny);
    CHECK(built.policy->statements[0].has_foreign_elements);
    CHECK(built.policy->has_foreign_elements);
}

TEST_CASE("a typo is reported once, not also as a missing element") {
    const Built built =
        build(R"({"Version": "2012-10-17", "Statement": [{"Efect": "Allow", "Action": "iot:*", "Resource": "*"}]})");
    REQUIRE(built.diagnostics.size() == 1);
    CHECK(built.diagnostics[0].rule == RuleId::IOT003);
    CHECK(built.diagnostics[0].message == "unknown statement element \"Efect\"; did you mean \"Effect\"?");
    CHECK(built.policy->statements[0].is_broken);
}

TEST_CASE("broken statements are flagged for the simulator") {
    const Built built = build(R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": [], "Resource": "*"},
        {"Effect": "Allow", "Action": "iot:Connect"},
        {"Effect": "Maybe", "Action": "iot:Connect", "Resource": "*"},
        {"Effect": "Allow", "Action": "iot:Connect", "Resource": "*", "Principal": {"AWS": "*"}}]})");
    REQUIRE(built.policy->statements.size() == 4);
    CHECK_FALSE(built.policy->statements[0].is_broken);  // an empty list matches nothing (spec §1.4)
    CHECK(built.policy->statements[1].is_broken);
    CHECK(built.policy->statements[2].is_broken);
    CHECK_FALSE(built.policy->statements[3].is_broken);
    CHECK(built.policy->statements[3].has_foreign_elements);
    CHECK(rules_of(built) == std::vector{RuleId::IOT006, RuleId::IOT006, RuleId::IOT005, RuleId::IOT003});
}

TEST_CASE("a repeated Effect with Deny among its values is recorded for R0") {
    const Built built = build(R"({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iot:Connect", "Resource": "*", "Effect": "Deny"},
        {"Effect": "Allow", "Action": "iot:Connect", "Resource": "*", "Effect": "Allow"}]})");
    REQUIRE(built.policy->statements.size() == 2);
    CHECK(built.policy->statements[0].effect->value == Effect::allow);
    CHECK(built.policy->statements[0].deny_among_repeated_effects);
    CHECK_FALSE(built.policy->statements[1].deny_among_repeated_effects);
}

TEST_CASE("versions") {
    CHECK(build(R"({"Statement": []})").policy->version == PolicyVersion::missing);
    CHECK(build(R"({"Version": "2008-10-17", "Statement": []})").policy->version == PolicyVersion::v2008_10_17);
    CHECK(build(R"({"Version": 2012, "Statement": []})").policy->version == PolicyVersion::invalid);
    const Built unknown = build(R"({"Version": "2012-10-18", "Statement": []})");
    CHECK(unknown.policy->version == PolicyVersion::invalid);
    CHECK(text_of(unknown, *unknown.policy->version_span) == "\"2012-10-18\"");
}

TEST_CASE("a root that is not an object yields no policy") {
    const Built built = build(R"([{"Effect": "Allow", "Action": "iot:*", "Resource": "*"}])");
    CHECK_FALSE(built.policy);
    REQUIRE(built.diagnostics.size() == 1);
    CHECK(built.diagnostics[0].rule == RuleId::IOT007);
    CHECK_THAT(built.diagnostics[0].message, Catch::Contains("found an array of statements; wrap it"));
}
