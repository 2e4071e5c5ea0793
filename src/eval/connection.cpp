#include "iotpolicy/connection.hpp"

#include <algorithm>

#include "../support/suggest.hpp"  // equals_ignoring_case

namespace iotpolicy {

namespace {

using catalog::Availability;
using catalog::AuthType;
using catalog::Protocol;
using catalog::VariableKind;
using detail::equals_ignoring_case;

constexpr std::string_view k_true = "true";
constexpr std::string_view k_false = "false";

KeyResolution absent(std::string_view why) {
    KeyResolution r;
    r.status = KeyStatus::absent;
    r.why = why;
    return r;
}

KeyResolution unknown(std::string_view why) {
    KeyResolution r;
    r.status = KeyStatus::unknown;
    r.why = why;
    return r;
}

KeyResolution one_value(std::string_view value) {
    KeyResolution r;
    r.status = KeyStatus::value;
    r.values.push_back(value);
    return r;
}

KeyResolution from_entry(const ContextEntry& entry) {
    KeyResolution r;
    r.status = KeyStatus::value;
    for (const std::string& v : entry.values) r.values.emplace_back(v);
    return r;
}

/// A user-supplied entry for `name`: exact spelling first, then ignoring case (IAM key names are
/// case-insensitive, spec vars §1).
const ContextEntry* find_entry(std::span<const ContextEntry> entries, std::string_view name) {
    for (const ContextEntry& e : entries) {
        if (e.key == name) return &e;
    }
    for (const ContextEntry& e : entries) {
        if (equals_ignoring_case(e.key, name)) return &e;
    }
    return nullptr;
}

bool protocol_listed(const catalog::PolicyVariable& variable, Protocol protocol) {
    return std::find(variable.protocols.begin(), variable.protocols.end(), protocol) != variable.protocols.end();
}

/// Whether thing variables are bound to the connection's thing (spec vars §4): the client ID names a thing that
/// is attached to the principal. Under an exclusive association the thing is bound whatever the client ID.
enum class ThingBinding : std::uint8_t { bound, unbound, exclusive_other_client_id };

ThingBinding thing_binding(const Connection& c) {
    if (!c.thing || !c.thing->attached) return ThingBinding::unbound;
    if (c.client_id && *c.client_id == c.thing->name) return ThingBinding::bound;
    return c.thing->exclusive ? ThingBinding::exclusive_other_client_id : ThingBinding::unbound;
}

KeyResolution resolve_thing_variable(const Connection& c, const catalog::PolicyVariable& variable,
                                     const catalog::VariableMatch& match, const RequestContext& request) {
    const std::string_view name = variable.name;
    const bool is_attached_key = name == "iot:Connection.Thing.IsAttached";
    if (request.is_credentials_request) {
        return unknown("thing variables for credentials-provider requests are undocumented (actions §4.6, R0)");
    }
    if (c.protocol == Protocol::https) {
        if (is_attached_key) return unknown("iot:Connection.Thing.IsAttached over HTTPS is undocumented (spec vars §4, R0)");
        return absent("thing variables resolve only over MQTT and MQTT over WebSocket (spec vars §4)");
    }
    if (is_attached_key) {
        // "Thing name is taken as client Id": true when the thing named by the client ID is attached.
        const bool attached = c.thing && c.thing->attached && c.client_id && *c.client_id == c.thing->name;
        return one_value(attached ? k_true : k_false);
    }
    const ThingBinding binding = thing_binding(c);
    if (binding == ThingBinding::unbound) {
        if (!c.thing) return absent("the connection has no thing (spec vars §4)");
        if (!c.thing->attached) return absent("the thing is not attached to the principal (spec vars §4)");
        return absent("the client ID is not the thing's name, so thing variables do not resolve (spec vars §4)");
    }
    if (binding == ThingBinding::exclusive_other_client_id && name != "iot:Connection.Thing.ThingName") {
        return unknown("exclusive association with a client ID other than the thing name: ThingTypeName and "
                       "Attributes are undocumented there (spec vars §4, R0)");
    }
    if (name == "iot:Connection.Thing.ThingName") return one_value(c.thing->name);
    if (name == "iot:Connection.Thing.ThingTypeName") {
        if (!c.thing->type) return absent("the thing has no thing type");
        return one_value(*c.thing->type);
    }
    // Attributes[name]: attribute names are matched exactly; a name equal only ignoring case is R0 (spec vars §1).
    for (const auto& [key, value] : c.thing->attributes) {
        if (key == match.parameter) return one_value(value);
    }
    for (const auto& [key, value] : c.thing->attributes) {
        if (equals_ignoring_case(key, match.parameter)) {
            KeyResolution r = one_value(value);
            r.non_canonical = true;
            return r;
        }
    }
    return absent("the thing has no attribute of that name (spec vars §2)");
}

/// The certificate part a variable name selects ("iot:Certificate.Subject.AlternativeName.DNSName.1" →
/// subject alternative names, "DNSName").
struct CertificatePath {
    const std::vector<CertificateField>* fields = nullptr;
    std::string_view field;
};

std::optional<CertificatePath> certificate_path(const CertificateFacts& cert, std::string_view name) {
    constexpr std::string_view k_prefix = "iot:Certificate.";
    if (!name.starts_with(k_prefix)) return std::nullopt;
    name.remove_prefix(k_prefix.size());
    const auto take = [&](std::string_view head) {
        if (!name.starts_with(head)) return false;
        name.remove_prefix(head.size());
        return true;
    };
    const std::vector<CertificateField>* fields = nullptr;
    if (take("Subject.AlternativeName.")) fields = &cert.subject_alternative_name;
    else if (take("Issuer.AlternativeName.")) fields = &cert.issuer_alternative_name;
    else if (take("Subject.")) fields = &cert.subject;
    else if (take("Issuer.")) fields = &cert.issuer;
    else return std::nullopt;
    const std::size_t dot = name.find('.');
    return CertificatePath{fields, name.substr(0, dot)};
}

bool has_unsubstitutable_character(std::string_view value) {
    // spec vars §2: certificate values with these characters, or over 1024 characters, are not substituted.
    return value.size() > 1024 || value.find_first_of("*$+?#") != std::string_view::npos;
}

KeyResolution resolve_certificate_variable(const Connection& c, const catalog::PolicyVariable& variable,
                                           const catalog::VariableMatch& match, bool as_variable) {
    if (!c.certificate) return unknown("the scenario gives no certificate for this X.509 connection (R0)");
    const CertificateFacts& cert = *c.certificate;
    const std::string_view name = variable.name;
    KeyResolution r;
    if (name == "iot:CertificateId") {
        if (cert.id.empty()) return unknown("the scenario gives no certificate ID (R0)");
        r = one_value(cert.id);
    } else if (name == "iot:Certificate.SerialNumber") {
        if (!cert.serial_number) return unknown("the scenario gives no serial number (spec vars §2, R0)");
        r = one_value(*cert.serial_number);
    } else if (name == "iot:Certificate.AvailableKeys") {
        return unknown("the element format of iot:Certificate.AvailableKeys is undocumented (spec vars §5, R0)");
    } else {
        const std::optional<CertificatePath> path = certificate_path(cert, name);
        if (!path) return unknown("certificate field not modelled (R0)");
        const auto field = std::find_if(path->fields->begin(), path->fields->end(),
                                        [&](const CertificateField& f) { return f.name == path->field; });
        if (field == path->fields->end() || field->values.empty()) {
            return unknown("the certificate lacks this attribute; AWS says it \"doesn't get evaluated\" "
                           "(spec vars §2, R0)");
        }
        if (variable.multi_valued) {
            r.status = KeyStatus::value;
            for (const std::string& v : field->values) r.values.emplace_back(v);
        } else if (match.index > 0) {
            if (match.index >= field->values.size()) {
                return absent("the index is past the certificate's last value: no substitution, authorization "
                              "fails (spec vars §5)");
            }
            r = one_value(field->values[match.index]);
        } else {
            r = one_value(field->values.front());
        }
    }
    if (as_variable && r.values.size() == 1 && has_unsubstitutable_character(r.values.front())) {
        KeyResolution kept;
        kept.status = KeyStatus::as_written;
        kept.why = "the certificate value contains * $ + ? or # (or exceeds 1024 characters), so AWS leaves the "
                   "variable unsubstituted (spec vars §2)";
        return kept;
    }
    r.assumed = variable.status == catalog::VariableStatus::assumed ||
                (match.index > 0 && variable.indexed_form_status == catalog::VariableStatus::assumed);
    return r;
}

KeyResolution resolve(const Connection& c, const RequestContext& request, std::string_view name, bool as_variable) {
    // User-supplied context overrides the facts: the request's first, then the connection's.
    if (const ContextEntry* e = find_entry(request.entries, name)) return from_entry(*e);
    if (const ContextEntry* e = find_entry(c.context, name)) return from_entry(*e);

    const std::optional<catalog::VariableMatch> match = catalog::match_policy_variable(name);
    if (!match) {
        if (name.size() >= 4 && equals_ignoring_case(name.substr(0, 4), "aws:")) {
            return unknown("IAM global keys are not documented for AWS IoT policies; UNKNOWN unless the scenario "
                           "supplies them (spec vars §3, R0)");
        }
        if (equals_ignoring_case(name, "iot:JobId")) {
            return unknown("whether iot:JobId is populated under IoT policies is undocumented (actions §4.5, R0)");
        }
        return absent("not a key AWS IoT puts in the request context (spec vars §1: unknown keys are unresolved)");
    }
    const catalog::PolicyVariable& variable = *match->variable;
    KeyResolution r = [&]() -> KeyResolution {
        if (as_variable && variable.multi_valued) {
            return absent("a multi-valued key is never usable as a variable (spec vars §1)");
        }
        if (variable.kind == VariableKind::connect) {
            if (!request.is_connect) return absent("CONNECT keys exist only for iot:Connect (spec vars §6)");
            if (variable.name == "iot:ConnectAttributes") {
                KeyResolution empty;
                empty.status = KeyStatus::value;  // a clean CONNECT without a Will: the empty set (spec vars §6)
                return empty;
            }
            return absent("the CONNECT has no Will (spec vars §6)");
        }
        const Availability availability = variable.available_for.for_auth(c.auth);
        if (variable.kind == VariableKind::thing) {
            if (availability == Availability::no) {
                return absent("no custom-authorizer principal can be attached to a thing (spec vars §4)");
            }
            if (availability == Availability::unknown) {
                return unknown("thing variables for this kind of identity are undocumented (spec vars §4, R0)");
            }
            return resolve_thing_variable(c, variable, *match, request);
        }
        if (availability == Availability::no) return absent("not available for this kind of identity (spec vars §3)");
        if (availability == Availability::unknown) {
            return unknown("availability for this kind of identity is undocumented (spec vars §3, R0)");
        }
        if (!protocol_listed(variable, c.protocol)) {
            return absent("not available over this protocol (spec vars §3)");
        }
        switch (variable.kind) {
        case VariableKind::certificate: return resolve_certificate_variable(c, variable, *match, as_variable);
        case VariableKind::cognito:
            if (!c.cognito_identity_id) return unknown("the scenario gives no Cognito identity ID (R0)");
            return one_value(*c.cognito_identity_id);
        case VariableKind::aws_global:
            return absent("the connection does not come through a VPC endpoint");
        case VariableKind::basic:
            if (variable.name == "iot:ClientId") {
                if (!c.client_id) return absent("the connection has no client ID (HTTPS has none, spec vars §3)");
                return one_value(*c.client_id);
            }
            if (variable.name == "aws:SourceIp") {
                // spec vars unclear "sourceip-vpc": the scenario decides; without one the key is absent.
                if (!c.source_ip) return absent("the scenario gives no source IP");
                return one_value(*c.source_ip);
            }
            if (variable.name == "iot:DomainName") {
                // spec vars unclear "domainname-no-sni": absent when the client names no domain.
                if (!c.domain_name) return absent("the scenario gives no domain name");
                return one_value(*c.domain_name);
            }
            return unknown("not modelled (R0)");
        case VariableKind::thing:
        case VariableKind::connect: break;
        }
        return unknown("not modelled (R0)");
    }();
    r.non_canonical = r.non_canonical || !match->canonical_spelling;
    return r;
}

}  // namespace

KeyResolution resolve_condition_key(const Connection& connection, const RequestContext& request,
                                    std::string_view name) {
    return resolve(connection, request, name, false);
}

KeyResolution resolve_variable(const Connection& connection, const RequestContext& request, std::string_view name) {
    return resolve(connection, request, name, true);
}

std::string_view auth_type_name(catalog::AuthType auth) {
    switch (auth) {
    case AuthType::x509: return "x509";
    case AuthType::cognito: return "cognito";
    case AuthType::custom: return "custom";
    case AuthType::sigv4: return "sigv4";
    }
    return "x509";
}

std::string_view protocol_name(catalog::Protocol protocol) {
    switch (protocol) {
    case Protocol::mqtt: return "mqtt";
    case Protocol::websocket: return "websocket";
    case Protocol::https: return "http";
    }
    return "mqtt";
}

}  // namespace iotpolicy
