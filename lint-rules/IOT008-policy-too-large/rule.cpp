// IOT008 policy-too-large: the document exceeds the 2048-character quota under the readings of spec §4.2.
#include <fmt/format.h>

#include "iotpolicy/policy_size.hpp"
#include "src/lint/rule.hpp"

namespace iotpolicy::lint {

namespace {

class PolicyTooLarge final : public Rule {
public:
    void check(RuleContext& context) const override {
        const std::string_view text = context.source().text();
        const PolicySize& size = context.size();
        const Span where = context.policy() != nullptr ? context.policy()->span
                                                       : Span{0, static_cast<std::uint32_t>(text.size())};
        if (size.strict > k_policy_size_quota) {
            context.report(RuleId::IOT008, Severity::error, where,
                           fmt::format("the policy is {} characters long without whitespace, over the {}-character "
                                       "quota, so AWS IoT rejects it; split it into several policies (up to 10 per "
                                       "certificate) or shorten it with policy variables and wildcards",
                                       size.strict, k_policy_size_quota));
            return;
        }
        if (size.minified > k_policy_size_quota) {
            // Spaces inside strings are whitespace under one reading of the quota and characters under the other.
            context.report(RuleId::IOT008, Severity::warning, where,
                           fmt::format("the policy is {} characters long once whitespace between tokens is removed "
                                       "({} without the spaces inside strings too); AWS does not say which it counts "
                                       "against the {}-character quota, so it may reject the policy (spec §4.2): "
                                       "shorten it",
                                       size.minified, size.strict, k_policy_size_quota));
            return;
        }
        if (size.minified_bytes > k_policy_size_quota) {
            context.report(RuleId::IOT008, Severity::warning, where,
                           fmt::format("the policy is {} characters but {} bytes of UTF-8 without whitespace between tokens; AWS "
                                       "does not say whether its {}-character quota counts characters or bytes, so "
                                       "it may reject the policy (spec §4.2): shorten it or use ASCII",
                                       size.minified, size.minified_bytes, k_policy_size_quota));
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT008>() {
    return std::make_unique<PolicyTooLarge>();
}

}  // namespace iotpolicy::lint
