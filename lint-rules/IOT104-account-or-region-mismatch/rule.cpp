// IOT104 account-or-region-mismatch: an ARN naming an account or Region other than the one the policy is evaluated
// in (actions-and-resources.md §3: "a literal but different region or account makes the ARN dead ... linter
// warning"). AWS IoT evaluates a policy in one account and Region and authorises only resources of its own, so such
// an ARN never matches: an Allow grants nothing through it, a Deny blocks nothing, a NotResource entry excludes
// nothing, an ARN condition value never equals the request's ARN.
//
// The ARNs judged: Resource and NotResource entries, and the values of ARN-family condition operators
// (iot:LastWillTopic), each only when parse_arn reads it as an IoT ARN without problems (the rest is IOT103's).
// Only literal accounts and Regions are compared: `*` or a wildcard may match the policy's own (a wildcard placed
// where the readings of spec §3.2 differ is IOT103's warning), and `${…}` is never substituted there (IOT103's error,
// spec vars §1); no policy variable names an account or Region (policy-variables.json), so there is nothing to
// resolve.
// Which account and Region are right: the configured ones (LintConfig accounts / regions) when given, else the
// policy's majority value; on a tie the value written first wins, so a policy mixing two values one-to-one gets the
// finding at the later ARN. Spec §0.2 leaves no reading in which the minority ARN works, and the message names the
// value the other ARNs use so the reader can tell which side is wrong.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "iotpolicy/catalog.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/string_spans.hpp"
#include "src/support/find_any_of.hpp"

namespace iotpolicy::lint {

namespace {

/// One ARN of the policy and what it is for.
struct ArnSite {
    const Statement* statement = nullptr;
    Span token;             // the JSON string holding it
    std::string_view text;  // its decoded value
    Span account;           // byte ranges of `text`
    Span region;
    enum class Role : std::uint8_t { resource, not_resource, condition } role = Role::resource;
};

std::string_view part(const ArnSite& site, Span range) {
    return site.text.substr(range.begin, range.end - range.begin);
}

bool is_literal(std::string_view value) { return detail::find_any_of(value, "*?$") == std::string_view::npos; }

/// A value and how many ARNs name it, in order of first appearance.
struct Tally {
    std::string_view value;
    std::size_t count = 0;
};

/// The value most ARNs name (the first written on a tie), over the literal values of `range` in `sites`.
template <typename Range>
std::vector<Tally> tally(const std::vector<ArnSite>& sites, Range range) {
    std::vector<Tally> counts;
    for (const ArnSite& site : sites) {
        const std::string_view value = part(site, range(site));
        if (!is_literal(value)) {
            continue;
        }
        const auto found =
            std::find_if(counts.begin(), counts.end(), [&](const Tally& t) { return t.value == value; });
        if (found == counts.end()) {
            counts.push_back({value, 1});
        } else {
            ++found->count;
        }
    }
    return counts;
}

std::string consequence(const ArnSite& site) {
    const bool deny = site.statement->effect && site.statement->effect->value == Effect::deny;
    switch (site.role) {
    case ArnSite::Role::not_resource:
        return deny ? "this NotResource entry excludes nothing: the Deny also covers what it was meant to spare"
                    : "this NotResource entry excludes nothing: the Allow also grants what it was meant to spare";
    case ArnSite::Role::condition:
        return "this condition value never equals the request's ARN";
    case ArnSite::Role::resource: break;
    }
    return deny ? "this entry never matches a request: the Deny blocks nothing through it"
                : "this entry never matches a request: the Allow grants nothing through it";
}

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const std::string& value : values) {
        out += fmt::format("{}'{}'", out.empty() ? "" : ", ", value);
    }
    return out;
}

class AccountOrRegionMismatch final : public Rule {
public:
    void check(RuleContext& context) const override {
        std::vector<ArnSite> sites;
        for (const Statement& statement : context.statements()) {
            if (statement.resource) {
                const auto role = statement.resource->negated ? ArnSite::Role::not_resource : ArnSite::Role::resource;
                for (const Spanned<std::string>& entry : statement.resource->values) {
                    add_site(sites, statement, entry.span, entry.value, role);
                }
            }
            for (const Condition& condition : statement.conditions) {
                const catalog::ConditionOperator* op = catalog::find_condition_operator(condition.base_operator);
                if (op == nullptr || op->family != catalog::OperatorFamily::arn) {
                    continue;  // only ARN operators compare ARNs; an unknown operator is IOT401's
                }
                for (const ConditionValue& value : condition.values) {
                    add_site(sites, statement, value.span, value.text, ArnSite::Role::condition);
                }
            }
        }
        if (sites.empty()) {
            return;
        }
        check_part(context, sites, "account", context.config().accounts, [](const ArnSite& s) { return s.account; });
        check_part(context, sites, "Region", context.config().regions, [](const ArnSite& s) { return s.region; });
    }

private:
    static void add_site(std::vector<ArnSite>& sites, const Statement& statement, Span token, std::string_view text,
                         ArnSite::Role role) {
        const ParsedArn arn = parse_arn(text);
        if (arn.is_any || !arn.has_all_segments || !arn.problems.empty()) {
            return;  // `*`, or not a readable IoT ARN (IOT103's)
        }
        sites.push_back({&statement, token, text, arn.parts.account, arn.parts.region, role});
    }

    template <typename Range>
    static void check_part(RuleContext& context, const std::vector<ArnSite>& sites, std::string_view what,
                           const std::vector<std::string>& configured, Range range) {
        const std::vector<Tally> counts = tally(sites, range);
        if (counts.empty() || (configured.empty() && counts.size() == 1)) {
            return;
        }
        const Tally* majority = &counts.front();
        for (const Tally& t : counts) {
            if (t.count > majority->count) {
                majority = &t;
            }
        }
        for (const ArnSite& site : sites) {
            const std::string_view value = part(site, range(site));
            if (!is_literal(value)) {
                continue;
            }
            std::string reason;
            if (!configured.empty()) {
                if (std::find(configured.begin(), configured.end(), value) != configured.end()) {
                    continue;
                }
                reason = fmt::format("is not {} configured for this fleet ({})",
                                     configured.size() == 1 ? fmt::format("the {}", what)
                                                            : fmt::format("one of the {}s", what),
                                     joined(configured));
            } else {
                if (value == majority->value) {
                    continue;
                }
                const std::size_t others = majority->count;
                reason = fmt::format("differs from '{}', which {} of this policy's ARNs name{}", majority->value,
                                     others, others == 1 ? "s" : "");
            }
            context.report(RuleId::IOT104, Severity::warning,
                           string_part_span(context.source(), site.token, site.text, range(site).begin,
                                            range(site).end),
                           fmt::format("{} '{}' {}: AWS IoT evaluates a policy only in its own account and Region and "
                                       "authorises only their resources, so {} (actions-and-resources.md §3); write "
                                       "the {} the policy is created in",
                                       what, value, reason, consequence(site), what));
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT104>() {
    return std::make_unique<AccountOrRegionMismatch>();
}

}  // namespace iotpolicy::lint
