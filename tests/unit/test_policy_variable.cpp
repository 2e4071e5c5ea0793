// Policy-variable templates: every segment kind, every malformed form with its range and message, substitution
// statuses, escapes versus wildcards, the two readings of `$(*)`, the Version rule, and the segment invariants over
// every short string of the characters that matter.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "iotpolicy/policy_variable.hpp"

using namespace iotpolicy;

namespace {

constexpr const char* k_unterminated = "unterminated variable: no '}' closes this '${'";
constexpr const char* k_empty = "empty variable: write a name such as ${iot:ClientId}, or ${*}, ${?} or ${$} for a "
                                "literal '*', '?' or '$'";
constexpr const char* k_expected_name = "expected a variable name such as iot:ClientId after '${', found ";
constexpr const char* k_expected_close = "expected '}' to close the variable, found ";

/// A segment as the tests write it: kind, the text of its range, its name and default value.
struct Written {
    SegmentKind kind;
    std::string text;
    std::string name = {};
    std::string default_value = {};
    char escaped = 0;

    friend bool operator==(const Written&, const Written&) = default;
};

std::ostream& operator<<(std::ostream& os, const Written& w) {
    return os << "{" << static_cast<int>(w.kind) << " '" << w.text << "' name='" << w.name << "' default='"
              << w.default_value << "' escaped=" << static_cast<int>(w.escaped) << "}";
}

std::vector<Written> written(const VariableTemplate& tmpl) {
    std::vector<Written> out;
    for (const TemplateSegment& s : tmpl.segments()) {
        out.push_back({s.kind, std::string(tmpl.slice(s.range)), std::string(tmpl.name(s)),
                       std::string(tmpl.slice(s.default_value)), s.escaped});
    }
    return out;
}

Written lit(std::string text) {
    return {SegmentKind::literal, std::move(text)};
}
Written var(std::string text, std::string name) {
    return {SegmentKind::variable, std::move(text), std::move(name)};
}

/// The first invariant `tmpl` breaks, or an empty string. Plain checks rather than REQUIREs: the exhaustive test
/// below runs this hundreds of thousands of times.
std::string invariant_violation(const VariableTemplate& tmpl) {
    std::uint32_t at = 0;
    std::size_t malformed = 0;
    SegmentKind previous = SegmentKind::malformed;
    for (const TemplateSegment& s : tmpl.segments()) {
        if (s.range.begin != at || s.range.end <= s.range.begin) {
            return "segments leave a gap, overlap or are empty";
        }
        if (s.kind == SegmentKind::literal && previous == SegmentKind::literal) {
            return "two literal segments are adjacent";
        }
        if ((s.kind == SegmentKind::variable || s.kind == SegmentKind::default_variable) &&
            !(s.range.begin + 2 <= s.name.begin && s.name.begin < s.name.end && s.name.end < s.range.end)) {
            return "a name lies outside its variable";
        }
        if (s.kind == SegmentKind::malformed) {
            if (malformed >= tmpl.problems().size()) {
                return "a malformed segment has no problem";
            }
            const TemplateProblem& problem = tmpl.problems()[malformed];
            if (problem.range.begin < s.range.begin || problem.range.end < problem.range.begin ||
                problem.range.end > s.range.end || problem.message.empty()) {
                return "a problem lies outside its segment or has no message";
            }
            ++malformed;
        }
        previous = s.kind;
        at = s.range.end;
    }
    if (at != tmpl.text().size()) {
        return "segments do not reach the end";
    }
    if (malformed != tmpl.problems().size()) {
        return "more problems than malformed segments";
    }
    return {};
}

void check_invariants(const VariableTemplate& tmpl) {
    INFO("input: " << tmpl.text());
    CHECK(invariant_violation(tmpl).empty());
}

VariableTemplate parse(std::string_view text) {
    VariableTemplate tmpl = parse_variable_template(text);
    check_invariants(tmpl);
    return tmpl;
}

/// A resolver over a fixed table: names not listed are unresolved; the value "?unknown" means UNKNOWN.
struct TableResolver {
    std::vector<std::pair<std::string, std::string>> table;
    std::vector<std::string>* calls = nullptr;

    VariableValue operator()(std::string_view name) const {
        if (calls != nullptr) {
            calls->emplace_back(name);
        }
        for (const auto& [key, value] : table) {
            if (key == name) {
                if (value == "?unknown") {
                    return VariableValue::cannot_tell();
                }
                if (value == "?as-written") {
                    return VariableValue::left_as_written();
                }
                return VariableValue::of(value);
            }
        }
        return VariableValue::no_value();
    }
};

/// The substituted text with each byte's origin marked: pattern bytes as they are, literal bytes in [brackets],
/// value bytes in <angles>, so a test can read what the matcher will see.
std::string marked(const SubstitutedText& out) {
    std::string result;
    for (const TextRun& run : out.runs) {
        const std::string text = out.text.substr(run.begin, run.end - run.begin);
        switch (run.origin) {
        case TextOrigin::pattern: result += text; break;
        case TextOrigin::literal: result += "[" + text + "]"; break;
        case TextOrigin::value: result += "<" + text + ">"; break;
        }
    }
    return result;
}

struct Substituted {
    SubstitutionStatus status;
    std::string marked;
};

Substituted run_substitute(std::string_view text, const TableResolver& resolver, SubstitutionOptions options = {}) {
    SubstitutedText out;
    const SubstitutionStatus status = substitute(parse(text), resolver, out, options);
    return {status, marked(out)};
}

}  // namespace

// --- Segments ----------------------------------------------------------------------------------------------------

TEST_CASE("a string without variables is one literal segment, the empty string none") {
    CHECK(written(parse("arn:aws:iot:us-east-1:123456789012:topic/a/*")) ==
          std::vector<Written>{lit("arn:aws:iot:us-east-1:123456789012:topic/a/*")});
    CHECK(parse("").segments().empty());
    CHECK(parse("").problems().empty());
    CHECK(parse("a").is_plain());
    CHECK(parse("").is_plain());
}

TEST_CASE("the spec's example: topicfilter/my/${iot:ClientId}/topic") {
    const VariableTemplate tmpl = parse("topicfilter/my/${iot:ClientId}/topic");
    CHECK(written(tmpl) ==
          std::vector<Written>{lit("topicfilter/my/"), var("${iot:ClientId}", "iot:ClientId"), lit("/topic")});
    CHECK(tmpl.segments()[1] == TemplateSegment{SegmentKind::variable, {15, 30}, {17, 29}, {}, 0});
    CHECK(tmpl.problems().empty());
    CHECK(tmpl.has_variables());
    CHECK_FALSE(tmpl.is_plain());
}

TEST_CASE("variable names are keys, with subscripts, indexes and lists") {
    for (const char* name :
         {"iot:ClientId", "iot:Connection.Thing.ThingName", "iot:Connection.Thing.Attributes[site]",
          "iot:Connection.Thing.Attributes[a,b@c/d:e#f-g_h.i]", "iot:Certificate.Subject.Organization.1",
          "iot:Certificate.Subject.OrganizationalUnit.List", "aws:SourceIp", "cognito-identity.amazonaws.com:sub",
          "aws:PrincipalTag/team", "aws:PrincipalTag/a+b=c@d", "iot:clientid", "aws:PrincipalTag/caf\xC3\xA9",
          "x", "a[b][c]", "not-a-known-name(really)"}) {
        const std::string text = std::string("${") + name + "}";
        INFO(text);
        CHECK(written(parse(text)) == std::vector<Written>{var(text, name)});
    }
}

TEST_CASE("the IAM escapes are segments of their own") {
    CHECK(written(parse("a${*}b${?}c${$}d")) == std::vector<Written>{
                                                    lit("a"),
                                                    {SegmentKind::escape, "${*}", "", "", '*'},
                                                    lit("b"),
                                                    {SegmentKind::escape, "${?}", "", "", '?'},
                                                    lit("c"),
                                                    {SegmentKind::escape, "${$}", "", "", '$'},
                                                    lit("d"),
                                                });
}

TEST_CASE("AWS IoT's parenthesised spellings are their own segment kind; other '$(' is literal") {
    const VariableTemplate tmpl = parse("$(*)$(?)$($)$(x)$( * )$");
    CHECK(written(tmpl) == std::vector<Written>{
                               {SegmentKind::parenthesised_escape, "$(*)", "", "", '*'},
                               {SegmentKind::parenthesised_escape, "$(?)", "", "", '?'},
                               {SegmentKind::parenthesised_escape, "$($)", "", "", '$'},
                               lit("$(x)$( * )$"),
                           });
    CHECK(tmpl.has_parenthesised_escapes());
    CHECK_FALSE(tmpl.has_variables());  // not `${…}`: the Version rule does not concern them
    CHECK(written(parse("$$(*)")) ==
          std::vector<Written>{lit("$"), {SegmentKind::parenthesised_escape, "$(*)", "", "", '*'}});
}

TEST_CASE("IAM's default-value form is its own segment kind") {
    CHECK(written(parse("team/${aws:PrincipalTag/team, 'company-wide'}/x")) ==
          std::vector<Written>{lit("team/"),
                               {SegmentKind::default_variable, "${aws:PrincipalTag/team, 'company-wide'}",
                                "aws:PrincipalTag/team", "company-wide"},
                               lit("/x")});
    // The spacing after the comma is free; the quoted text may hold anything but a quote, even '}' or '${'.
    CHECK(written(parse("${a,'x'}")) == std::vector<Written>{{SegmentKind::default_variable, "${a,'x'}", "a", "x"}});
    CHECK(written(parse("${a,  ''}")) == std::vector<Written>{{SegmentKind::default_variable, "${a,  ''}", "a", ""}});
    CHECK(written(parse("${a, 'b} ${c}'}")) ==
          std::vector<Written>{{SegmentKind::default_variable, "${a, 'b} ${c}'}", "a", "b} ${c}"}});
}

TEST_CASE("a default value may hold '${', and the variable reads the same alone as in context") {
    // Found by fuzz_policy_variable: the extent of a malformed `${` (which counts an inner `${`) must not decide
    // whether a well-formed default-value form is terminated.
    const Written expected{SegmentKind::default_variable, "${a, 'x/${b,'}", "a", "x/${b,"};
    CHECK(written(parse("${a, 'x/${b,'}")) == std::vector<Written>{expected});
    CHECK(written(parse("t/${a, 'x/${b,'}'}")) == std::vector<Written>{lit("t/"), expected, lit("'}")});
}

TEST_CASE("a '$' not followed by '{' or '(' is literal text") {
    CHECK(written(parse("$aws/things/$ {x}/$")) == std::vector<Written>{lit("$aws/things/$ {x}/$")});
    CHECK(written(parse("a}b{c")) == std::vector<Written>{lit("a}b{c")});
    CHECK(written(parse("$${a}$")) == std::vector<Written>{lit("$"), var("${a}", "a"), lit("$")});
}

TEST_CASE("in a Resource, Attributes[${iot:ClientId}] is literal text around a variable (spec vars §1)") {
    // As a condition KEY the text is never substituted (the caller does not parse keys as templates). As a
    // Resource string it is literal text with a variable inside: the brackets belong to the literal.
    CHECK(written(parse("iot:Connection.Thing.Attributes[${iot:ClientId}]")) ==
          std::vector<Written>{lit("iot:Connection.Thing.Attributes["), var("${iot:ClientId}", "iot:ClientId"),
                               lit("]")});
}

// --- Malformed variables ---------------------------------------------------------------------------------------

namespace {

struct MalformedCase {
    const char* input;
    const char* segment;  // the malformed segment as written
    const char* problem;  // the bytes the problem points at
    std::uint32_t problem_begin;
    std::string message;
};

}  // namespace

TEST_CASE("every malformed form is one segment with a precise range and message") {
    const std::vector<MalformedCase> cases = {
        // `${` never closed: the range runs to the end of the string.
        {"x/${iot:ClientId", "${iot:ClientId", "${iot:ClientId", 2, k_unterminated},
        {"${", "${", "${", 0, k_unterminated},
        {"${a/${b}", "${a/${b}", "${a/${b}", 0, k_unterminated},  // the '}' closes the inner `${`
        {"${a[b", "${a[b", "${a[b", 0, k_unterminated},
        // Empty.
        {"${}", "${}", "${}", 0, k_empty},
        {"a${ \t}b", "${ \t}", "${ \t}", 1, k_empty},
        // Whitespace inside: malformed (IAM documents none; Access Analyzer: "Unsupported space in variable").
        {"${ iot:ClientId }", "${ iot:ClientId }", " ", 2,
         std::string(k_expected_name) + "a space: a variable cannot contain whitespace; write ${iot:ClientId}"},
        {"${iot:ClientId }", "${iot:ClientId }", " ", 14,
         std::string(k_expected_close) + "a space: a variable cannot contain whitespace; write ${iot:ClientId}"},
        {"${\tiot:ClientId}", "${\tiot:ClientId}", "\t", 2,
         std::string(k_expected_name) + "a tab: a variable cannot contain whitespace; write ${iot:ClientId}"},
        {"${iot:Client Id}", "${iot:Client Id}", " ", 12,
         std::string(k_expected_close) + "a space: a variable cannot contain whitespace"},
        {"${iot:Client  \nId}", "${iot:Client  \nId}", "  \n", 12,
         std::string(k_expected_close) + "a space: a variable cannot contain whitespace"},
        {"${ * }", "${ * }", " ", 2,
         std::string(k_expected_name) + "a space: a variable cannot contain whitespace; write ${*}"},
        {"${a[b c]}", "${a[b c]}", " ", 5,
         "expected ']' to close the '[' of the variable name, found a space: a variable cannot contain whitespace"},
        // Characters that cannot be in a key.
        {"${*x}", "${*x}", "*", 2, std::string(k_expected_name) + "'*': a variable name cannot contain a wildcard"},
        {"${iot:Client?d}", "${iot:Client?d}", "?", 12,
         std::string(k_expected_close) + "'?': a variable name cannot contain a wildcard"},
        {"${a{b}", "${a{b}", "{", 3, std::string(k_expected_close) + "'{'"},
        {"${a$b}", "${a$b}", "$", 3, std::string(k_expected_close) + "'$'"},
        {"${,}", "${,}", ",", 2, std::string(k_expected_name) + "','"},
        {"${[x]}", "${[x]}", "[", 2, std::string(k_expected_name) + "'['"},
        {"${a'b'}", "${a'b'}", "'", 3, std::string(k_expected_close) + "a single quote"},
        {"${a\x01}", "${a\x01}", "\x01", 3, std::string(k_expected_close) + "control character U+0001"},
        // A nested `${`: variables do not nest, and an attribute name is never a variable (spec vars §1).
        {"${a${b}}", "${a${b}}", "${b}", 3, std::string(k_expected_close) + "'${': variables do not nest"},
        {"${${x}}", "${${x}}", "${x}", 2, std::string(k_expected_name) + "'${': variables do not nest"},
        {"${iot:Connection.Thing.Attributes[${iot:ClientId}]}", "${iot:Connection.Thing.Attributes[${iot:ClientId}]}",
         "${iot:ClientId}", 34,
         "expected an attribute name after '[', found '${': the attribute name in '[...]' is part of the key and "
         "never a variable, and variables do not nest"},
        // Brackets.
        {"${iot:Connection.Thing.Attributes[site}", "${iot:Connection.Thing.Attributes[site}", "[site", 33,
         "unbalanced '[' in the variable name: no ']' closes it before the '}' that ends the variable"},
        {"${a[}", "${a[}", "[", 3,
         "unbalanced '[' in the variable name: no ']' closes it before the '}' that ends the variable"},
        {"${iot:Connection.Thing.Attributes]site}", "${iot:Connection.Thing.Attributes]site}", "]", 33,
         std::string(k_expected_close) + "']' without a matching '['"},
        {"${a[]}", "${a[]}", "]", 4, "expected an attribute name after '[', found ']': the attribute name is empty"},
        {"${a[b[c]]}", "${a[b[c]]}", "[", 5, "expected ']' to close the '[' of the variable name, found '[': brackets "
                                             "do not nest"},
        // Default values.
        {"${a, x}", "${a, x}", "x", 5,
         "expected a default value in single quotes after ',' (IAM's form is ${key, 'default'}), found 'x'"},
        {"${a, \xC3\xA9}", "${a, \xC3\xA9}", "\xC3\xA9", 5,
         "expected a default value in single quotes after ',' (IAM's form is ${key, 'default'}), found '\xC3\xA9'"},
        {"${a, 'x}", "${a, 'x}", "'x", 5, "unterminated default value: no ''' closes the quote that starts here"},
        {"${a , 'x'}", "${a , 'x'}", " ", 3, std::string(k_expected_close) + "a space: a variable cannot contain "
                                                                           "whitespace"},
        {"${a, 'x' }", "${a, 'x' }", " ", 8, std::string(k_expected_close) + "a space: a variable cannot contain "
                                                                           "whitespace; write ${a, 'x'}"},
    };
    for (const MalformedCase& c : cases) {
        INFO("input: " << c.input);
        const VariableTemplate tmpl = parse(c.input);
        const auto malformed = std::find_if(tmpl.segments().begin(), tmpl.segments().end(),
                                            [](const TemplateSegment& s) { return s.kind == SegmentKind::malformed; });
        REQUIRE(malformed != tmpl.segments().end());
        CHECK(tmpl.slice(malformed->range) == c.segment);
        REQUIRE(tmpl.problems().size() == 1);
        const TemplateProblem& problem = tmpl.problems()[0];
        CHECK(problem.range.begin == c.problem_begin);
        CHECK(tmpl.slice(problem.range) == c.problem);
        CHECK(problem.message == c.message);
        CHECK(tmpl.has_variables());
    }
}

TEST_CASE("the parse goes on after a malformed variable") {
    const VariableTemplate tmpl = parse("${a, 'x}y/${}/${iot:ClientId}/${a${b}}c");
    CHECK(written(tmpl) == std::vector<Written>{
                               {SegmentKind::malformed, "${a, 'x}"},
                               lit("y/"),
                               {SegmentKind::malformed, "${}"},
                               lit("/"),
                               var("${iot:ClientId}", "iot:ClientId"),
                               lit("/"),
                               {SegmentKind::malformed, "${a${b}}"},
                               lit("c"),
                           });
    REQUIRE(tmpl.problems().size() == 3);
    CHECK(tmpl.problems()[0].range == Span{5, 7});
    CHECK(tmpl.problems()[1].range == Span{10, 13});
    CHECK(tmpl.problems()[2].range == Span{33, 37});
}

TEST_CASE("a malformed variable claims up to the first '}' no inner '${' claims") {
    // `${a[b}` ends at its first '}': what follows is literal text again.
    CHECK(written(parse("${a[b}c]}")) == std::vector<Written>{{SegmentKind::malformed, "${a[b}"}, lit("c]}")});
    CHECK(written(parse("${a${b${c}}}")) == std::vector<Written>{{SegmentKind::malformed, "${a${b${c}}"}, lit("}")});
}

// --- Substitution ------------------------------------------------------------------------------------------------

TEST_CASE("substitution: resolved, unresolved, unknown, and which one wins") {
    const TableResolver resolver{{{"iot:ClientId", "dev-1"}, {"iot:Connection.Thing.ThingName", "?unknown"}}};
    CHECK(run_substitute("client/${iot:ClientId}", resolver).status == SubstitutionStatus::resolved);
    CHECK(run_substitute("client/${iot:ClientId}", resolver).marked == "client/<dev-1>");
    CHECK(run_substitute("a/${iot:Connection.Thing.ThingName}", resolver).status == SubstitutionStatus::unknown);
    CHECK(run_substitute("a/${iot:Nothing}", resolver).status == SubstitutionStatus::unresolved);
    // An unresolved variable decides the entry whatever the UNKNOWN one gives (spec vars §2).
    CHECK(run_substitute("${iot:Connection.Thing.ThingName}/${iot:Nothing}", resolver).status ==
          SubstitutionStatus::unresolved);
    CHECK(run_substitute("${iot:Nothing}/${iot:Connection.Thing.ThingName}", resolver).status ==
          SubstitutionStatus::unresolved);
    // What has no value stays as written, as literal text, for explanations.
    CHECK(run_substitute("a/${iot:Nothing}/b", resolver).marked == "a/[${iot:Nothing}]/b");
    CHECK(run_substitute("plain/*", resolver).status == SubstitutionStatus::resolved);
}

TEST_CASE("substitution: default values and malformed variables are UNKNOWN, without asking the resolver") {
    std::vector<std::string> calls;
    const TableResolver resolver{{{"aws:PrincipalTag/team", "blue"}}, &calls};
    const Substituted with_default = run_substitute("t/${aws:PrincipalTag/team, 'all'}", resolver);
    CHECK(with_default.status == SubstitutionStatus::unknown);
    CHECK(with_default.marked == "t/[${aws:PrincipalTag/team, 'all'}]");
    CHECK(run_substitute("t/${ aws:PrincipalTag/team }", resolver).status == SubstitutionStatus::unknown);
    CHECK(calls.empty());
}

TEST_CASE("substitution: the resolver sees each name as written, once per variable") {
    std::vector<std::string> calls;
    const TableResolver resolver{{{"iot:ClientId", "c"}}, &calls};
    run_substitute("${iot:clientid}/${iot:ClientId}/${iot:Connection.Thing.Attributes[site]}/${*}", resolver);
    CHECK(calls == std::vector<std::string>{"iot:clientid", "iot:ClientId", "iot:Connection.Thing.Attributes[site]"});
}

TEST_CASE("substitution: ${*} gives a literal star that the matcher can tell from a wildcard star") {
    const TableResolver resolver{};
    SubstitutedText out;
    CHECK(substitute(parse("a*${*}?${?}${$}"), resolver, out) == SubstitutionStatus::resolved);
    CHECK(out.text == "a**??$");
    CHECK(marked(out) == "a*[*]?[?$]");
    CHECK(out.origin_at(1) == TextOrigin::pattern);  // the policy's '*': a wildcard
    CHECK(out.origin_at(2) == TextOrigin::literal);  // ${*}: a literal '*'
    CHECK(out.origin_at(3) == TextOrigin::pattern);
    CHECK(out.origin_at(4) == TextOrigin::literal);
    CHECK(out.runs == std::vector<TextRun>{{0, 2, TextOrigin::pattern},
                                           {2, 3, TextOrigin::literal},
                                           {3, 4, TextOrigin::pattern},
                                           {4, 6, TextOrigin::literal}});
}

TEST_CASE("substitution: $(*) under its two readings (spec vars §1)") {
    const TableResolver resolver{};
    SubstitutionOptions as_escape;
    as_escape.parenthesised = ParenthesisedEscapeReading::escape;
    SubstitutionOptions as_literal;
    as_literal.parenthesised = ParenthesisedEscapeReading::literal;
    CHECK(run_substitute("a/$(*)/$(?)/$($)", resolver, as_escape).marked == "a/[*]/[?]/[$]");
    // Literal reading: `$(`, the character as written (a wildcard), `)`.
    CHECK(run_substitute("a/$(*)/$(?)/$($)", resolver, as_literal).marked == "a/$(*)/$(?)/$($)");
    CHECK(run_substitute("a/$(*)", resolver, as_literal).status == SubstitutionStatus::resolved);
}

TEST_CASE("substitution: Version 2008-10-17 or missing reads ${…} as literal text (spec §1.2)") {
    const TableResolver resolver{{{"iot:ClientId", "c"}}};
    const VariableTemplate tmpl = parse("a/${iot:ClientId}/${*}/$(*)/${ bad }");
    CHECK(tmpl.literal_reading() == "a/${iot:ClientId}/${*}/$(*)/${ bad }");
    SubstitutionOptions legacy;
    legacy.substitute_variables = false;
    SubstitutedText out;
    CHECK(substitute(tmpl, resolver, out, legacy) == SubstitutionStatus::resolved);
    CHECK(out.text == tmpl.literal_reading());
    CHECK(out.runs == std::vector<TextRun>{{0, static_cast<std::uint32_t>(out.text.size()), TextOrigin::pattern}});
    // Every '*' is then a wildcard, the one of ${*} included.
    CHECK(out.origin_at(out.text.find("${*}") + 2) == TextOrigin::pattern);
}

TEST_CASE("substitution: values are text, not scanned again, and may be left as written") {
    const TableResolver resolver{{{"iot:ClientId", "${iot:ThingName}*"},
                                  {"iot:Certificate.Subject.CommonName", "?as-written"}}};
    const Substituted nested = run_substitute("a/${iot:ClientId}", resolver);
    CHECK(nested.status == SubstitutionStatus::resolved);
    CHECK(nested.marked == "a/<${iot:ThingName}*>");  // the value's '*' is marked as a value's: the R0 reading
    const Substituted kept = run_substitute("cn/${iot:Certificate.Subject.CommonName}", resolver);
    CHECK(kept.status == SubstitutionStatus::resolved);
    CHECK(kept.marked == "cn/[${iot:Certificate.Subject.CommonName}]");
}

TEST_CASE("substitution: ${$} before '{' writes the text of a variable without making one") {
    std::vector<std::string> calls;
    const TableResolver resolver{{{"iot:ClientId", "c"}}, &calls};
    const Substituted result = run_substitute("a/${$}{iot:ClientId}", resolver);
    CHECK(result.status == SubstitutionStatus::resolved);
    CHECK(result.marked == "a/[$]{iot:ClientId}");
    CHECK(calls.empty());
}

TEST_CASE("substitution appends, and a reused buffer does not grow again") {
    const TableResolver resolver{{{"iot:ClientId", "device-42"}}};
    const VariableTemplate tmpl = parse("topic/${iot:ClientId}/${*}/data");
    SubstitutedText out;
    out.text = "prefix:";
    out.runs.push_back({0, 7, TextOrigin::pattern});
    substitute(tmpl, resolver, out);
    CHECK(out.text == "prefix:topic/device-42/*/data");
    CHECK(marked(out) == "prefix:topic/<device-42>/[*]/data");  // the pattern run before it is extended

    out.clear();
    substitute(tmpl, resolver, out);
    const char* data = out.text.data();
    const std::size_t text_capacity = out.text.capacity();
    const TextRun* runs = out.runs.data();
    const std::size_t runs_capacity = out.runs.capacity();
    for (int i = 0; i < 100; ++i) {
        out.clear();
        substitute(tmpl, resolver, out);
    }
    CHECK(out.text == "topic/device-42/*/data");
    CHECK(out.text.data() == data);
    CHECK(out.text.capacity() == text_capacity);
    CHECK(out.runs.data() == runs);
    CHECK(out.runs.capacity() == runs_capacity);
}

TEST_CASE("a resolver can be any callable object") {
    const VariableTemplate tmpl = parse("${a}${b}");
    int calls = 0;
    auto counting = [&calls](std::string_view name) {
        ++calls;
        return name == "a" ? VariableValue::of("1") : VariableValue::cannot_tell();
    };
    SubstitutedText out;
    CHECK(substitute(tmpl, counting, out) == SubstitutionStatus::unknown);
    CHECK(calls == 2);
    CHECK(out.text == "1${b}");
}

// --- Invariants ----------------------------------------------------------------------------------------------------

TEST_CASE("every string of up to five of the characters that matter keeps the invariants") {
    // 13 characters, every string of length 0 to 5 (402,234 inputs), parsed and substituted under both readings.
    const std::string alphabet = "${}()*?[], 'a";
    const TableResolver resolver{{{"a", "*"}}};
    SubstitutedText out;
    std::string text;
    std::size_t checked = 0;
    std::string failure;
    const auto visit = [&](const auto& self, std::size_t length) -> void {
        if (!failure.empty()) {
            return;
        }
        const VariableTemplate tmpl = parse_variable_template(text);
        failure = invariant_violation(tmpl);
        for (const auto reading : {ParenthesisedEscapeReading::escape, ParenthesisedEscapeReading::literal}) {
            out.clear();
            SubstitutionOptions options;
            options.parenthesised = reading;
            substitute(tmpl, resolver, out, options);
            std::uint32_t at = 0;
            for (const TextRun& run : out.runs) {
                if (run.begin != at || run.end <= run.begin) {
                    failure = "substituted runs leave a gap, overlap or are empty";
                }
                at = run.end;
            }
            if (at != out.text.size()) {
                failure = "substituted runs do not cover the text";
            }
        }
        if (!failure.empty()) {
            failure += " for input '" + text + "'";
            return;
        }
        ++checked;
        if (length == 5) {
            return;
        }
        for (const char c : alphabet) {
            text.push_back(c);
            self(self, length + 1);
            text.pop_back();
        }
    };
    visit(visit, 0);
    CHECK(failure == "");
    CHECK(checked == 402'234);
}
