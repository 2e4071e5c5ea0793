// The catalogs of IoT policy semantics: actions and the resource types they are checked against, policy
// variables and where they resolve, condition operators and keys, limits. Every entry is generated at build time
// from data/iot-actions.json and data/policy-variables.json (tools/gen_catalog.cpp); nothing here is typed twice.
// The tables are constant and static, so spans and pointers stay valid for the program's life, and no lookup
// allocates. Names are compared byte for byte, or with ASCII-only case folding where a function says so.
#pragma once

#include <cstddef>      // size_t
#include <cstdint>      // uint8_t, uint32_t
#include <optional>     // optional
#include <span>         // span
#include <string_view>  // string_view

namespace iotpolicy::catalog {

// --- Shared vocabulary ------------------------------------------------------------------------------------------

/// How a request reaches AWS IoT Core. The variables file's "http" (legend: "HTTPS publish") is read as `https`.
enum class Protocol : std::uint8_t { mqtt, websocket, https };

/// How the caller authenticated (policy-variables.json legend.availableFor).
enum class AuthType : std::uint8_t { x509, cognito, custom, sigv4 };

/// The data's true / false / "conditional" (see the entry's prose) / "unknown" (undocumented: evaluate as UNKNOWN).
enum class Availability : std::uint8_t { no, yes, conditional, unknown };

/// A condition operator family (conditionOperators[].family); also the families a variable's values suit.
enum class OperatorFamily : std::uint8_t { string, numeric, date, boolean, binary, ip_address, arn, null };

/// A free-text member of the data, by its JSON key.
struct Note {
    std::string_view key;
    std::string_view text;
};

/// The text of the note whose key is `key` in `notes`, or an empty view.
std::string_view find_note(std::span<const Note> notes, std::string_view key);

// --- Resource types and actions (iot-actions.json) --------------------------------------------------------------

/// A resource type an action is checked against (resourceTypes), including the pseudo types "thingshadow" and "*".
struct ResourceType {
    std::string_view name;               // the ARN's type word ("topicfilter"), or "*"
    std::string_view arn_template;       // "arn:${Partition}:iot:${Region}:${Account}:topic/${TopicName}", or "*"
    std::string_view description;        // the data's "name": "MQTT topic name"
    std::string_view sar_resource_type;  // empty when the Service Authorization Reference has none
    bool any_resource = false;           // ARN "*": there is no per-resource ARN, the policy must say Resource "*"
    std::span<const std::string_view> used_by;  // action names, as the data lists them
    std::string_view notes;
};

/// How well an action is documented as an IoT policy action (actions[].status).
enum class ActionStatus : std::uint8_t { documented, documented_recent, documented_conflicting };

/// An action an IoT policy can grant or deny (actions).
struct Action {
    std::string_view name;               // canonical spelling: "iot:Publish", "iotjobsdata:DescribeJobExecution"
    const ResourceType* resource_type = nullptr;
    std::span<const ResourceType* const> alternate_resource_types;  // e.g. thingshadow for named shadows
    std::span<const Protocol> protocols;
    std::span<const std::string_view> condition_keys;  // action-specific keys, e.g. iot:ConnectAttributes
    ActionStatus status = ActionStatus::documented;
    std::string_view checked_when;
    std::string_view notes;
    std::span<const std::string_view> sources;

    /// True when the action has no per-resource ARN and is granted with Resource "*" (iot:ListRetainedMessages).
    [[nodiscard]] constexpr bool is_resource_less() const { return resource_type->any_resource; }
};

/// A superseded action spelling that may still be honoured (legacyActionNames).
struct LegacyActionName {
    std::string_view name;             // "iot:DescribeJobExecution"
    const Action* alias_of = nullptr;  // iotjobsdata:DescribeJobExecution
    std::string_view status;           // "superseded-name"
    std::string_view notes;
};

/// A data-plane API that exists but is not listed as an IoT policy action (otherDataPlaneApis).
struct UnlistedDataPlaneApi {
    std::string_view name;
    const ResourceType* resource_type = nullptr;  // null when the data gives none
    std::string_view notes;
};

/// A key of the request context (conditionContext). `protocols` and `auth_types` are read from the free-text
/// `availability` by the generator and are empty when that text does not name any.
struct ConditionContextKey {
    std::string_view key;           // may be a family: "iot:Certificate.<field>"
    std::string_view availability;  // as written
    std::span<const Protocol> protocols;
    std::span<const AuthType> auth_types;
    std::string_view condition;  // the part of `availability` after "; " (a precondition), or empty
    bool documented = false;
    std::string_view source;
    std::string_view notes;
};

/// An inclusive range of seconds.
struct SecondsRange {
    std::uint32_t min = 0;
    std::uint32_t max = 0;
};

/// The limits block of iot-actions.json.
struct Limits {
    std::size_t topic_max_bytes = 0;
    std::size_t topic_max_slashes = 0;
    std::size_t topic_max_levels = 0;
    bool basic_ingest_prefix_excluded_from_limits = false;
    std::size_t topic_filters_per_subscribe = 0;
    std::size_t client_id_max_bytes = 0;
    std::size_t thing_name_max_chars = 0;
    std::string_view thing_name_pattern;  // a character class, as written
    std::size_t shadow_name_max_chars = 0;
    std::size_t role_alias_max_chars = 0;
    std::string_view role_alias_pattern;
    SecondsRange credential_duration_seconds;
    std::size_t policy_document_max_chars = 0;  // excluding whitespace
    std::size_t policy_versions_max = 0;
    std::size_t custom_authorizer_max_policy_documents = 0;
    std::size_t custom_authorizer_policy_document_max_chars = 0;
    SecondsRange custom_authorizer_refresh_and_disconnect_seconds;
    std::string_view policy_propagation_delay;
    std::string_view notes;
};

/// Every resource type, in the data's order.
std::span<const ResourceType> resource_types();

/// The resource type whose name is exactly `name` ("topic", "*"), if any.
const ResourceType* find_resource_type(std::string_view name);

/// Every IoT policy action, in the data's order.
std::span<const Action> actions();

/// The canonical names of `actions()`, in the same order (for nearest-name suggestions).
std::span<const std::string_view> action_names();

/// The action named `name`, compared ignoring ASCII case as IAM compares action names; the entry carries the
/// canonical spelling.
const Action* find_action(std::string_view name);

/// Every legacy action name.
std::span<const LegacyActionName> legacy_action_names();

/// The legacy name matching `name` ignoring ASCII case, if any.
const LegacyActionName* find_legacy_action_name(std::string_view name);

/// The data-plane APIs that are not IoT policy actions.
std::span<const UnlistedDataPlaneApi> unlisted_data_plane_apis();

/// The unlisted data-plane API matching `name` ignoring ASCII case, if any.
const UnlistedDataPlaneApi* find_unlisted_data_plane_api(std::string_view name);

/// The action prefixes an IoT policy governs (controlPlane.knownEffectivePrefixes): key "iot", text what it covers.
std::span<const Note> effective_action_prefixes();

/// Every request-context key of conditionContext.
std::span<const ConditionContextKey> condition_context_keys();

/// The condition context entry whose key matches `key` ignoring ASCII case, if any.
const ConditionContextKey* find_condition_context_key(std::string_view key);

/// The partitions an IoT ARN may name (arnGrammar.partitions).
std::span<const std::string_view> arn_partitions();

/// The ARN format and the free-text rules of arnGrammar (keys "format", "parsing", "wildcards", ...).
std::span<const Note> arn_grammar_notes();

/// The limits block: topic size and depth, client ID size, policy size quota...
const Limits& limits();

// --- Policy variables (policy-variables.json) -------------------------------------------------------------------

/// Which family a variable belongs to (variables[].kind).
enum class VariableKind : std::uint8_t { basic, thing, certificate, cognito, connect, aws_global };

/// How a variable is known (legend.status). Decisions that rest on an `assumed` entry are marked as such.
enum class VariableStatus : std::uint8_t { documented, documented_by_example, assumed };

/// A variable's value type (variables[].type); `string_list` keys are multi-valued.
enum class ValueType : std::uint8_t { string, boolean, ip_address, arn, string_list };

/// What applies when a variable has no value (the keys of unresolvedRules).
enum class UnresolvedRule : std::uint8_t {
    resource,
    key_absent,
    thing_not_associated,
    cert_literal,
    cert_index,
    cert_missing,
    multi_valued_as_variable,
};

/// A variable's availability per authentication type (variables[].availableFor).
struct AuthAvailability {
    Availability x509 = Availability::unknown;
    Availability cognito = Availability::unknown;
    Availability custom = Availability::unknown;
    Availability sigv4 = Availability::unknown;

    /// The availability for `auth`.
    [[nodiscard]] constexpr Availability for_auth(AuthType auth) const {
        switch (auth) {
        case AuthType::x509: return x509;
        case AuthType::cognito: return cognito;
        case AuthType::custom: return custom;
        case AuthType::sigv4: return sigv4;
        }
        return Availability::unknown;
    }
};

/// What stands for the parameter of a variable name with one.
enum class ParameterKind : std::uint8_t {
    none,            // the name has no parameter
    positive_index,  // decimal digits without a leading zero: the ".N" of certificate attributes
    characters,      // `min_length` to `max_length` characters from `allowed`: the name in Attributes[...]
};

/// A variable name with a parameter: `prefix`, the parameter, `suffix`. Read from the data's regular expressions
/// (namePattern, indexedVariant.namePattern) by the generator, which accepts only these two shapes.
struct NamePattern {
    ParameterKind kind = ParameterKind::none;
    std::string_view prefix;   // "iot:Connection.Thing.Attributes["
    std::string_view suffix;   // "]"
    std::string_view allowed;  // every character the parameter may contain (kind `characters`)
    std::size_t min_length = 0;
    std::size_t max_length = 0;
    std::string_view written;  // the data's pattern
};

/// A policy variable or condition key of the request context (variables).
struct PolicyVariable {
    std::string_view name;  // canonical spelling; "iot:Connection.Thing.Attributes[attributeName]" is a template
    VariableKind kind = VariableKind::basic;
    VariableStatus status = VariableStatus::documented;
    ValueType type = ValueType::string;
    bool multi_valued = false;
    AuthAvailability available_for;
    std::span<const Protocol> protocols;
    bool in_resource = false;         // usableIn "Resource": inside ${...} after the ARN's fifth ':'
    bool in_condition_value = false;  // usableIn "ConditionValue": inside ${...} in a condition value
    bool as_condition_key = false;    // usableIn "ConditionKey"
    std::span<const OperatorFamily> operator_families;
    std::span<const UnresolvedRule> unresolved_rules;
    std::span<const std::string_view> applies_to_actions;  // empty when the data names none
    NamePattern name_pattern;  // the whole name when it takes a parameter (Attributes[...])
    NamePattern indexed_form;  // the ".N" form selecting one value of a multi-valued attribute
    VariableStatus indexed_form_status = VariableStatus::documented;  // read from indexedVariant.multiValueSupport
    std::string_view indexed_form_support;                            // indexedVariant.multiValueSupport as written
    std::string_view list_variant;  // the name of the ".List" variable holding every value, or empty
    std::string_view x509_attribute;  // "CN", "dNSName"...
    std::string_view x509_oid;        // "2.5.4.3", or empty
    std::string_view resolves_when;
    std::string_view when_unresolved;
    std::string_view documented_usage;
    std::string_view value_format;
    std::string_view notes;
    std::span<const std::string_view> sources;
};

/// A name as written inside `${...}` or as a condition key, resolved against the variable catalog.
struct VariableMatch {
    const PolicyVariable* variable = nullptr;
    std::string_view parameter;      // the text that stood for the pattern's parameter, or empty
    std::uint32_t index = 0;         // N of a ".N" name (1 is the second value), saturating; 0 otherwise
    bool canonical_spelling = true;  // false when the name matched only ignoring ASCII case
};

/// One escape: `written` (e.g. "${*}") stands for the literal `literal` ("*").
struct Escape {
    std::string_view written;
    std::string_view literal;
};

/// An unresolved-variable rule: its data key ("certLiteral") and text.
struct UnresolvedRuleInfo {
    UnresolvedRule rule = UnresolvedRule::resource;
    std::string_view key;
    std::string_view text;
};

/// A key that exists elsewhere but has no place in an IoT Core policy (notForIoTCorePolicies).
struct ForeignKey {
    std::string_view name;
    std::string_view where;  // "same" in the data is resolved to the entry before
    std::string_view why;
    std::span<const std::string_view> sources;
};

/// A key or variable that was looked for and is not documented for IoT policies (checkedButNotDocumented). The
/// names are prose ("aws:username / aws:userid / aws:PrincipalArn"), not single keys.
struct UndocumentedKey {
    std::string_view name;
    std::string_view iam_type;  // empty when the data gives none
    std::string_view finding;
};

/// An IAM condition key of the IoT control plane (iamControlPlaneConditionKeys.keys); never in a device's context.
struct ControlPlaneKey {
    std::string_view name;
    std::string_view type;
    std::string_view sar_type;
    bool multi_valued = false;
    std::string_view actions;  // prose
};

/// A documentation gap and the conservative choice made for it (unclear).
struct UnclearItem {
    std::string_view id;  // "escape-spelling"
    std::string_view topic;
    std::string_view conservative;
};

/// Every policy variable, in the data's order.
std::span<const PolicyVariable> policy_variables();

/// The canonical names of `policy_variables()`, in the same order (for nearest-name suggestions).
std::span<const std::string_view> policy_variable_names();

/// The variable whose catalog name is exactly `name`, if any.
const PolicyVariable* find_policy_variable(std::string_view name);

/// The variable whose catalog name matches `name` ignoring ASCII case, if any.
const PolicyVariable* find_policy_variable_ignoring_case(std::string_view name);

/// Resolves `name` (without `${` and `}`) to a catalog entry: a plain name, a ".N" indexed form, or a name with a
/// parameter such as "iot:Connection.Thing.Attributes[color]". An exact spelling wins over one that matches only
/// ignoring ASCII case; a parameter is taken as written. Nothing when no entry matches.
std::optional<VariableMatch> match_policy_variable(std::string_view name);

/// IAM's escapes ${*}, ${?}, ${$} (escapes).
std::span<const Escape> escapes();

/// The escapes as the IoT variables page prints them, $(*) and so on (escapesAsWrittenOnIoTPage).
std::span<const Escape> escapes_as_written_on_iot_page();

/// The status of `escapes_as_written_on_iot_page()` ("unclear").
std::string_view escapes_as_written_on_iot_page_status();

/// Why the two escape spellings are treated as they are (escapesNotes).
std::string_view escapes_notes();

/// Every unresolved-variable rule, in the order of `UnresolvedRule`.
std::span<const UnresolvedRuleInfo> unresolved_rules();

/// The rule `rule`.
const UnresolvedRuleInfo& unresolved_rule(UnresolvedRule rule);

/// The free-text rules of variableSyntax ("form", "where", "nameCase", ...).
std::span<const Note> variable_syntax_notes();

/// The free-text facts of certificateVariables ("multiValue", "limits", "escaping", ...).
std::span<const Note> certificate_variable_notes();

/// The keys that belong to other policies than IoT Core policies, in the data's order.
std::span<const ForeignKey> foreign_keys();

/// The keys looked for and not documented for IoT policies, in the data's order.
std::span<const UndocumentedKey> undocumented_keys();

/// The IAM condition keys of the IoT control plane, in the data's order.
std::span<const ControlPlaneKey> control_plane_keys();

/// Every documentation gap with its conservative choice, in the data's order.
std::span<const UnclearItem> unclear_items();

/// The unclear item whose id is exactly `id`, if any.
const UnclearItem* find_unclear_item(std::string_view id);

// --- Condition operators (policy-variables.json) ----------------------------------------------------------------

/// Whether policy variables are substituted in an operator's values (policyVariablesInValues).
enum class VariableSupport : std::uint8_t { no, yes, conflicting };

/// How several values of one key combine (read from the start of multipleValues: "OR:" or "AND:").
enum class ValueCombination : std::uint8_t { not_applicable, any, all };

/// A base condition operator, without set qualifier or IfExists (conditionOperators).
struct ConditionOperator {
    std::string_view name;  // "StringLike"
    OperatorFamily family = OperatorFamily::string;
    std::optional<bool> negated;         // nothing for Null
    std::optional<bool> case_sensitive;  // nothing where case does not apply
    bool wildcards = false;
    bool if_exists = false;       // takes the IfExists suffix
    VariableSupport policy_variables_in_values = VariableSupport::no;
    bool set_qualifiers = false;  // takes ForAnyValue: / ForAllValues:
    std::optional<bool> key_absent_result;  // nothing for Null
    ValueCombination value_combination = ValueCombination::not_applicable;
    std::string_view value_syntax;
    std::string_view multiple_values;  // as written
    std::string_view notes;
};

/// A set qualifier (setOperators): "ForAnyValue" or "ForAllValues", and its meaning.
struct SetOperator {
    std::string_view name;
    std::string_view text;
};

/// Every base condition operator, in the data's order.
std::span<const ConditionOperator> condition_operators();

/// The operator whose name is exactly `name` ("StringLike"), if any.
const ConditionOperator* find_condition_operator(std::string_view name);

/// The operator whose name matches `name` ignoring ASCII case, if any.
const ConditionOperator* find_condition_operator_ignoring_case(std::string_view name);

/// The free-text rules of operatorForms ("IfExists", "keyAbsent", "combination", ...).
std::span<const Note> operator_form_notes();

/// The set qualifiers (ForAnyValue, ForAllValues), in the data's order.
std::span<const SetOperator> set_operators();

/// The families on which set qualifiers are documented (setOperatorDetails.applicableFamilies).
std::span<const OperatorFamily> set_operator_families();

/// The free-text rules of setOperatorDetails other than applicableFamilies.
std::span<const Note> set_operator_notes();

}  // namespace iotpolicy::catalog
