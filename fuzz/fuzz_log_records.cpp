// libFuzzer target: arbitrary bytes read as an AWS IoT log file by read_log_records, replayed by replay_log against
// a fixed fleet policy set (compiled once), and the replay rendered by write_replay_text (plain and coloured) and
// write_replay_json. Invariants that must hold for every input are checked; a violated one prints what went wrong
// and traps, so that libFuzzer records the input as a crash. See fuzz/README.md.
//
// The replay options (thing assumption, connect-attribute rule, authentication type) are chosen from the input's
// size, so that each input replays the same way every time while the corpus as a whole covers every option.
#include <cstddef>
#include <cstdint>
#include <cstdio>  // fprintf
#include <memory>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <tuple>  // tie
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "iotpolicy/evaluator.hpp"
#include "iotpolicy/log_records.hpp"
#include "iotpolicy/log_replay.hpp"
#include "iotpolicy/simulation_output.hpp"
#include "iotpolicy/source.hpp"

#include "../src/support/utf8.hpp"  // utf8_step: columns back to byte offsets, as SourceFile counts them

namespace {

using iotpolicy::LogExpectation;
using iotpolicy::LogOutcome;
using iotpolicy::LogReadResult;
using iotpolicy::LogRequest;
using iotpolicy::ReplayDisagreement;
using iotpolicy::ReplayReport;
using iotpolicy::SourceFile;

// A realistic fleet policy: every grant keyed to the connection's thing name, shadows (classic and named) and
// jobs on the thing's reserved topics and over HTTPS, retained messages, and Deny statements with conditions. It
// is three documents, as a fleet attaches them (each under the 2048-character quota): topics, device services,
// and a quarantine Deny, so that decisions rest on more than one document.
constexpr std::string_view k_fleet_policy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ConnectAsThing",
      "Effect": "Allow",
      "Action": "iot:Connect",
      "Resource": "arn:aws:iot:eu-west-1:111122223333:client/${iot:Connection.Thing.ThingName}",
      "Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}
    },
    {
      "Sid": "OwnTopics",
      "Effect": "Allow",
      "Action": ["iot:Publish", "iot:Receive", "iot:RetainPublish"],
      "Resource": [
        "arn:aws:iot:eu-west-1:111122223333:topic/greenhouse/${iot:Connection.Thing.ThingName}/*",
        "arn:aws:iot:eu-west-1:111122223333:topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*",
        "arn:aws:iot:eu-west-1:111122223333:topic/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*"
      ]
    },
    {
      "Sid": "OwnFilters",
      "Effect": "Allow",
      "Action": "iot:Subscribe",
      "Resource": [
        "arn:aws:iot:eu-west-1:111122223333:topicfilter/greenhouse/${iot:Connection.Thing.ThingName}/*",
        "arn:aws:iot:eu-west-1:111122223333:topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/#"
      ]
    },
    {
      "Sid": "FleetBroadcast",
      "Effect": "Allow",
      "Action": ["iot:Subscribe", "iot:Receive"],
      "Resource": [
        "arn:aws:iot:eu-west-1:111122223333:topicfilter/fleet/broadcast/+",
        "arn:aws:iot:eu-west-1:111122223333:topic/fleet/broadcast/*"
      ]
    },
    {
      "Sid": "NoAdminTopics",
      "Effect": "Deny",
      "Action": ["iot:Publish", "iot:Subscribe", "iot:Receive"],
      "Resource": [
        "arn:aws:iot:eu-west-1:111122223333:topic/admin/*",
        "arn:aws:iot:eu-west-1:111122223333:topicfilter/admin/*"
      ]
    },
    {
      "Sid": "BlockedNetwork",
      "Effect": "Deny",
      "Action": "iot:*",
      "Resource": "*",
      "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}}
    }
  ]
})";

constexpr std::string_view k_services_policy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OwnShadows",
      "Effect": "Allow",
      "Action": ["iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"],
      "Resource": [
        "arn:aws:iot:eu-west-1:111122223333:thing/${iot:Connection.Thing.ThingName}",
        "arn:aws:iot:eu-west-1:111122223333:thing/${iot:Connection.Thing.ThingName}/*"
      ]
    },
    {
      "Sid": "OwnJobs",
      "Effect": "Allow",
      "Action": ["iotjobsdata:DescribeJobExecution", "iotjobsdata:GetPendingJobExecutions",
                 "iotjobsdata:StartNextPendingJobExecution", "iotjobsdata:UpdateJobExecution"],
      "Resource": "arn:aws:iot:eu-west-1:111122223333:thing/${iot:Connection.Thing.ThingName}"
    },
    {
      "Sid": "Retained",
      "Effect": "Allow",
      "Action": ["iot:GetRetainedMessage", "iot:ListRetainedMessages"],
      "Resource": ["arn:aws:iot:eu-west-1:111122223333:topic/greenhouse/${iot:Connection.Thing.ThingName}/*", "*"]
    },
    {
      "Sid": "StatusByCertificate",
      "Effect": "Allow",
      "Action": "iot:Publish",
      "Resource": "arn:aws:iot:eu-west-1:111122223333:topic/fleet/status/${iot:CertificateId}"
    }
  ]
})";

constexpr std::string_view k_quarantine_policy = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Deny",
      "Action": ["iot:Publish", "iot:Receive"],
      "Resource": "arn:aws:iot:eu-west-1:111122223333:topic/greenhouse/quarantine-*"
    },
    {
      "Effect": "Deny",
      "Action": "iot:Connect",
      "Resource": "arn:aws:iot:eu-west-1:111122223333:client/*",
      "Condition": {"StringLike": {"iot:ClientId": "quarantine-*"}}
    }
  ]
})";

const iotpolicy::PolicySet& fleet_policies() {
    static const iotpolicy::PolicySet policies = [] {
        std::vector<iotpolicy::PolicyDocument> documents;
        documents.push_back(iotpolicy::load_policy_document(
            "fleet.json", std::make_shared<const SourceFile>("fleet.json", std::string(k_fleet_policy))));
        documents.push_back(iotpolicy::load_policy_document(
            "services.json", std::make_shared<const SourceFile>("services.json", std::string(k_services_policy))));
        documents.push_back(iotpolicy::load_policy_document(
            "quarantine.json", std::make_shared<const SourceFile>("quarantine.json", std::string(k_quarantine_policy))));
        return iotpolicy::PolicySet(std::move(documents));
    }();
    return policies;
}

iotpolicy::ReplayOptions options_for(std::size_t size) {
    iotpolicy::ReplayOptions options;
    options.region = "eu-west-1";
    options.things = size % 2 == 0 ? iotpolicy::ThingAssumption::attached : iotpolicy::ThingAssumption::none;
    options.connect_attributes_need_condition = (size / 2) % 2 == 0;
    options.auth = (size / 4) % 4 == 3 ? iotpolicy::catalog::AuthType::custom : iotpolicy::catalog::AuthType::x509;
    return options;
}

// --- Failing loudly -------------------------------------------------------------------------------------------------

using iotpolicy::fuzz::NullBuffer;
using iotpolicy::fuzz::check;
using iotpolicy::fuzz::fail;

bool is_severity(iotpolicy::Severity s) {
    return s == iotpolicy::Severity::error || s == iotpolicy::Severity::warning || s == iotpolicy::Severity::info;
}

/// The byte offset of a 1-based line and code-point column, counted as SourceFile counts them.
std::size_t offset_of(const SourceFile& file, std::uint32_t line, std::uint32_t column) {
    std::size_t offset = file.line_start(line);
    const std::string_view text = file.text();
    for (std::uint32_t c = 1; c < column && offset < text.size(); ++c) {
        offset += iotpolicy::detail::utf8_step(text, offset);
    }
    return offset;
}

// --- The invariants -----------------------------------------------------------------------------------------------

void check_position(const SourceFile& file, std::uint32_t line, std::uint32_t column, const std::string& which) {
    check(line >= 1 && column >= 1, which + "line or column below 1");
    check(line <= file.line_count(), which + "line " + std::to_string(line) + " is past the last line (" +
                                         std::to_string(file.line_count()) + ")");
    check(column <= file.line_text(line).size() + 1, which + "column " + std::to_string(column) +
                                                         " is past the end of its line");
}

void check_records(const SourceFile& file, const LogReadResult& log) {
    for (std::size_t i = 0; i < log.problems.size(); ++i) {
        const iotpolicy::LogProblem& p = log.problems[i];
        const std::string which = "problem #" + std::to_string(i) + " (" + p.message + "): ";
        check_position(file, p.line, p.column, which);
        check(is_severity(p.severity), which + "unknown severity");
        check(!p.message.empty(), which + "empty message");
        if (i > 0) {
            const iotpolicy::LogProblem& q = log.problems[i - 1];
            check(q.line < p.line || (q.line == p.line && q.column <= p.column), which + "not sorted by position");
        }
    }
    const auto check_request = [&](const LogRequest& r, const std::string& which) {
        check_position(file, r.line, r.column, which);
        // A record is located at its object, at the string literal of the `message` holding it, or at its Logs
        // Insights row.
        const std::size_t at = offset_of(file, r.line, r.column);
        check(at < file.text().size() &&
                  (file.text()[at] == '{' || file.text()[at] == '"' || file.text()[at] == '['),
              which + "its position is not at a '{', '\"' or '['");
        check(r.expectation != LogExpectation::allow || r.outcome == LogOutcome::success,
              which + "expects allow without a logged Success");
        check(r.expectation != LogExpectation::deny ||
                  (r.outcome == LogOutcome::failure && r.reason == "AUTHORIZATION_FAILURE"),
              which + "expects deny without a logged AUTHORIZATION_FAILURE");
        check(r.outcome != LogOutcome::success || r.expectation == LogExpectation::allow || r.action.empty(),
              which + "a logged Success that is not expected to be allowed");
    };
    for (std::size_t i = 0; i < log.requests.size(); ++i) {
        const LogRequest& r = log.requests[i];
        const std::string which = "request #" + std::to_string(i) + " (" + r.event_type + " " + r.action + "): ";
        check_request(r, which);
        check(iotpolicy::find_request_action(r.action).has_value(), which + "an action the evaluator does not know");
        check(r.resource_kind == "client" || r.resource_kind == "topic" || r.resource_kind == "topicfilter" ||
                  r.resource_kind == "thing" || r.resource_kind == "*",
              which + "unknown resource kind \"" + r.resource_kind + "\"");
        check(!r.resource_name.empty(), which + "empty resource name");
        check(!r.retained || r.action == "iot:Publish", which + "retained, but not a publish");
        if (i > 0) {
            const LogRequest& q = log.requests[i - 1];
            check(q.line < r.line || (q.line == r.line && q.column <= r.column), which + "not in input order");
        }
    }
    for (std::size_t i = 0; i < log.disconnects.size(); ++i) {
        const LogRequest& d = log.disconnects[i];
        const std::string which = "disconnect #" + std::to_string(i) + ": ";
        check_request(d, which);
        check(d.action.empty() && d.expectation == LogExpectation::none && d.event_type == "Disconnect",
              which + "a disconnect with an action or an expectation");
    }
    // Each record found becomes at most one of: a request, a disconnect, a skipped record (or a problem).
    check(log.records >= log.requests.size() + log.disconnects.size() + log.skipped,
          "more requests, disconnects and skipped records than records");
}

std::size_t line_count(const std::vector<ReplayDisagreement>& list) {
    std::size_t n = 0;
    for (const ReplayDisagreement& d : list) {
        n += d.lines.size();
    }
    return n;
}

void check_disagreements(const SourceFile& file, const std::vector<ReplayDisagreement>& list, bool newly_denied) {
    const std::string what = newly_denied ? "newly denied #" : "newly allowed #";
    for (std::size_t i = 0; i < list.size(); ++i) {
        const ReplayDisagreement& d = list[i];
        const std::string which = what + std::to_string(i) + " (" + d.client_id + " " + d.action + " " +
                                  d.resource + "): ";
        check(newly_denied ? d.decision != iotpolicy::DecisionKind::allow : d.decision == iotpolicy::DecisionKind::allow,
              which + "its decision agrees with what AWS logged");
        check(!d.lines.empty(), which + "no record lines");
        for (std::size_t k = 0; k < d.lines.size(); ++k) {
            check(d.lines[k] >= 1 && d.lines[k] <= file.line_count(), which + "a record line outside the file");
            check(k == 0 || d.lines[k - 1] <= d.lines[k], which + "record lines not in input order");
        }
        check(!d.client_id.empty() && !d.action.empty() && !d.resource.empty(), which + "an empty key");
        check(!d.explanation.empty(), which + "no explanation");
        if (i > 0) {
            const ReplayDisagreement& p = list[i - 1];
            check(std::tie(p.client_id, p.action, p.resource) < std::tie(d.client_id, d.action, d.resource),
                  which + "not grouped by client, action and resource in order");
        }
    }
}

void check_replay(const SourceFile& file, const LogReadResult& log, const ReplayReport& report) {
    check(report.records == log.records && report.skipped == log.skipped,
          "the replay's records or skipped differ from the reader's");
    check(report.replayed + report.not_replayable == log.requests.size(),
          "replayed + not replayable is not the number of requests");
    const std::size_t disagreed = line_count(report.newly_denied) + line_count(report.newly_allowed);
    check(report.replayed == report.agreed + disagreed,
          "replayed (" + std::to_string(report.replayed) + ") is not agreed (" + std::to_string(report.agreed) +
              ") + the disagreements' record lines (" + std::to_string(disagreed) + ")");
    check(report.uncertain <= report.replayed, "more uncertain decisions than replayed ones");
    check_disagreements(file, report.newly_denied, true);
    check_disagreements(file, report.newly_allowed, false);
    for (const iotpolicy::SharedClientId& s : report.shared_client_ids) {
        check(!s.disconnect_lines.empty(), "a shared client ID without a DUPLICATE_CLIENT_ID disconnect");
        for (std::size_t k = 1; k < s.principals.size(); ++k) {
            check(s.principals[k - 1] < s.principals[k], "a shared client ID's principals not sorted and unique");
        }
    }
}

void render(const ReplayReport& report) {
    NullBuffer null_buffer;
    std::ostream discard(&null_buffer);
    constexpr std::string_view prefix = "arn:aws:iot:eu-west-1:";
    iotpolicy::write_replay_text(discard, report, {false, false, prefix});
    iotpolicy::write_replay_text(discard, report, {true, true, prefix});
    std::ostringstream out;
    iotpolicy::write_replay_json(out, report);
    const nlohmann::json json = nlohmann::json::parse(out.str(), nullptr, /*allow_exceptions=*/false);
    check(!json.is_discarded(), "write_replay_json produced invalid JSON");
    check(json.is_object() && json["records"] == report.records && json["replayed"] == report.replayed &&
              json["agreed"] == report.agreed && json["notReplayable"] == report.not_replayable &&
              json["skipped"] == report.skipped && json["uncertain"] == report.uncertain,
          "write_replay_json: the counts differ from the report's");
    check(json["newlyDenied"].size() == report.newly_denied.size() &&
              json["newlyAllowed"].size() == report.newly_allowed.size() &&
              json["sharedClientIds"].size() == report.shared_client_ids.size(),
          "write_replay_json: the lists differ from the report's");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > iotpolicy::k_max_source_bytes) {
        return -1;  // outside SourceFile's contract; libFuzzer never gets near it
    }
    const SourceFile file("fuzz.log", std::string(reinterpret_cast<const char*>(data), size));
    const LogReadResult log = iotpolicy::read_log_records(file.text());
    check_records(file, log);
    const ReplayReport report = iotpolicy::replay_log(fleet_policies(), log, options_for(size));
    check_replay(file, log, report);
    render(report);
    return 0;
}
