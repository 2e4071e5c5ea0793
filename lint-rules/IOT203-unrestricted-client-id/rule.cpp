// IOT203 unrestricted-client-id: an Allow that grants iot:Connect on client IDs not bound to the connecting
// identity (spec §5.1, §6.2; Device Defender IOT_POLICY_OVERLY_PERMISSIVE_CHECK, Critical). The classification of
// entries, shared with IOT208 and IOT209 so that no entry is reported twice, is in src/lint/connect_grants.hpp.
#include <string>

#include <fmt/format.h>

#include "src/lint/connect_grants.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/thing_binding_fix.hpp"

namespace iotpolicy::lint {

namespace {

constexpr std::string_view k_advice =
    "restrict it to 'client/${iot:Connection.Thing.ThingName}' with the condition "
    "\"Bool\": {\"iot:Connection.Thing.IsAttached\": \"true\"} (spec §5.1, §6.2, Device Defender "
    "IOT_POLICY_OVERLY_PERMISSIVE_CHECK)";

class UnrestrictedClientId final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            if (!connect::is_unconditioned_connect_allow(statement)) {
                continue;
            }
            if (statement.resource->negated) {
                context.report(RuleId::IOT203, Severity::error, statement.resource->key_span,
                               fmt::format("\"NotResource\" allows iot:Connect on every client ID it does not list: "
                                           "any device holding this policy can connect as any such client ID, and "
                                           "AWS IoT drops the existing connection using that ID (a takeover); {}",
                                           k_advice));
                continue;
            }
            // One fix for the statement (built when an entry is first reported), attached to each of its entries:
            // applying fixes takes it once.
            connect::LazyThingBindingFix fix(context.source(), statement);
            for (const Spanned<std::string>& entry : statement.resource->values) {
                const connect::ClientEntry client = connect::classify(context.arn(entry.value), entry.value);
                if (client.kind != connect::ClientKind::any) {
                    continue;
                }
                context.report(RuleId::IOT203, Severity::error,
                               connect::report_span(context.source(), entry, client.range),
                               fmt::format("iot:Connect on '{}': any device holding this policy can connect as any "
                                           "client ID matching '{}', and AWS IoT drops the existing connection "
                                           "using that ID (a takeover); {}",
                                           entry.value,
                                           std::string_view(entry.value)
                                               .substr(client.range.begin, client.range.end - client.range.begin),
                                           k_advice))
                    .fix = fix.get();
            }
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT203>() {
    return std::make_unique<UnrestrictedClientId>();
}

}  // namespace iotpolicy::lint
