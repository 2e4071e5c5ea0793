// libFuzzer target: arbitrary bytes read as one policy string by parse_variable_template, then substituted under
// every reading, with invariants that must hold for every input. A violated invariant prints what went wrong and
// aborts, so that libFuzzer records the input as a crash. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>   // fprintf
#include <cstdlib>  // abort
#include <string>
#include <string_view>

#include "iotpolicy/policy_variable.hpp"
#include "iotpolicy/source.hpp"  // k_max_source_bytes

namespace {

using iotpolicy::ParenthesisedEscapeReading;
using iotpolicy::SegmentKind;
using iotpolicy::Span;
using iotpolicy::SubstitutedText;
using iotpolicy::SubstitutionOptions;
using iotpolicy::SubstitutionStatus;
using iotpolicy::TemplateSegment;
using iotpolicy::TextOrigin;
using iotpolicy::TextRun;
using iotpolicy::VariableTemplate;
using iotpolicy::VariableValue;

// --- Failing loudly -------------------------------------------------------------------------------------------------

const char* kind_name(SegmentKind kind) {
    switch (kind) {
    case SegmentKind::literal: return "literal";
    case SegmentKind::variable: return "variable";
    case SegmentKind::escape: return "escape";
    case SegmentKind::parenthesised_escape: return "parenthesised_escape";
    case SegmentKind::default_variable: return "default_variable";
    case SegmentKind::malformed: return "malformed";
    }
    return "?";
}

[[noreturn]] void fail(const std::string& what, const VariableTemplate& tmpl) {
    std::fprintf(stderr, "\n*** iotpolicy fuzz invariant violated: %s\n", what.c_str());
    std::fprintf(stderr, "*** input (%zu bytes), segments (%zu):\n", tmpl.text().size(), tmpl.segments().size());
    for (const TemplateSegment& s : tmpl.segments()) {
        std::fprintf(stderr, "  %s [%u, %u) name [%u, %u) default [%u, %u) escaped %d\n", kind_name(s.kind),
                     static_cast<unsigned>(s.range.begin), static_cast<unsigned>(s.range.end),
                     static_cast<unsigned>(s.name.begin), static_cast<unsigned>(s.name.end),
                     static_cast<unsigned>(s.default_value.begin), static_cast<unsigned>(s.default_value.end),
                     static_cast<int>(s.escaped));
    }
    for (const auto& p : tmpl.problems()) {
        std::fprintf(stderr, "  problem [%u, %u): %s\n", static_cast<unsigned>(p.range.begin),
                     static_cast<unsigned>(p.range.end), p.message.c_str());
    }
    std::abort();
}

void check(bool condition, const char* what, const VariableTemplate& tmpl) {
    if (!condition) {
        fail(what, tmpl);
    }
}

bool within(Span inner, Span outer) {
    return outer.begin <= inner.begin && inner.begin <= inner.end && inner.end <= outer.end;
}

bool is_escape_character(char c) {
    return c == '*' || c == '?' || c == '$';
}

// --- The template -----------------------------------------------------------------------------------------------------

/// Segments cover the input in order, each one's text has the shape of its kind, and each malformed segment has
/// its problem inside it.
void check_segments(const VariableTemplate& tmpl, std::string_view input) {
    check(tmpl.text() == input, "the template's text is not the input", tmpl);
    std::uint32_t at = 0;
    std::size_t problem = 0;
    SegmentKind previous = SegmentKind::malformed;
    for (const TemplateSegment& s : tmpl.segments()) {
        check(s.range.begin == at, "a segment does not start where the previous one ends", tmpl);
        check(s.range.begin < s.range.end && s.range.end <= input.size(), "a segment is empty or out of range",
              tmpl);
        const std::string_view text = tmpl.slice(s.range);
        switch (s.kind) {
        case SegmentKind::literal:
            check(previous != SegmentKind::literal, "two literal segments are adjacent", tmpl);
            check(text.find("${") == std::string_view::npos, "a literal segment contains '${'", tmpl);
            for (const std::string_view escape : {"$(*)", "$(?)", "$($)"}) {
                check(text.find(escape) == std::string_view::npos, "a literal segment contains a $(x) escape",
                      tmpl);
            }
            break;
        case SegmentKind::escape:
            check(text.size() == 4 && text.starts_with("${") && text[3] == '}' && text[2] == s.escaped &&
                      is_escape_character(s.escaped),
                  "an escape segment is not ${*}, ${?} or ${$}", tmpl);
            break;
        case SegmentKind::parenthesised_escape:
            check(text.size() == 4 && text.starts_with("$(") && text[3] == ')' && text[2] == s.escaped &&
                      is_escape_character(s.escaped),
                  "a parenthesised escape is not $(*), $(?) or $($)", tmpl);
            break;
        case SegmentKind::variable:
            check(s.name.begin == s.range.begin + 2 && s.name.end + 1 == s.range.end && s.name.begin < s.name.end,
                  "a variable's name is not exactly what lies between '${' and '}'", tmpl);
            check(text.starts_with("${") && text.ends_with('}'), "a variable is not written ${...}", tmpl);
            break;
        case SegmentKind::default_variable:
            check(s.name.begin == s.range.begin + 2 && s.name.begin < s.name.end && within(s.name, s.range) &&
                      within(s.default_value, s.range) && s.name.end < s.default_value.begin &&
                      s.default_value.end + 2 == s.range.end,
                  "a default-value form's name or value is misplaced", tmpl);
            check(text.ends_with("'}") && input[s.default_value.begin - 1] == '\'',
                  "a default value is not quoted", tmpl);
            break;
        case SegmentKind::malformed:
            check(text.starts_with("${"), "a malformed segment does not start with '${'", tmpl);
            check(problem < tmpl.problems().size(), "a malformed segment has no problem", tmpl);
            check(within(tmpl.problems()[problem].range, s.range), "a problem lies outside its segment", tmpl);
            check(!tmpl.problems()[problem].message.empty(), "a problem has no message", tmpl);
            ++problem;
            break;
        }
        if (s.kind != SegmentKind::variable && s.kind != SegmentKind::default_variable) {
            check(s.name == Span{} && s.default_value == Span{}, "a segment that names nothing has a name", tmpl);
        }
        if (s.kind == SegmentKind::variable) {
            check(s.default_value == Span{}, "a variable without a default value has one", tmpl);
        }
        previous = s.kind;
        at = s.range.end;
    }
    check(at == input.size(), "the segments do not reach the end of the input", tmpl);
    check(problem == tmpl.problems().size(), "there are more problems than malformed segments", tmpl);
    check(tmpl.problems().empty() || input.find("${") != std::string_view::npos, "a problem without any '${'",
          tmpl);

    // A well-formed variable reads the same on its own: the grammar does not depend on what surrounds it.
    for (const TemplateSegment& s : tmpl.segments()) {
        if (s.kind == SegmentKind::literal || s.kind == SegmentKind::malformed) {
            continue;
        }
        const VariableTemplate alone = iotpolicy::parse_variable_template(tmpl.slice(s.range));
        check(alone.segments().size() == 1 && alone.segments()[0].kind == s.kind && alone.problems().empty(),
              "a well-formed segment parses differently on its own", tmpl);
    }
}

// --- Substitution -------------------------------------------------------------------------------------------------

/// A resolver that answers from the name itself, so every kind of answer occurs: names ending in 'u' are
/// unresolved, in 'k' UNKNOWN, in 'w' left as written, and every other name is its own value.
VariableValue identityish(std::string_view name) {
    switch (name.back()) {
    case 'u': return VariableValue::no_value();
    case 'k': return VariableValue::cannot_tell();
    case 'w': return VariableValue::left_as_written();
    default: return VariableValue::of(name);
    }
}

void check_runs(const SubstitutedText& out, const VariableTemplate& tmpl) {
    std::uint32_t at = 0;
    for (std::size_t i = 0; i < out.runs.size(); ++i) {
        const TextRun& run = out.runs[i];
        check(run.begin == at && run.begin < run.end, "substituted runs leave a gap, overlap or are empty", tmpl);
        check(i == 0 || out.runs[i - 1].origin != run.origin, "two adjacent runs have the same origin", tmpl);
        at = run.end;
    }
    check(at == out.text.size(), "the substituted runs do not cover the text", tmpl);
}

/// Substitutes under every reading and checks each result against one built here from the segments alone.
void check_substitution(const VariableTemplate& tmpl) {
    const auto resolver = [](std::string_view name) { return identityish(name); };
    SubstitutedText out;

    SubstitutionOptions legacy;
    legacy.substitute_variables = false;
    check(substitute(tmpl, resolver, out, legacy) == SubstitutionStatus::resolved,
          "the literal reading is not resolved", tmpl);
    check(out.text == tmpl.text(), "the literal reading is not the text as written", tmpl);
    check_runs(out, tmpl);
    check(out.runs.size() == (tmpl.text().empty() ? 0 : 1), "the literal reading is not one pattern run", tmpl);

    for (const auto reading : {ParenthesisedEscapeReading::escape, ParenthesisedEscapeReading::literal}) {
        SubstitutionOptions options;
        options.parenthesised = reading;
        std::string expected;
        std::string origins;  // one letter per byte: p(attern), l(iteral), v(alue)
        SubstitutionStatus expected_status = SubstitutionStatus::resolved;
        const auto add = [&](std::string_view text, char origin) {
            expected += text;
            origins.append(text.size(), origin);
        };
        for (const TemplateSegment& s : tmpl.segments()) {
            const std::string_view written = tmpl.slice(s.range);
            switch (s.kind) {
            case SegmentKind::literal: add(written, 'p'); break;
            case SegmentKind::escape: add(std::string_view(&s.escaped, 1), 'l'); break;
            case SegmentKind::parenthesised_escape:
                if (reading == ParenthesisedEscapeReading::escape) {
                    add(std::string_view(&s.escaped, 1), 'l');
                } else {
                    add(written, 'p');
                }
                break;
            case SegmentKind::variable: {
                const std::string_view name = tmpl.name(s);
                const char last = name.back();
                if (last == 'u') {
                    expected_status = SubstitutionStatus::unresolved;
                } else if (last == 'k' && expected_status == SubstitutionStatus::resolved) {
                    expected_status = SubstitutionStatus::unknown;
                }
                if (last == 'u' || last == 'k' || last == 'w') {
                    add(written, 'l');
                } else {
                    add(name, 'v');
                }
                break;
            }
            case SegmentKind::default_variable:
            case SegmentKind::malformed:
                if (expected_status == SubstitutionStatus::resolved) {
                    expected_status = SubstitutionStatus::unknown;
                }
                add(written, 'l');
                break;
            }
        }
        out.clear();
        const SubstitutionStatus status = substitute(tmpl, resolver, out, options);
        check(status == expected_status, "the substitution status is not the worst of its variables", tmpl);
        check(out.text == expected, "the substituted text is not the segments' replacements in order", tmpl);
        check_runs(out, tmpl);
        for (std::size_t i = 0; i < out.text.size(); ++i) {
            const TextOrigin origin = out.origin_at(i);
            const char letter = origin == TextOrigin::pattern ? 'p' : origin == TextOrigin::literal ? 'l' : 'v';
            check(letter == origins[i], "a substituted byte has the wrong origin", tmpl);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > iotpolicy::k_max_source_bytes) {
        return -1;  // outside parse_variable_template's ranges; libFuzzer never gets near it
    }
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const VariableTemplate tmpl = iotpolicy::parse_variable_template(input);
    check_segments(tmpl, input);
    check_substitution(tmpl);
    return 0;
}
