// Policy variables in one policy string (a Resource entry or a condition value): the string read as a template of
// literal text, `${…}` variables and escapes, each segment with its byte range in the string, and the substitution
// of values into it. Syntax only: which names exist and what they resolve to is the catalog's and the simulator's
// business. Spec: variables-and-conditions.md §1, §2 ("spec vars"); iot-policy-semantics.md §0.2 (R0), §1.2
// (Version), §3.2 (wildcards and the special-character variables).
//
// Ranges are byte offsets into the string that was parsed: the decoded value (JSON escapes undone), not the policy
// text. A caller that reports a problem in the policy maps the range through the string's own escapes.
#pragma once

#include <cstddef>      // size_t
#include <cstdint>      // uint8_t, uint32_t
#include <memory>       // addressof
#include <span>         // span
#include <string>       // string
#include <string_view>  // string_view
#include <type_traits>  // is_function_v, is_invocable_r_v, is_same_v, remove_cvref_t, remove_reference_t
#include <vector>       // vector

#include "iotpolicy/source.hpp"  // Span

namespace iotpolicy {

// --- Interface ----------------------------------------------------------------------------------------------------

/// What one segment of a template is.
enum class SegmentKind : std::uint8_t {
    literal,               // policy text as written; its '*' and '?' are wildcards wherever the context has them
    variable,              // `${name}`
    escape,                // `${*}`, `${?}`, `${$}`: IAM's literal '*', '?', '$' (spec vars §1)
    parenthesised_escape,  // `$(*)`, `$(?)`, `$($)`: AWS IoT's page's spelling, read two ways (spec vars §1)
    default_variable,      // `${name, 'default'}`: IAM's default value; its value is UNKNOWN (spec vars §1)
    malformed,             // a `${` that starts no well-formed variable; the template's problems say why
};

/// One segment: its kind and where it is in the parsed string. Empty spans where a field does not apply.
struct TemplateSegment {
    SegmentKind kind = SegmentKind::literal;
    Span range;          // the whole segment as written
    Span name;           // variable, default_variable: the key name, e.g. `iot:Connection.Thing.Attributes[site]`
    Span default_value;  // default_variable: the text between the single quotes
    char escaped = 0;    // escape, parenthesised_escape: '*', '?' or '$'

    friend bool operator==(const TemplateSegment&, const TemplateSegment&) = default;
};

/// A malformed variable: what is wrong and the bytes that are wrong (inside the malformed segment).
struct TemplateProblem {
    Span range;
    std::string message;

    friend bool operator==(const TemplateProblem&, const TemplateProblem&) = default;
};

/// A policy string read as a template. A value type: it owns a copy of the string, and every segment lies in it.
/// INVARIANT: the segments cover the string in order, without gaps or overlaps; no two literal segments are
/// adjacent; one problem per malformed segment, in the same order.
class VariableTemplate {
public:
    /// The template of the empty string: no segments.
    VariableTemplate() = default;

    /// The string as parsed.
    std::string_view text() const { return m_text; }

    std::span<const TemplateSegment> segments() const { return m_segments; }
    std::span<const TemplateProblem> problems() const { return m_problems; }

    /// The bytes of `range`, a range of this template (a segment's range, name or default value).
    std::string_view slice(Span range) const {
        return std::string_view(m_text).substr(range.begin, range.end - range.begin);
    }

    /// The name of a variable or default_variable `segment`; empty for other kinds.
    std::string_view name(const TemplateSegment& segment) const { return slice(segment.name); }

    /// True when some segment starts with `${` (variable, escape, default_variable, malformed): the segments whose
    /// meaning depends on the policy's Version (spec §1.2). `$(*)` does not count; see has_parenthesised_escapes.
    bool has_variables() const;

    /// True when some segment is `$(*)`, `$(?)` or `$($)`.
    bool has_parenthesised_escapes() const;

    /// True when the string is literal text under every reading: no segment other than literal.
    bool is_plain() const {
        return m_segments.empty() || (m_segments.size() == 1 && m_segments.front().kind == SegmentKind::literal);
    }

    /// The string read under Version 2008-10-17 or a missing Version, where `${…}` is literal text (spec §1.2):
    /// the text as written, in which every '*' and '?' is a wildcard, those of `${*}` and `$(*)` included.
    std::string_view literal_reading() const { return m_text; }

private:
    friend VariableTemplate parse_variable_template(std::string_view text);

    std::string m_text;
    std::vector<TemplateSegment> m_segments;
    std::vector<TemplateProblem> m_problems;
};

/// Reads `text` as a template. Never throws for any input: malformed variables become malformed segments, each
/// with a problem. `text` longer than k_max_source_bytes yields no segments and one problem.
VariableTemplate parse_variable_template(std::string_view text);

// --- Substitution -------------------------------------------------------------------------------------------------

/// What a resolver says about one variable name.
struct VariableValue {
    enum class Kind : std::uint8_t {
        value,       // `text` is the value
        unresolved,  // no value (spec vars §2: a Resource entry then matches nothing)
        unknown,     // cannot tell whether or what (spec §0.2 R0, three-valued)
        as_written,  // the variable is left in place as literal text: a certificate value with * $ + ? # or over
                     // 1024 characters is not substituted (spec vars §2); compare the `${…}` text literally
    };

    Kind kind = Kind::unresolved;
    std::string_view text;  // `value` only; must stay valid until substitute() returns

    static constexpr VariableValue of(std::string_view value) { return {Kind::value, value}; }
    static constexpr VariableValue no_value() { return {Kind::unresolved, {}}; }
    static constexpr VariableValue cannot_tell() { return {Kind::unknown, {}}; }
    static constexpr VariableValue left_as_written() { return {Kind::as_written, {}}; }
};

/// A non-owning reference to a callable `VariableValue(std::string_view name)`, so that substitute() needs neither
/// a template parameter nor std::function's allocation. It must not outlive the callable it refers to; passing a
/// lambda straight to substitute() is always safe. The name is as written in the policy (case and all).
class VariableResolver {
public:
    template <typename F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, VariableResolver> &&
                 !std::is_function_v<std::remove_reference_t<F>> &&
                 std::is_invocable_r_v<VariableValue, std::remove_reference_t<F>&, std::string_view>)
    VariableResolver(F&& resolver) noexcept  // NOLINT(google-explicit-constructor): lambdas convert implicitly
        : m_object(const_cast<void*>(static_cast<const void*>(std::addressof(resolver)))),
          m_call([](void* object, std::string_view name) -> VariableValue {
              return (*static_cast<std::remove_reference_t<F>*>(object))(name);
          }) {}

    VariableValue operator()(std::string_view name) const { return m_call(m_object, name); }

private:
    void* m_object;
    VariableValue (*m_call)(void*, std::string_view);
};

/// The overall outcome of a substitution; the worst wins: unresolved > unknown > resolved. An unresolved variable
/// decides the entry whatever an UNKNOWN one would give (spec vars §2: the entry matches nothing; a negated
/// condition operator compares against null), so it takes precedence.
enum class SubstitutionStatus : std::uint8_t {
    resolved,    // every variable had a value (or was left as written); the text is the entry's meaning
    unknown,     // some variable was UNKNOWN, a default-value form, or malformed; none was unresolved
    unresolved,  // some variable had no value
};

/// How to read `$(*)`, `$(?)`, `$($)`, which AWS IoT may or may not accept (spec vars §1; the simulator evaluates
/// both and applies R0: an Allow entry needs a match under both, a Deny entry under either).
enum class ParenthesisedEscapeReading : std::uint8_t {
    escape,   // the literal character, like `${*}`
    literal,  // the text `$(`, the character as written (so `*` and `?` are wildcards), `)`
};

struct SubstitutionOptions {
    /// False reads `${…}` as literal text: Version 2008-10-17 or missing (spec §1.2). Everything is then `pattern`
    /// text as written, parenthesised escapes included, and the status is resolved.
    bool substitute_variables = true;
    ParenthesisedEscapeReading parenthesised = ParenthesisedEscapeReading::escape;
};

/// Where a run of substituted text came from, which tells the matcher how to read its '*' and '?'.
enum class TextOrigin : std::uint8_t {
    pattern,  // the policy's own literal text: '*' and '?' are wildcards where the context matches patterns
    literal,  // literal characters: what an escape produced, and variables left as written (unresolved,
              // UNKNOWN, malformed, default-value forms, as_written values)
    value,    // a substituted value: whether its '*' and '?' act as wildcards is unclear (spec §3.4 → R0); the
              // simulator chooses per reading
};

/// A maximal run of bytes [begin, end) of SubstitutedText::text with one origin.
struct TextRun {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    TextOrigin origin = TextOrigin::pattern;

    friend bool operator==(const TextRun&, const TextRun&) = default;
};

/// The result of substitute(): the text and, alongside it, which bytes are pattern text, literal characters or
/// substituted values. A `*` produced by `${*}` is a byte of a `literal` run, a `*` the policy wrote is a byte
/// of a `pattern` run: the matcher turns pattern runs into wildcards and literal runs into literal tokens.
/// Reuse one instance across calls (clear() keeps the capacity): once it has grown to the largest result, a
/// substitution allocates nothing.
struct SubstitutedText {
    std::string text;
    std::vector<TextRun> runs;  // cover `text` in order; adjacent runs differ in origin

    void clear() {
        text.clear();
        runs.clear();
    }

    /// The origin of byte `offset` of `text` (which must be in range).
    TextOrigin origin_at(std::size_t offset) const;
};

/// Appends `tmpl` with its variables substituted to `out` (call out.clear() first to reuse it) and returns the
/// overall status. `resolve` is called once per variable segment, never for default-value forms (UNKNOWN) or
/// under `options.substitute_variables == false`. Escapes become their literal character; a variable without a
/// value (unresolved, UNKNOWN), a default-value form and a malformed segment are appended as written, as
/// `literal` text, so the result stays readable in explanations, but only a `resolved` status makes it the
/// entry's meaning. Substituted values are not scanned again for variables (variableSyntax.form).
SubstitutionStatus substitute(const VariableTemplate& tmpl, VariableResolver resolve, SubstitutedText& out,
                              const SubstitutionOptions& options = {});

}  // namespace iotpolicy
