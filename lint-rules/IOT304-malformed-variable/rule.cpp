// IOT304 malformed-variable: in a Resource / NotResource entry or a value of a String or ARN condition operator, a
// `${` that starts no well-formed variable (error), IAM's default-value form `${key, 'default'}` (warning: UNKNOWN for
// AWS IoT, spec vars §1 "Default values"), or the escape spelled `$(*)`, `$(?)`, `$($)` as AWS IoT's variables page
// prints it (warning: AWS IoT may read it as literal `$(` + wildcard + `)`, spec vars §1 "Escapes",
// iot-policy-semantics.md §9 #13).
#include <fmt/format.h>

#include "src/lint/rule.hpp"
#include "src/lint/variable_sites.hpp"

namespace iotpolicy::lint {

namespace {

class MalformedVariable final : public Rule {
public:
    void check(RuleContext& context) const override {
        for_each_variable_site(context.statements(), [&](const VariableSite& site) {
            const VariableTemplate& tmpl = context.variable_template(site.text);
            const std::string_view outcome =
                site.in_condition ? "the condition value keeps it as literal text, so the comparison is not the one "
                                    "intended"
                                  : "the entry keeps it as literal text and matches no resource that was intended";
            // Malformed segments: one problem each, in the same order (policy_variable.hpp's invariant).
            for (const TemplateProblem& problem : tmpl.problems()) {
                context.report(RuleId::IOT304, Severity::error, source_range(context.source(), site.token, problem.range),
                               fmt::format("{}: AWS IoT substitutes no variable here and may reject the policy; {}",
                                           problem.message, outcome));
            }
            for (const TemplateSegment& segment : tmpl.segments()) {
                if (segment.kind != SegmentKind::default_variable &&
                    segment.kind != SegmentKind::parenthesised_escape) {
                    continue;  // mapping a range back to the source walks the token: only for a finding
                }
                const Span span = source_range(context.source(), site.token, segment.range);
                if (segment.kind == SegmentKind::default_variable) {
                    context.report(
                        RuleId::IOT304, Severity::warning, span,
                        fmt::format("{} is IAM's default-value form, which AWS IoT does not document: its value is "
                                    "UNKNOWN, so an Allow using it grants nothing and a Deny using it always applies "
                                    "(spec vars §1). Write ${{{}}} and cover the key's absence with a condition "
                                    "(Null or ...IfExists)",
                                    tmpl.slice(segment.range), tmpl.name(segment)));
                } else if (segment.kind == SegmentKind::parenthesised_escape) {
                    context.report(
                        RuleId::IOT304, Severity::warning, span,
                        fmt::format("{} is the escape as AWS IoT's variables page prints it; AWS IoT may read it as "
                                    "the literal text '$(' then {} then ')', so an Allow using it grants only what "
                                    "both readings match and a Deny applies under either (spec vars §1). Write "
                                    "${{{}}}, IAM's escape for a literal '{}'",
                                    tmpl.slice(segment.range),
                                    segment.escaped == '$' ? std::string("'$'")
                                                           : fmt::format("a '{}' wildcard", segment.escaped),
                                    segment.escaped, segment.escaped));
                }
            }
        });
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT304>() {
    return std::make_unique<MalformedVariable>();
}

}  // namespace iotpolicy::lint
