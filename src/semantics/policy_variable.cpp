// Policy-variable templates: PEGTL actions over grammar/policy_variable.hpp that collect the segments, a control
// that turns the first failing error point of a malformed variable into a problem, and the substitution.
#include "iotpolicy/policy_variable.hpp"

#include <algorithm>    // any_of, clamp, upper_bound
#include <iterator>     // prev
#include <cstring>      // memchr
#include <optional>     // optional
#include <type_traits>  // is_same_v

#include <fmt/format.h>

#include "../../grammar/policy_variable.hpp"
#include "../../grammar/policy_variable_errors.hpp"
#include "../support/utf8.hpp"  // utf8_sequence_length

namespace iotpolicy {

namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar::policy_variable;

/// Where a problem's range ends once malformed_variable knows the variable's extent.
enum class RangeEnd : std::uint8_t {
    as_found,       // the end describe_failure computed
    before_close,   // just before the '}' that closes the variable, if it has one
    segment_end,    // the end of the malformed segment (an unterminated variable runs to the end of the string)
};

/// The problem a failing error point found, waiting for malformed_variable to give it its segment.
struct PendingProblem {
    Span range;
    std::string message;
    RangeEnd end = RangeEnd::as_found;
    bool has_whitespace = false;  // the defect is whitespace: the message may suggest the trimmed spelling
};

struct ParseState {
    ParseState(std::string_view parsed, std::vector<TemplateSegment>& out_segments,
               std::vector<TemplateProblem>& out_problems)
        : text(parsed), segments(out_segments), problems(out_problems) {}

    std::string_view text;
    std::vector<TemplateSegment>& segments;
    std::vector<TemplateProblem>& problems;
    std::uint32_t variable_begin = 0;
    std::uint32_t subscript_begin = 0;
    std::uint32_t quote_begin = 0;
    Span name;
    Span default_text;
    bool has_default = false;
    bool unterminated = false;
    std::optional<PendingProblem> pending;

    std::uint32_t offset_of(const char* p) const { return static_cast<std::uint32_t>(p - text.data()); }

    void add(SegmentKind kind, std::uint32_t begin, std::uint32_t end) {
        TemplateSegment segment;
        segment.kind = kind;
        segment.range = {begin, end};
        segments.push_back(segment);
    }
};

bool is_whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// --- Describing what a failing error point found ----------------------------------------------------------------

/// What stands where an error point failed: how many bytes it covers and how to name it.
struct Found {
    std::size_t length = 0;
    std::string description;
    bool is_whitespace = false;
};

template <typename Rule>
inline constexpr bool in_subscript =
    std::is_same_v<Rule, g::subscript_name> || std::is_same_v<Rule, g::subscript_close>;

template <typename Rule>
Found describe_found(std::string_view rest) {
    if (rest.empty()) {
        return {0, "the end of the value"};
    }
    const char c = rest.front();
    if (is_whitespace(c)) {
        std::size_t run = 1;
        while (run < rest.size() && is_whitespace(rest[run])) {
            ++run;
        }
        const char* what = c == ' ' ? "a space" : c == '\t' ? "a tab" : "a line break";
        return {run, fmt::format("{}: a variable cannot contain whitespace", what), true};
    }
    if (rest.starts_with("${")) {
        // The inner variable up to its '}'; the extent rule of the grammar claims the same bytes.
        const std::size_t close = rest.find('}', 2);
        const std::size_t length = close == std::string_view::npos ? rest.size() : close + 1;
        if constexpr (in_subscript<Rule>) {
            return {length, "'${': the attribute name in '[...]' is part of the key and never a variable, and "
                            "variables do not nest"};
        }
        return {length, "'${': variables do not nest"};
    }
    switch (c) {
    case '*':
    case '?': return {1, fmt::format("'{}': a variable name cannot contain a wildcard", c)};
    case ']':
        if constexpr (std::is_same_v<Rule, g::subscript_name>) {
            return {1, "']': the attribute name is empty"};
        }
        return {1, "']' without a matching '['"};
    case '[':
        if constexpr (in_subscript<Rule>) {
            return {1, "'[': brackets do not nest"};
        }
        return {1, "'['"};
    case '\'': return {1, "a single quote"};
    default: break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
        return {1, fmt::format("control character U+{:04X}", static_cast<unsigned>(byte))};
    }
    if (byte >= 0x80) {
        const std::uint32_t length = detail::utf8_sequence_length(rest, 0);
        if (length == 0) {
            return {1, fmt::format("byte 0x{:02X}", static_cast<unsigned>(byte))};
        }
        return {length, fmt::format("'{}'", rest.substr(0, length))};
    }
    return {1, fmt::format("'{}'", c)};
}

template <typename Rule, typename Input>
PendingProblem describe_failure(const Input& in, const ParseState& state) {
    const std::uint32_t at = state.offset_of(in.current());
    const std::string_view rest(in.current(), in.size());
    if constexpr (std::is_same_v<Rule, g::variable_not_empty>) {
        const std::size_t close = rest.find('}');  // the rule failed, so only whitespace comes before it
        return {{state.variable_begin, static_cast<std::uint32_t>(at + close + 1)}, g::error_message<Rule>};
    } else if constexpr (std::is_same_v<Rule, g::subscript_balanced>) {
        return {{state.subscript_begin, at}, g::error_message<Rule>, RangeEnd::before_close};
    } else if constexpr (std::is_same_v<Rule, g::default_close>) {
        return {{state.quote_begin, at}, g::error_message<Rule>, RangeEnd::before_close};
    } else {
        static_assert(g::appends_found<Rule>, "a rule with a complete message needs its range computed above");
        const Found found = describe_found<Rule>(rest);
        std::string message = fmt::format("{}, found {}", g::error_message<Rule>, found.description);
        if (found.length == 0) {
            // The end of the value: the whole variable is what is unfinished.
            return {{state.variable_begin, at}, std::move(message), RangeEnd::segment_end};
        }
        return {{at, static_cast<std::uint32_t>(at + found.length)}, std::move(message), RangeEnd::as_found,
                found.is_whitespace};
    }
}

template <typename Rule>
struct Control : pegtl::normal<Rule> {
    template <typename Input>
    [[noreturn]] static void raise(const Input& in, ParseState& state) {
        static_assert(g::error_message<Rule> != nullptr,
                      "every error point needs a message in grammar/policy_variable_errors.hpp");
        state.pending = describe_failure<Rule>(in, state);
        // g::variable catches this with try_catch and falls back to g::malformed_variable, which takes the problem.
        const std::size_t offset = in.current() - state.text.data();
        throw pegtl::parse_error(g::error_message<Rule>, pegtl::position(offset, 1, offset + 1, std::string()));
    }
};

// --- Actions ------------------------------------------------------------------------------------------------------

template <typename Rule>
struct Action : pegtl::nothing<Rule> {};

template <>
struct Action<g::literal> {
    template <typename Input>
    static void apply(const Input& in, ParseState& state) {
        state.add(SegmentKind::literal, state.offset_of(in.begin()), state.offset_of(in.end()));
    }
};

template <>
struct Action<g::variable_open> {
    template <typename Input>
    static void apply(const Input& in, ParseState& state) {
        // Also the start of malformed_variable, after named_variable failed: the pending problem stays.
        state.variable_begin = state.offset_of(in.begin());
        state.has_default = false;
    }
};

template <>
struct Action<g::subscript_open> {
    template <typename Input>
    static void apply(const Input& in, ParseState& state) {
        state.subscript_begin = state.offset_of(in.begin());
    }
};

template <>
struct Action<g::variable_name> {
    template <typename Input>
    static void apply(const Input& in, ParseState& state) {
        state.name = {state.offset_of(in.begin()), state.offset_of(in.end())};
    }
};

template <>
struct Action<g::default_open> {
    template <typename Input>
    static void apply(const Input& in, ParseState& state) {
        state.quote_begin = state.offset_of(in.begin());
    }
};

template <>
struct Action<g::default_text> {
    template <typename Input>
    static void apply(const Input& in, ParseState& state) {
        state.default_text = {state.offset_of(in.begin()), state.offset_of(in.end())};
    }
};

template <>
struct Action<g::default_value> {
    static void apply0(ParseState& state) { state.has_default = true; }
};

template <>
struct Action<g::named_variable> {
    template <typename Input>
    static void apply(const Input& in, ParseState& state) {
        TemplateSegment segment;
        segment.kind = state.has_default ? SegmentKind::default_variable : SegmentKind::variable;
        segment.range = {state.offset_of(in.begin()), state.offset_of(in.end())};
        segment.name = state.name;
        if (state.has_default) {
            segment.default_value = state.default_text;
        }
        state.segments.push_back(segment);
    }
};

template <SegmentKind Kind>
struct EscapeAction {
    template <typename Input>
    static void apply(const Input& in, ParseState& state) {
        state.add(Kind, state.offset_of(in.begin()), state.offset_of(in.end()));
        state.segments.back().escaped = in.begin()[2];  // `${*}` and `$(*)` alike
    }
};

template <>
struct Action<g::escape_variable> : EscapeAction<SegmentKind::escape> {};
template <>
struct Action<g::parenthesised_escape> : EscapeAction<SegmentKind::parenthesised_escape> {};

/// True when `text` is one well-formed `${…}` on its own (no actions: a check, not a parse).
bool is_well_formed_variable(std::string_view text) {
    pegtl::memory_input<pegtl::tracking_mode::lazy> input(text.data(), text.size(), "");
    try {
        return pegtl::parse<pegtl::seq<pegtl::sor<g::escape_variable, g::named_variable>, pegtl::eof>>(input);
    } catch (const pegtl::parse_error&) {
        return false;
    }
}

/// "; write ${iot:ClientId}" for `${ iot:ClientId }`: when trimming the whitespace just inside the braces gives a
/// well-formed variable. Whitespace inside a name is not guessed away: the catalog suggests known names.
std::string suggest_trimmed(std::string_view written) {
    if (!written.starts_with("${") || !written.ends_with('}')) {
        return {};
    }
    std::string_view inside = written.substr(2, written.size() - 3);
    while (!inside.empty() && is_whitespace(inside.front())) {
        inside.remove_prefix(1);
    }
    while (!inside.empty() && is_whitespace(inside.back())) {
        inside.remove_suffix(1);
    }
    const std::string trimmed = fmt::format("${{{}}}", inside);
    if (trimmed.size() == written.size() || !is_well_formed_variable(trimmed)) {
        return {};
    }
    return fmt::format("; write {}", trimmed);
}

template <>
struct Action<g::unterminated_variable> {
    static void apply0(ParseState& state) { state.unterminated = true; }
};

template <>
struct Action<g::malformed_variable> {
    template <typename Input>
    static void apply(const Input& in, ParseState& state) {
        const Span range{state.offset_of(in.begin()), state.offset_of(in.end())};
        state.add(SegmentKind::malformed, range.begin, range.end);
        const std::string_view written(in.begin(), in.size());
        // INVARIANT: named_variable failed at an error point, whose raise() left the problem pending.
        PendingProblem problem = state.pending.value_or(PendingProblem{range, "malformed variable"});
        state.pending.reset();
        if (state.unterminated) {
            // No '}' at all: that is the defect to fix first, whatever else the name has.
            problem = {range, g::error_message<g::unterminated_variable>, RangeEnd::segment_end};
            state.unterminated = false;
        }
        if (problem.end == RangeEnd::before_close) {
            problem.range.end = written.ends_with('}') ? range.end - 1 : range.end;
        } else if (problem.end == RangeEnd::segment_end) {
            problem.range.end = range.end;
        }
        // Keep the problem inside its segment (a found '${' may run past a variable that closes early).
        problem.range.begin = std::clamp(problem.range.begin, range.begin, range.end);
        problem.range.end = std::clamp(problem.range.end, problem.range.begin, range.end);
        if (problem.has_whitespace) {
            problem.message += suggest_trimmed(written);
        }
        state.problems.push_back({problem.range, std::move(problem.message)});
    }
};

// --- Substitution -------------------------------------------------------------------------------------------------

void append(SubstitutedText& out, std::string_view text, TextOrigin origin) {
    if (text.empty()) {
        return;
    }
    const auto begin = static_cast<std::uint32_t>(out.text.size());
    out.text.append(text);
    const auto end = static_cast<std::uint32_t>(out.text.size());
    if (!out.runs.empty() && out.runs.back().origin == origin && out.runs.back().end == begin) {
        out.runs.back().end = end;
    } else {
        out.runs.push_back({begin, end, origin});
    }
}

void worsen(SubstitutionStatus& status, SubstitutionStatus to) {
    if (static_cast<std::uint8_t>(to) > static_cast<std::uint8_t>(status)) {
        status = to;
    }
}

}  // namespace

bool VariableTemplate::has_variables() const {
    return std::any_of(m_segments.begin(), m_segments.end(), [](const TemplateSegment& segment) {
        return segment.kind != SegmentKind::literal && segment.kind != SegmentKind::parenthesised_escape;
    });
}

bool VariableTemplate::has_parenthesised_escapes() const {
    return std::any_of(m_segments.begin(), m_segments.end(), [](const TemplateSegment& segment) {
        return segment.kind == SegmentKind::parenthesised_escape;
    });
}

VariableTemplate parse_variable_template(std::string_view text) {
    VariableTemplate result;
    if (text.size() > k_max_source_bytes) {
        result.m_problems.push_back({{0, 0}, fmt::format("the value is longer than {} bytes, so its variables are "
                                                         "not read",
                                                         k_max_source_bytes)});
        return result;
    }
    result.m_text.assign(text);
    if (text.empty()) {
        return result;
    }
    const Span whole{0, static_cast<std::uint32_t>(text.size())};
    if (std::memchr(text.data(), '$', text.size()) == nullptr) {
        // No '$', no variable: the common case needs no parse.
        result.m_segments.push_back({SegmentKind::literal, whole, {}, {}, 0});
        return result;
    }
    const std::string_view own = result.m_text;
    ParseState state{own, result.m_segments, result.m_problems};
    pegtl::memory_input<pegtl::tracking_mode::lazy> input(own.data(), own.size(), "");
    bool matched = false;
    try {
        matched = pegtl::parse<g::variable_template, Action, Control>(input, state);
    } catch (const pegtl::parse_error&) {
        matched = false;  // an exception must not leave the function
    }
    if (!matched) {
        // INVARIANT: unreachable, g::variable_template matches every input; the template stays whole regardless.
        result.m_segments.assign(1, {SegmentKind::malformed, whole, {}, {}, 0});
        result.m_problems.assign(1, {whole, "the value could not be read"});
    }
    return result;
}

TextOrigin SubstitutedText::origin_at(std::size_t offset) const {
    const auto after = std::upper_bound(runs.begin(), runs.end(), offset,
                                        [](std::size_t at, const TextRun& run) { return at < run.begin; });
    return after == runs.begin() ? TextOrigin::pattern : std::prev(after)->origin;
}

SubstitutionStatus substitute(const VariableTemplate& tmpl, VariableResolver resolve, SubstitutedText& out,
                              const SubstitutionOptions& options) {
    if (!options.substitute_variables) {
        append(out, tmpl.literal_reading(), TextOrigin::pattern);
        return SubstitutionStatus::resolved;
    }
    SubstitutionStatus status = SubstitutionStatus::resolved;
    for (const TemplateSegment& segment : tmpl.segments()) {
        const std::string_view written = tmpl.slice(segment.range);
        switch (segment.kind) {
        case SegmentKind::literal: append(out, written, TextOrigin::pattern); break;
        case SegmentKind::escape: append(out, std::string_view(&segment.escaped, 1), TextOrigin::literal); break;
        case SegmentKind::parenthesised_escape:
            if (options.parenthesised == ParenthesisedEscapeReading::escape) {
                append(out, std::string_view(&segment.escaped, 1), TextOrigin::literal);
            } else {
                append(out, written, TextOrigin::pattern);
            }
            break;
        case SegmentKind::variable: {
            const VariableValue value = resolve(tmpl.name(segment));
            switch (value.kind) {
            case VariableValue::Kind::value: append(out, value.text, TextOrigin::value); break;
            case VariableValue::Kind::unresolved:
                worsen(status, SubstitutionStatus::unresolved);
                append(out, written, TextOrigin::literal);
                break;
            case VariableValue::Kind::unknown:
                worsen(status, SubstitutionStatus::unknown);
                append(out, written, TextOrigin::literal);
                break;
            case VariableValue::Kind::as_written: append(out, written, TextOrigin::literal); break;
            }
            break;
        }
        case SegmentKind::default_variable:  // IAM's default value: undocumented for AWS IoT, UNKNOWN (spec vars §1)
        case SegmentKind::malformed:         // unclear whether AWS rejects, ignores or reads it: UNKNOWN (spec §0.2)
            worsen(status, SubstitutionStatus::unknown);
            append(out, written, TextOrigin::literal);
            break;
        }
    }
    return status;
}

}  // namespace iotpolicy
