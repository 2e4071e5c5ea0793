// PEGTL actions that build the JSON syntax tree, and the translation of grammar failures into IOT001.
#include <cctype>        // isxdigit
#include <charconv>      // from_chars
#include <type_traits>   // is_same_v
#include <unordered_set>

#include <fmt/format.h>

#include "../../grammar/json.hpp"
#include "../../grammar/json_errors.hpp"
#include "iotpolicy/json.hpp"
#include "../support/utf8.hpp"

namespace iotpolicy {

namespace {

namespace pegtl = tao::pegtl;
namespace g = grammar::json;

/// A definitive syntax error: the parse stops here.
struct SyntaxError {
    std::string message;
    std::uint32_t offset;
};

struct PendingKey {
    std::string text;
    Span span;
};

struct BuildState {
    const char* base;
    std::vector<Diagnostic>& diagnostics;
    std::vector<JsonValue> open_containers;
    std::vector<PendingKey> keys;
    JsonValue completed;
    std::uint32_t last_comma = 0;
    std::uint32_t comment_start = 0;

    std::uint32_t offset_of(const char* p) const { return static_cast<std::uint32_t>(p - base); }

    void report(std::uint32_t begin, std::uint32_t end, Severity severity, std::string message) {
        diagnostics.push_back({RuleId::IOT001, severity, {begin, end}, std::move(message)});
    }
};

// --- Describing what was found at an error point ------------------------------------------------------------

std::string describe_found(std::string_view rest) {
    if (rest.empty()) {
        return "the end of the input";
    }
    const auto byte = static_cast<unsigned char>(rest.front());
    if (byte == '\n' || byte == '\r') {
        return "the end of the line";
    }
    if (byte == '\\' && (rest.size() == 1 || rest[1] == '\n' || rest[1] == '\r')) {
        return "a backslash at the end of the line (a JSON string cannot continue on the next line)";
    }
    if (byte >= 0x80) {
        return fmt::format("byte 0x{:02X}", byte);
    }
    if (byte < 0x20 || byte == 0x7F) {
        return fmt::format("control character U+{:04X}", byte);
    }
    return fmt::format("'{}'", rest.front());
}

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

// At a place where a value (or key) belongs, names the usual mistakes in words a policy author recognises.
std::string describe_missing_value(std::string_view expected, std::string_view rest) {
    if (!rest.empty() && rest.front() == '\'') {
        return fmt::format("{}: strings and keys must be in double quotes, found a single quote", expected);
    }
    std::size_t word_length = 0;
    while (word_length < rest.size() && word_length < 32 && is_word_char(rest[word_length])) {
        ++word_length;
    }
    if (word_length > 0) {
        const std::string_view word = rest.substr(0, word_length);
        if (word == "NaN" || word == "Infinity") {
            return fmt::format("{}: {} is not a JSON number", expected, word);
        }
        if (word == "True" || word == "False" || word == "TRUE" || word == "FALSE" || word == "None" ||
            word == "Null" || word == "NULL") {
            return fmt::format("{}: JSON literals are lower-case true, false and null, found '{}'", expected, word);
        }
        return fmt::format("{}: found '{}'; strings and keys must be in double quotes", expected, word);
    }
    if (!rest.empty() && (rest.front() == ']' || rest.front() == '}')) {
        return fmt::format("{}, found '{}'", expected, rest.front());
    }
    return fmt::format("{}, found {}", expected, describe_found(rest));
}

template <typename Rule>
struct Control : pegtl::normal<Rule> {
    template <typename Input>
    [[noreturn]] static void raise(const Input& in, BuildState& state) {
        static_assert(g::error_message<Rule> != nullptr, "every error point needs a message in json_errors.hpp");
        if constexpr (std::is_same_v<Rule, g::block_comment_body>) {
            // The end of the input says nothing useful: point at the comment that never closes.
            throw SyntaxError{g::error_message<Rule>, state.comment_start};
        }
        const std::string_view rest(in.current(), in.size());
        std::string message = g::expects_value<Rule> ? describe_missing_value(g::error_message<Rule>, rest)
                                                     : fmt::format("{}, found {}", g::error_message<Rule>,
                                                                   describe_found(rest));
        throw SyntaxError{std::move(message), state.offset_of(in.current())};
    }
};

// --- Strings ------------------------------------------------------------------------------------------------

unsigned hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return static_cast<unsigned>(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return static_cast<unsigned>(c - 'a' + 10);
    }
    return static_cast<unsigned>(c - 'A' + 10);
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

constexpr char32_t k_replacement_character = 0xFFFD;

bool is_complete_unicode_escape(std::string_view s, std::size_t i) {
    if (i + 6 > s.size() || s[i] != '\\' || s[i + 1] != 'u') {
        return false;
    }
    for (std::size_t k = 2; k < 6; ++k) {
        if (std::isxdigit(static_cast<unsigned char>(s[i + k])) == 0) {
            return false;
        }
    }
    return true;
}

char32_t read_unicode_escape(std::string_view s, std::size_t i) {
    return (hex_value(s[i + 2]) << 12) | (hex_value(s[i + 3]) << 8) | (hex_value(s[i + 4]) << 4) |
           hex_value(s[i + 5]);
}

/// Decodes the text between the quotes of a string token that starts at byte `begin`. The grammar's actions
/// have already reported bad escapes, control characters and invalid UTF-8; what only shows when escapes are
/// paired, a lone surrogate, is reported here. Anything invalid decodes as U+FFFD.
std::string decode_string(std::string_view content, std::uint32_t begin, BuildState& state) {
    std::string out;
    out.reserve(content.size());
    std::size_t i = 0;
    while (i < content.size()) {
        const std::size_t run_end = std::min(content.find('\\', i), content.size());
        while (i < run_end) {
            // ASCII goes in bulk; invalid UTF-8 (reported by the grammar's action) becomes U+FFFD, one per byte.
            const std::size_t ascii_end = static_cast<std::size_t>(
                std::find_if(content.begin() + static_cast<std::ptrdiff_t>(i),
                             content.begin() + static_cast<std::ptrdiff_t>(run_end),
                             [](char c) { return static_cast<unsigned char>(c) >= 0x80; }) -
                content.begin());
            out.append(content.substr(i, ascii_end - i));
            i = ascii_end;
            if (i == run_end) break;
            const std::uint32_t length = detail::utf8_sequence_length(content, i);
            if (length == 0) {
                out.append(reinterpret_cast<const char*>(u8"\uFFFD"));
                ++i;
            } else {
                out.append(content.substr(i, length));
                i += length;
            }
        }
        if (i >= content.size()) {
            break;
        }
        // content[i] == '\\'
        if (i + 1 >= content.size()) {
            break;
        }
        const char kind = content[i + 1];
        switch (kind) {
        case '"': out.push_back('"'); i += 2; continue;
        case '\\': out.push_back('\\'); i += 2; continue;
        case '/': out.push_back('/'); i += 2; continue;
        case 'b': out.push_back('\b'); i += 2; continue;
        case 'f': out.push_back('\f'); i += 2; continue;
        case 'n': out.push_back('\n'); i += 2; continue;
        case 'r': out.push_back('\r'); i += 2; continue;
        case 't': out.push_back('\t'); i += 2; continue;
        default: break;
        }
        if (!is_complete_unicode_escape(content, i)) {
            // Reported by the invalid_escape action, which takes the backslash and the whole character after it.
            out.append(reinterpret_cast<const char*>(u8"\uFFFD"));
            i += 1 + detail::utf8_step(content, i + 1);
            continue;
        }
        char32_t cp = read_unicode_escape(content, i);
        const auto escape_begin = static_cast<std::uint32_t>(begin + i);
        if (cp >= 0xD800 && cp <= 0xDBFF && is_complete_unicode_escape(content, i + 6) &&
            read_unicode_escape(content, i + 6) >= 0xDC00 && read_unicode_escape(content, i + 6) <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (read_unicode_escape(content, i + 6) - 0xDC00);
            i += 12;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            state.report(escape_begin, escape_begin + 6, Severity::error,
                         fmt::format("lone surrogate \\u{:04X} is not a Unicode character: a high surrogate "
                                     "(\\uD800-\\uDBFF) must be followed by a low one (\\uDC00-\\uDFFF)",
                                     static_cast<unsigned>(cp)));
            cp = k_replacement_character;
            i += 6;
        } else {
            i += 6;
        }
        append_utf8(out, cp);
    }
    return out;
}

// --- Actions ------------------------------------------------------------------------------------------------

template <typename Rule>
struct Action : pegtl::nothing<Rule> {};

template <>
struct Action<g::byte_order_mark> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        const std::uint32_t begin = state.offset_of(in.begin());
        state.report(begin, begin + 3, Severity::warning,
                     "the file starts with a UTF-8 byte-order mark, which JSON text must not have (RFC 8259 §8.1); "
                     "save it as UTF-8 without BOM");
    }
};

template <>
struct Action<g::block_comment_start> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        state.comment_start = state.offset_of(in.begin());
    }
};

template <>
struct Action<g::comment> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        const std::uint32_t begin = state.offset_of(in.begin());
        std::uint32_t end = state.offset_of(in.end());
        while (end > begin && (in.begin()[end - begin - 1] == '\n' || in.begin()[end - begin - 1] == '\r')) {
            --end;
        }
        state.report(begin, end, Severity::error,
                     "comments are not allowed in JSON: remove the comment (a statement's \"Sid\" can carry a "
                     "short label)");
    }
};

template <>
struct Action<g::invalid_escape> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        const std::uint32_t begin = state.offset_of(in.begin()) - 1;  // include the backslash
        const std::uint32_t end = state.offset_of(in.end());
        const std::string_view text(in.begin(), in.size());
        if (!text.empty() && text.front() == 'u') {
            state.report(begin, end, Severity::error,
                         "invalid \\u escape: expected exactly four hexadecimal digits, as in \\u00E9");
        } else if (static_cast<unsigned char>(text.front()) >= 0x80 && text.size() == 1) {
            state.report(begin, end, Severity::error,
                         fmt::format("invalid escape: a backslash followed by byte 0x{:02X}, which is not UTF-8; "
                                     "re-encode the file as UTF-8 and write a literal backslash as \\\\",
                                     static_cast<unsigned char>(text.front())));
        } else {
            state.report(begin, end, Severity::error,
                         fmt::format("invalid escape '\\{}': JSON allows only \\\", \\\\, \\/, \\b, \\f, \\n, \\r, "
                                     "\\t and \\uXXXX; write a literal backslash as \\\\",
                                     text));
        }
    }
};

template <>
struct Action<g::control_character> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        const std::uint32_t begin = state.offset_of(in.begin());
        const auto byte = static_cast<unsigned char>(*in.begin());
        const std::string escaped = byte == '\t' ? "\\t" : fmt::format("\\u{:04X}", byte);
        state.report(begin, begin + 1, Severity::error,
                     fmt::format("control character U+{:04X} must be escaped inside a string: write {}", byte,
                                 escaped));
    }
};

template <>
struct Action<g::invalid_utf8_byte> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        const std::uint32_t begin = state.offset_of(in.begin());
        const auto byte = static_cast<unsigned char>(*in.begin());
        const bool merges = !state.diagnostics.empty() && state.diagnostics.back().span.end == begin &&
                            state.diagnostics.back().message.starts_with("invalid UTF-8");
        if (merges) {
            state.diagnostics.back().span.end = begin + 1;  // one diagnostic per run of bad bytes
            return;
        }
        state.report(begin, begin + 1, Severity::error,
                     fmt::format("invalid UTF-8 (byte 0x{:02X}) in a string: JSON text must be UTF-8; re-encode "
                                 "the file as UTF-8",
                                 byte));
    }
};

template <>
struct Action<g::string_value> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        const std::uint32_t begin = state.offset_of(in.begin());
        JsonValue value;
        value.kind = JsonKind::string;
        value.span = {begin, state.offset_of(in.end())};
        value.text = decode_string(std::string_view(in.begin() + 1, in.size() - 2), begin + 1, state);
        state.completed = std::move(value);
    }
};

template <>
struct Action<g::key> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        const std::uint32_t begin = state.offset_of(in.begin());
        state.keys.push_back({decode_string(std::string_view(in.begin() + 1, in.size() - 2), begin + 1, state),
                              {begin, state.offset_of(in.end())}});
    }
};

// The decimal magnitude of a JSON number's spelling: where its first significant digit stands relative to the
// decimal point, plus the exponent. It tells an overflow (huge) from an underflow (tiny), which from_chars
// reports alike.
long long decimal_magnitude(std::string_view text) {
    std::size_t i = text.front() == '-' ? 1 : 0;
    while (i < text.size() && text[i] == '0') {
        ++i;
    }
    long long magnitude = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        ++magnitude;
        ++i;
    }
    if (magnitude == 0 && i < text.size() && text[i] == '.') {
        // 0.000123: the leading zeros of the fraction make the number smaller still.
        for (++i; i < text.size() && text[i] == '0'; ++i) {
            --magnitude;
        }
    }
    const std::size_t e = text.find_first_of("eE");
    if (e != std::string_view::npos) {
        std::size_t k = e + 1;
        const bool negative = k < text.size() && text[k] == '-';
        if (k < text.size() && (text[k] == '-' || text[k] == '+')) {
            ++k;
        }
        long long exponent = 0;
        for (; k < text.size(); ++k) {
            exponent = std::min<long long>(exponent * 10 + (text[k] - '0'), 1'000'000'000);
        }
        magnitude += negative ? -exponent : exponent;
    }
    return magnitude;
}

template <>
struct Action<g::number> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        const std::string_view text(in.begin(), in.size());
        JsonValue value;
        value.kind = JsonKind::number;
        value.span = {state.offset_of(in.begin()), state.offset_of(in.end())};
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value.number);
        if (error == std::errc::result_out_of_range) {
            if (decimal_magnitude(text) > 0) {
                state.report(value.span.begin, value.span.end, Severity::error,
                             fmt::format("number {} is out of range: it exceeds the largest double-precision "
                                         "value (about 1.8e308)",
                                         text.size() > 40 ? std::string(text.substr(0, 40)) + "…" : std::string(text)));
            }
            value.number = 0.0;
        }
        state.completed = std::move(value);
    }
};

template <JsonKind Kind, bool Boolean = false>
struct LiteralAction {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        JsonValue value;
        value.kind = Kind;
        value.boolean = Boolean;
        value.span = {state.offset_of(in.begin()), state.offset_of(in.end())};
        state.completed = std::move(value);
    }
};

template <>
struct Action<g::true_literal> : LiteralAction<JsonKind::boolean, true> {};
template <>
struct Action<g::false_literal> : LiteralAction<JsonKind::boolean, false> {};
template <>
struct Action<g::null_literal> : LiteralAction<JsonKind::null> {};

void open_container(BuildState& state, JsonKind kind, std::uint32_t offset) {
    if (state.open_containers.size() >= k_max_json_depth) {
        throw SyntaxError{fmt::format("arrays and objects nest deeper than {} levels; a policy needs fewer than "
                                      "ten, so this input is not a policy",
                                      k_max_json_depth),
                          offset};
    }
    JsonValue container;
    container.kind = kind;
    container.span.begin = offset;
    state.open_containers.push_back(std::move(container));
}

void close_container(BuildState& state, std::uint32_t end) {
    state.completed = std::move(state.open_containers.back());
    state.open_containers.pop_back();
    state.completed.span.end = end;
}

template <>
struct Action<g::begin_array> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        open_container(state, JsonKind::array, state.offset_of(in.begin()));
    }
};

template <>
struct Action<g::array_element> {
    template <typename Input>
    static void apply(const Input& /*in*/, BuildState& state) {
        state.open_containers.back().items.push_back(std::move(state.completed));
    }
};

template <>
struct Action<g::value_separator> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        state.last_comma = state.offset_of(in.begin());
    }
};

void report_trailing_comma(BuildState& state, char closer) {
    state.report(state.last_comma, state.last_comma + 1, Severity::error,
                 fmt::format("trailing comma before '{}': JSON does not allow a comma after the last element; "
                             "remove it",
                             closer));
}

template <>
struct Action<g::array_trailing_comma> {
    static void apply0(BuildState& state) { report_trailing_comma(state, ']'); }
};

template <>
struct Action<g::object_trailing_comma> {
    static void apply0(BuildState& state) { report_trailing_comma(state, '}'); }
};

template <>
struct Action<g::begin_object> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        open_container(state, JsonKind::object, state.offset_of(in.begin()));
    }
};

template <>
struct Action<g::member_value> {
    template <typename Input>
    static void apply(const Input& /*in*/, BuildState& state) {
        PendingKey& key = state.keys.back();
        state.open_containers.back().members.push_back(
            {std::move(key.text), key.span, std::move(state.completed)});
        state.keys.pop_back();
    }
};

void report_duplicate_keys(BuildState& state, const JsonValue& object) {
    const auto& members = object.members;
    const auto report = [&](const JsonMember& again) {
        state.diagnostics.push_back(
            {RuleId::IOT002, Severity::error, again.key_span,
             fmt::format("duplicate key \"{}\": JSON keys must be unique within an object, and AWS may keep either "
                         "value; remove one of them or merge them",
                         again.key)});
    };
    // Policy objects are small: a quadratic scan beats hashing until an object is unusually wide.
    if (members.size() <= 16) {
        for (std::size_t i = 1; i < members.size(); ++i) {
            for (std::size_t j = 0; j < i; ++j) {
                if (members[j].key == members[i].key) {
                    report(members[i]);
                    break;
                }
            }
        }
        return;
    }
    std::unordered_set<std::string_view> seen;
    for (const JsonMember& member : members) {
        if (!seen.insert(member.key).second) {
            report(member);
        }
    }
}

template <>
struct Action<g::empty_array_end> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        close_container(state, state.offset_of(in.end()));
    }
};

template <>
struct Action<g::array_end> : Action<g::empty_array_end> {};

template <>
struct Action<g::empty_object_end> {
    template <typename Input>
    static void apply(const Input& in, BuildState& state) {
        report_duplicate_keys(state, state.open_containers.back());
        close_container(state, state.offset_of(in.end()));
    }
};

template <>
struct Action<g::object_end> : Action<g::empty_object_end> {};

}  // namespace

const JsonMember* JsonValue::find(std::string_view key) const {
    for (const JsonMember& member : members) {
        if (member.key == key) {
            return &member;
        }
    }
    return nullptr;
}

std::string_view json_kind_name(JsonKind kind) {
    switch (kind) {
    case JsonKind::null: return "null";
    case JsonKind::boolean: return "a boolean";
    case JsonKind::number: return "a number";
    case JsonKind::string: return "a string";
    case JsonKind::array: return "an array";
    case JsonKind::object: return "an object";
    }
    return "a value";
}

JsonDocument parse_json(const SourceFile& source) {
    JsonDocument document;
    const std::string_view text = source.text();
    BuildState state{text.data(), document.diagnostics, {}, {}, {}, 0};
    pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf> input(text.data(), text.size(),
                                                                                source.path());
    try {
        pegtl::parse<g::document, Action, Control>(input, state);
        document.root = std::move(state.completed);
    } catch (const SyntaxError& error) {
        const std::uint32_t end = error.offset < text.size() ? error.offset + 1 : error.offset;
        document.diagnostics.push_back({RuleId::IOT001, Severity::error, {error.offset, end}, error.message});
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos ||
        (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF" &&
         text.find_first_not_of(" \t\r\n", 3) == std::string_view::npos)) {
        // An empty file is the commonest way to reach the end of input: say it in those words.
        document.diagnostics.back().message = "the file is empty: expected a JSON object holding an IoT policy";
    }
    return document;
}

}  // namespace iotpolicy
