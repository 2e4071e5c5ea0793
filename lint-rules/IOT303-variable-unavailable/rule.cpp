// IOT303 variable-unavailable: a `${…}` that never resolves for the auth types and protocols under which the
// statement's actions are used (spec vars §2 "Substitution and failure", §3 "The variables", §4; actions §5 for the
// protocols of each action; iot-policy-semantics.md §9 #10, #11, #15).
//
// The reading (README "What it flags"): the combinations in scope are the configured auth types and protocols (all of
// them when the configuration lists none, include/iotpolicy/lint.hpp), with the protocols narrowed to those of the
// statement's actions. A variable is reported when it has no value in EVERY combination in scope. When the
// configuration lists auth types or protocols, it is also reported when it has none for one listed value (or listed
// pair), naming it. Unlisted dimensions never narrow the report: flagging `${iot:ClientId}` in every Publish policy
// because HTTPS exists would be noise. Where the catalog says "unknown", the simulator evaluates the variable as
// UNKNOWN (R0, spec §0.2): an Allow then grants nothing either, so for an Allow only a known value counts; a Deny
// applies under UNKNOWN, so for a Deny it counts as available.
#include <algorithm>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/statement_actions.hpp"
#include "src/lint/variable_sites.hpp"

namespace iotpolicy::lint {

namespace {

using catalog::AuthType;
using catalog::Availability;
using catalog::Protocol;

constexpr std::array<AuthType, 4> k_auth_types{AuthType::x509, AuthType::cognito, AuthType::custom, AuthType::sigv4};
constexpr std::array<Protocol, 3> k_protocols{Protocol::mqtt, Protocol::websocket, Protocol::https};

std::string_view auth_words(AuthType auth) {
    switch (auth) {
    case AuthType::x509: return "X.509 certificates";
    case AuthType::cognito: return "Cognito identities";
    case AuthType::custom: return "custom authorizers";
    case AuthType::sigv4: return "SigV4 (IAM) callers";
    }
    return "?";
}

std::string_view protocol_words(Protocol protocol) {
    switch (protocol) {
    case Protocol::mqtt: return "MQTT";
    case Protocol::websocket: return "MQTT over WebSocket";
    case Protocol::https: return "HTTPS";
    }
    return "?";
}

/// What `variable` is for a request of `auth` over `protocol`.
enum class Resolution : std::uint8_t { value, absent, unknown };

/// Decided in the simulator's order (src/eval/connection.cpp), so that linter and simulator agree: an auth type the
/// catalog rules out, then one it leaves undocumented (UNKNOWN, R0), then the protocol. Thing variables over HTTPS are
/// UNKNOWN for credentials-provider requests, where AWS hints they may resolve (spec vars §4, actions §4.6).
Resolution resolution(const catalog::PolicyVariable& variable, AuthType auth, Protocol protocol,
                      bool credentials_request) {
    const Availability availability = variable.available_for.for_auth(auth);
    if (availability == Availability::no) {
        return Resolution::absent;
    }
    if (availability == Availability::unknown) {
        return Resolution::unknown;
    }
    if (std::find(variable.protocols.begin(), variable.protocols.end(), protocol) != variable.protocols.end()) {
        return Resolution::value;
    }
    return variable.kind == catalog::VariableKind::thing && protocol == Protocol::https && credentials_request
               ? Resolution::unknown
               : Resolution::absent;
}

/// The protocols the statement's requests can use: those of its actions (actions §5), or all when the actions are
/// not known.
std::array<bool, 3> action_protocols(const Statement& statement, bool& credentials_request) {
    std::array<bool, 3> used{true, true, true};
    credentials_request = true;
    if (!statement.action) {
        return used;
    }
    const auto actions = named_actions(*statement.action);
    if (!actions) {
        return used;
    }
    used = {false, false, false};
    credentials_request = false;
    for (const catalog::Action* action : *actions) {
        for (const Protocol protocol : action->protocols) {
            used[static_cast<std::size_t>(protocol)] = true;
        }
        credentials_request = credentials_request || action->name == "iot:AssumeRoleWithCertificate";
    }
    return used;
}

class VariableUnavailable final : public Rule {
public:
    void check(RuleContext& context) const override {
        const LintConfig& config = context.config();
        // Nothing configured: every auth type and protocol (include/iotpolicy/lint.hpp).
        const std::span<const AuthType> auths = config.auth_types.empty()
                                                    ? std::span<const AuthType>(k_auth_types)
                                                    : std::span<const AuthType>(config.auth_types);
        const std::span<const Protocol> configured_protocols = config.protocols.empty()
                                                                   ? std::span<const Protocol>(k_protocols)
                                                                   : std::span<const Protocol>(config.protocols);
        for (const Statement& statement : context.statements()) {
            if (statement.is_broken || !statement.effect) {
                continue;  // no meaning of its own (spec §0.3 R1)
            }
            // The protocols in scope, worked out at the statement's first variable: most statements have none.
            std::optional<std::vector<Protocol>> protocols;
            bool credentials_request = false;
            for_each_variable_site(std::span<const Statement>(&statement, 1), [&](const VariableSite& site) {
                if (site.text.find("${") == std::string_view::npos) {
                    return;
                }
                if (!protocols) {
                    const std::array<bool, 3> used = action_protocols(statement, credentials_request);
                    protocols.emplace();
                    for (const Protocol protocol : configured_protocols) {
                        if (used[static_cast<std::size_t>(protocol)]) {
                            protocols->push_back(protocol);
                        }
                    }
                }
                if (protocols->empty()) {
                    return;  // the actions are not used over any configured protocol: no request to resolve for
                }
                const Scope scope{auths, *protocols, !config.auth_types.empty(), !config.protocols.empty(),
                                  credentials_request};
                const VariableTemplate& tmpl = context.variable_template(site.text);
                for (const TemplateSegment& segment : tmpl.segments()) {
                    if (segment.kind != SegmentKind::variable) {
                        continue;
                    }
                    check_variable(context, statement, site, tmpl.name(segment),
                                   source_range(context.source(), site.token, segment.range), scope);
                }
            });
        }
    }

private:
    struct Scope {
        std::span<const AuthType> auths;
        std::span<const Protocol> protocols;
        bool auths_listed = false;
        bool protocols_listed = false;
        bool credentials_request = false;
    };

    static void check_variable(RuleContext& context, const Statement& statement, const VariableSite& site,
                               std::string_view name, Span span, const Scope& scope) {
        const auto match = catalog::match_policy_variable(name);
        // Unknown and multi-valued names are IOT301's; CONNECT keys depend on the action, not on the connection
        // (IOT404 reports them in conditions).
        if (!match || match->variable->multi_valued || match->variable->kind == catalog::VariableKind::connect) {
            return;
        }
        const catalog::PolicyVariable& variable = *match->variable;
        // An Allow needs the variable's value: an UNKNOWN one grants nothing as well (R0, spec §0.2). A Deny applies
        // under UNKNOWN, so for it only a certainly absent value counts.
        const bool allow = statement.effect->value == Effect::allow;
        const auto resolves = [&](AuthType auth, Protocol protocol) {
            const Resolution r = resolution(variable, auth, protocol, scope.credentials_request);
            return r == Resolution::value || (!allow && r == Resolution::unknown);
        };

        bool anywhere = false;
        bool undocumented = false;
        for (const AuthType auth : scope.auths) {
            for (const Protocol protocol : scope.protocols) {
                anywhere = anywhere || resolves(auth, protocol);
                undocumented = undocumented || resolution(variable, auth, protocol, scope.credentials_request) ==
                                                   Resolution::unknown;
            }
        }
        if (!anywhere) {
            report(context, statement, site, span, name,
                   fmt::format("has {} for any {} under which this statement's actions are used ({})",
                               undocumented ? "no known value" : "no value",
                               scope.auths_listed || scope.protocols_listed ? "configured auth type and protocol"
                                                                             : "auth type and protocol",
                               describe(variable)),
                   true);
            return;
        }
        if (!scope.auths_listed && !scope.protocols_listed) {
            return;
        }

        // The listed values (or pairs) for which the variable never resolves.
        std::vector<std::string> dead;
        if (scope.auths_listed && scope.protocols_listed) {
            for (const AuthType auth : scope.auths) {
                for (const Protocol protocol : scope.protocols) {
                    if (!resolves(auth, protocol)) {
                        dead.push_back(fmt::format("{} over {}", auth_words(auth), protocol_words(protocol)));
                    }
                }
            }
        } else if (scope.auths_listed) {
            for (const AuthType auth : scope.auths) {
                bool some = false;
                for (const Protocol protocol : scope.protocols) {
                    some = some || resolves(auth, protocol);
                }
                if (!some) {
                    dead.emplace_back(auth_words(auth));
                }
            }
        } else {
            for (const Protocol protocol : scope.protocols) {
                bool some = false;
                for (const AuthType auth : scope.auths) {
                    some = some || resolves(auth, protocol);
                }
                if (!some) {
                    dead.push_back(fmt::format("requests over {}", protocol_words(protocol)));
                }
            }
        }
        if (dead.empty()) {
            return;
        }
        std::string listed;
        for (const std::string& item : dead) {
            listed += fmt::format("{}{}", listed.empty() ? "" : ", ", item);
        }
        report(context, statement, site, span, name,
               fmt::format("has no {}value for {}, which the configuration lists ({})", allow ? "known " : "", listed,
                           describe(variable)),
               false);
    }

    /// Where the catalog says the variable resolves, and where it is undocumented.
    static std::string describe(const catalog::PolicyVariable& variable) {
        std::vector<std::string_view> auths;
        std::vector<std::string_view> undocumented;
        for (const AuthType auth : k_auth_types) {
            const Availability availability = variable.available_for.for_auth(auth);
            if (availability == Availability::yes || availability == Availability::conditional) {
                auths.push_back(auth_words(auth));
            } else if (availability == Availability::unknown) {
                undocumented.push_back(auth_words(auth));
            }
        }
        std::vector<std::string_view> protocols;
        for (const Protocol protocol : variable.protocols) {
            protocols.push_back(protocol_words(protocol));
        }
        std::string text = fmt::format("it resolves for {}, over {} only", words(auths, "no caller"),
                                       words(protocols, "no protocol"));
        if (!undocumented.empty()) {
            text += fmt::format("; for {} it is undocumented (UNKNOWN, R0)", words(undocumented, ""));
        }
        return text;
    }

    /// "a", "a and b", "a, b and c"; `none` when `items` is empty.
    static std::string words(const std::vector<std::string_view>& items, std::string_view none) {
        if (items.empty()) {
            return std::string(none);
        }
        std::string text(items.front());
        for (std::size_t i = 1; i < items.size(); ++i) {
            text += fmt::format("{}{}", i + 1 == items.size() ? " and " : ", ", items[i]);
        }
        return text;
    }

    /// `everywhere`: the variable is dead for every combination in scope, not only for the listed ones.
    static void report(RuleContext& context, const Statement& statement, const VariableSite& site, Span span,
                       std::string_view name, const std::string& where, bool everywhere) {
        const bool allow = statement.effect->value == Effect::allow;
        std::string_view consequence;
        if (allow) {
            // An unresolved variable anywhere in an Allow: the statement grants nothing (spec vars §2, R0).
            consequence = everywhere ? "this Allow grants nothing" : "this Allow grants them nothing";
        } else if (site.in_condition) {
            consequence = "this condition compares with no value (a positive operator never matches, a "
                          "negated one always does)";
        } else if (statement.resource && statement.resource->negated) {
            consequence = "this NotResource entry exempts nothing, so the Deny covers more than intended";
        } else {
            consequence = "this Deny entry blocks nothing";
        }
        context.report(RuleId::IOT303, Severity::warning, span,
                       fmt::format("${{{}}} {}: {} (spec vars §2, §3)", name, where, consequence));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT303>() {
    return std::make_unique<VariableUnavailable>();
}

}  // namespace iotpolicy::lint
