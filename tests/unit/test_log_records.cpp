#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "iotpolicy/log_records.hpp"
#include "tests/test_files.hpp"

using iotpolicy::LogExpectation;
using iotpolicy::LogOutcome;
using iotpolicy::LogProblem;
using iotpolicy::LogReadResult;
using iotpolicy::LogRequest;
using iotpolicy::read_log_records;
using iotpolicy::Severity;

namespace {

constexpr const char* k_connect_denied =
    R"({"timestamp":"2024-03-05 09:14:02.118","logLevel":"ERROR","traceId":"1d2cb9d3-2c6c-48e8-9c2d-3a3a3be4f0d1",)"
    R"("accountId":"111122223333","status":"Failure","eventType":"Connect","protocol":"MQTT","clientId":"gh-0042",)"
    R"("principalId":"9ecf05e51efad38b9af08f221e2a4558abdc112667699afba2981d40ba4fa06b","sourceIp":"198.51.100.23",)"
    R"("sourcePort":50411,"reason":"AUTHORIZATION_FAILURE","details":"Authorization Failure"})";

constexpr const char* k_publish_ok =
    R"({"timestamp":"2024-03-05 09:14:07.218","logLevel":"INFO","traceId":"9f3d7c3e-47da-4bb1-8b41-9efa21012d30",)"
    R"("accountId":"111122223333","status":"Success","eventType":"Publish-In","protocol":"MQTT",)"
    R"("topicName":"greenhouse/gh-0042/telemetry","clientId":"gh-0042","principalId":"9ecf05e5","sourceIp":"198.51.100.23",)"
    R"("sourcePort":50412})";

/// A record as AWS writes it: timestamp, logLevel, accountId, then `fields`.
std::string record(const std::string& fields, const std::string& level = "INFO") {
    return R"({"timestamp":"2024-03-05 09:15:00.000","logLevel":")" + level + R"(","accountId":"111122223333",)" +
           fields + "}";
}

std::vector<std::string> messages(const LogReadResult& result) {
    std::vector<std::string> out;
    for (const LogProblem& problem : result.problems) {
        out.push_back(problem.message);
    }
    return out;
}

std::string read_sample(const std::string& name) {
    return iotpolicy::testing::read_test_file(std::string(IOTPOLICY_SOURCE_DIR) + "/tests/simulate/logs/" + name);
}

const LogRequest& only_request(const LogReadResult& result) {
    REQUIRE(result.requests.size() == 1);
    return result.requests.front();
}

}  // namespace

TEST_CASE("log records: Connect and Publish-In as JSON lines", "[log_records]") {
    const LogReadResult result = read_log_records(std::string(k_connect_denied) + "\n" + k_publish_ok + "\n");
    CHECK(result.problems.empty());
    CHECK(result.records == 2);
    REQUIRE(result.requests.size() == 2);

    const LogRequest& connect = result.requests[0];
    CHECK(connect.line == 1);
    CHECK(connect.column == 1);
    CHECK(connect.event_type == "Connect");
    CHECK(connect.action == "iot:Connect");
    CHECK(connect.resource_kind == "client");
    CHECK(connect.resource_name == "gh-0042");
    CHECK(connect.outcome == LogOutcome::failure);
    CHECK(connect.expectation == LogExpectation::deny);
    CHECK(connect.reason == "AUTHORIZATION_FAILURE");
    CHECK(connect.details == "Authorization Failure");
    CHECK(connect.timestamp == "2024-03-05 09:14:02.118");
    CHECK(connect.log_level == "ERROR");
    CHECK(connect.trace_id == "1d2cb9d3-2c6c-48e8-9c2d-3a3a3be4f0d1");
    CHECK(connect.account_id == "111122223333");
    CHECK(connect.protocol == "MQTT");
    CHECK(connect.client_id == "gh-0042");
    CHECK(connect.principal_id == "9ecf05e51efad38b9af08f221e2a4558abdc112667699afba2981d40ba4fa06b");
    CHECK(connect.source_ip == "198.51.100.23");
    CHECK(connect.uncertainty.empty());

    const LogRequest& publish = result.requests[1];
    CHECK(publish.line == 2);
    CHECK(publish.action == "iot:Publish");
    CHECK(publish.resource_kind == "topic");
    CHECK(publish.resource_name == "greenhouse/gh-0042/telemetry");
    CHECK_FALSE(publish.retained);
    CHECK(publish.outcome == LogOutcome::success);
    CHECK(publish.expectation == LogExpectation::allow);
}

TEST_CASE("log records: each MQTT event type maps to its action and resource", "[log_records]") {
    struct Case {
        std::string fields;
        const char* action;
        const char* kind;
        const char* name;
    };
    const std::vector<Case> cases = {
        {R"("status":"Success","eventType":"Subscribe","protocol":"MQTT","topicName":"greenhouse/+/cmd/#","clientId":"gh-1")",
         "iot:Subscribe", "topicfilter", "greenhouse/+/cmd/#"},
        {R"("status":"Success","eventType":"Subscribe","protocol":"MQTT","topicName":"$share/g1/fleet/#","clientId":"gh-1")",
         "iot:Subscribe", "topicfilter", "$share/g1/fleet/#"},
        {R"("status":"Success","eventType":"Publish-Out","protocol":"MQTT","topicName":"greenhouse/gh-1/cmd","clientId":"gh-1")",
         "iot:Receive", "topic", "greenhouse/gh-1/cmd"},
        {R"("status":"Success","eventType":"GetRetainedMessage","protocol":"HTTP","topicName":"config/gh-1","qos":"1")",
         "iot:GetRetainedMessage", "topic", "config/gh-1"},
        {R"("status":"Success","eventType":"ListRetainedMessage","protocol":"HTTP")", "iot:ListRetainedMessages", "*", "*"},
        {R"("status":"Success","eventType":"Publish-In","protocol":"MQTT","topicName":"$aws/rules/ingest/gh-1","clientId":"gh-1")",
         "iot:Publish", "topic", "$aws/rules/ingest/gh-1"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.fields);
        const LogReadResult result = read_log_records(record(c.fields));
        CHECK(result.problems.empty());
        const LogRequest& request = only_request(result);
        CHECK(request.action == c.action);
        CHECK(request.resource_kind == c.kind);
        CHECK(request.resource_name == c.name);
        CHECK(request.expectation == LogExpectation::allow);
    }
}

TEST_CASE("log records: a retained publish asks for iot:RetainPublish too", "[log_records]") {
    const LogReadResult retained = read_log_records(
        record(R"("status":"Success","eventType":"Publish-In","protocol":"MQTT","topicName":"state/gh-1","retain":"True")"));
    CHECK(only_request(retained).retained);

    const LogReadResult odd = read_log_records(
        record(R"("status":"Success","eventType":"Publish-In","protocol":"MQTT","topicName":"state/gh-1","retain":"yes")"));
    CHECK_FALSE(only_request(odd).retained);
    REQUIRE(odd.problems.size() == 1);
    CHECK(odd.problems[0].severity == Severity::warning);
    CHECK_THAT(odd.problems[0].message, Catch::Contains("retain should be \"True\""));
}

TEST_CASE("log records: only AUTHORIZATION_FAILURE expects a deny", "[log_records]") {
    const LogReadResult subscribe_denied = read_log_records(record(
        R"("status":"Failure","eventType":"Subscribe","protocol":"MQTT","topicName":"#","clientId":"gh-1","reason":"AUTHORIZATION_FAILURE","details":"Authorization Failure")",
        "ERROR"));
    CHECK(subscribe_denied.problems.empty());
    CHECK(only_request(subscribe_denied).expectation == LogExpectation::deny);  // unclear for Subscribe: treated alike

    const LogReadResult throttled = read_log_records(record(
        R"("status":"Failure","eventType":"Publish-In","protocol":"MQTT","topicName":"t/1","clientId":"gh-1","reason":"THROTTLING_EXCEPTION")"));
    CHECK(only_request(throttled).outcome == LogOutcome::failure);
    CHECK(only_request(throttled).expectation == LogExpectation::none);

    const LogReadResult no_status =
        read_log_records(record(R"("eventType":"Connect","protocol":"MQTT","clientId":"gh-1")"));
    CHECK(only_request(no_status).outcome == LogOutcome::unknown);
    CHECK(only_request(no_status).expectation == LogExpectation::none);
    CHECK(no_status.problems.empty());

    const LogReadResult odd_status =
        read_log_records(record(R"("status":"OK","eventType":"Connect","protocol":"MQTT","clientId":"gh-1")"));
    CHECK(only_request(odd_status).expectation == LogExpectation::none);
    REQUIRE(odd_status.problems.size() == 1);
    CHECK_THAT(odd_status.problems[0].message, Catch::Contains("neither \"Success\" nor \"Failure\""));
}

TEST_CASE("log records: a DUPLICATE_CLIENT_ID disconnect is evidence, not a decision", "[log_records]") {
    const LogReadResult result = read_log_records(record(
        R"("traceId":"6c0d9e1a-51a2-4b1c-a3cd-1f3c9ad25b70","status":"Failure","eventType":"Disconnect",)"
        R"("protocol":"MQTT","clientId":"gh-0042","principalId":"0b5c8f7e","sourceIp":"","sourcePort":0,)"
        R"("reason":"DUPLICATE_CLIENT_ID","details":"A new connection was established with the same client ID",)"
        R"("disconnectReason":"DUPLICATE_CLIENTID")",
        "ERROR"));
    CHECK(result.problems.empty());
    CHECK(result.requests.empty());
    REQUIRE(result.disconnects.size() == 1);
    const LogRequest& disconnect = result.disconnects[0];
    CHECK(disconnect.action.empty());
    CHECK(disconnect.resource_kind == "client");
    CHECK(disconnect.resource_name == "gh-0042");
    CHECK(disconnect.reason == "DUPLICATE_CLIENT_ID");
    CHECK(disconnect.disconnect_reason == "DUPLICATE_CLIENTID");
    CHECK(disconnect.principal_id == "0b5c8f7e");
    CHECK(disconnect.source_ip.empty());
    CHECK(disconnect.expectation == LogExpectation::none);
}

TEST_CASE("log records: shadow records over MQTT are topic publishes, over HTTP shadow actions", "[log_records]") {
    const LogReadResult mqtt = read_log_records(record(
        R"("status":"Success","eventType":"UpdateThingShadow","protocol":"MQTT","deviceShadowName":"gh-1",)"
        R"("topicName":"$aws/things/gh-1/shadow/update","clientId":"gh-1")"));
    CHECK(only_request(mqtt).action == "iot:Publish");
    CHECK(only_request(mqtt).resource_kind == "topic");
    CHECK(only_request(mqtt).resource_name == "$aws/things/gh-1/shadow/update");

    const LogReadResult http = read_log_records(record(
        R"("status":"Success","eventType":"GetThingShadow","protocol":"HTTP","deviceShadowName":"gh-1",)"
        R"("topicName":"$aws/things/gh-1/shadow/get")"));
    CHECK(only_request(http).action == "iot:GetThingShadow");
    CHECK(only_request(http).resource_kind == "thing");
    CHECK(only_request(http).resource_name == "gh-1");
    CHECK(only_request(http).uncertainty.empty());

    const LogReadResult named = read_log_records(record(
        R"("status":"Success","eventType":"DeleteThingShadow","protocol":"HTTP","deviceShadowName":"config",)"
        R"("topicName":"$aws/things/gh-1/shadow/name/config/delete")"));
    CHECK(only_request(named).action == "iot:DeleteThingShadow");
    CHECK(only_request(named).resource_name == "gh-1/config");

    const LogReadResult thing_from_topic = read_log_records(record(
        R"("status":"Success","eventType":"GetThingShadow","protocol":"HTTP","topicName":"$aws/things/gh-1/shadow/get")"));
    CHECK(only_request(thing_from_topic).resource_name == "gh-1");
    CHECK_THAT(only_request(thing_from_topic).uncertainty, Catch::Contains("deviceShadowName"));

    const LogReadResult nameless =
        read_log_records(record(R"("status":"Success","eventType":"GetThingShadow","protocol":"HTTP")"));
    CHECK(nameless.requests.empty());
    REQUIRE(nameless.problems.size() == 1);
    CHECK(nameless.problems[0].severity == Severity::warning);
    CHECK_THAT(nameless.problems[0].message, Catch::Contains("has no deviceShadowName"));

    const LogReadResult no_protocol = read_log_records(
        record(R"("status":"Success","eventType":"GetThingShadow","deviceShadowName":"gh-1")"));
    CHECK(no_protocol.requests.empty());
    REQUIRE(no_protocol.problems.size() == 1);
    CHECK_THAT(no_protocol.problems[0].message, Catch::Contains("expected \"MQTT\" or \"HTTP\""));
}

TEST_CASE("log records: jobs records use the iotjobsdata: actions over HTTP", "[log_records]") {
    struct Case {
        const char* event_type;
        const char* action;
    };
    const std::vector<Case> cases = {
        {"DescribeJobExecution", "iotjobsdata:DescribeJobExecution"},
        {"GetPendingJobExecution", "iotjobsdata:GetPendingJobExecutions"},  // logged singular, the action is plural
        {"StartNextPendingJobExecution", "iotjobsdata:StartNextPendingJobExecution"},
        {"UpdateJobExecution", "iotjobsdata:UpdateJobExecution"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.event_type);
        const LogReadResult http = read_log_records(record(
            std::string(R"("status":"Success","protocol":"HTTP","clientId":"gh-1","jobId":"fw-2024-03","eventType":")") +
            c.event_type + R"(","topicName":"$aws/things/gh-7/jobs/fw-2024-03/update")"));
        const LogRequest& request = only_request(http);
        CHECK(request.action == c.action);
        CHECK(request.resource_kind == "thing");
        CHECK(request.resource_name == "gh-7");  // topicName wins over clientId
        CHECK(request.job_id == "fw-2024-03");
        CHECK(request.uncertainty.empty());

        const LogReadResult mqtt = read_log_records(record(
            std::string(R"("status":"Success","protocol":"MQTT","clientId":"gh-1","eventType":")") + c.event_type +
            R"(","topicName":"$aws/things/gh-1/jobs/$next/get")"));
        CHECK(only_request(mqtt).action == "iot:Publish");
        CHECK(only_request(mqtt).resource_name == "$aws/things/gh-1/jobs/$next/get");
    }

    const LogReadResult fallback = read_log_records(record(
        R"("status":"Failure","reason":"AUTHORIZATION_FAILURE","eventType":"UpdateJobExecution","protocol":"HTTP","clientId":"gh-3","jobId":"j1")"));
    CHECK(only_request(fallback).resource_name == "gh-3");
    CHECK_THAT(only_request(fallback).uncertainty, Catch::Contains("taken from clientId"));
    CHECK(only_request(fallback).expectation == LogExpectation::deny);

    const LogReadResult nothing = read_log_records(
        record(R"("status":"Success","eventType":"DescribeJobExecution","protocol":"HTTP","clientId":"N/A")"));
    CHECK(nothing.requests.empty());
    REQUIRE(nothing.problems.size() == 1);
    CHECK_THAT(nothing.problems[0].message, Catch::Contains("names no thing"));
}

TEST_CASE("log records: records with no policy decision are skipped, unknown types with a note", "[log_records]") {
    std::string text;
    for (const char* type : {"Unsubscribe", "Queued", "DeleteConnection", "Ping", "Connection.AuthNError",
                             "RuleExecution", "RuleMatch", "FunctionExecution", "ProvisionDevice"}) {
        text += record(std::string(R"("status":"Success","eventType":")") + type + R"(","clientId":"N/A")") + "\n";
    }
    const LogReadResult known = read_log_records(text);
    CHECK(known.problems.empty());
    CHECK(known.requests.empty());
    CHECK(known.records == 9);
    CHECK(known.skipped == 9);

    const LogReadResult unknown = read_log_records(record(R"("status":"Success","eventType":"Teleport")") + "\n" +
                                                   k_publish_ok + "\n" +
                                                   record(R"("status":"Success","eventType":"Teleport")") + "\n");
    CHECK(unknown.skipped == 2);
    CHECK(unknown.requests.size() == 1);
    REQUIRE(unknown.problems.size() == 1);  // one note per unknown type, at its first record
    CHECK(unknown.problems[0].severity == Severity::info);
    CHECK(unknown.problems[0].line == 1);
    CHECK_THAT(unknown.problems[0].message, Catch::Contains("unknown eventType \"Teleport\" (2 records)"));
}

TEST_CASE("log records: missing or mistyped fields are reported", "[log_records]") {
    const LogReadResult no_topic =
        read_log_records(record(R"("status":"Success","eventType":"Publish-In","protocol":"MQTT","clientId":"gh-1")"));
    CHECK(no_topic.requests.empty());
    REQUIRE(no_topic.problems.size() == 1);
    CHECK(no_topic.problems[0].message ==
          "Publish-In record has no topicName, so the topic it published to is unknown: it is not replayed");

    const LogReadResult no_client = read_log_records(record(R"("status":"Success","eventType":"Connect")"));
    CHECK(no_client.requests.empty());
    CHECK_THAT(messages(no_client)[0], Catch::Contains("has no clientId"));

    const LogReadResult numeric_client =
        read_log_records(record(R"("status":"Success","eventType":"Connect","clientId":42)"));
    CHECK(numeric_client.requests.empty());
    REQUIRE(numeric_client.problems.size() == 2);
    CHECK_THAT(numeric_client.problems[0].message, Catch::Contains("has no clientId"));  // at the record
    CHECK(numeric_client.problems[1].message ==
          "\"clientId\" should be a string, as AWS writes it, found a number: read as absent");
    CHECK(numeric_client.problems[1].column == 137);  // at the value

    const LogReadResult bad_type = read_log_records(R"({"logLevel":"INFO","eventType":7})");
    CHECK(bad_type.requests.empty());
    REQUIRE(bad_type.problems.size() == 1);
    CHECK(bad_type.problems[0].severity == Severity::error);
    CHECK_THAT(bad_type.problems[0].message, Catch::Contains("eventType should be a string"));

    const LogReadResult not_a_record = read_log_records(R"({"logLevel":"INFO","status":"Success"})");
    CHECK(not_a_record.records == 0);
    REQUIRE(not_a_record.problems.size() == 1);
    CHECK_THAT(not_a_record.problems[0].message, Catch::Contains("it has no eventType"));
}

TEST_CASE("log records: a malformed line is reported at its line and column, and reading goes on",
          "[log_records]") {
    const std::string text = std::string(k_publish_ok) + "\n" +
                             R"({"eventType":"Connect","clientId":"gh-1" "status":"Success"})" + "\n" +
                             R"({"eventType":"Connect","clientId":"gh-2")" + "\n" +  // truncated
                             "\n" + "this is not JSON\n" + k_connect_denied + "\n";
    const LogReadResult result = read_log_records(text);
    REQUIRE(result.requests.size() == 2);
    CHECK(result.requests[0].line == 1);
    CHECK(result.requests[1].line == 6);
    CHECK(result.requests[1].resource_name == "gh-0042");
    REQUIRE(result.problems.size() == 3);
    CHECK(result.problems[0].line == 2);
    CHECK(result.problems[0].column == 42);  // the '"' found where ',' belongs
    CHECK_THAT(result.problems[0].message, Catch::StartsWith("this line is not valid JSON: expected ',' or '}'"));
    CHECK(result.problems[1].line == 3);
    CHECK_THAT(result.problems[1].message, Catch::Contains("this line is not valid JSON"));
    CHECK(result.problems[2].line == 5);
    CHECK(result.problems[2].column == 1);
    CHECK_THAT(result.problems[2].message, Catch::Contains("no log record on this line"));
}

TEST_CASE("log records: several records on a line, and text before a line's first brace", "[log_records]") {
    // `aws logs filter-log-events --query 'events[].message' --output text` joins records with tabs.
    const std::string tabbed = std::string(k_connect_denied) + "\t" + k_publish_ok + "\n";
    const LogReadResult result = read_log_records(tabbed);
    CHECK(result.problems.empty());
    REQUIRE(result.requests.size() == 2);
    CHECK(result.requests[0].line == 1);
    CHECK(result.requests[1].line == 1);
    CHECK(result.requests[1].column == std::string(k_connect_denied).size() + 2);

    const LogReadResult prefixed =
        read_log_records(std::string("2024-03-05T09:14:07.218Z ") + k_publish_ok + "\n");
    CHECK(prefixed.problems.empty());
    CHECK(only_request(prefixed).column == 26);

    const LogReadResult trailing = read_log_records(std::string(k_publish_ok) + " trailing words\n");
    CHECK(trailing.requests.size() == 1);
    REQUIRE(trailing.problems.size() == 1);
    CHECK_THAT(trailing.problems[0].message, Catch::Contains("unexpected text after a record"));
}

TEST_CASE("log records: aws logs filter-log-events output, records in message strings", "[log_records]") {
    // The spec's example (spec input §3.5), its line breaks included.
    const std::string text =
        R"({"events":[{"logStreamName":"cd5003a7-d1d7-4e07-b6eb-11be8d1c23d2","timestamp":1709630047218,)"
        "\n"
        R"( "message":"{\"timestamp\":\"2024-03-05 09:14:07.218\",\"logLevel\":\"ERROR\",\"traceId\":\"9f3d7c3e-47da-4bb1-8b41-9efa21012d30\",\"accountId\":\"111122223333\",\"status\":\"Failure\",\"eventType\":\"Publish-In\",\"protocol\":\"MQTT\",\"topicName\":\"greenhouse/gh-0042/cmd\",\"clientId\":\"gh-0042\",\"principalId\":\"9ecf05e51efad38b9af08f221e2a4558abdc112667699afba2981d40ba4fa06b\",\"sourceIp\":\"198.51.100.23\",\"sourcePort\":50412,\"reason\":\"AUTHORIZATION_FAILURE\",\"details\":\"Authorization Failure\"}",)"
        "\n"
        R"( "ingestionTime":1709630049640,"eventId":"37964217720449271238157602736155126004128773449213018112"}]})"
        "\n";
    const LogReadResult result = read_log_records(text);
    CHECK(result.problems.empty());
    const LogRequest& request = only_request(result);
    CHECK(request.line == 2);
    CHECK(request.column == 12);  // the message string
    CHECK(request.action == "iot:Publish");
    CHECK(request.resource_name == "greenhouse/gh-0042/cmd");
    CHECK(request.expectation == LogExpectation::deny);
    CHECK(request.timestamp == "2024-03-05 09:14:07.218");  // the record's, not the event's epoch milliseconds

    // Pretty-printed, as the CLI prints it, with get-log-events' shape (no stream name or event ID).
    const std::string pretty = "{\n    \"events\": [\n        {\n            \"timestamp\": 1709630047218,\n"
                               "            \"message\": \"{\\\"eventType\\\":\\\"Connect\\\",\\\"status\\\":"
                               "\\\"Success\\\",\\\"clientId\\\":\\\"gh-0042\\\"}\",\n"
                               "            \"ingestionTime\": 1709630049640\n        }\n    ],\n"
                               "    \"nextForwardToken\": \"f/3796\"\n}\n";
    const LogReadResult pretty_result = read_log_records(pretty);
    CHECK(pretty_result.problems.empty());
    CHECK(only_request(pretty_result).action == "iot:Connect");
    CHECK(only_request(pretty_result).line == 5);
}

TEST_CASE("log records: a defect inside a message is reported where it is in the file", "[log_records]") {
    // The message's record lacks a comma after "Connect"; `\"` escapes are two bytes in the file, one decoded.
    const std::string text =
        R"({"events":[{"timestamp":1,"message":"{\"eventType\":\"Connect\" \"clientId\":\"gh-1\"}"},)"
        R"({"timestamp":2,"message":"{\"eventType\":\"Connect\",\"status\":\"Success\",\"clientId\":\"gh-2\"}"}]})";
    const LogReadResult result = read_log_records(text);
    REQUIRE(result.problems.size() == 1);
    CHECK(result.problems[0].line == 1);
    CHECK(result.problems[0].column == 65);  // the space before \"clientId\"
    CHECK_THAT(result.problems[0].message, Catch::StartsWith("the record in this message is not valid JSON"));
    CHECK(only_request(result).resource_name == "gh-2");

    const LogReadResult not_json = read_log_records(R"({"events":[{"timestamp":1,"message":"hello"},{"timestamp":2}]})");
    REQUIRE(not_json.problems.size() == 2);
    CHECK_THAT(not_json.problems[0].message, Catch::Contains("not an AWS IoT v2 log record"));
    CHECK(not_json.problems[0].column == 37);
    CHECK_THAT(not_json.problems[1].message, Catch::Contains("without a \"message\""));
}

TEST_CASE("log records: Logs Insights results, subscription payloads, arrays and single events", "[log_records]") {
    const std::string insights =
        R"({"results":[[{"field":"@timestamp","value":"2024-03-05 09:14:07.218"},{"field":"@message","value":"{\"eventType\":\"Subscribe\",\"status\":\"Success\",\"topicName\":\"a/#\",\"clientId\":\"c1\"}"}],)"
        R"([{"field":"eventType","value":"Connect"},{"field":"status","value":"Failure"},{"field":"reason","value":"AUTHORIZATION_FAILURE"},{"field":"clientId","value":"c2"},{"field":"@ptr","value":"Cm4K"}],)"
        R"([{"field":"clientId","value":"c3"}],[{"field":"clientId","value":"c4"}]],"statistics":{"recordsMatched":4.0},"status":"Complete"})";
    const LogReadResult rows = read_log_records(insights);
    REQUIRE(rows.requests.size() == 2);
    CHECK(rows.requests[0].action == "iot:Subscribe");
    CHECK(rows.requests[1].action == "iot:Connect");
    CHECK(rows.requests[1].expectation == LogExpectation::deny);
    CHECK(rows.skipped == 2);
    REQUIRE(rows.problems.size() == 1);  // one note for the rows without eventType
    CHECK(rows.problems[0].severity == Severity::info);

    const std::string subscription =
        R"({"messageType":"DATA_MESSAGE","owner":"111122223333","logGroup":"AWSIotLogsV2","logStream":"s1",)"
        R"("subscriptionFilters":["all"],"logEvents":[{"id":"1","timestamp":1709630047218,"message":"{\"eventType\":\"Publish-Out\",\"status\":\"Success\",\"topicName\":\"cmd/c1\",\"clientId\":\"c1\"}"}]})";
    CHECK(only_request(read_log_records(subscription)).action == "iot:Receive");

    const LogReadResult control = read_log_records(
        R"({"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination"}]})");
    CHECK(control.problems.empty());
    CHECK(control.records == 0);

    const LogReadResult array = read_log_records(
        std::string("[") + k_connect_denied + ",\"" + R"({\"eventType\":\"Connect\",\"status\":\"Success\",\"clientId\":\"c9\"})" +
        "\"," + R"({"timestamp":1,"message":"{\"eventType\":\"Connect\",\"status\":\"Success\",\"clientId\":\"c8\"}"}])");
    CHECK(array.problems.empty());
    REQUIRE(array.requests.size() == 3);
    CHECK(array.requests[1].resource_name == "c9");
    CHECK(array.requests[2].resource_name == "c8");

    const LogReadResult nested = read_log_records("[[" + std::string(k_publish_ok) + "]]");
    CHECK(nested.requests.empty());
    REQUIRE(nested.problems.size() == 1);
}

TEST_CASE("log records: legacy text logs and compressed payloads are named", "[log_records]") {
    const LogReadResult legacy = read_log_records(
        "2017-11-08 08:05:26.972 TRACEID:6c3d1e0c-e2c7 PRINCIPALID:9ecf05e5 [INFO] EVENT:MQTT Client Connect "
        "MESSAGE:Connect Status: SUCCESS\n"
        "2017-11-08 08:05:27.001 TRACEID:7d4e2f1d-f3d8 PRINCIPALID:9ecf05e5 [INFO] EVENT:PublishEvent "
        "MESSAGE:Publish Status: SUCCESS\n");
    CHECK(legacy.requests.empty());
    REQUIRE(legacy.problems.size() == 1);
    CHECK(legacy.problems[0].severity == Severity::warning);
    CHECK_THAT(legacy.problems[0].message, Catch::Contains("set-v2-logging-options"));

    const LogReadResult gzip = read_log_records(std::string("\x1F\x8B\x08\x00\x00\x00", 6));
    REQUIRE(gzip.problems.size() == 1);
    CHECK_THAT(gzip.problems[0].message, Catch::Contains("gzip"));

    const LogReadResult base64 = read_log_records("H4sIAAAAAAAAAKtWSi0qyi9SslIqzsgvyklRqgUAM4lAOxAAAAA=\n");
    REQUIRE(base64.problems.size() == 1);
    CHECK_THAT(base64.problems[0].message, Catch::Contains("base64 -d | gunzip"));
}

TEST_CASE("log records: pretty-printed records one after another", "[log_records]") {
    const std::string text = "{\n  \"eventType\": \"Connect\",\n  \"status\": \"Success\",\n  \"clientId\": \"a\"\n}\n"
                             "{\n  \"eventType\": \"Connect\",\n  \"status\": \"Success\",\n  \"clientId\": \"b\"\n}\n";
    const LogReadResult result = read_log_records(text);
    CHECK(result.problems.empty());
    REQUIRE(result.requests.size() == 2);
    CHECK(result.requests[1].line == 6);
}

TEST_CASE("log records: hostile input neither crashes nor hangs", "[log_records]") {
    CHECK(read_log_records("").requests.empty());
    CHECK(read_log_records("").problems.empty());
    CHECK(read_log_records("\n\r\n \t\n").problems.empty());
    CHECK(read_log_records("\xEF\xBB\xBF").problems.empty());
    CHECK_FALSE(read_log_records("{").problems.empty());
    CHECK_FALSE(read_log_records("[").problems.empty());
    CHECK_FALSE(read_log_records("}{]\"\\").problems.empty());
    CHECK_FALSE(read_log_records(R"({"message":"{\"eventType\":\"Connect\",\"clientId\":\"\ud800\"}"})").problems.empty());
    CHECK_FALSE(read_log_records(R"({"message":"{\u0022eventType\u0022:\u0022Connect\u0022,\u0022clientId\u0022:x}"})")
                    .problems.empty());
    CHECK_FALSE(read_log_records(std::string(100000, '[')).problems.empty());
    CHECK_FALSE(read_log_records(std::string(100000, '{')).problems.empty());
    std::string deep_lines;
    for (int i = 0; i < 2000; ++i) {
        deep_lines += "{\"a\":\"\\\"{\" \n";
    }
    CHECK(read_log_records(deep_lines).problems.size() == 2000);
    CHECK_FALSE(read_log_records(std::string("{\"eventType\":\"Connect\",\"clientId\":\"a\0b\"}", 41)).problems.empty());
}

TEST_CASE("log records: the sample logs of tests/simulate/logs read as intended", "[log_records]") {
    const LogReadResult fleet = read_log_records(read_sample("greenhouse-fleet.jsonl"));
    CHECK(fleet.problems.empty());
    CHECK(fleet.records == 15);
    CHECK(fleet.requests.size() == 13);
    CHECK(fleet.skipped == 1);  // the Unsubscribe
    REQUIRE(fleet.disconnects.size() == 1);
    CHECK(fleet.disconnects[0].reason == "DUPLICATE_CLIENT_ID");
    CHECK(fleet.disconnects[0].line == 14);

    const LogReadResult https = read_log_records(read_sample("https-calls.filter-log-events.json"));
    CHECK(https.problems.empty());
    REQUIRE(https.requests.size() == 6);
    CHECK(https.requests[1].action == "iot:UpdateThingShadow");
    CHECK(https.requests[1].resource_name == "gh-0042");
    CHECK(https.requests[1].expectation == LogExpectation::deny);
    CHECK(https.requests[2].action == "iotjobsdata:GetPendingJobExecutions");
    CHECK(https.requests[3].resource_name == "gh-0041");
    CHECK(https.requests[5].resource_kind == "*");

    const LogReadResult defects = read_log_records(read_sample("defects.jsonl"));
    CHECK(defects.requests.size() == 3);  // the Connect, the throttled publish (no expectation), the last publish
    CHECK(defects.requests[1].expectation == LogExpectation::none);
    REQUIRE(defects.problems.size() == 3);
    CHECK(defects.problems[0].line == 2);
    CHECK(defects.problems[0].severity == Severity::error);
    CHECK(defects.problems[1].line == 3);
    CHECK(defects.problems[1].severity == Severity::info);
    CHECK(defects.problems[2].line == 5);
    CHECK(defects.problems[2].severity == Severity::warning);
}
