// IOT501 policy-size-near-limit: the policy uses more than 90 % of the 2048-character quota (spec §4.2: "near the
// limit" means `minified` > 1843) but no reading puts it over the quota (that is IOT008's).
#include <fmt/format.h>

#include "iotpolicy/policy_size.hpp"
#include "src/lint/rule.hpp"

namespace iotpolicy::lint {

namespace {

/// 90 % of the quota, rounded down: `minified` above this is near the limit (spec §4.2).
constexpr std::size_t k_near_limit = k_policy_size_quota * 9 / 10;  // 1843

class PolicySizeNearLimit final : public Rule {
public:
    void check(RuleContext& context) const override {
        const std::string_view text = context.source().text();
        const PolicySize& size = context.size();
        if (size.minified <= k_near_limit) {
            return;
        }
        if (size.strict > k_policy_size_quota || size.minified > k_policy_size_quota ||
            size.minified_bytes > k_policy_size_quota) {
            return;  // over the quota under some reading: IOT008 reports it
        }
        const Span where = context.policy() != nullptr ? context.policy()->span
                                                       : Span{0, static_cast<std::uint32_t>(text.size())};
        const std::size_t percent = size.minified * 100 / k_policy_size_quota;
        context.report(RuleId::IOT501, Severity::info, where,
                       fmt::format("the policy is {} characters long once whitespace between tokens is removed "
                                   "({} % of the {}-character quota, {} left); the next statement or resource may "
                                   "push it over, and re-indenting it gains nothing, as whitespace does not count "
                                   "(spec §4.2): split it into several policies (up to 10 per certificate) or "
                                   "replace lists of resources with policy variables",
                                   size.minified, percent, k_policy_size_quota, k_policy_size_quota - size.minified));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT501>() {
    return std::make_unique<PolicySizeNearLimit>();
}

}  // namespace iotpolicy::lint
