#include "iotpolicy/log_records.hpp"

#include <algorithm>  // lower_bound, stable_sort, min
#include <array>
#include <map>
#include <utility>  // move

#include <fmt/format.h>

#include "iotpolicy/json.hpp"
#include "iotpolicy/source.hpp"
#include "../support/utf8.hpp"

namespace iotpolicy {

namespace {

/// How deep containers may nest around a record: a top-level array of containers, whose elements hold records.
constexpr int k_max_container_depth = 1;

/// Maps an offset in a text parsed on its own (a slice of the file, or the decoded text of a `message` string
/// literal) to an offset in the file. Escapes are segments of unequal length; an offset inside one maps to its
/// start (spec input §2.1).
class OffsetMap {
public:
    /// A slice of the file that starts at byte `base`.
    static OffsetMap slice(std::uint32_t base) {
        OffsetMap map;
        map.m_base = base;
        return map;
    }

    /// The decoded content of the string literal at `literal` (quotes included) in `outer_text`, itself a
    /// slice mapped by `outer`. Mirrors the parser's decoding, invalid escapes included, so offsets stay exact.
    static OffsetMap string_literal(std::string_view outer_text, Span literal, const OffsetMap& outer);

    std::uint32_t to_file(std::uint32_t offset) const {
        const auto after = std::upper_bound(m_escapes.begin(), m_escapes.end(), offset,
                                            [](std::uint32_t value, const Escape& e) { return value < e.decoded; });
        if (after == m_escapes.begin()) {
            return m_base + m_raw_begin + offset;
        }
        const Escape& escape = *(after - 1);
        if (offset < escape.decoded + escape.decoded_length) {
            return m_base + m_raw_begin + escape.source;
        }
        return m_base + m_raw_begin + escape.source + escape.source_length +
               (offset - escape.decoded - escape.decoded_length);
    }

private:
    struct Escape {
        std::uint32_t decoded, decoded_length, source, source_length;  // source relative to m_raw_begin
    };

    std::uint32_t m_base = 0;       // file offset of the outer slice
    std::uint32_t m_raw_begin = 0;  // offset in the outer slice of the literal's first content byte
    std::vector<Escape> m_escapes;  // by decoded offset
};

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_unicode_escape(std::string_view s, std::size_t i) {
    return i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u' && is_hex(s[i + 2]) && is_hex(s[i + 3]) &&
           is_hex(s[i + 4]) && is_hex(s[i + 5]);
}

unsigned hex_at(std::string_view s, std::size_t i) {
    unsigned value = 0;
    for (std::size_t k = i + 2; k < i + 6; ++k) {
        const char c = s[k];
        const unsigned digit = c <= '9' ? unsigned(c - '0') : (unsigned(c | 0x20) - 'a' + 10);
        value = value * 16 + digit;
    }
    return value;
}

OffsetMap OffsetMap::string_literal(std::string_view outer_text, Span literal, const OffsetMap& outer) {
    OffsetMap map;
    map.m_base = outer.to_file(0);  // slices have no escapes of their own: base is where the slice starts
    map.m_raw_begin = literal.begin + 1;
    const std::uint32_t end = std::max(map.m_raw_begin, literal.end > 0 ? literal.end - 1 : 0);
    const std::string_view raw = outer_text.substr(map.m_raw_begin, end - map.m_raw_begin);
    std::uint32_t decoded = 0;
    for (std::size_t i = 0; i < raw.size();) {
        if (raw[i] != '\\') {
            // An invalid byte decodes as U+FFFD (three bytes), as the parser does.
            const std::uint32_t length = detail::utf8_sequence_length(raw, i);
            if (length == 0) {
                map.m_escapes.push_back({decoded, 3, static_cast<std::uint32_t>(i), 1});
                decoded += 3;
                ++i;
            } else {
                decoded += length;
                i += length;
            }
            continue;
        }
        if (i + 1 >= raw.size()) {
            break;
        }
        std::uint32_t decoded_length = 3;  // U+FFFD for an invalid escape or a lone surrogate, as the parser does
        // An invalid escape takes the backslash and the whole character after it.
        std::uint32_t source_length = 1 + detail::utf8_step(raw, i + 1);
        if (std::string_view("\"\\/bfnrt").find(raw[i + 1]) != std::string_view::npos) {
            decoded_length = 1;
        } else if (is_unicode_escape(raw, i)) {
            const unsigned cp = hex_at(raw, i);
            source_length = 6;
            if (cp >= 0xD800 && cp <= 0xDBFF && is_unicode_escape(raw, i + 6) && hex_at(raw, i + 6) >= 0xDC00 &&
                hex_at(raw, i + 6) <= 0xDFFF) {
                decoded_length = 4;
                source_length = 12;
            } else if (cp < 0x80) {
                decoded_length = 1;
            } else if (cp < 0x800) {
                decoded_length = 2;
            }
        }
        map.m_escapes.push_back({decoded, decoded_length, static_cast<std::uint32_t>(i), source_length});
        decoded += decoded_length;
        i += source_length;
    }
    return map;
}

// --- Event types ----------------------------------------------------------------------------------------------

enum class EventClass : std::uint8_t {
    connect,
    publish_in,
    subscribe,
    publish_out,
    get_retained_message,
    list_retained_message,
    disconnect,
    shadow,
    jobs,
    informational,     // no action governs it, or its fields are not confirmed (spec input §3.3)
    authentication,    // Connection.AuthNError: authentication, not policy (spec input §3.3)
    no_device_policy,  // rules engine, provisioning, dynamic groups, fleet indexing (spec input §3.3)
};

struct EventType {
    std::string_view name;
    EventClass event_class;
    std::string_view http_action;  // shadow and jobs records over HTTP
};

// The records of the last group carry no device policy decision (spec input §3.3). Their names are those of
// AWS's v2 logging pages; a name missing here only turns a silent skip into a note.
constexpr std::array k_event_types = {
    EventType{"Connect", EventClass::connect, {}},
    EventType{"Publish-In", EventClass::publish_in, {}},
    EventType{"Subscribe", EventClass::subscribe, {}},
    EventType{"Publish-Out", EventClass::publish_out, {}},
    EventType{"GetRetainedMessage", EventClass::get_retained_message, {}},
    EventType{"ListRetainedMessage", EventClass::list_retained_message, {}},
    EventType{"Disconnect", EventClass::disconnect, {}},
    EventType{"GetThingShadow", EventClass::shadow, "iot:GetThingShadow"},
    EventType{"UpdateThingShadow", EventClass::shadow, "iot:UpdateThingShadow"},
    EventType{"DeleteThingShadow", EventClass::shadow, "iot:DeleteThingShadow"},
    // Log replay uses the iotjobsdata: names; the evaluator matches the legacy iot: spellings as
    // actions-and-resources.md §10 says. GetPendingJobExecution logs in the singular, the action is plural.
    EventType{"DescribeJobExecution", EventClass::jobs, "iotjobsdata:DescribeJobExecution"},
    EventType{"GetPendingJobExecution", EventClass::jobs, "iotjobsdata:GetPendingJobExecutions"},
    EventType{"StartNextPendingJobExecution", EventClass::jobs, "iotjobsdata:StartNextPendingJobExecution"},
    EventType{"UpdateJobExecution", EventClass::jobs, "iotjobsdata:UpdateJobExecution"},
    EventType{"Unsubscribe", EventClass::informational, {}},
    EventType{"Queued", EventClass::informational, {}},
    EventType{"DeleteConnection", EventClass::informational, {}},
    EventType{"Ping", EventClass::informational, {}},
    EventType{"Connection.AuthNError", EventClass::authentication, {}},
    EventType{"ReportFinalJobExecutionCount", EventClass::no_device_policy, {}},
    EventType{"FunctionExecution", EventClass::no_device_policy, {}},
    EventType{"RuleExecution", EventClass::no_device_policy, {}},
    EventType{"RuleMatch", EventClass::no_device_policy, {}},
    EventType{"RuleMessage", EventClass::no_device_policy, {}},
    EventType{"RuleNotFound", EventClass::no_device_policy, {}},
    EventType{"StartingRuleExecution", EventClass::no_device_policy, {}},
    EventType{"GetDeviceCredentials", EventClass::no_device_policy, {}},
    EventType{"ProvisionDevice", EventClass::no_device_policy, {}},
    EventType{"CreateKeysAndCertificate", EventClass::no_device_policy, {}},
    EventType{"CreateCertificateFromCsr", EventClass::no_device_policy, {}},
    EventType{"RegisterThing", EventClass::no_device_policy, {}},
    EventType{"AddThingToDynamicThingGroupsFailed", EventClass::no_device_policy, {}},
    EventType{"IndexingError", EventClass::no_device_policy, {}},
};

const EventType* find_event_type(std::string_view name) {
    for (const EventType& type : k_event_types) {
        if (type.name == name) {
            return &type;
        }
    }
    return nullptr;
}

/// `<thing>` of a topic `$aws/things/<thing>/...`, and `<shadow>` when it continues `shadow/name/<shadow>`.
struct ThingTopic {
    std::string_view thing, shadow;
};

ThingTopic parse_thing_topic(std::string_view topic) {
    constexpr std::string_view prefix = "$aws/things/";
    ThingTopic parsed;
    if (!topic.starts_with(prefix)) {
        return parsed;
    }
    const std::string_view rest = topic.substr(prefix.size());
    const std::size_t slash = rest.find('/');
    parsed.thing = rest.substr(0, slash);
    if (slash != std::string_view::npos) {
        constexpr std::string_view named = "shadow/name/";
        const std::string_view after = rest.substr(slash + 1);
        if (after.starts_with(named)) {
            parsed.shadow = after.substr(named.size(), after.find('/', named.size()) - named.size());
        }
    }
    return parsed;
}

/// Whether `line` has the shape of the legacy `set-logging-options` text format (spec input §3.1).
bool is_legacy_log_line(std::string_view line) {
    return line.find("TRACEID:") != std::string_view::npos && line.find("EVENT:") != std::string_view::npos;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

/// The end of the line holding `pos`: the offset of its line break, or the end of the text.
std::size_t line_end_of(std::string_view text, std::size_t pos) {
    const std::size_t end = text.find_first_of("\r\n", pos);
    return end == std::string_view::npos ? text.size() : end;
}

/// The offset after the bracket that closes the `{` or `[` at `begin`, looking no further than `limit`; npos when
/// it is not closed by then. Strings are skipped; a raw line break ends one, since JSON strings cannot hold it.
std::size_t find_value_end(std::string_view text, std::size_t begin, std::size_t limit) {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = begin; i < limit; ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"' || c == '\n' || c == '\r') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

// --- The reader ---------------------------------------------------------------------------------------------

class LogReader {
public:
    explicit LogReader(std::string_view text) : m_file("", std::string(text)) {}

    LogReadResult run();

private:
    struct UnknownEventType {
        std::uint32_t offset;
        std::size_t count;
    };

    void add_problem(std::uint32_t offset, Severity severity, std::string message);
    std::size_t skip_text(std::size_t pos, bool first_on_line);
    void read_piece(std::size_t begin, std::size_t end, bool spans_lines);
    void dispatch(const JsonValue& value, std::string_view piece, const OffsetMap& map, int depth);
    void read_embedded(const JsonValue& message, std::string_view piece, const OffsetMap& map);
    void read_query_results(const JsonValue& results, std::string_view piece, const OffsetMap& map);
    void read_record(const JsonValue& record, std::uint32_t offset, const OffsetMap& map);
    std::string string_field(const JsonValue& record, std::string_view key, const OffsetMap& map);
    void report_parse_diagnostics(const JsonDocument& document, const OffsetMap& map, std::string_view what);

    SourceFile m_file;
    LogReadResult m_result;
    std::map<std::string, UnknownEventType> m_unknown_event_types;
    bool m_legacy_reported = false;
    bool m_insights_without_event_type_reported = false;
};

void LogReader::add_problem(std::uint32_t offset, Severity severity, std::string message) {
    const Location location = m_file.location(offset);
    m_result.problems.push_back({location.line, location.column, severity, std::move(message)});
}

LogReadResult LogReader::run() {
    const std::string_view text = m_file.text();
    if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x1F && static_cast<unsigned char>(text[1]) == 0x8B) {
        add_problem(0, Severity::error,
                    "this file is gzip-compressed (a CloudWatch Logs subscription payload?): decompress it first, "
                    "e.g. with gunzip, and read the JSON it holds");
        return std::move(m_result);
    }
    std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a BOM is harmless in a log export

    // One record per line (JSON lines) unless the first value is pretty-printed over several lines: then values
    // may span lines, as in CLI output or jq's. Bounding values by their line otherwise keeps a truncated line
    // from swallowing the records after it.
    bool values_span_lines = false;
    const std::size_t first = text.find_first_not_of(" \t\r\n", pos);
    if (first != std::string_view::npos && (text[first] == '{' || text[first] == '[')) {
        const std::size_t first_line_end = line_end_of(text, first);
        const std::size_t end = find_value_end(text, first, text.size());
        if (end != std::string_view::npos) {
            values_span_lines = end > first_line_end;
        } else {
            const std::size_t next = text.find_first_not_of(" \t", first + 1);
            values_span_lines = next == std::string_view::npos || next >= first_line_end;
        }
    }

    bool first_on_line = true;
    while (pos < text.size()) {
        const char c = text[pos];
        if (c == '\n' || c == '\r') {
            ++pos;
            first_on_line = true;
            continue;
        }
        if (is_blank(c)) {
            ++pos;
            continue;
        }
        if (c == '{' || c == '[') {
            const std::size_t limit = values_span_lines ? text.size() : line_end_of(text, pos);
            const std::size_t end = find_value_end(text, pos, limit);
            const std::size_t piece_end = end == std::string_view::npos ? limit : end;
            read_piece(pos, piece_end, values_span_lines);
            pos = piece_end;
        } else {
            pos = skip_text(pos, first_on_line);
        }
        first_on_line = false;
    }

    for (const auto& [name, unknown] : m_unknown_event_types) {
        add_problem(unknown.offset, Severity::info,
                    fmt::format("unknown eventType \"{}\" ({} record{}): skipped; the replay knows the v2 logging "
                                "event types of spec input §3.3",
                                name, unknown.count, unknown.count == 1 ? "" : "s"));
    }
    std::stable_sort(m_result.problems.begin(), m_result.problems.end(), [](const LogProblem& a, const LogProblem& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return std::move(m_result);
}

/// Text that is not a JSON value, at `pos`. Returns where reading goes on.
std::size_t LogReader::skip_text(std::size_t pos, bool first_on_line) {
    const std::string_view text = m_file.text();
    const std::size_t line_end = line_end_of(text, pos);
    const std::string_view rest = text.substr(pos, line_end - pos);
    const std::size_t brace = rest.find('{');
    const auto offset = static_cast<std::uint32_t>(pos);
    if (first_on_line && is_legacy_log_line(rest)) {
        if (!m_legacy_reported) {
            m_legacy_reported = true;
            add_problem(offset, Severity::warning,
                        "this is a record of the legacy AWS IoT logging (set-logging-options), which cannot be "
                        "replayed: enable v2 logging (aws iot set-v2-logging-options) and export the JSON records "
                        "of the AWSIotLogsV2 log group; lines of this kind are skipped");
        }
        return line_end;
    }
    if (brace != std::string_view::npos) {
        // spec input §3.5, unclear: S3 exports and console downloads may put a timestamp or stream name before the
        // record; the text before a line's first '{' is accepted. Elsewhere text between records is a defect.
        if (!first_on_line) {
            add_problem(offset, Severity::error,
                        "unexpected text after a record: expected another JSON record or the end of the line");
        }
        return pos + brace;
    }
    if (rest.starts_with("H4sI")) {
        add_problem(offset, Severity::error,
                    "this looks like a base64-encoded gzip payload (a CloudWatch Logs subscription delivered to "
                    "Lambda?): decode and decompress it first (base64 -d | gunzip)");
    } else if (first_on_line) {
        add_problem(offset, Severity::error,
                    "no log record on this line: expected a JSON object of AWS IoT v2 logging, such as "
                    "{\"eventType\": \"Connect\", ...}");
    } else {
        add_problem(offset, Severity::error,
                    "unexpected text after a record: expected another JSON record or the end of the line");
    }
    return line_end;
}

void LogReader::report_parse_diagnostics(const JsonDocument& document, const OffsetMap& map, std::string_view what) {
    for (const Diagnostic& diagnostic : document.diagnostics) {
        if (diagnostic.rule == RuleId::IOT002) {
            add_problem(map.to_file(diagnostic.span.begin), Severity::warning,
                        fmt::format("{}: {} (iotpolicy reads the first)", what, diagnostic.message));
            continue;
        }
        add_problem(map.to_file(diagnostic.span.begin), diagnostic.severity,
                    fmt::format("{} is not valid JSON: {}", what, diagnostic.message));
    }
}

/// The value at [begin, end) of the file, parsed on its own.
void LogReader::read_piece(std::size_t begin, std::size_t end, bool spans_lines) {
    const std::string_view text = m_file.text();
    const SourceFile piece("", std::string(text.substr(begin, end - begin)));
    const OffsetMap map = OffsetMap::slice(static_cast<std::uint32_t>(begin));
    const JsonDocument document = parse_json(piece);
    report_parse_diagnostics(document, map, spans_lines ? "this document" : "this line");
    if (document.root) {
        dispatch(*document.root, piece.text(), map, 0);
    }
}

/// Recognises a value by its content (spec input §1.1, §3.5).
void LogReader::dispatch(const JsonValue& value, std::string_view piece, const OffsetMap& map, int depth) {
    const std::uint32_t offset = map.to_file(value.span.begin);
    if (value.kind == JsonKind::array) {
        if (depth >= k_max_container_depth) {
            add_problem(offset, Severity::warning,
                        "an array inside a log container is not a form AWS or its CLI writes: skipped; expected "
                        "log records, or containers with events[], results[] or logEvents[]");
            return;
        }
        for (const JsonValue& item : value.items) {
            if (item.kind == JsonKind::string) {
                read_embedded(item, piece, map);  // `--query 'events[].message' --output json`
            } else {
                dispatch(item, piece, map, depth + 1);
            }
        }
        return;
    }
    if (value.kind != JsonKind::object) {
        add_problem(offset, Severity::warning,
                    fmt::format("expected an AWS IoT log record (a JSON object with eventType), found {}: skipped",
                                json_kind_name(value.kind)));
        return;
    }
    if (value.find("eventType") != nullptr) {
        read_record(value, offset, map);
        return;
    }
    const JsonMember* events = value.find("events");  // filter-log-events, get-log-events
    if (events == nullptr) {
        events = value.find("logEvents");  // a decompressed subscription payload
    }
    if (const JsonMember* type = value.find("messageType");
        type != nullptr && type->value.kind == JsonKind::string && type->value.text == "CONTROL_MESSAGE") {
        return;  // CloudWatch Logs' reachability check of a subscription: no records (spec input §3.5)
    }
    if (events != nullptr) {
        if (events->value.kind != JsonKind::array) {
            add_problem(map.to_file(events->value.span.begin), Severity::warning,
                        fmt::format("\"{}\" should be an array of log events with a message each, found {}: skipped",
                                    events->key, json_kind_name(events->value.kind)));
            return;
        }
        for (const JsonValue& event : events->value.items) {
            const JsonMember* message = event.kind == JsonKind::object ? event.find("message") : nullptr;
            if (message == nullptr) {
                add_problem(map.to_file(event.span.begin), Severity::warning,
                            fmt::format("a log event without a \"message\" holds no record: skipped; each element of "
                                        "\"{}\" should be {{\"timestamp\": ..., \"message\": \"<the record>\"}}",
                                        events->key));
                continue;
            }
            read_embedded(message->value, piece, map);
        }
        return;
    }
    if (const JsonMember* results = value.find("results")) {  // Logs Insights get-query-results
        read_query_results(results->value, piece, map);
        return;
    }
    if (const JsonMember* message = value.find("message")) {  // one CloudWatch log event
        read_embedded(message->value, piece, map);
        return;
    }
    add_problem(offset, Severity::warning,
                "not an AWS IoT log record: it has no eventType (v2 logging records have one) and is not an export "
                "of records (events[], results[] or logEvents[] with messages): skipped");
}

/// A `message` that holds the record as a JSON string (or, from tools that parsed it already, as an object).
void LogReader::read_embedded(const JsonValue& message, std::string_view piece, const OffsetMap& map) {
    const std::uint32_t offset = map.to_file(message.span.begin);
    if (message.kind == JsonKind::object) {
        if (message.find("eventType") != nullptr) {
            read_record(message, offset, map);
        } else {
            add_problem(offset, Severity::warning,
                        "this message is not an AWS IoT log record: it has no eventType: skipped");
        }
        return;
    }
    if (message.kind != JsonKind::string) {
        add_problem(offset, Severity::warning,
                    fmt::format("a log event's message should be the record as a JSON string, found {}: skipped",
                                json_kind_name(message.kind)));
        return;
    }
    const std::string_view text = message.text;
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || text[first] != '{') {
        if (is_legacy_log_line(text)) {
            if (!m_legacy_reported) {
                m_legacy_reported = true;
                add_problem(offset, Severity::warning,
                            "this message is a record of the legacy AWS IoT logging (set-logging-options), which "
                            "cannot be replayed: enable v2 logging (aws iot set-v2-logging-options) and export the "
                            "AWSIotLogsV2 log group; messages of this kind are skipped");
            }
            return;
        }
        add_problem(offset, Severity::warning,
                    "this message is not an AWS IoT v2 log record (a JSON object as a string): skipped");
        return;
    }
    const OffsetMap inner_map = OffsetMap::string_literal(piece, message.span, map);
    const SourceFile inner("", message.text);
    const JsonDocument document = parse_json(inner);
    report_parse_diagnostics(document, inner_map, "the record in this message");
    if (!document.root) {
        return;
    }
    if (document.root->kind == JsonKind::object && document.root->find("eventType") != nullptr) {
        read_record(*document.root, offset, inner_map);
    } else {
        add_problem(offset, Severity::warning,
                    "this message is not an AWS IoT v2 log record: it has no eventType: skipped");
    }
}

/// Logs Insights rows: `@message` when the query kept it, else the record rebuilt from fields named as in
/// spec input §3.2 (spec input §3.5).
void LogReader::read_query_results(const JsonValue& results, std::string_view piece, const OffsetMap& map) {
    if (results.kind != JsonKind::array) {
        add_problem(map.to_file(results.span.begin), Severity::warning,
                    fmt::format("\"results\" should be an array of rows, found {}: skipped",
                                json_kind_name(results.kind)));
        return;
    }
    for (const JsonValue& row : results.items) {
        const std::uint32_t offset = map.to_file(row.span.begin);
        if (row.kind != JsonKind::array) {
            add_problem(offset, Severity::warning,
                        "a Logs Insights row should be an array of {\"field\": ..., \"value\": ...}: skipped");
            continue;
        }
        JsonValue rebuilt;
        rebuilt.kind = JsonKind::object;
        rebuilt.span = row.span;
        const JsonValue* raw_message = nullptr;
        for (const JsonValue& cell : row.items) {
            const JsonMember* field = cell.kind == JsonKind::object ? cell.find("field") : nullptr;
            const JsonMember* value = cell.kind == JsonKind::object ? cell.find("value") : nullptr;
            if (field == nullptr || value == nullptr || field->value.kind != JsonKind::string) {
                continue;
            }
            if (field->value.text == "@message") {
                raw_message = &value->value;
            } else if (!field->value.text.starts_with('@')) {
                rebuilt.members.push_back({field->value.text, field->value.span, value->value});
            }
        }
        if (raw_message != nullptr) {
            read_embedded(*raw_message, piece, map);
        } else if (rebuilt.find("eventType") != nullptr) {
            read_record(rebuilt, offset, map);
        } else {
            ++m_result.records;
            ++m_result.skipped;
            if (!m_insights_without_event_type_reported) {
                m_insights_without_event_type_reported = true;
                add_problem(offset, Severity::info,
                            "Logs Insights rows without @message or eventType cannot be replayed and are skipped: "
                            "keep @message (or eventType and the fields of the request) in the query's fields");
            }
        }
    }
}

/// The string value of `key`, or "" when absent; another type is reported and read as absent.
std::string LogReader::string_field(const JsonValue& record, std::string_view key, const OffsetMap& map) {
    const JsonMember* member = record.find(key);
    if (member == nullptr || member->value.kind == JsonKind::null) {
        return {};
    }
    if (member->value.kind != JsonKind::string) {
        add_problem(map.to_file(member->value.span.begin), Severity::warning,
                    fmt::format("\"{}\" should be a string, as AWS writes it, found {}: read as absent", key,
                                json_kind_name(member->value.kind)));
        return {};
    }
    return member->value.text;
}

void LogReader::read_record(const JsonValue& record, std::uint32_t offset, const OffsetMap& map) {
    ++m_result.records;
    const JsonMember* event_type_member = record.find("eventType");
    if (event_type_member == nullptr || event_type_member->value.kind != JsonKind::string) {
        add_problem(offset, Severity::error,
                    fmt::format("eventType should be a string such as \"Connect\" or \"Publish-In\", found {}: the "
                                "record is skipped",
                                event_type_member == nullptr ? "nothing" : json_kind_name(event_type_member->value.kind)));
        return;
    }
    const Location location = m_file.location(offset);
    LogRequest request;
    request.line = location.line;
    request.column = location.column;
    request.event_type = event_type_member->value.text;
    request.timestamp = string_field(record, "timestamp", map);
    request.log_level = string_field(record, "logLevel", map);
    request.trace_id = string_field(record, "traceId", map);
    request.account_id = string_field(record, "accountId", map);
    request.protocol = string_field(record, "protocol", map);
    request.client_id = string_field(record, "clientId", map);
    request.principal_id = string_field(record, "principalId", map);
    request.source_ip = string_field(record, "sourceIp", map);
    request.topic_name = string_field(record, "topicName", map);
    request.job_id = string_field(record, "jobId", map);
    request.reason = string_field(record, "reason", map);
    request.details = string_field(record, "details", map);
    request.disconnect_reason = string_field(record, "disconnectReason", map);
    const std::string status = string_field(record, "status", map);

    // spec input §3.4: only an authorization failure is a decision the policy made.
    if (status == "Success") {
        request.outcome = LogOutcome::success;
        request.expectation = LogExpectation::allow;
    } else if (status == "Failure") {
        request.outcome = LogOutcome::failure;
        request.expectation = request.reason == "AUTHORIZATION_FAILURE" ? LogExpectation::deny : LogExpectation::none;
    } else if (!status.empty()) {
        add_problem(offset, Severity::warning,
                    fmt::format("status \"{}\" is neither \"Success\" nor \"Failure\", as AWS writes them: the "
                                "request is replayed without an expected decision",
                                status));
    }

    const EventType* type = find_event_type(request.event_type);
    if (type == nullptr) {
        auto [it, inserted] = m_unknown_event_types.try_emplace(request.event_type, UnknownEventType{offset, 0});
        ++it->second.count;
        ++m_result.skipped;
        return;
    }

    const auto not_mappable = [&](std::string_view why) {
        add_problem(offset, Severity::warning,
                    fmt::format("{} record {}: it is not replayed", request.event_type, why));
    };
    const auto require = [&](const std::string& value, std::string_view field, std::string_view what) {
        if (value.empty()) {
            not_mappable(fmt::format("has no {}, so the {} is unknown", field, what));
            return false;
        }
        return true;
    };
    const auto set_request = [&](std::string_view action, std::string_view kind, std::string name) {
        request.action = action;
        request.resource_kind = kind;
        request.resource_name = std::move(name);
    };

    switch (type->event_class) {
    case EventClass::connect:
        if (!require(request.client_id, "clientId", "client ID it connected with")) {
            return;
        }
        set_request("iot:Connect", "client", request.client_id);
        break;
    case EventClass::publish_in:
        if (!require(request.topic_name, "topicName", "topic it published to")) {
            return;
        }
        set_request("iot:Publish", "topic", request.topic_name);
        if (const JsonMember* retain = record.find("retain")) {
            // spec input §3.2: AWS writes the string "True", and only when RETAIN was set.
            const JsonValue& v = retain->value;
            if ((v.kind == JsonKind::string && v.text == "True") || (v.kind == JsonKind::boolean && v.boolean)) {
                request.retained = true;
            } else if (!(v.kind == JsonKind::string && v.text == "False") &&
                       !(v.kind == JsonKind::boolean && !v.boolean)) {
                add_problem(map.to_file(v.span.begin), Severity::warning,
                            "retain should be \"True\" (AWS writes it only for a publish with RETAIN set): read as "
                            "not retained, so iot:RetainPublish is not checked");
            }
        }
        break;
    case EventClass::subscribe:
        // spec input §3.3, unclear whether a SUBSCRIBE with several filters logs one record per filter: each record
        // is one decision on its topicName, never split.
        if (!require(request.topic_name, "topicName", "topic filter it subscribed to")) {
            return;
        }
        set_request("iot:Subscribe", "topicfilter", request.topic_name);
        break;
    case EventClass::publish_out:
        if (!require(request.topic_name, "topicName", "topic of the delivered message")) {
            return;
        }
        set_request("iot:Receive", "topic", request.topic_name);
        break;
    case EventClass::get_retained_message:
        if (!require(request.topic_name, "topicName", "topic of the retained message")) {
            return;
        }
        set_request("iot:GetRetainedMessage", "topic", request.topic_name);
        break;
    case EventClass::list_retained_message:
        set_request("iot:ListRetainedMessages", "*", "*");  // its resource can only be `*`
        break;
    case EventClass::disconnect:
        // Not a decision: DUPLICATE_CLIENT_ID and its kin are evidence for the replay's report (spec input §3.4).
        request.resource_kind = "client";
        request.resource_name = request.client_id;
        request.expectation = LogExpectation::none;
        m_result.disconnects.push_back(std::move(request));
        return;
    case EventClass::shadow:
    case EventClass::jobs: {
        if (request.protocol == "MQTT") {
            // The broker's decision was the publish on the reserved topic (spec input §3.3).
            if (!require(request.topic_name, "topicName", "reserved topic it published to")) {
                return;
            }
            set_request("iot:Publish", "topic", request.topic_name);
            break;
        }
        if (request.protocol != "HTTP") {
            not_mappable(request.protocol.empty()
                             ? std::string("has no protocol, so whether it was an MQTT publish or an HTTPS call "
                                           "is unknown; expected \"MQTT\" or \"HTTP\"")
                             : fmt::format("has protocol \"{}\"; expected \"MQTT\" or \"HTTP\"", request.protocol));
            return;
        }
        const ThingTopic topic = parse_thing_topic(request.topic_name);
        if (type->event_class == EventClass::jobs) {
            // spec input §3.3, unclear which field names the thing: topicName's `$aws/things/<thing>/`, else clientId.
            std::string thing(topic.thing);
            if (thing.empty() && !request.client_id.empty() && request.client_id != "N/A") {
                thing = request.client_id;
                request.uncertainty = "the thing name was taken from clientId, since topicName does not name it "
                                      "($aws/things/<thing>/...); which field AWS intends is unclear (spec input §3.3)";
            }
            if (thing.empty()) {
                not_mappable("names no thing: neither topicName ($aws/things/<thing>/...) nor clientId holds it");
                return;
            }
            set_request(type->http_action, "thing", std::move(thing));
            break;
        }
        // spec input §3.3: the thing from deviceShadowName (the thing name in AWS's examples); a named shadow as
        // well when the record names one, here through a `$aws/things/<thing>/shadow/name/<shadow>` topicName.
        std::string thing = string_field(record, "deviceShadowName", map);
        if (!topic.shadow.empty() && (thing.empty() || thing == topic.shadow)) {
            thing = topic.thing;  // deviceShadowName held the shadow's name, or nothing
        } else if (thing.empty() && !topic.thing.empty()) {
            thing = topic.thing;
            request.uncertainty = "the thing name was taken from topicName, since the record has no "
                                  "deviceShadowName (spec input §3.3)";
        } else if (!topic.thing.empty() && thing != topic.thing) {
            request.uncertainty = fmt::format("deviceShadowName \"{}\" and topicName's thing \"{}\" differ; the "
                                              "resource uses deviceShadowName (spec input §3.3)",
                                              thing, topic.thing);
        }
        if (thing.empty()) {
            not_mappable("has no deviceShadowName, so the thing whose shadow was called is unknown");
            return;
        }
        if (!topic.shadow.empty()) {
            thing = fmt::format("{}/{}", thing, topic.shadow);  // thing/<thing>/<shadow> (actions §4.3)
        }
        set_request(type->http_action, "thing", std::move(thing));
        break;
    }
    case EventClass::informational:
    case EventClass::authentication:
    case EventClass::no_device_policy:
        ++m_result.skipped;
        return;
    }
    m_result.requests.push_back(std::move(request));
}

}  // namespace

LogReadResult read_log_records(std::string_view text) {
    if (text.size() > k_max_source_bytes) {
        LogReadResult result;
        result.problems.push_back({1, 1, Severity::error,
                                   fmt::format("the log file has {} bytes, more than the {} a file may have: split "
                                               "it, e.g. with split -l",
                                               text.size(), k_max_source_bytes)});
        return result;
    }
    return LogReader(text).run();
}

}  // namespace iotpolicy
