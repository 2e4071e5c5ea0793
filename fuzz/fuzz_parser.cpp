// libFuzzer target: the whole lint pipeline (JSON parser, policy AST builder, every check rule) and the three
// output writers on arbitrary bytes, with invariants that must hold for every input and nlohmann::json as an
// independent oracle of what is valid JSON. A violated invariant prints what went wrong and aborts, so that
// libFuzzer records the input as a crash. See fuzz/README.md.
#include <algorithm>  // max
#include <cmath>      // fabs, isinf
#include <cstddef>
#include <cstdint>
#include <cstdio>     // fprintf, snprintf
#include <cstdlib>    // abort
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "iotpolicy/fix.hpp"
#include "iotpolicy/json.hpp"
#include "iotpolicy/lint.hpp"
#include "iotpolicy/output.hpp"
#include "iotpolicy/source.hpp"

namespace {

using iotpolicy::Diagnostic;
using iotpolicy::JsonKind;
using iotpolicy::JsonValue;
using iotpolicy::RuleId;
using iotpolicy::Severity;
using iotpolicy::SourceFile;

// --- Failing loudly -----------------------------------------------------------------------------------------

void dump_diagnostics(const std::vector<Diagnostic>& diagnostics) {
    for (const Diagnostic& d : diagnostics) {
        std::fprintf(stderr, "  %s %s [%u, %u): %s\n", std::string(iotpolicy::rule_info(d.rule).code).c_str(),
                     std::string(iotpolicy::severity_name(d.severity)).c_str(), static_cast<unsigned>(d.span.begin),
                     static_cast<unsigned>(d.span.end), d.message.c_str());
    }
}

[[noreturn]] void fail(const std::string& what, const std::vector<Diagnostic>& diagnostics) {
    std::fprintf(stderr, "\n*** iotpolicy fuzz invariant violated: %s\n*** diagnostics (%zu):\n", what.c_str(),
                 diagnostics.size());
    dump_diagnostics(diagnostics);
    std::abort();
}

void check(bool condition, const std::string& what, const std::vector<Diagnostic>& diagnostics) {
    if (!condition) {
        fail(what, diagnostics);
    }
}

// --- A stream that drops everything -------------------------------------------------------------------------

class NullBuffer final : public std::streambuf {
protected:
    int_type overflow(int_type c) override { return traits_type::not_eof(c); }
    std::streamsize xsputn(const char* /*s*/, std::streamsize n) override { return n; }
};

// --- The oracle's view of a document: a flat stream of events -------------------------------------------------
//
// nlohmann's SAX interface yields the document as events; our syntax tree is walked into the same events. Two
// documents read alike when their event streams are equal: same structure, member order (duplicates kept), keys
// and strings byte for byte after unescaping, literals, and numbers to the last bit of their double.

enum class EventKind : std::uint8_t {
    null, boolean, number, string, key, begin_object, end_object, begin_array, end_array
};

struct Event {
    Event(EventKind k) : kind(k) {}  // NOLINT(google-explicit-constructor): events are written {EventKind::x}

    EventKind kind;
    bool boolean = false;
    double number = 0.0;
    bool number_is_finite = true;  // false: the oracle read a number beyond the double range (see below)
    std::string text;

    friend bool operator==(const Event& a, const Event& b) {
        if (a.kind != b.kind || a.boolean != b.boolean || a.text != b.text) {
            return false;
        }
        if (a.kind != EventKind::number || !a.number_is_finite || !b.number_is_finite) {
            return true;
        }
        // Our parser keeps 0.0 for a number that underflows the double range (from_chars reports it out of
        // range); strtod, which the oracle uses, may give a subnormal instead. Neither is an error.
        const auto negligible = [](double x) { return std::fabs(x) < 2.2250738585072014e-308; };
        return a.number == b.number || (negligible(a.number) && negligible(b.number));
    }
};

std::string describe(const Event& e) {
    static constexpr const char* k_names[] = {"null", "boolean", "number", "string", "key", "{", "}", "[", "]"};
    std::string out = k_names[static_cast<int>(e.kind)];
    if (e.kind == EventKind::boolean) {
        out += e.boolean ? " true" : " false";
    } else if (e.kind == EventKind::number) {
        char number[32];
        std::snprintf(number, sizeof number, " %.17g", e.number);
        out += number;
    } else if (e.kind == EventKind::string || e.kind == EventKind::key) {
        out += " \"" + e.text + "\" (" + std::to_string(e.text.size()) + " bytes)";
    }
    return out;
}

class OracleEvents final : public nlohmann::json_sax<nlohmann::json> {
public:
    std::vector<Event> events;
    std::size_t max_depth = 0;
    bool has_infinite_number = false;

    bool null() override { return add({EventKind::null}); }
    bool boolean(bool value) override {
        Event e{EventKind::boolean};
        e.boolean = value;
        return add(std::move(e));
    }
    bool number_integer(number_integer_t value) override { return add_number(static_cast<double>(value)); }
    bool number_unsigned(number_unsigned_t value) override { return add_number(static_cast<double>(value)); }
    bool number_float(number_float_t value, const string_t& /*spelling*/) override { return add_number(value); }
    bool string(string_t& value) override {
        Event e{EventKind::string};
        e.text = value;
        return add(std::move(e));
    }
    bool binary(binary_t& /*value*/) override { return false; }  // never produced by JSON text
    bool key(string_t& value) override {
        Event e{EventKind::key};
        e.text = value;
        return add(std::move(e));
    }
    bool start_object(std::size_t /*elements*/) override { return open(EventKind::begin_object); }
    bool end_object() override { return close(EventKind::end_object); }
    bool start_array(std::size_t /*elements*/) override { return open(EventKind::begin_array); }
    bool end_array() override { return close(EventKind::end_array); }
    bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                     const nlohmann::detail::exception& /*error*/) override {
        return false;
    }

private:
    bool add(Event e) {
        events.push_back(std::move(e));
        return true;
    }
    bool add_number(double value) {
        Event e{EventKind::number};
        e.number = value;
        e.number_is_finite = !std::isinf(value);
        has_infinite_number = has_infinite_number || !e.number_is_finite;
        return add(std::move(e));
    }
    bool open(EventKind kind) {
        ++m_depth;
        max_depth = std::max(max_depth, m_depth);
        return add({kind});
    }
    bool close(EventKind kind) {
        --m_depth;
        return add({kind});
    }
    std::size_t m_depth = 0;
};

// Walks our tree into events, checking on the way that every span covers the token it claims to.
class TreeEvents {
public:
    TreeEvents(std::string_view text, const std::vector<Diagnostic>& diagnostics)
        : m_text(text), m_diagnostics(diagnostics) {}

    std::vector<Event> events;

    void walk(const JsonValue& value, std::size_t depth) {
        check(depth <= iotpolicy::k_max_json_depth, "the tree nests deeper than k_max_json_depth", m_diagnostics);
        const std::string_view token = spanned(value.span, "value");
        switch (value.kind) {
        case JsonKind::null:
            check(token == "null", "a null's span does not cover 'null'", m_diagnostics);
            events.push_back({EventKind::null});
            return;
        case JsonKind::boolean: {
            check(token == (value.boolean ? "true" : "false"), "a boolean's span does not cover its literal",
                  m_diagnostics);
            Event e{EventKind::boolean};
            e.boolean = value.boolean;
            events.push_back(std::move(e));
            return;
        }
        case JsonKind::number: {
            check(!token.empty() && (token.front() == '-' || (token.front() >= '0' && token.front() <= '9')) &&
                      token.back() >= '0' && token.back() <= '9',
                  "a number's span does not cover a number", m_diagnostics);
            Event e{EventKind::number};
            e.number = value.number;
            events.push_back(std::move(e));
            return;
        }
        case JsonKind::string: {
            check_quoted(token, "a string's");
            Event e{EventKind::string};
            e.text = value.text;
            events.push_back(std::move(e));
            return;
        }
        case JsonKind::array:
            check(token.size() >= 2 && token.front() == '[' && token.back() == ']',
                  "an array's span does not run from '[' to ']'", m_diagnostics);
            events.push_back({EventKind::begin_array});
            for (const JsonValue& item : value.items) {
                check(value.span.begin < item.span.begin && item.span.end < value.span.end,
                      "an array item's span is not inside the array's", m_diagnostics);
                walk(item, depth + 1);
            }
            events.push_back({EventKind::end_array});
            return;
        case JsonKind::object:
            check(token.size() >= 2 && token.front() == '{' && token.back() == '}',
                  "an object's span does not run from '{' to '}'", m_diagnostics);
            events.push_back({EventKind::begin_object});
            for (const iotpolicy::JsonMember& member : value.members) {
                check_quoted(spanned(member.key_span, "key"), "a key's");
                check(value.span.begin < member.key_span.begin && member.key_span.end <= member.value.span.begin &&
                          member.value.span.end < value.span.end,
                      "a member's spans are not inside the object's, key before value", m_diagnostics);
                Event key{EventKind::key};
                key.text = member.key;
                events.push_back(std::move(key));
                walk(member.value, depth + 1);
            }
            events.push_back({EventKind::end_object});
            return;
        }
        fail("a value of unknown kind", m_diagnostics);
    }

private:
    std::string_view spanned(iotpolicy::Span span, const char* what) {
        check(span.begin <= span.end && span.end <= m_text.size(),
              std::string("a ") + what + " span lies outside the text", m_diagnostics);
        return m_text.substr(span.begin, span.end - span.begin);
    }

    void check_quoted(std::string_view token, const char* whose) {
        check(token.size() >= 2 && token.front() == '"' && token.back() == '"',
              std::string(whose) + " span does not run from quote to quote", m_diagnostics);
    }

    std::string_view m_text;
    const std::vector<Diagnostic>& m_diagnostics;
};

// --- The invariants -----------------------------------------------------------------------------------------

void check_diagnostics(const SourceFile& source, const std::vector<Diagnostic>& diagnostics) {
    const std::size_t size = source.text().size();
    for (std::size_t i = 0; i < diagnostics.size(); ++i) {
        const Diagnostic& d = diagnostics[i];
        const std::string which = "diagnostic #" + std::to_string(i) + ": ";
        check(static_cast<std::size_t>(d.rule) < iotpolicy::all_rules().size(), which + "unknown rule",
              diagnostics);
        check(d.severity == Severity::error || d.severity == Severity::warning || d.severity == Severity::info,
              which + "unknown severity", diagnostics);
        check(d.span.begin <= d.span.end && d.span.end <= size, which + "span is not begin <= end <= text size",
              diagnostics);
        check(!d.message.empty(), which + "empty message", diagnostics);
        const iotpolicy::Location begin = source.location(d.span.begin);
        const iotpolicy::Location end = source.location(d.span.end);
        check(begin.line >= 1 && begin.column >= 1 && end.line >= 1 && end.column >= 1,
              which + "location has a line or column below 1", diagnostics);
        check(begin.line <= source.line_count() && end.line <= source.line_count(),
              which + "location is past the last line", diagnostics);
        check(begin.line < end.line || (begin.line == end.line && begin.column <= end.column),
              which + "the span's end is located before its begin", diagnostics);
        if (i > 0) {
            // lint_source promises diagnostics sorted by position.
            check(diagnostics[i - 1].span.begin <= d.span.begin, which + "not sorted by position", diagnostics);
        }
    }
}

// Every fix edits inside the text; fixing converges to a text that fixing again leaves alone.
void check_fixes(const SourceFile& source, const std::vector<Diagnostic>& diagnostics) {
    bool fixable = false;
    for (const Diagnostic& d : diagnostics) {
        if (!d.fix) {
            continue;
        }
        fixable = true;
        for (const iotpolicy::TextEdit& edit : d.fix->edits) {
            check(edit.span.begin <= edit.span.end && edit.span.end <= source.text().size(),
                  "a fix edits outside the text", diagnostics);
        }
    }
    if (!fixable) {
        return;
    }
    const iotpolicy::FixResult fixed = iotpolicy::fix_source(source.path(), std::string(source.text()));
    if (fixed.converged) {
        const iotpolicy::FixResult again = iotpolicy::fix_source(source.path(), fixed.text);
        check(again.applied == 0 && again.text == fixed.text, "fixing the fixed text changes it", diagnostics);
    }
}

void render(const SourceFile& source, const std::vector<Diagnostic>& diagnostics) {
    const std::vector<iotpolicy::FileDiagnostics> files{{&source, diagnostics}};
    NullBuffer null_buffer;
    std::ostream discard(&null_buffer);
    iotpolicy::write_text(discard, files, /*color=*/false);
    iotpolicy::write_text(discard, files, /*color=*/true);
    iotpolicy::write_sarif(discard, files, "fuzz");
    // The JSON format is read by programs: it must be JSON, whatever bytes the messages quote.
    std::ostringstream json;
    iotpolicy::write_json(json, files);
    check(nlohmann::json::accept(json.str()), "write_json produced invalid JSON", diagnostics);
}

bool has_iot001_error(const std::vector<Diagnostic>& diagnostics) {
    for (const Diagnostic& d : diagnostics) {
        if (d.rule == RuleId::IOT001 && d.severity == Severity::error) {
            return true;
        }
    }
    return false;
}

// nlohmann::json (RFC 8259 by default: no comments, no trailing commas, strict UTF-8, no lone surrogates) is the
// oracle. Where the two must differ on purpose:
//  - A NUL byte: nlohmann's lexer takes it for the end of the input (for C strings), so it accepts "0\0junk".
//    RFC 8259 allows a NUL byte nowhere (not between tokens, not raw inside a string): text with one is invalid.
//  - A UTF-8 byte-order mark: nlohmann skips it, we report an IOT001 *warning*: both accept the text.
//  - Duplicate keys: valid JSON for both; we report IOT002, not IOT001.
//  - Nesting deeper than k_max_json_depth (128): valid for nlohmann, an IOT001 error for us (a bound on the
//    parser's recursion, and no policy nests so deep).
//  - A number beyond the double range (1e400): nlohmann reads it as infinity, we report an IOT001 error (RFC
//    8259 §6 lets an implementation limit the range, and IAM cannot read such a number either).
// So: we must report an IOT001 error exactly when nlohmann rejects the text, or it nests too deep, or it has
// a number that overflows a double. When the text is accepted, our tree must read as nlohmann's does.
void check_against_oracle(const SourceFile& source, const std::vector<Diagnostic>& lint_diagnostics) {
    const std::string_view text = source.text();

    // Our own tree, whenever the parser recovered one (also from invalid text): its spans must hold.
    const iotpolicy::JsonDocument document = iotpolicy::parse_json(source);
    TreeEvents ours(text, document.diagnostics);
    if (document.root) {
        ours.walk(*document.root, 1);
    }

    const bool accepted = text.find('\0') == std::string_view::npos && nlohmann::json::accept(text);
    const bool we_reject = has_iot001_error(lint_diagnostics);
    if (!accepted) {
        check(we_reject, "nlohmann::json rejects the text but there is no IOT001 error", lint_diagnostics);
        return;
    }
    OracleEvents oracle;
    const bool sax_accepted = nlohmann::json::sax_parse(text, &oracle);
    check(sax_accepted, "nlohmann::json::accept and sax_parse disagree", lint_diagnostics);
    const bool too_deep = oracle.max_depth > iotpolicy::k_max_json_depth;
    const bool out_of_range = oracle.has_infinite_number;
    if (too_deep || out_of_range) {
        check(we_reject,
              too_deep ? "the text nests deeper than k_max_json_depth but there is no IOT001 error"
                       : "the text has a number beyond the double range but there is no IOT001 error",
              lint_diagnostics);
    } else {
        check(!we_reject, "nlohmann::json accepts the text but there is an IOT001 error", lint_diagnostics);
    }
    if (too_deep) {
        return;  // the parse stopped at the depth limit: there is no tree to compare
    }

    check(document.root.has_value(), "nlohmann::json accepts the text but parse_json built no tree",
          document.diagnostics);
    const std::vector<Event>& expected = oracle.events;
    for (std::size_t i = 0; i < std::max(expected.size(), ours.events.size()); ++i) {
        if (i >= expected.size() || i >= ours.events.size() || !(expected[i] == ours.events[i])) {
            fail("the syntax tree differs from nlohmann::json's reading at event #" + std::to_string(i) +
                     ": nlohmann: " + (i < expected.size() ? describe(expected[i]) : "(end)") +
                     ", ours: " + (i < ours.events.size() ? describe(ours.events[i]) : "(end)"),
                 document.diagnostics);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > iotpolicy::k_max_source_bytes) {
        return -1;  // outside SourceFile's contract; libFuzzer never gets near it
    }
    const SourceFile source("fuzz.json", std::string(reinterpret_cast<const char*>(data), size));
    const std::vector<Diagnostic> diagnostics = iotpolicy::lint_source(source);
    check_diagnostics(source, diagnostics);
    check_fixes(source, diagnostics);
    render(source, diagnostics);
    check_against_oracle(source, diagnostics);
    return 0;
}
