// IOT301 unknown-variable: a `${name}` in a Resource / NotResource entry or in a value of a String or ARN condition
// operator whose name AWS IoT Core does not substitute (spec vars §1 "Unknown names", "Key names are
// case-insensitive", "A multivalued key"; spec vars §3 for the doc slip `iot:Thing.ThingName` and the
// credentials-provider variables; iot-policy-semantics.md §7.2 for CreatePolicy rejecting unknown `iot:` variables).
#include <string>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/variable_spelling.hpp"
#include "src/lint/variable_sites.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

namespace {

using detail::starts_with_ignoring_case;

/// A known name close to the unknown `name`, or nothing. `${iot:Thing.X}` (a slip in AWS's 2023 pub/sub examples,
/// spec vars §3) is `${iot:Connection.Thing.X}`; other names go by edit distance.
std::optional<std::string> suggestion_for(std::string_view name) {
    if (starts_with_ignoring_case(name, "iot:Thing.")) {
        const std::string fixed = fmt::format("iot:Connection.{}", name.substr(4));
        if (const auto match = catalog::match_policy_variable(fixed)) {
            return documented_spelling(*match);
        }
    }
    if (const auto nearest = detail::nearest_name(name, catalog::policy_variable_names())) {
        return std::string(*nearest);
    }
    return std::nullopt;
}

/// The AWS IoT Core variable that names what a credentials-provider variable names (spec vars §3).
std::string_view iot_equivalent(std::string_view credentials_name) {
    if (detail::equals_ignoring_case(credentials_name, "credentials-iot:AwsCertificateId")) {
        return "iot:CertificateId";
    }
    if (detail::equals_ignoring_case(credentials_name, "credentials-iot:ThingTypeName")) {
        return "iot:Connection.Thing.ThingTypeName";
    }
    return "iot:Connection.Thing.ThingName";
}

const catalog::ForeignKey* find_foreign_key(std::string_view name) {
    for (const catalog::ForeignKey& key : catalog::foreign_keys()) {
        if (detail::equals_ignoring_case(key.name, name)) {
            return &key;
        }
    }
    return nullptr;
}

class UnknownVariable final : public Rule {
public:
    void check(RuleContext& context) const override {
        for_each_variable_site(context.statements(), [&](const VariableSite& site) {
            const VariableTemplate& tmpl = context.variable_template(site.text);
            for (const TemplateSegment& segment : tmpl.segments()) {
                // A default-value form still names a key (IOT304 reports the form itself).
                if (segment.kind != SegmentKind::variable && segment.kind != SegmentKind::default_variable) {
                    continue;
                }
                const Span span = source_range(context.source(), site.token, segment.range);
                check_name(context, tmpl.name(segment), tmpl.slice(segment.range), span, site.in_condition);
            }
        });
    }

private:
    static void check_name(RuleContext& context, std::string_view name, std::string_view written, Span span,
                           bool in_condition) {
        const std::string_view where = in_condition ? "the condition value" : "the Resource entry";
        const std::string_view outcome =
            in_condition ? "the condition compares against no value (a positive operator never matches, a negated "
                           "one always does)"
                         : "the entry matches no resource";

        // Keys of other policy kinds: credentials-provider variables are for IAM policies only (spec vars §3).
        if (const catalog::ForeignKey* key = find_foreign_key(name)) {
            const bool credentials = starts_with_ignoring_case(name, "credentials-iot:");
            context.report(
                RuleId::IOT301, credentials ? Severity::error : Severity::warning, span,
                fmt::format("{} is not an AWS IoT Core policy variable: it belongs to {} ({}). AWS IoT never "
                            "substitutes it, so {}{}",
                            written, key->where, key->why, outcome,
                            credentials ? fmt::format("; it works in IAM policies only: in an IoT policy write "
                                                      "${{{}}}, or move the statement to the IAM policy of the role "
                                                      "alias's role",
                                                      iot_equivalent(name))
                                        : std::string("; remove it from this policy")));
            return;
        }

        if (const auto match = catalog::match_policy_variable(name)) {
            const catalog::PolicyVariable& variable = *match->variable;
            if (!match->canonical_spelling) {
                // Not unknown: IAM resolves names case-insensitively, AWS IoT does not promise to (spec vars §1, R0).
                const std::string canonical = documented_spelling(*match);
                context.report(RuleId::IOT301, Severity::warning, span,
                               fmt::format("{} differs from the documented variable ${{{}}} only in letter case; AWS "
                                           "IoT does not promise to resolve other spellings, so an Allow using it may "
                                           "grant nothing (spec vars §1). Write ${{{}}}",
                                           written, canonical, canonical));
                return;
            }
            if (variable.multi_valued || variable.type == catalog::ValueType::string_list) {
                // A multi-valued key is never substituted (spec vars §1).
                std::string instead = fmt::format(
                    "test it as a condition key with ForAnyValue: or ForAllValues: instead");
                if (name.ends_with(".List")) {
                    instead += fmt::format(", or use ${{{}}} for its first value", name.substr(0, name.size() - 5));
                }
                context.report(RuleId::IOT301, Severity::warning, span,
                               fmt::format("{} is a multi-valued key, which is never substituted as a variable, so "
                                           "{} is left unresolved and {}; {}",
                                           written, where, outcome, instead));
            }
            return;
        }

        const auto suggestion = suggestion_for(name);
        const std::string hint = suggestion ? fmt::format("did you mean ${{{}}}?", *suggestion)
                                            : std::string("see `iotpolicy rules IOT301` for the known names");
        if (starts_with_ignoring_case(name, "iot:")) {
            // CreatePolicy has been observed to reject unsupported iot: variables (spec vars §1, semantics §7.2).
            context.report(RuleId::IOT301, Severity::error, span,
                           fmt::format("{} is not an AWS IoT policy variable: CreatePolicy rejects unsupported iot: "
                                       "variables, and were it accepted {}; {}",
                                       written, outcome, hint));
            return;
        }
        context.report(RuleId::IOT301, Severity::warning, span,
                       fmt::format("{} is not a policy variable AWS IoT Core documents: it has no value in a request "
                                   "to AWS IoT, so {}; {}",
                                   written, outcome, hint));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT301>() {
    return std::make_unique<UnknownVariable>();
}

}  // namespace iotpolicy::lint
