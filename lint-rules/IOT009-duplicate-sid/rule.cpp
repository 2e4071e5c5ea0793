// IOT009 duplicate-sid: two statements of one policy share a Sid (spec §1.4).
#include <unordered_map>

#include <fmt/format.h>

#include "src/lint/rule.hpp"

namespace iotpolicy::lint {

namespace {

class DuplicateSid final : public Rule {
public:
    void check(RuleContext& context) const override {
        const Policy* policy = context.policy();
        if (policy == nullptr) {
            return;
        }
        std::unordered_map<std::string_view, const Statement*> first_use;
        for (const Statement& statement : policy->statements) {
            // Statements without a Sid cannot collide: IAM makes Sid optional.
            if (!statement.sid) {
                continue;
            }
            const auto [it, inserted] = first_use.emplace(statement.sid->value, &statement);
            if (inserted) {
                continue;
            }
            const Location first = context.source().location(it->second->sid->span.begin);
            context.report(RuleId::IOT009, Severity::warning, statement.sid->span,
                           fmt::format("Sid \"{}\" is already used by statement {} (line {}); IAM requires unique "
                                       "Sids within a policy and tools that cite statements by Sid cannot tell them "
                                       "apart: rename one",
                                       statement.sid->value, it->second->index + 1, first.line));
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT009>() {
    return std::make_unique<DuplicateSid>();
}

}  // namespace iotpolicy::lint
