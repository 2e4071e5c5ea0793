#include "iotpolicy/scenario.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <tuple>

#include <fmt/format.h>

#include "iotpolicy/json.hpp"
#include "../support/suggest.hpp"  // nearest_name

namespace iotpolicy {

std::string_view expectation_name(Expectation e) {
    switch (e) {
    case Expectation::none: return "";
    case Expectation::allow: return "allow";
    case Expectation::deny: return "deny";
    case Expectation::implicit_deny: return "implicit-deny";
    case Expectation::explicit_deny: return "explicit-deny";
    }
    return "";
}

bool meets(DecisionKind kind, Expectation expected) {
    switch (expected) {
    case Expectation::none: return true;
    case Expectation::allow: return kind == DecisionKind::allow;
    case Expectation::deny: return kind != DecisionKind::allow;
    case Expectation::implicit_deny: return kind == DecisionKind::implicit_deny;
    case Expectation::explicit_deny: return kind == DecisionKind::explicit_deny;
    }
    return false;
}

std::string_view partition_of_region(std::string_view region) {
    if (region.starts_with("cn-")) return "aws-cn";
    if (region.starts_with("us-gov-")) return "aws-us-gov";
    return "aws";
}

std::string resource_arn(const EvaluationOptions& options, std::string_view type, std::string_view name) {
    return fmt::format("arn:{}:iot:{}:{}:{}/{}", options.partition, options.region, options.account, type, name);
}

namespace {

/// Reading one scenario file: every problem is collected with its position, and reading goes on where it can, so
/// that one run reports every mistake in the file.
class ScenarioReader {
public:
    ScenarioReader(std::shared_ptr<const SourceFile> source, std::string base_directory)
        : m_source(std::move(source)), m_base(std::move(base_directory)) {}

    ScenarioLoad read() {
        ScenarioLoad load;
        JsonDocument json = parse_json(*m_source);
        for (const Diagnostic& d : json.diagnostics) {
            if (d.severity == Severity::error) problem(d.span, d.message);
        }
        if (json.root && m_problems.empty()) read_root(*json.root);
        std::stable_sort(m_problems.begin(), m_problems.end(), [](const InputProblem& a, const InputProblem& b) {
            return std::tie(a.location.line, a.location.column) < std::tie(b.location.line, b.location.column);
        });
        load.problems = std::move(m_problems);
        if (load.problems.empty()) load.scenario = std::move(m_scenario);
        return load;
    }

    /// Reads the file as one connection object (its "requests" optional), and the region and account the
    /// connection's ARNs need.
    ConnectionLoad read_connection_file(const EvaluationOptions& options) {
        ConnectionLoad load;
        m_scenario.options = options;
        m_requests_optional = true;
        JsonDocument json = parse_json(*m_source);
        for (const Diagnostic& d : json.diagnostics) {
            if (d.severity == Severity::error) problem(d.span, d.message);
        }
        if (json.root && m_problems.empty()) read_connection(*json.root, 0);
        load.problems = std::move(m_problems);
        if (load.problems.empty() && !m_scenario.connections.empty()) {
            load.connection = std::move(m_scenario.connections.front());
        }
        return load;
    }

private:
    void problem(Span span, std::string message) {
        m_problems.push_back({m_source->path(), m_source->location(span.begin), std::move(message)});
    }

    /// Reports members of `object` not in `known`, with the nearest known name.
    void check_keys(const JsonValue& object, std::span<const std::string_view> known, std::string_view what) {
        for (const JsonMember& m : object.members) {
            if (std::find(known.begin(), known.end(), m.key) != known.end() || m.key == "comment") continue;
            const auto near = detail::nearest_name(m.key, known);
            problem(m.key_span, near ? fmt::format("unknown {} field \"{}\"; did you mean \"{}\"?", what, m.key, *near)
                                     : fmt::format("unknown {} field \"{}\"; known fields: {}", what, m.key,
                                                   fmt::join(known, ", ")));
        }
    }

    const JsonValue* member(const JsonValue& object, std::string_view key) {
        const JsonMember* m = object.find(key);
        return m ? &m->value : nullptr;
    }

    std::optional<std::string> string_field(const JsonValue& object, std::string_view key, std::string_view what) {
        const JsonValue* v = member(object, key);
        if (!v) return std::nullopt;
        if (v->kind != JsonKind::string) {
            problem(v->span, fmt::format("\"{}\" must be a string ({}), found {}", key, what, json_kind_name(v->kind)));
            return std::nullopt;
        }
        return v->text;
    }

    /// A context value as IAM compares it: strings as they are, numbers as written, booleans as true/false.
    std::optional<std::string> scalar_text(const JsonValue& v) {
        switch (v.kind) {
        case JsonKind::string: return v.text;
        case JsonKind::boolean: return std::string(v.boolean ? "true" : "false");
        case JsonKind::number:
            return std::string(m_source->text().substr(v.span.begin, v.span.end - v.span.begin));
        default: break;
        }
        problem(v.span, fmt::format("a context value must be a string, number or boolean, found {}",
                                    json_kind_name(v.kind)));
        return std::nullopt;
    }

    std::vector<ContextEntry> read_context(const JsonValue& v) {
        std::vector<ContextEntry> entries;
        if (v.kind != JsonKind::object) {
            problem(v.span, fmt::format("\"context\" must be an object of context keys, e.g. "
                                        "{{\"aws:SourceIp\": \"203.0.113.9\"}}, found {}",
                                        json_kind_name(v.kind)));
            return entries;
        }
        for (const JsonMember& m : v.members) {
            ContextEntry e;
            e.key = m.key;
            if (m.value.kind == JsonKind::array) {
                e.is_list = true;
                for (const JsonValue& item : m.value.items) {
                    if (auto t = scalar_text(item)) e.values.push_back(*t);
                }
            } else if (auto t = scalar_text(m.value)) {
                e.values.push_back(*t);
            }
            entries.push_back(std::move(e));
        }
        return entries;
    }

    void read_root(const JsonValue& root) {
        if (root.kind != JsonKind::object) {
            problem(root.span, fmt::format("a scenario is a JSON object with \"policies\", \"region\", \"account\" "
                                           "and \"connections\", found {}",
                                           json_kind_name(root.kind)));
            return;
        }
        static constexpr std::array<std::string_view, 6> k_keys{"policies", "region", "account",
                                                                "connections", "options", "description"};
        check_keys(root, k_keys, "scenario");
        m_scenario.source = m_source;
        read_options(root);
        read_policies(root);
        const JsonValue* connections = member(root, "connections");
        if (!connections || connections->kind != JsonKind::array) {
            problem(connections ? connections->span : root.span,
                    "the scenario needs \"connections\": an array of connections, each with its \"requests\"");
            return;
        }
        for (std::size_t i = 0; i < connections->items.size(); ++i) read_connection(connections->items[i], i);
    }

    void read_options(const JsonValue& root) {
        EvaluationOptions& o = m_scenario.options;
        const auto region = string_field(root, "region", "e.g. \"us-east-1\"");
        const auto account = string_field(root, "account", "12 digits");
        if (!region) problem(root.span, "the scenario needs \"region\", e.g. \"region\": \"us-east-1\"");
        if (!account) problem(root.span, "the scenario needs \"account\", e.g. \"account\": \"123456789012\"");
        if (account && (account->size() != 12 || !std::all_of(account->begin(), account->end(), [](char c) {
                            return c >= '0' && c <= '9';
                        }))) {
            problem(member(root, "account")->span,
                    fmt::format("\"account\" must be 12 digits, found \"{}\"", *account));
        }
        o.region = region.value_or("");
        o.account = account.value_or("");
        o.partition = std::string(partition_of_region(o.region));
        const JsonValue* options = member(root, "options");
        if (!options) return;
        if (options->kind != JsonKind::object) {
            problem(options->span, "\"options\" must be an object");
            return;
        }
        static constexpr std::array<std::string_view, 1> k_keys{"connectAttributes"};
        check_keys(*options, k_keys, "options");
        if (auto mode = string_field(*options, "connectAttributes", "\"require-condition\" or \"iam\"")) {
            if (*mode == "iam") o.connect_attributes_need_condition = false;
            else if (*mode != "require-condition") {
                problem(member(*options, "connectAttributes")->span,
                        "\"connectAttributes\" must be \"require-condition\" (spec vars §6 R0, the default) or "
                        "\"iam\" (plain IAM logic)");
            }
        }
    }

    void read_policies(const JsonValue& root) {
        const JsonValue* policies = member(root, "policies");
        if (!policies || policies->kind != JsonKind::array || policies->items.empty()) {
            problem(policies ? policies->span : root.span,
                    "the scenario needs \"policies\": a non-empty array of policy file paths (relative to the "
                    "scenario) or inline policy documents");
            return;
        }
        for (std::size_t i = 0; i < policies->items.size(); ++i) {
            const JsonValue& p = policies->items[i];
            if (p.kind == JsonKind::object) {
                m_scenario.policies.push_back(load_policy_document(fmt::format("policies[{}]", i), m_source, p));
            } else if (p.kind == JsonKind::string) {
                const std::filesystem::path path = std::filesystem::path(m_base) / p.text;
                std::string error;
                std::optional<std::string> text = read_file(path.string(), error);
                if (!text) {
                    problem(p.span, fmt::format("cannot read policy file \"{}\" (looked for {}: {})", p.text,
                                                path.string(), error));
                    continue;
                }
                auto source = std::make_shared<const SourceFile>(path.lexically_normal().string(), std::move(*text));
                m_scenario.policies.push_back(load_policy_document(p.text, std::move(source)));
            } else {
                problem(p.span, fmt::format("each policy is a file path or an inline policy object, found {}",
                                            json_kind_name(p.kind)));
            }
        }
    }

    std::optional<ThingFacts> read_thing(const JsonValue& v) {
        if (v.kind != JsonKind::object) {
            problem(v.span, "\"thing\" must be an object such as {\"name\": \"sensor-1\", \"attached\": true}");
            return std::nullopt;
        }
        static constexpr std::array<std::string_view, 5> k_keys{"name", "type", "attributes", "attached", "exclusive"};
        check_keys(v, k_keys, "thing");
        ThingFacts t;
        auto name = string_field(v, "name", "the thing name");
        if (!name) {
            problem(v.span, "the thing needs a \"name\"");
            return std::nullopt;
        }
        t.name = *name;
        t.type = string_field(v, "type", "the thing type name");
        if (const JsonValue* a = member(v, "attributes")) {
            if (a->kind != JsonKind::object) problem(a->span, "\"attributes\" must be an object of names to strings");
            else {
                for (const JsonMember& m : a->members) {
                    if (m.value.kind != JsonKind::string) {
                        problem(m.value.span, "thing attribute values are strings");
                        continue;
                    }
                    t.attributes.emplace_back(m.key, m.value.text);
                }
            }
        }
        t.attached = read_bool(v, "attached", true);
        t.exclusive = read_bool(v, "exclusive", false);
        return t;
    }

    bool read_bool(const JsonValue& object, std::string_view key, bool fallback) {
        const JsonValue* b = member(object, key);
        if (!b) return fallback;
        if (b->kind != JsonKind::boolean) {
            problem(b->span, fmt::format("\"{}\" must be true or false", key));
            return fallback;
        }
        return b->boolean;
    }

    std::vector<CertificateField> read_fields(const JsonValue& v) {
        std::vector<CertificateField> fields;
        if (v.kind != JsonKind::object) {
            problem(v.span, "certificate names are objects such as {\"CommonName\": \"sensor-1\"}");
            return fields;
        }
        for (const JsonMember& m : v.members) {
            CertificateField f;
            f.name = m.key;
            if (m.value.kind == JsonKind::string) f.values.push_back(m.value.text);
            else if (m.value.kind == JsonKind::array) {
                for (const JsonValue& item : m.value.items) {
                    if (item.kind == JsonKind::string) f.values.push_back(item.text);
                    else problem(item.span, "certificate values are strings");
                }
            } else {
                problem(m.value.span, "a certificate value is a string or an array of strings (first value first)");
            }
            fields.push_back(std::move(f));
        }
        return fields;
    }

    std::optional<CertificateFacts> read_certificate(const JsonValue& v) {
        if (v.kind != JsonKind::object) {
            problem(v.span, "\"certificate\" must be an object with \"id\", \"subject\", \"issuer\"...");
            return std::nullopt;
        }
        static constexpr std::array<std::string_view, 7> k_keys{
            "id",     "status", "serialNumber", "subject", "issuer", "subjectAlternativeName", "issuerAlternativeName"};
        check_keys(v, k_keys, "certificate");
        CertificateFacts c;
        c.id = string_field(v, "id", "the certificate ID").value_or("");
        c.serial_number = string_field(v, "serialNumber", "decimal text");
        if (auto status = string_field(v, "status", "ACTIVE, INACTIVE, REVOKED...")) c.status = *status;
        if (const JsonValue* f = member(v, "subject")) c.subject = read_fields(*f);
        if (const JsonValue* f = member(v, "issuer")) c.issuer = read_fields(*f);
        if (const JsonValue* f = member(v, "subjectAlternativeName")) c.subject_alternative_name = read_fields(*f);
        if (const JsonValue* f = member(v, "issuerAlternativeName")) c.issuer_alternative_name = read_fields(*f);
        return c;
    }

    void read_connection(const JsonValue& v, std::size_t index) {
        if (v.kind != JsonKind::object) {
            problem(v.span, "each connection is an object with \"clientId\", \"requests\"...");
            return;
        }
        static constexpr std::array<std::string_view, 11> k_keys{
            "name",     "clientId",   "auth",    "protocol", "thing",            "certificate",
            "sourceIp", "domainName", "context", "requests", "cognitoIdentityId"};
        check_keys(v, k_keys, "connection");
        ScenarioConnection sc;
        Connection& c = sc.connection;
        if (auto name = string_field(v, "name", "a label for results")) {
            c.name = *name;
            sc.named = true;
        } else {
            c.name = std::to_string(index);
        }
        c.client_id = string_field(v, "clientId", "the MQTT client ID");
        if (auto auth = string_field(v, "auth", "x509, cognito, custom or sigv4")) {
            static constexpr std::array<std::string_view, 4> k_auth{"x509", "cognito", "custom", "sigv4"};
            const auto it = std::find(k_auth.begin(), k_auth.end(), *auth);
            if (it == k_auth.end()) {
                problem(member(v, "auth")->span,
                        fmt::format("\"auth\" must be x509, cognito, custom or sigv4, found \"{}\"", *auth));
            } else {
                c.auth = static_cast<catalog::AuthType>(it - k_auth.begin());
            }
        }
        if (auto protocol = string_field(v, "protocol", "mqtt, websocket or http")) {
            if (*protocol == "mqtt") c.protocol = catalog::Protocol::mqtt;
            else if (*protocol == "websocket") c.protocol = catalog::Protocol::websocket;
            else if (*protocol == "http" || *protocol == "https") c.protocol = catalog::Protocol::https;
            else {
                problem(member(v, "protocol")->span,
                        fmt::format("\"protocol\" must be mqtt, websocket or http, found \"{}\"", *protocol));
            }
        }
        if (c.protocol == catalog::Protocol::https && c.client_id) {
            problem(member(v, "clientId")->span,
                    "an HTTPS connection has no client ID (actions §5): remove \"clientId\" or use \"protocol\": "
                    "\"mqtt\"");
        }
        if (c.protocol != catalog::Protocol::https && !c.client_id) {
            problem(v.span, "an MQTT or WebSocket connection needs a \"clientId\"");
        }
        if (const JsonValue* t = member(v, "thing")) c.thing = read_thing(*t);
        if (const JsonValue* cert = member(v, "certificate")) c.certificate = read_certificate(*cert);
        c.source_ip = string_field(v, "sourceIp", "an IPv4 or IPv6 address");
        c.domain_name = string_field(v, "domainName", "the endpoint's domain name");
        c.cognito_identity_id = string_field(v, "cognitoIdentityId", "the Cognito identity ID");
        if (const JsonValue* ctx = member(v, "context")) c.context = read_context(*ctx);
        const JsonValue* requests = member(v, "requests");
        const bool requests_missing_allowed = !requests && m_requests_optional;
        if (!requests_missing_allowed && (!requests || requests->kind != JsonKind::array)) {
            problem(requests ? requests->span : v.span, "each connection needs \"requests\": an array of requests");
        } else if (requests) {
            for (const JsonValue& r : requests->items) {
                if (auto request = read_request(r, c)) sc.requests.push_back(std::move(*request));
            }
        }
        m_scenario.connections.push_back(std::move(sc));
    }

    std::optional<ScenarioRequest> read_request(const JsonValue& v, const Connection& c) {
        if (v.kind != JsonKind::object) {
            problem(v.span, "each request is an object such as {\"action\": \"iot:Publish\", \"topic\": \"a/b\"}");
            return std::nullopt;
        }
        static constexpr std::array<std::string_view, 9> k_keys{"action", "topic",     "topicFilter",
                                                                "thing",  "shadow",    "roleAlias",
                                                                "resource", "context", "expect"};
        check_keys(v, k_keys, "request");
        ScenarioRequest sr;
        sr.span = v.span;
        Request& r = sr.request;
        const auto action_name = string_field(v, "action", "e.g. \"iot:Publish\"");
        if (!action_name) {
            problem(v.span, "the request needs an \"action\", e.g. \"iot:Publish\"");
            return std::nullopt;
        }
        const JsonValue* action_value = member(v, "action");
        const auto action = find_request_action(*action_name);
        if (!action) {
            std::vector<std::string_view> names;
            for (const catalog::Action& a : catalog::actions()) names.push_back(a.name);
            const auto near = detail::nearest_name(*action_name, names);
            problem(action_value->span,
                    near ? fmt::format("unknown action \"{}\"; did you mean \"{}\"?", *action_name, *near)
                         : fmt::format("\"{}\" is not an action AWS IoT policies authorize (see `iotpolicy rules`, "
                                       "actions-and-resources.md §4)",
                                       *action_name));
            return std::nullopt;
        }
        r.action = *action;
        const std::string_view canonical = request_action_name(r.action);
        if (const JsonValue* ctx = member(v, "context")) r.context = read_context(*ctx);
        if (auto expect = string_field(v, "expect", "allow, deny, implicit-deny or explicit-deny")) {
            static constexpr std::array<std::string_view, 4> k_expect{"allow", "deny", "implicit-deny",
                                                                     "explicit-deny"};
            const auto it = std::find(k_expect.begin(), k_expect.end(), *expect);
            if (it == k_expect.end()) {
                problem(member(v, "expect")->span,
                        fmt::format("\"expect\" must be allow, deny, implicit-deny or explicit-deny, found \"{}\"",
                                    *expect));
            } else {
                sr.expect = static_cast<Expectation>(1 + (it - k_expect.begin()));
            }
        }
        if (canonical == "iot:Connect" && c.protocol == catalog::Protocol::https) {
            problem(action_value->span, "HTTPS has no CONNECT, so iot:Connect is never checked for it (spec §2.6)");
            return std::nullopt;
        }
        if (!build_resource(v, c, r)) return std::nullopt;
        return sr;
    }

    /// Fills the request's resource from the field its action is checked against (actions §3).
    bool build_resource(const JsonValue& v, const Connection& c, Request& r) {
        const std::string_view action = request_action_name(r.action);
        const catalog::Action* entry = request_action_catalog_entry(r.action);
        const std::string_view type = entry ? entry->resource_type->name : std::string_view();
        const EvaluationOptions& o = m_scenario.options;
        static constexpr std::array<std::string_view, 5> k_fields{"topic", "topicFilter", "thing", "roleAlias",
                                                                  "resource"};
        std::vector<std::string_view> given;
        for (std::string_view f : k_fields) {
            if (member(v, f)) given.push_back(f);
        }
        const bool explicit_resource = member(v, "resource") != nullptr;
        if (given.size() > 1) {
            problem(v.span, fmt::format("give one of {}, not several", fmt::join(given, ", ")));
            return false;
        }
        if (explicit_resource) {
            auto text = string_field(v, "resource", "a full ARN or \"*\"");
            if (!text) return false;
            r.resource = *text;
            classify_thing_resource(r, action);
            return true;
        }
        const auto need = [&](std::string_view field, std::string_view what) -> std::optional<std::string> {
            auto value = string_field(v, field, what);
            if (!value) {
                problem(v.span, fmt::format("{} is checked against {}: give \"{}\" (or a full \"resource\")", action,
                                            what, field));
            }
            return value;
        };
        if (action == "iot:ListNamedShadowsForThing") {
            auto thing = need("thing", "the thing whose shadows are listed");
            if (!thing) return false;
            r.resource = "*";
            r.reading = ResourceReading::list_named_shadows;
            r.alternate_resource = resource_arn(o, "thing", *thing);
            return true;
        }
        if (type == "client") {
            if (!c.client_id) {
                problem(v.span, fmt::format("{} is checked against the client ID, and this connection has none",
                                            action));
                return false;
            }
            r.resource = resource_arn(o, "client", *c.client_id);
        } else if (type == "topic") {
            auto topic = need("topic", "a topic name");
            if (!topic) return false;
            r.resource = resource_arn(o, "topic", *topic);
        } else if (type == "topicfilter") {
            auto filter = need("topicFilter", "a topic filter");
            if (!filter) return false;
            r.resource = resource_arn(o, "topicfilter", *filter);
        } else if (type == "thing") {
            auto thing = need("thing", "a thing name");
            if (!thing) return false;
            r.resource = resource_arn(o, "thing", *thing);
            if (auto shadow = string_field(v, "shadow", "a named shadow")) {
                r.resource += "/" + *shadow;
                classify_thing_resource(r, action);
            }
        } else if (type == "rolealias") {
            auto alias = need("roleAlias", "a role alias");
            if (!alias) return false;
            r.resource = resource_arn(o, "rolealias", *alias);
        } else if (type == "*") {
            r.resource = "*";
        } else {
            problem(v.span, fmt::format("give the \"resource\" {} is checked against (a full ARN)", action));
            return false;
        }
        return true;
    }

    /// A shadow request on thing/<t>/<s> is a named shadow (actions §4.3); ListNamedShadowsForThing on
    /// thing/<t> is read both ways (actions §4.4).
    static void classify_thing_resource(Request& r, std::string_view action) {
        const std::size_t at = r.resource.find(":thing/");
        if (at == std::string::npos) return;
        if (action == "iot:ListNamedShadowsForThing") {
            r.alternate_resource = r.resource;
            r.resource = "*";
            r.reading = ResourceReading::list_named_shadows;
            return;
        }
        if (!action.ends_with("ThingShadow")) return;
        const std::size_t slash = r.resource.find('/', at + 7);
        if (slash == std::string::npos) return;
        r.reading = ResourceReading::named_shadow;
        r.alternate_resource = r.resource.substr(0, slash);
    }

    std::shared_ptr<const SourceFile> m_source;
    std::string m_base;
    Scenario m_scenario;
    std::vector<InputProblem> m_problems;
    bool m_requests_optional = false;
};

}  // namespace

ScenarioLoad parse_scenario(std::shared_ptr<const SourceFile> source, const std::string& base_directory) {
    return ScenarioReader(std::move(source), base_directory).read();
}

ScenarioLoad load_scenario(const std::string& path) {
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
        ScenarioLoad load;
        load.problems.push_back({path, {}, "cannot read the scenario file: " + error});
        return load;
    }
    const std::string base = std::filesystem::path(path).parent_path().string();
    return parse_scenario(std::make_shared<const SourceFile>(path, *text), base.empty() ? "." : base);
}

ConnectionLoad load_connection(const std::string& path, const EvaluationOptions& options) {
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
        ConnectionLoad load;
        load.problems.push_back({path, {}, "cannot read the connection file: " + error});
        return load;
    }
    return ScenarioReader(std::make_shared<const SourceFile>(path, *text), ".").read_connection_file(options);
}

// --- Running ------------------------------------------------------------------------------------------------------

namespace {

const Statement* statement_at(const PolicyDocument& doc, StatementRef ref) {
    if (!doc.ast) return nullptr;
    for (const Statement& st : doc.ast->statements) {
        if (st.index == ref.statement) return &st;
    }
    return nullptr;
}

MatchedStatement locate(const PolicyDocument& doc, StatementRef ref) {
    MatchedStatement m;
    m.policy = doc.name;
    m.statement = ref.statement;
    if (const Statement* st = statement_at(doc, ref)) {
        if (st->sid) m.sid = st->sid->value;
        m.line = doc.source->location(st->span.begin).line;
    }
    return m;
}

std::string verdict_line(const PolicyDocument& doc, const StatementVerdict& v) {
    const Statement* s = statement_at(doc, v.ref);
    std::string who = fmt::format("{} statement {}", doc.name, v.ref.statement);
    if (s && s->sid) who += fmt::format(" (\"{}\")", s->sid->value);
    if (s && s->effect) who += s->effect->value == Effect::allow ? " Allow" : " Deny";
    return fmt::format("{}: {}", who, v.reason);
}

}  // namespace

SimulationResult describe_result(const PolicySet& policies, const Explanation& e) {
    SimulationResult r;
    r.decision = e.decision.kind;
    r.uncertain = e.decision.uncertain;
    const auto docs = policies.documents();
    for (const StatementRef& ref : e.deciding) r.matched.push_back(locate(docs[ref.policy], ref));
    for (const StatementVerdict& v : e.statements) {
        StatementReport report;
        report.where = locate(docs[v.ref.policy], v.ref);
        const Statement* st = statement_at(docs[v.ref.policy], v.ref);
        report.effect = st && st->effect ? (st->effect->value == Effect::allow ? "Allow" : "Deny") : "";
        report.applies = !v.counted                  ? "not-counted"
                         : v.applies == Truth::yes   ? "yes"
                         : v.applies == Truth::no    ? "no"
                                                      : "unknown";
        report.reason = v.reason;
        r.statements.push_back(std::move(report));
    }
    std::string text;
    switch (e.decision.kind) {
    case DecisionKind::explicit_deny: text = "Explicit deny: a Deny statement applies"; break;
    case DecisionKind::allow: text = "Allowed: an Allow statement applies and no Deny does"; break;
    case DecisionKind::implicit_deny:
        text = e.overridden ? "Implicit deny: the statements would allow it, but a rule about the connection refuses it "
                              "(see the notes)"
                            : "Implicit deny: no Allow statement grants it";
        break;
    }
    if (e.decision.uncertain) text += " (uncertain: the decision rests on an R0 reading, spec §0.2)";
    text += ".";
    std::vector<std::string> deciding;
    std::vector<std::string> others;
    std::vector<std::string> would;
    std::size_t other_actions = 0;
    for (const StatementVerdict& v : e.statements) {
        const bool decides = std::find(e.deciding.begin(), e.deciding.end(), v.ref) != e.deciding.end();
        if (!decides && v.counted && v.action_mismatch) {
            ++other_actions;
            continue;
        }
        const bool would_allow = e.overridden && v.counted && v.applies == Truth::yes;
        (decides ? deciding : would_allow ? would : others).push_back(verdict_line(docs[v.ref.policy], v));
    }
    if (!deciding.empty()) text += fmt::format(" Decided by: {}.", fmt::join(deciding, "; "));
    if (!would.empty()) text += fmt::format(" Would allow: {}.", fmt::join(would, "; "));
    if (!others.empty()) text += fmt::format(" Not applying: {}.", fmt::join(others, "; "));
    if (other_actions > 0) {
        text += fmt::format(" {} other statement{} cover{} other actions only.", other_actions,
                            other_actions == 1 ? "" : "s", other_actions == 1 ? "s" : "");
    }
    r.explanation = std::move(text);
    r.notes = e.notes;
    return r;
}

SimulationReport run_scenario(const Scenario& scenario) {
    SimulationReport report;
    const PolicySet policies(std::vector<PolicyDocument>(scenario.policies.begin(), scenario.policies.end()));
    for (const PolicyDocument& doc : policies.documents()) {
        if (doc.named_standing != Standing::in_force || doc.authorizer_standing != Standing::in_force) {
            const std::string_view named = doc.named_standing == Standing::absent      ? "evaluated as absent"
                                           : doc.named_standing == Standing::deny_only ? "only its Deny statements count"
                                                                                        : "in force";
            report.document_notes.push_back(fmt::format("{}: {} ({})", doc.name, named, doc.standing_reason));
        }
    }
    for (const ScenarioConnection& sc : scenario.connections) {
        const ConnectionEvaluator evaluator(policies, sc.connection, scenario.options);
        for (std::size_t i = 0; i < sc.requests.size(); ++i) {
            const ScenarioRequest& sr = sc.requests[i];
            SimulationResult r = describe_result(policies, evaluator.explain(sr.request));
            r.connection = sc.connection.name;
            r.connection_named = sc.named;
            r.request = i;
            r.action = std::string(request_action_name(sr.request.action));
            r.resource = sr.request.resource;
            r.expected = sr.expect;
            if (sr.expect != Expectation::none) r.pass = meets(r.decision, sr.expect);
            ++report.summary.requests;
            if (r.decision == DecisionKind::allow) ++report.summary.allowed;
            else ++report.summary.denied;
            if (r.pass == false) ++report.summary.failed;
            if (r.uncertain) ++report.summary.uncertain;
            report.results.push_back(std::move(r));
        }
    }
    return report;
}

}  // namespace iotpolicy
