// IOT305 variable-needs-2012-version: `${…}` (a variable, an escape or a default-value form) in a Resource /
// NotResource entry or a value of a String or ARN condition operator of a policy whose Version is missing or
// "2008-10-17". IAM then reads `${…}` as literal text (iot-policy-semantics.md §1.2, §9 #4; spec vars §1); AWS IoT
// does not say whether it follows IAM, so this is a warning, like Access Analyzer's MISSING_VERSION (§7.1).
// Reported once per string, at its first `${…}`: every such string changes meaning, and each is named where it is.
#include <optional>

#include <fmt/format.h>

#include "src/lint/rule.hpp"
#include "src/lint/variable_sites.hpp"

namespace iotpolicy::lint {

namespace {

bool version_dependent(SegmentKind kind) {
    return kind == SegmentKind::variable || kind == SegmentKind::escape || kind == SegmentKind::default_variable;
}

class VariableNeeds2012Version final : public Rule {
public:
    void check(RuleContext& context) const override {
        const Policy* policy = context.policy();
        if (policy == nullptr ||
            (policy->version != PolicyVersion::missing && policy->version != PolicyVersion::v2008_10_17)) {
            return;
        }
        const std::string version =
            policy->version == PolicyVersion::missing || !policy->version_span
                ? std::string("the policy has no Version, which IAM reads as \"2008-10-17\"")
                : fmt::format("Version is \"2008-10-17\" (line {})",
                              context.source().location(policy->version_span->begin).line);
        // "2008-10-17" → "2012-10-17", the same edit as IOT004's, so applying fixes makes it once. A missing
        // Version is inserted by IOT004's fix alone: the AST does not keep where the policy's first member is.
        std::optional<Fix> fix;
        if (policy->version == PolicyVersion::v2008_10_17 && policy->version_span) {
            fix = Fix{"Write \"2012-10-17\"", {TextEdit{*policy->version_span, "\"2012-10-17\""}}};
        }
        for_each_variable_site(policy->statements, [&](const VariableSite& site) {
            const VariableTemplate& tmpl = context.variable_template(site.text);
            std::size_t uses = 0;
            const TemplateSegment* first = nullptr;
            for (const TemplateSegment& segment : tmpl.segments()) {
                if (version_dependent(segment.kind)) {
                    ++uses;
                    first = first == nullptr ? &segment : first;
                }
            }
            if (first == nullptr) {
                return;
            }
            const std::string others =
                uses > 1 ? fmt::format(" (and the {} other ${{…}} of this string)", uses - 1) : std::string();
            const std::string_view what = site.in_condition ? "this condition value compares against"
                                                            : "this Resource entry matches only";
            context.report(RuleId::IOT305, Severity::warning, source_range(context.source(), site.token, first->range),
                           fmt::format("{}: IAM then reads {}{} as literal text, not a variable, so {} the literal "
                                       "string \"{}\"{}; an Allow like that grants almost nothing and a Deny "
                                       "protects almost nothing. Add \"Version\": \"2012-10-17\"",
                                       version, tmpl.slice(first->range), others, what, tmpl.literal_reading(),
                                       site.in_condition ? ""
                                                         : " (in which '*' and '?' are wildcards, even those of "
                                                           "${*} and ${?})"))
                .fix = fix;
        });
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT305>() {
    return std::make_unique<VariableNeeds2012Version>();
}

}  // namespace iotpolicy::lint
