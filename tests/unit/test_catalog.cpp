// The generated catalogs against their source: every expectation that is not a named spot check is read from
// data/*.json here, so the test checks generation rather than restating the data.
#include <algorithm>         // find, find_if
#include <cstdint>           // uint32_t
#include <fstream>           // ifstream
#include <initializer_list>  // initializer_list
#include <limits>            // numeric_limits
#include <optional>          // optional
#include <span>              // span
#include <string>            // string
#include <string_view>       // string_view
#include <utility>           // pair
#include <vector>            // vector

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "iotpolicy/catalog.hpp"
#include "iotpolicy/policy_size.hpp"

namespace catalog = iotpolicy::catalog;
using Json = nlohmann::ordered_json;

namespace {

Json read_data(const std::string& name) {
    std::ifstream in(std::string(IOTPOLICY_SOURCE_DIR) + "/data/" + name);
    REQUIRE(in);
    return Json::parse(in);
}

const Json& actions_json() {
    static const Json data = read_data("iot-actions.json");
    return data;
}

const Json& variables_json() {
    static const Json data = read_data("policy-variables.json");
    return data;
}

std::string text(const Json& value) {
    return value.is_null() ? std::string() : value.get<std::string>();
}

std::string upper(std::string_view name) {
    std::string result(name);
    for (char& c : result) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return result;
}

std::string lower(std::string_view name) {
    std::string result(name);
    for (char& c : result) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return result;
}

// The data's vocabularies, as catalog.hpp documents them.
catalog::Protocol protocol(std::string_view word) {
    if (word == "mqtt") {
        return catalog::Protocol::mqtt;
    }
    if (word == "websocket") {
        return catalog::Protocol::websocket;
    }
    REQUIRE((word == "https" || word == "http"));  // legend.protocols: "http = HTTPS publish"
    return catalog::Protocol::https;
}

catalog::Availability availability(const Json& value) {
    if (value.is_boolean()) {
        return value.get<bool>() ? catalog::Availability::yes : catalog::Availability::no;
    }
    if (value == "conditional") {
        return catalog::Availability::conditional;
    }
    REQUIRE(value == "unknown");
    return catalog::Availability::unknown;
}

catalog::OperatorFamily family(std::string_view word) {
    using catalog::OperatorFamily;
    constexpr std::pair<std::string_view, OperatorFamily> k_families[] = {
        {"String", OperatorFamily::string}, {"Numeric", OperatorFamily::numeric},
        {"Date", OperatorFamily::date},     {"Bool", OperatorFamily::boolean},
        {"Binary", OperatorFamily::binary}, {"IpAddress", OperatorFamily::ip_address},
        {"Arn", OperatorFamily::arn},       {"Null", OperatorFamily::null}};
    for (const auto& [spelling, value] : k_families) {
        if (spelling == word) {
            return value;
        }
    }
    FAIL("unknown operator family " << word);
    return OperatorFamily::null;
}

std::vector<catalog::Protocol> protocols(const Json& list) {
    std::vector<catalog::Protocol> result;
    for (const auto& word : list) {
        result.push_back(protocol(word.get<std::string>()));
    }
    return result;
}

template <typename T>
std::vector<T> to_vector(std::span<const T> span) {
    return {span.begin(), span.end()};
}

std::vector<std::string> strings(std::span<const std::string_view> span) {
    return {span.begin(), span.end()};
}

std::vector<std::string> strings(const Json& list) {
    return list.get<std::vector<std::string>>();
}

/// The string members of `object` other than `skip`, as the generator turns them into notes.
void check_notes(std::span<const catalog::Note> notes, const Json& object,
                 std::initializer_list<std::string_view> skip = {}) {
    std::size_t expected = 0;
    for (const auto& [key, value] : object.items()) {
        if (std::find(skip.begin(), skip.end(), key) != skip.end()) {
            continue;
        }
        ++expected;
        INFO(key);
        CHECK(std::string(catalog::find_note(notes, key)) == value.get<std::string>());
    }
    CHECK(notes.size() == expected);
}

}  // namespace

// --- Actions and resource types ---------------------------------------------------------------------------------

TEST_CASE("every action of the data is in the catalog, in order, with its facts", "[catalog]") {
    const auto& data = actions_json()["actions"];
    const auto generated = catalog::actions();
    REQUIRE(generated.size() == data.size());
    REQUIRE(catalog::action_names().size() == data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto& entry = data[i];
        const auto& action = generated[i];
        INFO(entry["name"]);
        CHECK(action.name == entry["name"].get<std::string>());
        CHECK(catalog::action_names()[i] == action.name);
        CHECK(action.resource_type->name == entry["resourceType"].get<std::string>());
        std::vector<std::string> alternates;
        for (const auto* type : action.alternate_resource_types) {
            alternates.emplace_back(type->name);
        }
        CHECK(alternates == (entry.contains("alternateResourceTypes") ? strings(entry["alternateResourceTypes"])
                                                                      : std::vector<std::string>{}));
        CHECK(to_vector(action.protocols) == protocols(entry["protocols"]));
        CHECK(strings(action.condition_keys) == strings(entry["conditionKeys"]));
        CHECK(strings(action.sources) == strings(entry["sources"]));
        CHECK(std::string(action.checked_when) == entry["checkedWhen"].get<std::string>());
        CHECK(std::string(action.notes) == entry["notes"].get<std::string>());
        const auto status = entry["status"].get<std::string>();
        CHECK(action.status == (status == "documented"        ? catalog::ActionStatus::documented
                                : status == "documented-recent" ? catalog::ActionStatus::documented_recent
                                                                : catalog::ActionStatus::documented_conflicting));
    }
}

TEST_CASE("actions are found ignoring case, and the entry has the canonical spelling", "[catalog]") {
    for (const auto& entry : actions_json()["actions"]) {
        const auto name = entry["name"].get<std::string>();
        INFO(name);
        for (const auto& spelling : {name, upper(name), lower(name)}) {
            const auto* action = catalog::find_action(spelling);
            REQUIRE(action != nullptr);
            CHECK(action->name == name);
        }
    }
    REQUIRE(catalog::find_action("IOT:publish") != nullptr);
    CHECK(catalog::find_action("IOT:publish")->name == "iot:Publish");
    CHECK(catalog::find_action("iotjobsdata:describejobexecution")->name == "iotjobsdata:DescribeJobExecution");
    CHECK(catalog::find_action("iot:Publis") == nullptr);
    CHECK(catalog::find_action("iot:Publish ") == nullptr);
    CHECK(catalog::find_action("") == nullptr);
    CHECK(catalog::find_action("iot:*") == nullptr);
    CHECK(catalog::find_action("iot:CreateThing") == nullptr);
}

TEST_CASE("every resource type of the data is in the catalog, with its ARN template", "[catalog]") {
    const auto& data = actions_json()["resourceTypes"];
    const auto generated = catalog::resource_types();
    REQUIRE(generated.size() == data.size());
    std::size_t i = 0;
    for (const auto& [name, entry] : data.items()) {
        const auto& type = generated[i++];
        INFO(name);
        CHECK(type.name == name);
        CHECK(std::string(type.arn_template) == entry["arn"].get<std::string>());
        CHECK(std::string(type.description) == entry["name"].get<std::string>());
        CHECK(std::string(type.sar_resource_type) == text(entry["sarResourceType"]));
        CHECK(strings(type.used_by) == strings(entry["usedBy"]));
        CHECK(type.any_resource == (entry["arn"] == "*"));
        CHECK(catalog::find_resource_type(name) == &type);
    }
    CHECK(catalog::find_resource_type("Topic") == nullptr);
    CHECK(catalog::find_resource_type("shadow") == nullptr);
}

TEST_CASE("every action is checked against known resource types, which list it as a user", "[catalog]") {
    const auto types = catalog::resource_types();
    const auto known = [&](const catalog::ResourceType* type) {
        return type >= types.data() && type < types.data() + types.size();
    };
    const auto lists = [](const catalog::ResourceType& type, std::string_view action) {
        return std::find(type.used_by.begin(), type.used_by.end(), action) != type.used_by.end();
    };
    for (const auto& action : catalog::actions()) {
        INFO(action.name);
        REQUIRE(known(action.resource_type));
        CHECK(lists(*action.resource_type, action.name));
        for (const auto* alternate : action.alternate_resource_types) {
            REQUIRE(known(alternate));
            CHECK(lists(*alternate, action.name));
        }
    }
    for (const auto& type : types) {
        for (const auto user : type.used_by) {
            INFO(type.name << " used by " << user);
            const auto* action = catalog::find_action(user);
            REQUIRE(action != nullptr);
            CHECK((action->resource_type == &type ||
                   std::find(action->alternate_resource_types.begin(), action->alternate_resource_types.end(),
                             &type) != action->alternate_resource_types.end()));
        }
    }
}

TEST_CASE("spot checks: the resource each core action is checked against", "[catalog]") {
    const auto type_of = [](std::string_view name) {
        const auto* action = catalog::find_action(name);
        REQUIRE(action != nullptr);
        return action->resource_type->name;
    };
    CHECK(type_of("iot:Connect") == "client");
    CHECK(type_of("iot:Subscribe") == "topicfilter");
    CHECK(type_of("iot:Publish") == "topic");
    CHECK(type_of("iot:Receive") == "topic");
    CHECK(type_of("iot:AssumeRoleWithCertificate") == "rolealias");
    CHECK(type_of("iotjobsdata:UpdateJobExecution") == "thing");

    const auto* list_retained = catalog::find_action("iot:ListRetainedMessages");
    REQUIRE(list_retained != nullptr);
    CHECK(list_retained->is_resource_less());
    CHECK(list_retained->resource_type->arn_template == "*");
    CHECK_FALSE(catalog::find_action("iot:Publish")->is_resource_less());

    const auto* connect = catalog::find_action("iot:Connect");
    CHECK(strings(connect->condition_keys) == std::vector<std::string>{"iot:ConnectAttributes", "iot:LastWillTopic"});
    CHECK(to_vector(connect->protocols) ==
          std::vector<catalog::Protocol>{catalog::Protocol::mqtt, catalog::Protocol::websocket});

    const auto* shadow = catalog::find_action("iot:GetThingShadow");
    REQUIRE(shadow->alternate_resource_types.size() == 1);
    CHECK(shadow->alternate_resource_types[0]->name == "thingshadow");
    CHECK(shadow->alternate_resource_types[0]->sar_resource_type.empty());

    const auto* named_shadows = catalog::find_action("iot:ListNamedShadowsForThing");
    CHECK(named_shadows->status == catalog::ActionStatus::documented_conflicting);
    CHECK_FALSE(named_shadows->is_resource_less());
    CHECK(named_shadows->alternate_resource_types[0]->any_resource);
    CHECK(catalog::find_action("iot:DeleteConnection")->status == catalog::ActionStatus::documented_recent);
}

TEST_CASE("legacy action names resolve, ignoring case, to their current action", "[catalog]") {
    const auto& data = actions_json()["legacyActionNames"];
    REQUIRE(catalog::legacy_action_names().size() == data.size());
    for (const auto& entry : data) {
        const auto name = entry["name"].get<std::string>();
        INFO(name);
        for (const auto& spelling : {name, lower(name)}) {
            const auto* legacy = catalog::find_legacy_action_name(spelling);
            REQUIRE(legacy != nullptr);
            CHECK(legacy->name == name);
            REQUIRE(legacy->alias_of != nullptr);
            CHECK(legacy->alias_of->name == entry["aliasOf"].get<std::string>());
            CHECK(legacy->status == entry["status"].get<std::string>());
        }
        CHECK(catalog::find_action(name) == nullptr);  // a legacy name is not an action of its own
    }
    CHECK(catalog::find_legacy_action_name("iot:DescribeJobExecution")->alias_of ==
          catalog::find_action("iotjobsdata:DescribeJobExecution"));
    CHECK(catalog::find_legacy_action_name("iot:Publish") == nullptr);
}

TEST_CASE("unlisted data-plane APIs and effective prefixes come from the data", "[catalog]") {
    const auto& data = actions_json()["otherDataPlaneApis"];
    REQUIRE(catalog::unlisted_data_plane_apis().size() == data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto& api = catalog::unlisted_data_plane_apis()[i];
        INFO(api.name);
        CHECK(api.name == data[i]["name"].get<std::string>());
        CHECK(std::string(api.resource_type == nullptr ? "" : api.resource_type->name) ==
              text(data[i]["resourceType"]));
        CHECK(catalog::find_unlisted_data_plane_api(upper(api.name)) == &api);
    }
    check_notes(catalog::effective_action_prefixes(), actions_json()["controlPlane"]["knownEffectivePrefixes"]);
}

TEST_CASE("condition context keys, with the availability read from their prose", "[catalog]") {
    using catalog::AuthType;
    using catalog::Protocol;
    const auto& data = actions_json()["conditionContext"];
    REQUIRE(catalog::condition_context_keys().size() == data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto& key = catalog::condition_context_keys()[i];
        INFO(key.key);
        CHECK(key.key == data[i]["key"].get<std::string>());
        CHECK(std::string(key.availability) == data[i]["availability"].get<std::string>());
        CHECK(key.documented == data[i]["documented"].get<bool>());
        CHECK(catalog::find_condition_context_key(lower(key.key)) == &key);
        CHECK((!key.protocols.empty() || !key.auth_types.empty()));
    }
    const auto* client_id = catalog::find_condition_context_key("iot:ClientId");
    REQUIRE(client_id != nullptr);
    CHECK(to_vector(client_id->protocols) == std::vector<Protocol>{Protocol::mqtt, Protocol::websocket});
    CHECK(client_id->auth_types.empty());
    CHECK(to_vector(catalog::find_condition_context_key("aws:SourceIp")->protocols) ==
          std::vector<Protocol>{Protocol::mqtt, Protocol::websocket, Protocol::https});
    const auto* cognito = catalog::find_condition_context_key("cognito-identity.amazonaws.com:sub");
    CHECK(to_vector(cognito->auth_types) == std::vector<AuthType>{AuthType::cognito});
    CHECK(to_vector(cognito->protocols) == std::vector<Protocol>{Protocol::https, Protocol::websocket});
    CHECK(to_vector(catalog::find_condition_context_key("iot:CertificateId")->auth_types) ==
          std::vector<AuthType>{AuthType::x509});
    const auto* thing_name = catalog::find_condition_context_key("iot:Connection.Thing.ThingName");
    CHECK(thing_name->condition.starts_with("with the default non-exclusive association"));
    CHECK(client_id->condition.empty());
}

TEST_CASE("limits are typed constants from the data", "[catalog]") {
    const auto& data = actions_json()["limits"];
    const auto& limits = catalog::limits();
    CHECK(limits.topic_max_bytes == data["topicMaxBytes"].get<std::size_t>());
    CHECK(limits.topic_max_slashes == data["topicMaxSlashes"].get<std::size_t>());
    CHECK(limits.topic_max_levels == data["topicMaxLevels"].get<std::size_t>());
    CHECK(limits.basic_ingest_prefix_excluded_from_limits == data["basicIngestPrefixExcludedFromLimits"].get<bool>());
    CHECK(limits.topic_filters_per_subscribe == data["topicFiltersPerSubscribe"].get<std::size_t>());
    CHECK(limits.client_id_max_bytes == data["clientIdMaxBytes"].get<std::size_t>());
    CHECK(limits.thing_name_max_chars == data["thingNameMaxChars"].get<std::size_t>());
    CHECK(std::string(limits.thing_name_pattern) == data["thingNamePattern"].get<std::string>());
    CHECK(limits.shadow_name_max_chars == data["shadowNameMaxChars"].get<std::size_t>());
    CHECK(limits.role_alias_max_chars == data["roleAliasMaxChars"].get<std::size_t>());
    CHECK(std::string(limits.role_alias_pattern) == data["roleAliasPattern"].get<std::string>());
    CHECK(limits.credential_duration_seconds.min == data["credentialDurationSecondsRange"][0].get<std::uint32_t>());
    CHECK(limits.credential_duration_seconds.max == data["credentialDurationSecondsRange"][1].get<std::uint32_t>());
    CHECK(limits.policy_document_max_chars == data["policyDocumentMaxCharsExcludingWhitespace"].get<std::size_t>());
    CHECK(limits.policy_versions_max == data["policyVersionsMax"].get<std::size_t>());
    CHECK(limits.custom_authorizer_max_policy_documents ==
          data["customAuthorizerMaxPolicyDocuments"].get<std::size_t>());
    CHECK(limits.custom_authorizer_policy_document_max_chars ==
          data["customAuthorizerPolicyDocumentMaxChars"].get<std::size_t>());
    CHECK(limits.custom_authorizer_refresh_and_disconnect_seconds.min ==
          data["customAuthorizerRefreshAndDisconnectSecondsRange"][0].get<std::uint32_t>());
    CHECK(limits.custom_authorizer_refresh_and_disconnect_seconds.max ==
          data["customAuthorizerRefreshAndDisconnectSecondsRange"][1].get<std::uint32_t>());
    CHECK(std::string(limits.policy_propagation_delay) == data["policyPropagationDelay"].get<std::string>());

    // Spot checks named in the issue, and the one limit also written by hand elsewhere.
    CHECK(limits.topic_max_bytes == 256);
    CHECK(limits.topic_max_slashes == 7);
    CHECK(limits.client_id_max_bytes == 128);
    CHECK(limits.policy_document_max_chars == iotpolicy::k_policy_size_quota);
}

TEST_CASE("the ARN grammar's partitions and rules", "[catalog]") {
    const auto& data = actions_json()["arnGrammar"];
    CHECK(strings(catalog::arn_partitions()) == strings(data["partitions"]));
    check_notes(catalog::arn_grammar_notes(), data, {"partitions", "caseSensitive", "specialVariables"});
    // The ARN grammar restates the escapes of policy-variables.json; the two files must agree.
    std::size_t i = 0;
    REQUIRE(catalog::escapes().size() == data["specialVariables"].size());
    for (const auto& [written, meaning] : data["specialVariables"].items()) {
        CHECK(catalog::escapes()[i++].written == written);
        (void)meaning;
    }
}

// --- Policy variables -------------------------------------------------------------------------------------------

TEST_CASE("every policy variable of the data is in the catalog, in order, with its facts", "[catalog]") {
    const auto& data = variables_json()["variables"];
    const auto generated = catalog::policy_variables();
    REQUIRE(generated.size() == data.size());
    REQUIRE(catalog::policy_variable_names().size() == data.size());
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto& entry = data[i];
        const auto& variable = generated[i];
        const auto name = entry["name"].get<std::string>();
        INFO(name);
        CHECK(variable.name == name);
        CHECK(catalog::policy_variable_names()[i] == variable.name);
        CHECK(variable.multi_valued == entry["multiValued"].get<bool>());
        CHECK(variable.multi_valued == (variable.type == catalog::ValueType::string_list));  // legend.type
        const auto& available = entry["availableFor"];
        CHECK(variable.available_for.x509 == availability(available["x509"]));
        CHECK(variable.available_for.cognito == availability(available["cognito"]));
        CHECK(variable.available_for.custom == availability(available["custom"]));
        CHECK(variable.available_for.sigv4 == availability(available["sigv4"]));
        CHECK(variable.available_for.for_auth(catalog::AuthType::cognito) == variable.available_for.cognito);
        CHECK(to_vector(variable.protocols) == protocols(entry["protocols"]));
        const auto usable = strings(entry["usableIn"]);
        const auto usable_in = [&](std::string_view place) {
            return std::find(usable.begin(), usable.end(), place) != usable.end();
        };
        CHECK(variable.in_resource == usable_in("Resource"));
        CHECK(variable.in_condition_value == usable_in("ConditionValue"));
        CHECK(variable.as_condition_key == usable_in("ConditionKey"));
        std::vector<catalog::OperatorFamily> families;
        for (const auto& word : entry["operatorFamilies"]) {
            families.push_back(family(word.get<std::string>()));
        }
        CHECK(to_vector(variable.operator_families) == families);
        std::vector<std::string> rules;
        for (const auto rule : variable.unresolved_rules) {
            rules.emplace_back(catalog::unresolved_rule(rule).key);
        }
        CHECK(rules == strings(entry["unresolvedRules"]));
        CHECK(std::string(variable.list_variant) == (entry.contains("listVariant") ? text(entry["listVariant"]) : ""));
        CHECK(strings(variable.applies_to_actions) ==
              (entry.contains("appliesToActions") ? strings(entry["appliesToActions"]) : std::vector<std::string>{}));
        CHECK(std::string(variable.notes) == entry["notes"].get<std::string>());
        CHECK(strings(variable.sources) == strings(entry["sources"]));
        CHECK(variable.name_pattern.kind ==
              (entry.contains("namePattern") ? catalog::ParameterKind::characters : catalog::ParameterKind::none));
        CHECK(variable.indexed_form.kind == (entry.contains("indexedVariant") ? catalog::ParameterKind::positive_index
                                                                              : catalog::ParameterKind::none));
        if (entry.contains("x509Attribute")) {
            CHECK(std::string(variable.x509_attribute) == entry["x509Attribute"]["name"].get<std::string>());
        }
    }
}

TEST_CASE("variables are found by exact name and ignoring case", "[catalog]") {
    for (const auto& entry : variables_json()["variables"]) {
        const auto name = entry["name"].get<std::string>();
        INFO(name);
        const auto* exact = catalog::find_policy_variable(name);
        REQUIRE(exact != nullptr);
        CHECK(exact->name == name);
        CHECK(catalog::find_policy_variable(upper(name)) == nullptr);
        CHECK(catalog::find_policy_variable_ignoring_case(upper(name)) == exact);
        CHECK(catalog::find_policy_variable_ignoring_case(lower(name)) == exact);
    }
    CHECK(catalog::find_policy_variable("iot:clientid") == nullptr);
    REQUIRE(catalog::find_policy_variable_ignoring_case("iot:clientid") != nullptr);
    CHECK(catalog::find_policy_variable_ignoring_case("iot:clientid")->name == "iot:ClientId");
    CHECK(catalog::find_policy_variable("iot:Thing.ThingName") == nullptr);
}

TEST_CASE("spot checks: availability, multi-valued and List forms", "[catalog]") {
    using catalog::Availability;
    const auto* thing_name = catalog::find_policy_variable("iot:Connection.Thing.ThingName");
    REQUIRE(thing_name != nullptr);
    CHECK(thing_name->kind == catalog::VariableKind::thing);
    CHECK(thing_name->available_for.x509 == Availability::conditional);
    CHECK(thing_name->available_for.custom == Availability::no);
    CHECK(thing_name->in_resource);

    const auto* common_name = catalog::find_policy_variable("iot:Certificate.Subject.CommonName");
    REQUIRE(common_name != nullptr);
    CHECK_FALSE(common_name->multi_valued);
    CHECK(common_name->available_for.x509 == Availability::yes);
    CHECK(common_name->available_for.cognito == Availability::no);
    CHECK(common_name->x509_attribute == "CN");
    CHECK(common_name->x509_oid == "2.5.4.3");
    CHECK(common_name->indexed_form_status == catalog::VariableStatus::documented);
    const auto* list = catalog::find_policy_variable(common_name->list_variant);
    REQUIRE(list != nullptr);
    CHECK(list->name == "iot:Certificate.Subject.CommonName.List");
    CHECK(list->multi_valued);
    CHECK_FALSE(list->in_resource);
    CHECK(list->as_condition_key);

    CHECK(catalog::find_policy_variable("iot:Certificate.Issuer.CommonName")->indexed_form_status ==
          catalog::VariableStatus::assumed);
    const auto* connect_attributes = catalog::find_policy_variable("iot:ConnectAttributes");
    CHECK(connect_attributes->multi_valued);
    CHECK(strings(connect_attributes->applies_to_actions) == std::vector<std::string>{"iot:Connect"});
    const auto* source_ip = catalog::find_policy_variable("aws:SourceIp");
    CHECK(source_ip->type == catalog::ValueType::ip_address);
    CHECK(source_ip->available_for.for_auth(catalog::AuthType::sigv4) == Availability::yes);
    CHECK_FALSE(source_ip->in_resource);
    // legend.protocols: the variables file's "http" is the actions file's "https".
    CHECK(std::find(common_name->protocols.begin(), common_name->protocols.end(), catalog::Protocol::https) !=
          common_name->protocols.end());
}

TEST_CASE("variable names with a parameter: the .N indexed forms and Attributes[name]", "[catalog]") {
    // Every name of the data matches itself.
    for (const auto& variable : catalog::policy_variables()) {
        INFO(variable.name);
        const auto match = catalog::match_policy_variable(variable.name);
        REQUIRE(match.has_value());
        CHECK(match->variable == &variable);
        CHECK(match->canonical_spelling);
        if (variable.indexed_form.kind != catalog::ParameterKind::none) {
            const auto indexed = catalog::match_policy_variable(std::string(variable.name) + ".1");
            REQUIRE(indexed.has_value());
            CHECK(indexed->variable == &variable);
            CHECK(indexed->index == 1);
        }
    }

    const auto second = catalog::match_policy_variable("iot:Certificate.Subject.CommonName.2");
    REQUIRE(second.has_value());
    CHECK(second->variable->name == "iot:Certificate.Subject.CommonName");
    CHECK(second->index == 2);
    CHECK(second->parameter == "2");
    CHECK(catalog::match_policy_variable("iot:Certificate.Subject.CommonName.0") == std::nullopt);
    CHECK(catalog::match_policy_variable("iot:Certificate.Subject.CommonName.01") == std::nullopt);
    CHECK(catalog::match_policy_variable("iot:Certificate.Subject.CommonName.") == std::nullopt);
    CHECK(catalog::match_policy_variable("iot:Certificate.Subject.CommonName.1a") == std::nullopt);
    CHECK(catalog::match_policy_variable("iot:Certificate.Subject.CommonName.99999999999999")->index ==
          std::numeric_limits<std::uint32_t>::max());
    CHECK(catalog::match_policy_variable("iot:Certificate.SerialNumber.1") == std::nullopt);  // no indexed form

    const auto folded = catalog::match_policy_variable("iot:certificate.subject.commonname.3");
    REQUIRE(folded.has_value());
    CHECK(folded->variable->name == "iot:Certificate.Subject.CommonName");
    CHECK_FALSE(folded->canonical_spelling);

    const auto color = catalog::match_policy_variable("iot:Connection.Thing.Attributes[color]");
    REQUIRE(color.has_value());
    CHECK(color->variable->name == "iot:Connection.Thing.Attributes[attributeName]");
    CHECK(color->parameter == "color");
    CHECK(color->canonical_spelling);
    const auto folded_color = catalog::match_policy_variable("IOT:connection.thing.attributes[Color]");
    REQUIRE(folded_color.has_value());
    CHECK(folded_color->parameter == "Color");
    CHECK_FALSE(folded_color->canonical_spelling);
    CHECK(catalog::match_policy_variable("iot:Connection.Thing.Attributes[]") == std::nullopt);
    CHECK(catalog::match_policy_variable("iot:Connection.Thing.Attributes[a*b]") == std::nullopt);
    CHECK(catalog::match_policy_variable("iot:Connection.Thing.Attributes[${iot:ClientId}]") == std::nullopt);
    CHECK(catalog::match_policy_variable("iot:Connection.Thing.Attributes[" + std::string(129, 'a') + "]") ==
          std::nullopt);
    CHECK(catalog::match_policy_variable("iot:Connection.Thing.Attributes[" + std::string(128, 'a') + "]"));

    const auto client_id = catalog::match_policy_variable("iot:clientId");
    REQUIRE(client_id.has_value());
    CHECK(client_id->variable->name == "iot:ClientId");
    CHECK_FALSE(client_id->canonical_spelling);
    CHECK(catalog::match_policy_variable("iot:Thing.ThingName") == std::nullopt);
    CHECK(catalog::match_policy_variable("") == std::nullopt);
}

TEST_CASE("escapes, unresolved rules and the free-text rules of the variables file", "[catalog]") {
    const auto& data = variables_json();
    REQUIRE(catalog::escapes().size() == data["escapes"].size());
    std::size_t i = 0;
    for (const auto& [written, literal] : data["escapes"].items()) {
        CHECK(catalog::escapes()[i].written == written);
        CHECK(catalog::escapes()[i].literal == literal.get<std::string>());
        ++i;
    }
    const auto& iot_page = data["escapesAsWrittenOnIoTPage"];
    REQUIRE(catalog::escapes_as_written_on_iot_page().size() == iot_page.size() - 1);  // less "status"
    for (const auto& escape : catalog::escapes_as_written_on_iot_page()) {
        CHECK(iot_page[std::string(escape.written)] == std::string(escape.literal));
    }
    CHECK(catalog::escapes_as_written_on_iot_page_status() == iot_page["status"].get<std::string>());
    CHECK(std::string(catalog::escapes_notes()) == data["escapesNotes"].get<std::string>());

    REQUIRE(catalog::unresolved_rules().size() == data["unresolvedRules"].size());
    for (const auto& item : data["unresolvedRules"].items()) {
        const std::string& key = item.key();
        const auto& rules = catalog::unresolved_rules();
        const auto it = std::find_if(rules.begin(), rules.end(), [&](const auto& rule) { return rule.key == key; });
        REQUIRE(it != rules.end());
        CHECK(std::string(it->text) == item.value().get<std::string>());
        CHECK(&catalog::unresolved_rule(it->rule) == &*it);
    }

    check_notes(catalog::variable_syntax_notes(), data["variableSyntax"]);
    check_notes(catalog::certificate_variable_notes(), data["certificateVariables"]);
}

TEST_CASE("keys outside the variables: foreign, undocumented, control-plane, and the unclear items", "[catalog]") {
    const auto& data = variables_json();
    const auto& foreign = data["notForIoTCorePolicies"];
    REQUIRE(catalog::foreign_keys().size() == foreign.size());
    for (std::size_t i = 0; i < foreign.size(); ++i) {
        const auto& key = catalog::foreign_keys()[i];
        CHECK(key.name == foreign[i]["name"].get<std::string>());
        if (foreign[i]["where"] == "same") {
            REQUIRE(i > 0);
            CHECK(key.where == catalog::foreign_keys()[i - 1].where);  // "same" means the entry before
        } else {
            CHECK(key.where == foreign[i]["where"].get<std::string>());
        }
        CHECK(key.where != "same");
        CHECK(key.why != "same");
    }
    CHECK(catalog::undocumented_keys().size() == data["checkedButNotDocumented"].size());
    CHECK(catalog::control_plane_keys().size() == data["iamControlPlaneConditionKeys"]["keys"].size());
    const auto& unclear = data["unclear"];
    REQUIRE(catalog::unclear_items().size() == unclear.size());
    for (const auto& item : unclear) {
        const auto* found = catalog::find_unclear_item(item["id"].get<std::string>());
        REQUIRE(found != nullptr);
        CHECK(std::string(found->conservative) == item["conservative"].get<std::string>());
    }
}

// --- Condition operators ----------------------------------------------------------------------------------------

TEST_CASE("every condition operator of the data is in the catalog, with its forms", "[catalog]") {
    const auto& data = variables_json()["conditionOperators"];
    const auto generated = catalog::condition_operators();
    REQUIRE(generated.size() == data.size());
    const auto optional_boolean = [](const Json& value) {
        return value.is_null() ? std::optional<bool>() : std::optional<bool>(value.get<bool>());
    };
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto& entry = data[i];
        const auto& op = generated[i];
        const auto name = entry["name"].get<std::string>();
        INFO(name);
        CHECK(op.name == name);
        CHECK(catalog::find_condition_operator(name) == &op);
        CHECK(catalog::find_condition_operator(lower(name)) == nullptr);
        CHECK(catalog::find_condition_operator_ignoring_case(lower(name)) == &op);
        CHECK(op.family == family(entry["family"].get<std::string>()));
        CHECK(op.negated == optional_boolean(entry["negated"]));
        CHECK(op.case_sensitive == optional_boolean(entry["caseSensitive"]));
        CHECK(op.wildcards == entry["wildcards"].get<bool>());
        CHECK(op.if_exists == entry["ifExists"].get<bool>());
        CHECK(op.set_qualifiers == entry["setQualifiers"].get<bool>());
        CHECK(op.key_absent_result == optional_boolean(entry["keyAbsentResult"]));
        const auto& variables = entry["policyVariablesInValues"];
        CHECK(op.policy_variables_in_values == (variables.is_string() ? catalog::VariableSupport::conflicting
                                                : variables.get<bool>() ? catalog::VariableSupport::yes
                                                                        : catalog::VariableSupport::no));
        CHECK(std::string(op.multiple_values) == text(entry["multipleValues"]));
        // The reading of multipleValues agrees with the structured facts: negated operators need every value.
        if (op.negated.has_value()) {
            CHECK(op.value_combination ==
                  (*op.negated ? catalog::ValueCombination::all : catalog::ValueCombination::any));
        } else {
            CHECK(op.value_combination == catalog::ValueCombination::not_applicable);
        }
    }

    const auto* null = catalog::find_condition_operator("Null");
    REQUIRE(null != nullptr);
    CHECK(null->family == catalog::OperatorFamily::null);
    CHECK_FALSE(null->if_exists);
    CHECK_FALSE(null->set_qualifiers);
    CHECK(catalog::find_condition_operator("StringLike")->wildcards);
    CHECK(catalog::find_condition_operator("StringNotEquals")->value_combination == catalog::ValueCombination::all);
    CHECK(catalog::find_condition_operator("Bool")->policy_variables_in_values ==
          catalog::VariableSupport::conflicting);
    CHECK(catalog::find_condition_operator("IpAddress")->family == catalog::OperatorFamily::ip_address);
    CHECK(catalog::find_condition_operator("StringLikeIfExists") == nullptr);  // forms are not base operators
    CHECK(catalog::find_condition_operator("ForAnyValue:StringLike") == nullptr);
}

TEST_CASE("set operators and operator forms", "[catalog]") {
    const auto& data = variables_json();
    REQUIRE(catalog::set_operators().size() == data["setOperators"].size());
    std::size_t i = 0;
    for (const auto& [name, meaning] : data["setOperators"].items()) {
        CHECK(catalog::set_operators()[i].name == name);
        CHECK(std::string(catalog::set_operators()[i].text) == meaning.get<std::string>());
        ++i;
    }
    std::vector<catalog::OperatorFamily> families;
    for (const auto& word : data["setOperatorDetails"]["applicableFamilies"]) {
        families.push_back(family(word.get<std::string>()));
    }
    CHECK(to_vector(catalog::set_operator_families()) == families);
    check_notes(catalog::set_operator_notes(), data["setOperatorDetails"], {"applicableFamilies"});
    check_notes(catalog::operator_form_notes(), data["operatorForms"]);
    CHECK_FALSE(catalog::find_note(catalog::operator_form_notes(), "IfExists").empty());
    CHECK(catalog::find_note(catalog::operator_form_notes(), "no such key").empty());
}
