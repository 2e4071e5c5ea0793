// The corpus generator. Each policy belongs to a fleet (an account, a region, an application) and follows one of
// the profiles fleets deploy (per-device telemetry, shadow, jobs, gateway, fleet-provisioning claim, all-in-one).
// It grows statement by statement to a drawn target size, is printed in one of the layouts people and tools write,
// and about one in twenty gets one deliberate defect of the kinds seen in the field.
#include "policy_corpus.hpp"
#include "bench_support.hpp"

#include <algorithm>  // all_of, find, find_if, min
#include <array>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace iotpolicy::bench {

namespace {

namespace fs = std::filesystem;

// Clean policies stay at or below this many bytes even pretty-printed, hence below IoT's 2048-character quota
// (counted without whitespace): every finding in the corpus then comes from a deliberate defect.
constexpr std::size_t k_max_policy_bytes = 2000;
constexpr std::size_t k_min_target_bytes = 200;
constexpr unsigned k_defect_percent = 5;
// Real fleets share accounts and regions across many devices; a fixed number keeps the layout stable as --count
// changes.
constexpr std::size_t k_fleet_count = 48;
// Growth gives up after this many extra statements in a row would overshoot k_max_policy_bytes.
constexpr std::size_t k_max_overshoots = 4;

constexpr std::string_view k_thing_name_variable = "${iot:Connection.Thing.ThingName}";
constexpr std::string_view k_client_id_variable = "${iot:ClientId}";


// --- JSON: just enough to build a policy, damage it on purpose and print it in several layouts ------------------

struct JsonMember;

struct JsonNode {
    enum class Kind : std::uint8_t { string, array, object };

    JsonNode* find(std::string_view key);

    Kind kind = Kind::string;
    std::string text;
    std::vector<JsonNode> items;
    std::vector<JsonMember> members;
    bool trailing_comma = false;  // a defect: a comma after the last item or member
};

struct JsonMember {
    std::string key;
    JsonNode value;
};

JsonNode* JsonNode::find(std::string_view key) {
    const auto it = std::find_if(members.begin(), members.end(), [&](const JsonMember& m) { return m.key == key; });
    return it == members.end() ? nullptr : &it->value;
}

JsonNode json_string(std::string text) {
    JsonNode node;
    node.text = std::move(text);
    return node;
}

JsonNode json_object(std::vector<JsonMember> members) {
    JsonNode node;
    node.kind = JsonNode::Kind::object;
    node.members = std::move(members);
    return node;
}

JsonNode json_array(std::vector<JsonNode> items) {
    JsonNode node;
    node.kind = JsonNode::Kind::array;
    node.items = std::move(items);
    return node;
}

JsonNode json_strings(const std::vector<std::string>& texts) {
    std::vector<JsonNode> items;
    for (const std::string& text : texts) {
        items.push_back(json_string(text));
    }
    return json_array(std::move(items));
}

struct Layout {
    std::string_view indent;   // empty: minified, no whitespace at all
    std::string_view newline;  // "\n", or "\r\n" as Windows editors save
    bool inline_string_arrays = false;  // ["iot:Publish", "iot:Receive"] on one line, as many people format them
};

class JsonWriter {
public:
    explicit JsonWriter(const Layout& layout) : m_layout(layout) {}

    std::string write(const JsonNode& root) {
        write_value(root, 0);
        if (pretty()) {
            m_out += m_layout.newline;
        }
        return std::move(m_out);
    }

private:
    bool pretty() const { return !m_layout.indent.empty(); }

    void break_line(std::size_t depth) {
        m_out += m_layout.newline;
        for (std::size_t i = 0; i < depth; ++i) {
            m_out += m_layout.indent;
        }
    }

    void write_string(std::string_view text) {
        m_out += '"';
        for (const char c : text) {
            if (c == '"' || c == '\\') {
                m_out += '\\';
            }
            m_out += c;
        }
        m_out += '"';
    }

    void write_value(const JsonNode& node, std::size_t depth) {
        switch (node.kind) {
        case JsonNode::Kind::string: write_string(node.text); break;
        case JsonNode::Kind::array: {
            const bool all_strings = std::all_of(node.items.begin(), node.items.end(), [](const JsonNode& item) {
                return item.kind == JsonNode::Kind::string;
            });
            const bool multiline = pretty() && !(m_layout.inline_string_arrays && all_strings);
            m_out += '[';
            for (std::size_t i = 0; i < node.items.size(); ++i) {
                if (i > 0) {
                    m_out += pretty() && !multiline ? ", " : ",";
                }
                if (multiline) {
                    break_line(depth + 1);
                }
                write_value(node.items[i], depth + 1);
            }
            close(node, multiline, depth, ']');
            break;
        }
        case JsonNode::Kind::object: {
            m_out += '{';
            for (std::size_t i = 0; i < node.members.size(); ++i) {
                m_out += i > 0 ? "," : "";
                if (pretty()) {
                    break_line(depth + 1);
                }
                write_string(node.members[i].key);
                m_out += pretty() ? ": " : ":";
                write_value(node.members[i].value, depth + 1);
            }
            close(node, pretty(), depth, '}');
            break;
        }
        }
    }

    void close(const JsonNode& node, bool multiline, std::size_t depth, char bracket) {
        if (node.trailing_comma) {
            m_out += ',';
        }
        const bool empty = node.items.empty() && node.members.empty();
        if (multiline && !empty) {
            break_line(depth);
        }
        m_out += bracket;
    }

    const Layout& m_layout;
    std::string m_out;
};

// --- Fleets ------------------------------------------------------------------------------------------------------

constexpr auto k_regions = std::to_array<std::string_view>(
    {"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "eu-north-1", "ap-southeast-1",
     "ap-southeast-2", "ap-northeast-1", "ap-south-1", "ca-central-1", "sa-east-1"});

struct Application {
    std::string_view topic_namespace;
    std::string_view thing_prefix;
    std::string_view thing_type;
};

constexpr auto k_applications = std::to_array<Application>({
    {"hvac", "thermostat", "Thermostat"},
    {"metering", "meter", "SmartMeter"},
    {"tracking", "tracker", "AssetTracker"},
    {"lighting", "lamp", "StreetLight"},
    {"water", "pump", "WaterPump"},
    {"security", "camera", "IpCamera"},
    {"charging", "charger", "EvCharger"},
    {"farm", "soil-sensor", "SoilSensor"},
    {"cold-chain", "logger", "TemperatureLogger"},
    {"factory", "plc-gateway", "EdgeGateway"},
});

constexpr auto k_organizations = std::to_array<std::string_view>(
    {"Acme Corp", "Globex", "Initech", "Umbrella Systems", "Stark Devices", "Wayne Sensors"});

struct Fleet {
    std::string region;
    std::string account;
    Application application;
    std::string thing_type;                    // for StringEquals on iot:Connection.Thing.ThingTypeName
    std::string organization;                  // the O= of the fleet's device certificates
    std::string provisioning_template;
    std::string role_alias;
    std::vector<std::string> trusted_networks;  // CIDR ranges for aws:SourceIp
};

Fleet make_fleet(SplitMix64& rng) {
    Fleet fleet;
    fleet.region = rng.pick(k_regions);
    fleet.account = fmt::format("{:012}", 100'000'000'000ULL + rng.below(900'000'000'000ULL));
    fleet.application = rng.pick(k_applications);
    fleet.thing_type = fmt::format("{}-v{}", fleet.application.thing_type, rng.between(1, 4));
    fleet.organization = rng.pick(k_organizations);
    fleet.provisioning_template = fmt::format("{}-fleet-provisioning", fleet.application.topic_namespace);
    fleet.role_alias = rng.percent(50) ? std::string("GreengrassV2TokenExchangeRoleAlias")
                                       : fmt::format("{}-device-credentials", fleet.application.topic_namespace);
    const std::size_t networks = rng.between(1, 3);
    for (std::size_t i = 0; i < networks; ++i) {
        fleet.trusted_networks.push_back(
            fmt::format("{}.{}.{}.0/24", rng.between(11, 223), rng.below(256), rng.below(256)));
    }
    return fleet;
}

// --- Policies ------------------------------------------------------------------------------------------------------

enum class StatementKind : std::uint8_t {
    connect,
    claim_connect,
    all_in_one,
    publish_telemetry,
    subscribe_commands,
    receive_commands,
    deny_command_publish,
    shadow_publish,
    shadow_responses,
    shadow_service,
    jobs_publish,
    jobs_responses,
    jobs_service,
    defender_metrics,
    secure_tunneling,
    provisioning_publish_receive,
    provisioning_subscribe,
    assume_role,
    gateway_topics,
    deny_outside_network,
};

using enum StatementKind;

/// A kind of policy: the statements it starts with and those it may grow by to reach its drawn size.
struct Profile {
    std::string_view name;
    std::size_t weight;
    std::span<const StatementKind> base;
    std::span<const StatementKind> extras;
};

constexpr std::array k_device_base{connect, publish_telemetry, subscribe_commands, receive_commands};
constexpr std::array k_device_extras{shadow_publish,   shadow_responses,  shadow_service,    jobs_publish,
                                     jobs_responses,   defender_metrics,  secure_tunneling,  publish_telemetry,
                                     deny_command_publish};
constexpr std::array k_shadow_base{connect, shadow_publish, shadow_responses, shadow_service};
constexpr std::array k_shadow_extras{shadow_publish, shadow_responses, shadow_service, publish_telemetry};
constexpr std::array k_jobs_base{connect, jobs_publish, jobs_responses, jobs_service};
constexpr std::array k_jobs_extras{shadow_publish, shadow_responses, publish_telemetry, secure_tunneling};
constexpr std::array k_gateway_base{connect, gateway_topics, assume_role};
constexpr std::array k_gateway_extras{shadow_service, jobs_publish, jobs_responses, publish_telemetry,
                                      deny_outside_network};
constexpr std::array k_provisioning_base{claim_connect, provisioning_publish_receive, provisioning_subscribe};
constexpr std::array k_all_in_one_base{all_in_one};

constexpr auto k_profiles = std::to_array<Profile>({
    {"device", 35, k_device_base, k_device_extras},
    {"shadow", 20, k_shadow_base, k_shadow_extras},
    {"jobs", 12, k_jobs_base, k_jobs_extras},
    {"gateway", 15, k_gateway_base, k_gateway_extras},
    {"provisioning", 8, k_provisioning_base, {}},
    {"all-in-one", 10, k_all_in_one_base, {}},
});

const Profile& pick_profile(SplitMix64& rng) {
    std::size_t total = 0;
    for (const Profile& profile : k_profiles) {
        total += profile.weight;
    }
    std::size_t ticket = rng.below(total);
    for (const Profile& profile : k_profiles) {
        if (ticket < profile.weight) {
            return profile;
        }
        ticket -= profile.weight;
    }
    return k_profiles.back();
}

enum class Defect : std::uint8_t {
    unknown_element,   // "Efect", "Actions", "Resources"
    lowercase_effect,  // "Effect": "allow"
    trailing_comma,
    duplicate_sid,
    missing_version,
    legacy_version,  // "Version": "2008-10-17"
};

constexpr auto k_defects = std::to_array<Defect>({Defect::unknown_element, Defect::lowercase_effect,
                                                  Defect::trailing_comma, Defect::duplicate_sid,
                                                  Defect::missing_version, Defect::legacy_version});

struct Misspelling {
    std::string_view element;
    std::string_view written;
};

constexpr auto k_misspellings = std::to_array<Misspelling>(
    {{"Effect", "Efect"}, {"Action", "Actions"}, {"Resource", "Resources"}});

constexpr auto k_telemetry_channels = std::to_array<std::string_view>(
    {"telemetry", "status", "events", "alarms", "metrics", "heartbeat", "location", "diagnostics"});
constexpr auto k_shadow_names = std::to_array<std::string_view>(
    {"config", "firmware", "diagnostics", "location", "settings"});
constexpr auto k_shadow_operations = std::to_array<std::string_view>({"get", "update", "delete"});
constexpr auto k_shadow_actions = std::to_array<std::string_view>(
    {"iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"});
constexpr auto k_jobs_requests = std::to_array<std::string_view>({"get", "start-next", "*/get", "*/update"});
constexpr auto k_jobs_responses = std::to_array<std::string_view>(
    {"notify", "notify-next", "get/accepted", "get/rejected", "start-next/accepted", "start-next/rejected",
     "*/update/accepted", "*/update/rejected"});
constexpr auto k_jobs_actions = std::to_array<std::string_view>(
    {"iot:DescribeJobExecution", "iot:GetPendingJobExecutions", "iot:StartNextPendingJobExecution",
     "iot:UpdateJobExecution"});

struct GeneratedPolicy {
    std::string_view profile;
    std::string text;
    bool defective = false;
};

/// Builds one policy for one device (or one class of devices) of `fleet`.
class PolicyGenerator {
public:
    PolicyGenerator(const Fleet& fleet, SplitMix64& rng) : m_fleet(fleet), m_rng(rng) {
        // Most fleets name devices by policy variable, so one policy serves every device; scripts that create a
        // policy per thing write the name out.
        const std::size_t naming = m_rng.below(100);
        if (naming < 60) {
            m_thing = k_thing_name_variable;
        } else if (naming < 80) {
            m_thing = k_client_id_variable;
        } else {
            m_thing = fmt::format("{}-{:06x}", fleet.application.thing_prefix, m_rng.below(0x100'0000));
        }
        m_with_sids = m_rng.percent(65);
    }

    GeneratedPolicy generate(const Profile& profile) {
        const Layout layout = pick_layout();
        // The mean of two uniform draws: most policies are mid-sized, few are tiny or close to the quota.
        const std::size_t target = (m_rng.between(k_min_target_bytes, k_max_policy_bytes) +
                                    m_rng.between(k_min_target_bytes, k_max_policy_bytes)) / 2;
        std::size_t size = 0;
        const auto add_if_it_fits = [&](StatementKind kind) {
            m_statements.push_back(make_statement(kind));
            const std::size_t new_size = JsonWriter(layout).write(document(true)).size();
            if (new_size > k_max_policy_bytes) {
                m_statements.pop_back();
                return false;
            }
            size = new_size;
            return true;
        };
        for (const StatementKind kind : profile.base) {
            if (size >= target || !add_if_it_fits(kind)) {
                break;
            }
        }
        for (std::size_t overshoots = 0; size < target && !profile.extras.empty() && overshoots < k_max_overshoots;) {
            if (!add_if_it_fits(profile.extras[m_rng.below(profile.extras.size())])) {
                ++overshoots;
            }
        }
        // A lone statement is often written as a bare object; AWS accepts both shapes.
        JsonNode policy = document(m_statements.size() > 1 || m_rng.percent(50));
        const bool defective = m_rng.percent(k_defect_percent);
        if (defective) {
            add_defect(policy);
        }
        return {profile.name, JsonWriter(layout).write(policy), defective};
    }

private:
    Layout pick_layout() {
        if (m_rng.percent(30)) {
            return {};  // minified, as SDKs and infrastructure-as-code tools send policies
        }
        const std::size_t indent = m_rng.below(10);
        return {indent < 5 ? "  " : indent < 9 ? "    " : "\t", m_rng.percent(5) ? "\r\n" : "\n", m_rng.percent(25)};
    }

    JsonNode document(bool statement_as_array) const {
        JsonNode statement = statement_as_array ? json_array(m_statements) : m_statements.front();
        return json_object({{"Version", json_string("2012-10-17")}, {"Statement", std::move(statement)}});
    }

    std::string arn(std::string_view resource) const {
        return fmt::format("arn:aws:iot:{}:{}:{}", m_fleet.region, m_fleet.account, resource);
    }

    std::string topic_namespace() const { return std::string(m_fleet.application.topic_namespace); }

    std::string things_topic(std::string_view suffix) const {
        return fmt::format("$aws/things/{}/{}", m_thing, suffix);
    }

    std::string shadow_topic_root() {
        if (m_rng.percent(70)) {
            return things_topic("shadow");
        }
        return things_topic(fmt::format("shadow/name/{}", m_rng.pick(k_shadow_names)));
    }

    std::string unique_sid(std::string_view base) {
        std::string sid(base);
        for (std::size_t n = 2; std::find(m_sids.begin(), m_sids.end(), sid) != m_sids.end(); ++n) {
            sid = fmt::format("{}{}", base, n);
        }
        m_sids.push_back(sid);
        return sid;
    }

    /// One action or resource is written as a bare string or as a one-element list, about equally often.
    JsonNode string_or_list(const std::vector<std::string>& values) {
        if (values.size() == 1 && m_rng.percent(50)) {
            return json_string(values.front());
        }
        return json_strings(values);
    }

    JsonNode statement(std::string_view sid, std::string_view effect, const std::vector<std::string>& actions,
                       const std::vector<std::string>& resources, std::vector<JsonMember> conditions = {}) {
        std::vector<JsonMember> members;
        if (m_with_sids) {
            members.push_back({"Sid", json_string(unique_sid(sid))});
        }
        members.push_back({"Effect", json_string(std::string(effect))});
        members.push_back({"Action", string_or_list(actions)});
        members.push_back({"Resource", string_or_list(resources)});
        if (!conditions.empty()) {
            members.push_back({"Condition", json_object(std::move(conditions))});
        }
        return json_object(std::move(members));
    }

    static JsonMember condition(std::string op, std::string key, JsonNode values) {
        return {std::move(op), json_object({{std::move(key), std::move(values)}})};
    }

    std::vector<JsonMember> connect_conditions() {
        std::vector<JsonMember> conditions;
        const bool names_a_thing = m_thing == k_thing_name_variable;
        if (names_a_thing && m_rng.percent(70)) {
            // Without it, a certificate attached to no thing would connect with an empty thing name.
            conditions.push_back(condition("Bool", "iot:Connection.Thing.IsAttached", json_string("true")));
        }
        if (names_a_thing && m_rng.percent(20)) {
            conditions.push_back(
                condition("StringEquals", "iot:Connection.Thing.ThingTypeName", json_string(m_fleet.thing_type)));
        }
        if (m_rng.percent(15)) {
            conditions.push_back(condition("ForAnyValue:StringLike", "iot:Certificate.Subject.Organization.List",
                                           json_strings({m_fleet.organization + "*"})));
        }
        if (m_rng.percent(10)) {
            conditions.push_back(condition("IpAddress", "aws:SourceIp", json_strings(m_fleet.trusted_networks)));
        }
        if (m_rng.percent(10)) {
            conditions.push_back(condition("ForAllValues:StringEquals", "iot:ConnectAttributes",
                                           m_rng.percent(50) ? json_strings({"PersistentConnect"})
                                                             : json_strings({"PersistentConnect", "LastWill"})));
        }
        return conditions;
    }

    JsonNode make_statement(StatementKind kind) {
        const std::string app = topic_namespace();
        switch (kind) {
        case connect:
            return statement("AllowConnect", "Allow", {"iot:Connect"}, {arn("client/" + m_thing)},
                             connect_conditions());
        case claim_connect:
            // Claim certificates are shared by a whole production line, so the client id is checked by pattern.
            return statement("ClaimConnect", "Allow", {"iot:Connect"}, {arn("client/*")},
                             {condition("StringLike", "iot:ClientId",
                                        json_string(fmt::format("{}-*", m_fleet.application.thing_prefix)))});
        case all_in_one:
            return statement("DeviceAccess", "Allow", {"iot:Connect", "iot:Publish", "iot:Subscribe", "iot:Receive"},
                             {arn("client/" + m_thing), arn(fmt::format("topic/dt/{}/{}/*", app, m_thing)),
                              arn(fmt::format("topicfilter/cmd/{}/{}/*", app, m_thing)),
                              arn(fmt::format("topic/cmd/{}/{}/*", app, m_thing))},
                             connect_conditions());
        case publish_telemetry: {
            std::vector<std::string> actions{"iot:Publish"};
            if (m_rng.percent(15)) {
                actions.emplace_back("iot:RetainPublish");
            }
            std::vector<std::string> topics;
            for (const std::string_view channel : m_rng.pick_some(k_telemetry_channels, 1, 4)) {
                topics.push_back(arn(fmt::format("topic/dt/{}/{}/{}", app, m_thing, channel)));
            }
            return statement("PublishTelemetry", "Allow", actions, topics);
        }
        case subscribe_commands:
            if (m_rng.percent(50)) {
                return statement("SubscribeCommands", "Allow", {"iot:Subscribe"},
                                 {arn(fmt::format("topicfilter/cmd/{}/{}/#", app, m_thing))});
            }
            return statement("SubscribeCommands", "Allow", {"iot:Subscribe"},
                             {arn(fmt::format("topicfilter/cmd/{}/{}/+/request", app, m_thing)),
                              arn(fmt::format("topicfilter/cmd/{}/{}/ota/#", app, m_thing))});
        case receive_commands:
            return statement("ReceiveCommands", "Allow", {"iot:Receive"},
                             {arn(fmt::format("topic/cmd/{}/{}/*", app, m_thing))});
        case deny_command_publish:
            // Devices receive commands; only the back end may send them.
            return statement("DenyCommandPublish", "Deny", {"iot:Publish"}, {arn(fmt::format("topic/cmd/{}/*", app))});
        case shadow_publish: {
            const std::string root = shadow_topic_root();
            std::vector<std::string> topics;
            for (const std::string_view operation : m_rng.pick_some(k_shadow_operations, 1, 3)) {
                topics.push_back(arn(fmt::format("topic/{}/{}", root, operation)));
            }
            return statement("ShadowPublish", "Allow", {"iot:Publish"}, topics);
        }
        case shadow_responses: {
            const std::string root = shadow_topic_root();
            std::vector<std::string> suffixes;
            for (const std::string_view operation : m_rng.pick_some(k_shadow_operations, 1, 2)) {
                suffixes.push_back(fmt::format("{}/accepted", operation));
                suffixes.push_back(fmt::format("{}/rejected", operation));
            }
            suffixes.emplace_back("update/delta");
            std::vector<std::string> topics;
            for (const std::string& suffix : suffixes) {
                topics.push_back(arn(fmt::format("topicfilter/{}/{}", root, suffix)));
            }
            for (const std::string& suffix : suffixes) {
                topics.push_back(arn(fmt::format("topic/{}/{}", root, suffix)));
            }
            return statement("ShadowResponses", "Allow", {"iot:Subscribe", "iot:Receive"}, topics);
        }
        case shadow_service: {
            std::vector<std::string> actions;
            for (const std::string_view action : m_rng.pick_some(k_shadow_actions, 1, 3)) {
                actions.emplace_back(action);
            }
            std::vector<std::string> things{arn("thing/" + m_thing)};
            if (m_rng.percent(30)) {
                things.push_back(arn(fmt::format("thing/{}/{}", m_thing, m_rng.pick(k_shadow_names))));
            }
            return statement("ShadowService", "Allow", actions, things);
        }
        case jobs_publish: {
            std::vector<std::string> topics;
            for (const std::string_view request : m_rng.pick_some(k_jobs_requests, 2, 4)) {
                topics.push_back(arn("topic/" + things_topic(fmt::format("jobs/{}", request))));
            }
            return statement("JobsPublish", "Allow", {"iot:Publish"}, topics);
        }
        case jobs_responses: {
            const std::vector<std::string_view> responses = m_rng.pick_some(k_jobs_responses, 2, 6);
            std::vector<std::string> topics;
            for (const std::string_view response : responses) {
                topics.push_back(arn("topicfilter/" + things_topic(fmt::format("jobs/{}", response))));
            }
            for (const std::string_view response : responses) {
                topics.push_back(arn("topic/" + things_topic(fmt::format("jobs/{}", response))));
            }
            return statement("JobsResponses", "Allow", {"iot:Subscribe", "iot:Receive"}, topics);
        }
        case jobs_service: {
            std::vector<std::string> actions;
            for (const std::string_view action : m_rng.pick_some(k_jobs_actions, 2, 4)) {
                actions.emplace_back(action);
            }
            return statement("JobsService", "Allow", actions, {arn("thing/" + m_thing)});
        }
        case defender_metrics: {
            const std::string metrics = things_topic(m_rng.percent(80) ? "defender/metrics/json"
                                                                       : "defender/metrics/cbor");
            return statement("DeviceDefender", "Allow", {"iot:Publish", "iot:Subscribe", "iot:Receive"},
                             {arn("topic/" + metrics), arn(fmt::format("topicfilter/{}/accepted", metrics)),
                              arn(fmt::format("topicfilter/{}/rejected", metrics)),
                              arn(fmt::format("topic/{}/accepted", metrics)),
                              arn(fmt::format("topic/{}/rejected", metrics))});
        }
        case secure_tunneling:
            return statement("SecureTunneling", "Allow", {"iot:Subscribe", "iot:Receive"},
                             {arn("topicfilter/" + things_topic("tunnels/notify")),
                              arn("topic/" + things_topic("tunnels/notify"))});
        case provisioning_publish_receive:
            return statement("ProvisioningExchange", "Allow", {"iot:Publish", "iot:Receive"},
                             {arn("topic/$aws/certificates/create/*"),
                              arn(fmt::format("topic/$aws/provisioning-templates/{}/provision/*",
                                              m_fleet.provisioning_template))});
        case provisioning_subscribe:
            return statement("ProvisioningSubscribe", "Allow", {"iot:Subscribe"},
                             {arn("topicfilter/$aws/certificates/create/*"),
                              arn(fmt::format("topicfilter/$aws/provisioning-templates/{}/provision/*",
                                              m_fleet.provisioning_template))});
        case assume_role:
            return statement("AssumeRoleWithCertificate", "Allow", {"iot:AssumeRoleWithCertificate"},
                             {arn("rolealias/" + m_fleet.role_alias)});
        case gateway_topics:
            // A gateway relays for the devices behind it, so it may use topics below its own name.
            return statement("GatewayTopics", "Allow", {"iot:Publish", "iot:Subscribe", "iot:Receive"},
                             {arn(fmt::format("topic/{}/{}/*", app, m_thing)),
                              arn(fmt::format("topicfilter/{}/{}/#", app, m_thing)),
                              arn(fmt::format("topic/dt/{}/{}/devices/*", app, m_thing))});
        case deny_outside_network:
            return statement("DenyOutsideNetwork", "Deny", {"iot:*"}, {"*"},
                             {condition("NotIpAddress", "aws:SourceIp", json_strings(m_fleet.trusted_networks))});
        }
        return {};
    }

    static std::vector<JsonNode*> statements_of(JsonNode& policy) {
        JsonNode& statement = *policy.find("Statement");
        if (statement.kind == JsonNode::Kind::object) {
            return {&statement};
        }
        std::vector<JsonNode*> statements;
        for (JsonNode& item : statement.items) {
            statements.push_back(&item);
        }
        return statements;
    }

    static void set_sid(JsonNode& statement, const std::string& sid) {
        if (JsonNode* existing = statement.find("Sid")) {
            existing->text = sid;
            return;
        }
        statement.members.insert(statement.members.begin(), {"Sid", json_string(sid)});
    }

    void add_defect(JsonNode& policy) {
        const std::vector<JsonNode*> statements = statements_of(policy);
        Defect defect = m_rng.pick(k_defects);
        if (defect == Defect::duplicate_sid && statements.size() < 2) {
            defect = Defect::unknown_element;
        }
        JsonNode& victim = *statements[m_rng.below(statements.size())];
        switch (defect) {
        case Defect::unknown_element: {
            const Misspelling& misspelling = m_rng.pick(k_misspellings);
            for (JsonMember& member : victim.members) {
                if (member.key == misspelling.element) {
                    member.key = misspelling.written;
                }
            }
            break;
        }
        case Defect::lowercase_effect: {
            JsonNode& effect = *victim.find("Effect");
            effect.text = effect.text == "Allow" ? "allow" : "deny";
            break;
        }
        case Defect::trailing_comma: policy.find("Statement")->trailing_comma = true; break;
        case Defect::duplicate_sid: {
            // Copy-pasting a statement and forgetting to rename it.
            const JsonNode* first_sid = statements.front()->find("Sid");
            const std::string sid = first_sid != nullptr ? first_sid->text : "Statement1";
            set_sid(*statements.front(), sid);
            set_sid(*statements[1 + m_rng.below(statements.size() - 1)], sid);
            break;
        }
        case Defect::missing_version:
            std::erase_if(policy.members, [](const JsonMember& member) { return member.key == "Version"; });
            break;
        case Defect::legacy_version: policy.find("Version")->text = "2008-10-17"; break;
        }
    }

    const Fleet& m_fleet;
    SplitMix64& m_rng;
    std::string m_thing;  // the thing as the policy names it: a policy variable or a literal thing name
    bool m_with_sids = false;
    std::vector<std::string> m_sids;
    std::vector<JsonNode> m_statements;
};

void write_file(const fs::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
        throw std::runtime_error(fmt::format("cannot write '{}'", path.string()));
    }
}

}  // namespace

CorpusSummary write_corpus(const fs::path& directory, std::size_t count, std::uint64_t seed) {
    std::error_code error;
    if (fs::exists(directory, error) && !fs::is_empty(directory, error)) {
        // Files left from another seed or count would silently change what is measured.
        throw std::runtime_error(fmt::format("'{}' is not empty: remove it or choose another directory",
                                             directory.string()));
    }
    SplitMix64 seeds(seed);
    SplitMix64 fleet_rng(seeds.next());
    std::vector<Fleet> fleets;
    for (std::size_t i = 0; i < k_fleet_count; ++i) {
        fleets.push_back(make_fleet(fleet_rng));
    }
    CorpusSummary summary;
    for (std::size_t index = 0; index < count; ++index) {
        // A stream per policy: a change to one profile leaves every other policy's text as it was.
        SplitMix64 rng(seeds.next());
        const Fleet& fleet = fleets[rng.below(fleets.size())];
        const Profile& profile = pick_profile(rng);
        const GeneratedPolicy policy = PolicyGenerator(fleet, rng).generate(profile);
        const fs::path fleet_directory = directory / fmt::format("{}-{}", fleet.account, fleet.region);
        fs::create_directories(fleet_directory);
        write_file(fleet_directory / fmt::format("{}-{:06}.json", policy.profile, index), policy.text);
        ++summary.files;
        summary.bytes += policy.text.size();
        summary.defective_files += policy.defective ? 1 : 0;
    }
    return summary;
}

}  // namespace iotpolicy::bench
