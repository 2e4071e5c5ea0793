// IOT208 clientid-variable-in-connect: iot:Connect allowed on `client/${iot:ClientId}` without a
// `Bool iot:Connection.Thing.IsAttached "true"` condition. The variable is substituted with the client ID the
// device sends, so the entry admits every client ID (spec §6.2, spec vars §4, §9 #12). Classification shared with
// IOT203 and IOT209: src/lint/connect_grants.hpp.
#include <fmt/format.h>

#include "src/lint/connect_grants.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/thing_binding_fix.hpp"

namespace iotpolicy::lint {

namespace {

class ClientIdVariableInConnect final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            if (!connect::is_unconditioned_connect_allow(statement) || statement.resource->negated) {
                continue;  // NotResource is IOT203's
            }
            // The same fix as IOT203's for this statement (built when an entry is first reported): both rules'
            // entries are rewritten together.
            connect::LazyThingBindingFix fix(context.source(), statement);
            for (const Spanned<std::string>& entry : statement.resource->values) {
                const connect::ClientEntry client = connect::classify(context.arn(entry.value), entry.value);
                if (client.kind != connect::ClientKind::clientid_variable) {
                    continue;
                }
                context.report(
                    RuleId::IOT208, Severity::error, connect::report_span(context.source(), entry, client.range),
                    fmt::format("'{}' is substituted with the client ID the device itself sends, so it admits every "
                                "client ID (it equals 'client/*'): any device holding this policy can connect as any "
                                "other device's client ID, and AWS IoT drops that device's connection (a takeover); "
                                "use 'client/${{iot:Connection.Thing.ThingName}}' with \"Bool\": "
                                "{{\"iot:Connection.Thing.IsAttached\": \"true\"}} (spec §6.2, variables §4)",
                                entry.value))
                    .fix = fix.get();
            }
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT208>() {
    return std::make_unique<ClientIdVariableInConnect>();
}

}  // namespace iotpolicy::lint
