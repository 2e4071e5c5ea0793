// What the simulator knows about one connection (identity, protocol, thing, certificate, extra context keys) and
// how policy variables and condition keys resolve against it. Spec: variables-and-conditions.md §2–§6 ("spec
// vars"), iot-policy-semantics.md §0.2 (R0 in three-valued form), actions-and-resources.md §4–§5, §9.
//
// Every resolution says how sure it is: a value, no value (the key is absent), UNKNOWN (undocumented, R0), or a
// certificate value AWS leaves unsubstituted. A name that matches the catalog only when letter case is ignored
// resolves case-insensitively but is flagged, because spec vars §1 evaluates it under R0 (an Allow that relies on
// it grants nothing, a Deny applies).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/catalog.hpp"

namespace iotpolicy {

/// The thing a connection's principal may be attached to (absent: the principal has no thing).
struct ThingFacts {
    std::string name;
    std::optional<std::string> type;  // ThingTypeName; absent when the thing has no type
    std::vector<std::pair<std::string, std::string>> attributes;
    bool attached = true;    // AttachThingPrincipal between the thing and the connection's principal
    bool exclusive = false;  // thingPrincipalType EXCLUSIVE_THING (spec vars §4)
};

/// One certificate field: its values, first value first (spec vars §5: the bare name is the first value).
struct CertificateField {
    std::string name;  // "CommonName", "DNSName"
    std::vector<std::string> values;
};

/// The X.509 client certificate of a connection.
struct CertificateFacts {
    std::string id;
    std::string status = "ACTIVE";  // ACTIVE, INACTIVE, REVOKED, PENDING_TRANSFER...: only ACTIVE connects (spec §5.4)
    std::optional<std::string> serial_number;  // decimal text (spec vars §5)
    std::vector<CertificateField> subject;
    std::vector<CertificateField> issuer;
    std::vector<CertificateField> subject_alternative_name;
    std::vector<CertificateField> issuer_alternative_name;
};

/// A context key supplied by the user, overriding what the connection facts would give.
struct ContextEntry {
    std::string key;
    std::vector<std::string> values;  // a scalar is one value
    bool is_list = false;             // written as an array
};

/// One simulated connection.
struct Connection {
    std::string name;
    std::optional<std::string> client_id;  // MQTT and WebSocket only; HTTPS has none (actions §5)
    catalog::AuthType auth = catalog::AuthType::x509;
    catalog::Protocol protocol = catalog::Protocol::mqtt;
    std::optional<ThingFacts> thing;
    std::optional<CertificateFacts> certificate;
    std::optional<std::string> source_ip;
    std::optional<std::string> domain_name;
    std::optional<std::string> cognito_identity_id;
    std::vector<ContextEntry> context;
};

/// How a key resolved.
enum class KeyStatus : std::uint8_t {
    value,       // `values` holds its value(s)
    absent,      // no value: a Resource entry with it matches nothing, a condition sees the key absent
    unknown,     // undocumented whether or what (R0)
    as_written,  // a certificate value with * $ + ? # or over 1024 characters: AWS leaves ${…} in the policy
};

/// The result of resolving a variable or condition key. Views point into the Connection, the request context
/// or static text, and live as long as they do.
struct KeyResolution {
    KeyStatus status = KeyStatus::absent;
    std::vector<std::string_view> values;
    bool non_canonical = false;  // matched only ignoring letter case (spec vars §1, R0)
    bool assumed = false;        // rests on a catalog entry whose status is "assumed" (spec vars §5)
    std::string_view why;        // for explanations: why the key has no value, or is UNKNOWN
};

/// What a request adds to the connection's context: its own context entries (CONNECT attributes, a Will
/// topic, overrides) and the action it is for (iot:ConnectAttributes exists only for iot:Connect).
struct RequestContext {
    std::span<const ContextEntry> entries;
    bool is_connect = false;
    bool is_credentials_request = false;  // iot:AssumeRoleWithCertificate (actions §4.6)
};

/// Resolves condition key `name` (as written in the policy) for a request on `connection`.
KeyResolution resolve_condition_key(const Connection& connection, const RequestContext& request,
                                    std::string_view name);

/// Resolves `${name}` for substitution: like a condition key, but a multi-valued key has no value as a variable
/// (spec vars §1) and a certificate value with a wildcard or `$` stays as written (spec vars §2).
KeyResolution resolve_variable(const Connection& connection, const RequestContext& request, std::string_view name);

/// The name of `auth` and `protocol` as scenario files spell them ("x509", "http").
std::string_view auth_type_name(catalog::AuthType auth);
std::string_view protocol_name(catalog::Protocol protocol);

}  // namespace iotpolicy
