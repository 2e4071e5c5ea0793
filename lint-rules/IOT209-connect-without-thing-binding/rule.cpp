// IOT209 connect-without-thing-binding: iot:Connect allowed on client IDs that are not tied to a registered thing,
// neither through `${iot:Connection.Thing.ThingName}` in the client ARN nor through a
// `Bool iot:Connection.Thing.IsAttached "true"` condition (spec vars §4, spec §2.3, §5.3): a warning. And the info
// note of spec §6.2 for `client/${iot:Connection.Thing.ThingName}` without the condition. Entries that IOT203
// (wildcards, `*`, NotResource) or IOT208 (`client/${iot:ClientId}`) report as errors are not reported here; the
// shared classification is src/lint/connect_grants.hpp.
#include <fmt/format.h>

#include "src/lint/connect_grants.hpp"
#include "src/lint/rule.hpp"

namespace iotpolicy::lint {

namespace {

class ConnectWithoutThingBinding final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            if (!connect::is_unconditioned_connect_allow(statement) || statement.resource->negated) {
                continue;
            }
            for (const Spanned<std::string>& entry : statement.resource->values) {
                const connect::ClientEntry client = connect::classify(context.arn(entry.value), entry.value);
                const Span where = connect::report_span(context.source(), entry, client.range);
                if (client.kind == connect::ClientKind::unbound) {
                    context.report(
                        RuleId::IOT209, Severity::warning, where,
                        fmt::format("iot:Connect on '{}' is not bound to a registered thing: the connection need not "
                                    "be a thing attached to the certificate, so thing variables have no value and "
                                    "thing-group policies do not apply to it (variables §4, spec §2.3, §5.3); use "
                                    "'client/${{iot:Connection.Thing.ThingName}}', or add \"Bool\": "
                                    "{{\"iot:Connection.Thing.IsAttached\": \"true\"}}",
                                    entry.value));
                } else if (client.kind == connect::ClientKind::thing_bound) {
                    context.report(
                        RuleId::IOT209, Severity::info, where,
                        fmt::format("'{}' already admits only the attached thing's name (compliant), but Device "
                                    "Defender's compliant form also has \"Bool\": "
                                    "{{\"iot:Connection.Thing.IsAttached\": \"true\"}}; add the condition (spec §6.2)",
                                    entry.value));
                }
            }
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT209>() {
    return std::make_unique<ConnectWithoutThingBinding>();
}

}  // namespace iotpolicy::lint
