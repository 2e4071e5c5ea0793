// AWS IoT log records (CloudWatch Logs, v2 logging) read into neutral requests for the simulator's log replay
// (spec input §3). Every container the spec names reduces to a stream of records (spec input §3.5): JSON lines
// (several records on a line, and text before a line's first '{', accepted too), pretty-printed records one
// after another, `aws logs filter-log-events` / `get-log-events` output (`events[].message`), Logs Insights
// `get-query-results` output (`results[][]`), decompressed subscription payloads (`logEvents[].message`), a
// top-level array of any of these, and a CloudWatch event object whose `message` holds the record as a string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/diagnostic.hpp"

namespace iotpolicy {

/// The record's `status`, as logged.
enum class LogOutcome : std::uint8_t { success, failure, unknown };

/// What the record says AWS decided, which the replay compares with the simulator's decision (spec input §3.4).
enum class LogExpectation : std::uint8_t {
    allow,  // `status` Success
    deny,   // `status` Failure with `reason` AUTHORIZATION_FAILURE
    none,   // any other failure (throttling, client errors, payload size...) or no status: not replayable
};

/// One record of an authorization decision (or, in LogReadResult::disconnects, of a Disconnect).
struct LogRequest {
    std::uint32_t line = 0;    // 1-based position of the record: its line, or that of its `message` string
    std::uint32_t column = 0;  // 1-based, in code points (several records may share a line, spec input §3.5)

    // Fields as logged (spec input §3.2); empty when the record does not have them.
    std::string timestamp, log_level, trace_id, account_id, event_type, protocol;
    std::string client_id, principal_id, source_ip;
    std::string topic_name, job_id;
    std::string reason, details, disconnect_reason;

    // The request to replay (spec input §3.3); ARNs are `arn:<partition>:iot:<region>:<account_id>:` followed by
    // `resource_kind` '/' `resource_name`, except that resource_kind "*" stands for the resource `*` itself.
    std::string action;         // "iot:Publish", "iotjobsdata:UpdateJobExecution"...; empty in disconnects
    std::string resource_kind;  // "client", "topic", "topicfilter", "thing" or "*"
    std::string resource_name;  // client ID, topic name, topic filter, thing name or `<thing>/<shadow>`
    bool retained = false;      // a Publish-In with `retain` "True": iot:RetainPublish is checked as well

    LogOutcome outcome = LogOutcome::unknown;
    LogExpectation expectation = LogExpectation::none;

    // Non-empty when the mapping rests on an unclear reading of the spec (the replay marks its result uncertain):
    // why, in words for the user.
    std::string uncertainty;
};

/// A record or line that could not be read or mapped, or a note about skipped records. 1-based position.
struct LogProblem {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    Severity severity = Severity::error;  // error: not readable; warning: unsupported or not mappable; info: note
    std::string message;
};

struct LogReadResult {
    std::vector<LogRequest> requests;     // decisions to replay, in input order
    std::vector<LogRequest> disconnects;  // Disconnect records: evidence such as DUPLICATE_CLIENT_ID (spec input §3.4)
    std::vector<LogProblem> problems;     // in input order
    std::size_t records = 0;              // log records found, whatever became of them
    std::size_t skipped = 0;              // records with no policy decision (informational, rules engine, unknown...)
};

/// Reads every log record of `text` (the whole file). Never throws; a bad line or record becomes a problem and
/// reading goes on.
LogReadResult read_log_records(std::string_view text);

}  // namespace iotpolicy
