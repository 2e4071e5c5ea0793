// The catalogs of iotpolicy/catalog.hpp: the tables generated from data/*.json and the lookups over them.
#include "iotpolicy/catalog.hpp"

#include <algorithm>  // all_of, find_if, is_sorted, lexicographical_compare, lower_bound
#include <array>      // array
#include <limits>     // numeric_limits

#include "../support/suggest.hpp"  // equals_ignoring_case

namespace iotpolicy::catalog {

namespace {

#include "iotpolicy/catalog_tables.inc"

/// True when `a` sorts before `b` with ASCII case folded, the order of the generated *_by_folded_name indices.
constexpr bool folded_less(std::string_view a, std::string_view b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return detail::ascii_lower(x) < detail::ascii_lower(y); });
}

/// True when `order` lists `table` by folded `key`, as the generator promises.
template <typename Entry, std::size_t N, std::size_t M, typename Key>
constexpr bool is_folded_index(const std::array<Entry, N>& table, const std::array<std::uint16_t, M>& order,
                               Key key) {
    return N == M && std::is_sorted(order.begin(), order.end(), [&](std::uint16_t a, std::uint16_t b) {
               return folded_less(key(table[a]), key(table[b]));
           });
}

constexpr auto k_name = [](const auto& entry) { return entry.name; };
constexpr auto k_key = [](const auto& entry) { return entry.key; };

// INVARIANT: the generator sorted these with the same folding; a mismatch would make lookups miss silently.
static_assert(is_folded_index(k_actions, k_actions_by_folded_name, k_name));
static_assert(is_folded_index(k_legacy_action_names, k_legacy_action_names_by_folded_name, k_name));
static_assert(is_folded_index(k_unlisted_data_plane_apis, k_unlisted_data_plane_apis_by_folded_name, k_name));
static_assert(is_folded_index(k_condition_context_keys, k_condition_context_keys_by_folded_name, k_key));
static_assert(is_folded_index(k_policy_variables, k_policy_variables_by_folded_name, k_name));
static_assert(is_folded_index(k_condition_operators, k_condition_operators_by_folded_name, k_name));

constexpr bool unresolved_rules_in_enum_order() {
    for (std::size_t i = 0; i < k_unresolved_rules.size(); ++i) {
        if (k_unresolved_rules[i].rule != static_cast<UnresolvedRule>(i)) {
            return false;
        }
    }
    return k_unresolved_rules.size() == static_cast<std::size_t>(UnresolvedRule::multi_valued_as_variable) + 1;
}
static_assert(unresolved_rules_in_enum_order(), "unresolved_rule() indexes the table by UnresolvedRule");

/// The indices of `table` sorted by `key` byte for byte, built at compile time: the exact-spelling index that
/// lookups try before the folded one, since documents almost always spell names as the catalog does and an
/// exact comparison is a memcmp where the folded one folds every byte (the linter looks names up per `${…}`,
/// per Action entry and per condition key).
template <typename Entry, std::size_t N, typename Key>
constexpr std::array<std::uint16_t, N> exact_index(const std::array<Entry, N>& table, Key key) {
    std::array<std::uint16_t, N> order{};
    for (std::size_t i = 0; i < N; ++i) {
        order[i] = static_cast<std::uint16_t>(i);
    }
    std::sort(order.begin(), order.end(),
              [&](std::uint16_t a, std::uint16_t b) { return key(table[a]) < key(table[b]); });
    return order;
}

constexpr auto k_actions_by_name = exact_index(k_actions, k_name);
constexpr auto k_legacy_action_names_by_name = exact_index(k_legacy_action_names, k_name);
constexpr auto k_unlisted_data_plane_apis_by_name = exact_index(k_unlisted_data_plane_apis, k_name);
constexpr auto k_condition_context_keys_by_name = exact_index(k_condition_context_keys, k_key);
constexpr auto k_policy_variables_by_name = exact_index(k_policy_variables, k_name);
constexpr auto k_condition_operators_by_name = exact_index(k_condition_operators, k_name);

/// The entry of `table` whose `key` is `name` byte for byte, by binary search over `order` (an exact_index).
template <typename Entry, std::size_t N, typename Key>
const Entry* find_exact(const std::array<Entry, N>& table, const std::array<std::uint16_t, N>& order,
                        std::string_view name, Key key) {
    const auto it = std::lower_bound(order.begin(), order.end(), name,
                                     [&](std::uint16_t index, std::string_view wanted) {
                                         return key(table[index]) < wanted;
                                     });
    return it != order.end() && key(table[*it]) == name ? &table[*it] : nullptr;
}

/// The entry of `table` whose `key` equals `name` ignoring ASCII case, by binary search over `folded`.
template <typename Entry, std::size_t N, std::size_t M, typename Key>
const Entry* find_case_folded(const std::array<Entry, N>& table, const std::array<std::uint16_t, M>& folded,
                              std::string_view name, Key key) {
    const auto it = std::lower_bound(folded.begin(), folded.end(), name,
                                     [&](std::uint16_t index, std::string_view wanted) {
                                         return folded_less(key(table[index]), wanted);
                                     });
    if (it == folded.end() || !detail::equals_ignoring_case(key(table[*it]), name)) {
        return nullptr;
    }
    return &table[*it];
}

/// The entry of `table` whose `key` equals `name` ignoring ASCII case: the exact spelling by `exact`, else by
/// `folded`.
template <typename Entry, std::size_t N, std::size_t M, typename Key>
const Entry* find_folded(const std::array<Entry, N>& table, const std::array<std::uint16_t, N>& exact,
                         const std::array<std::uint16_t, M>& folded, std::string_view name, Key key) {
    if (const Entry* entry = find_exact(table, exact, name, key)) {
        return entry;
    }
    return find_case_folded(table, folded, name, key);
}

/// `digits` (a positive decimal number) as an index, saturating where it would overflow.
std::uint32_t parse_index(std::string_view digits) {
    constexpr auto k_max = std::numeric_limits<std::uint32_t>::max();
    std::uint32_t value = 0;
    for (const char c : digits) {
        const auto digit = static_cast<std::uint32_t>(c - '0');
        if (value > (k_max - digit) / 10) {
            return k_max;
        }
        value = value * 10 + digit;
    }
    return value;
}

/// `name` matched against `pattern` of `variable`, its prefix and suffix compared ignoring ASCII case.
std::optional<VariableMatch> match_pattern(const PolicyVariable& variable, const NamePattern& pattern,
                                           std::string_view name) {
    if (pattern.kind == ParameterKind::none || name.size() < pattern.prefix.size() + pattern.suffix.size()) {
        return std::nullopt;
    }
    const auto head = name.substr(0, pattern.prefix.size());
    const auto tail = name.substr(name.size() - pattern.suffix.size());
    if (!detail::equals_ignoring_case(head, pattern.prefix) || !detail::equals_ignoring_case(tail, pattern.suffix)) {
        return std::nullopt;
    }
    const auto parameter = name.substr(head.size(), name.size() - head.size() - tail.size());
    VariableMatch match{.variable = &variable,
                        .parameter = parameter,
                        .index = 0,
                        .canonical_spelling = head == pattern.prefix && tail == pattern.suffix};
    switch (pattern.kind) {
    case ParameterKind::none: return std::nullopt;
    case ParameterKind::positive_index:
        if (parameter.empty() || parameter.front() == '0' ||
            !std::all_of(parameter.begin(), parameter.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return std::nullopt;
        }
        match.index = parse_index(parameter);
        return match;
    case ParameterKind::characters:
        if (parameter.size() < pattern.min_length || parameter.size() > pattern.max_length ||
            parameter.find_first_not_of(pattern.allowed) != std::string_view::npos) {
            return std::nullopt;
        }
        return match;
    }
    return std::nullopt;
}

/// The first match of `name` among the variables whose names take a parameter, preferring a canonical spelling.
std::optional<VariableMatch> match_patterned(std::string_view name) {
    std::optional<VariableMatch> folded;
    for (const auto index : k_patterned_policy_variables) {
        const auto& variable = k_policy_variables[index];
        for (const auto* pattern : {&variable.name_pattern, &variable.indexed_form}) {
            auto match = match_pattern(variable, *pattern, name);
            if (match && match->canonical_spelling) {
                return match;
            }
            if (match && !folded) {
                folded = match;
            }
        }
    }
    return folded;
}

}  // namespace

std::string_view find_note(std::span<const Note> notes, std::string_view key) {
    const auto it = std::find_if(notes.begin(), notes.end(), [&](const Note& note) { return note.key == key; });
    return it == notes.end() ? std::string_view() : it->text;
}

// --- Resource types and actions ---------------------------------------------------------------------------------

std::span<const ResourceType> resource_types() {
    return k_resource_types;
}

const ResourceType* find_resource_type(std::string_view name) {
    const auto it = std::find_if(k_resource_types.begin(), k_resource_types.end(),
                                 [&](const ResourceType& type) { return type.name == name; });
    return it == k_resource_types.end() ? nullptr : &*it;
}

std::span<const Action> actions() {
    return k_actions;
}

std::span<const std::string_view> action_names() {
    return k_action_names;
}

const Action* find_action(std::string_view name) {
    return find_folded(k_actions, k_actions_by_name, k_actions_by_folded_name, name, k_name);
}

std::span<const LegacyActionName> legacy_action_names() {
    return k_legacy_action_names;
}

const LegacyActionName* find_legacy_action_name(std::string_view name) {
    return find_folded(k_legacy_action_names, k_legacy_action_names_by_name, k_legacy_action_names_by_folded_name,
                       name, k_name);
}

std::span<const UnlistedDataPlaneApi> unlisted_data_plane_apis() {
    return k_unlisted_data_plane_apis;
}

const UnlistedDataPlaneApi* find_unlisted_data_plane_api(std::string_view name) {
    return find_folded(k_unlisted_data_plane_apis, k_unlisted_data_plane_apis_by_name,
                       k_unlisted_data_plane_apis_by_folded_name, name, k_name);
}

std::span<const Note> effective_action_prefixes() {
    return k_effective_action_prefixes;
}

std::span<const ConditionContextKey> condition_context_keys() {
    return k_condition_context_keys;
}

const ConditionContextKey* find_condition_context_key(std::string_view key) {
    return find_folded(k_condition_context_keys, k_condition_context_keys_by_name,
                       k_condition_context_keys_by_folded_name, key, k_key);
}

std::span<const std::string_view> arn_partitions() {
    return k_arn_partitions;
}

std::span<const Note> arn_grammar_notes() {
    return k_arn_grammar_notes;
}

const Limits& limits() {
    return k_limits;
}

// --- Policy variables -------------------------------------------------------------------------------------------

std::span<const PolicyVariable> policy_variables() {
    return k_policy_variables;
}

std::span<const std::string_view> policy_variable_names() {
    return k_policy_variable_names;
}

const PolicyVariable* find_policy_variable(std::string_view name) {
    const auto* variable = find_policy_variable_ignoring_case(name);
    // Names never differ only in case (the generator checks), so the folded match is the only candidate.
    return variable != nullptr && variable->name == name ? variable : nullptr;
}

const PolicyVariable* find_policy_variable_ignoring_case(std::string_view name) {
    return find_folded(k_policy_variables, k_policy_variables_by_name, k_policy_variables_by_folded_name, name, k_name);
}

std::optional<VariableMatch> match_policy_variable(std::string_view name) {
    // A catalog name with a parameter ("...Attributes[attributeName]") is a template: it is matched as a pattern,
    // so its parameter is reported like any other.
    const auto* exact = find_exact(k_policy_variables, k_policy_variables_by_name, name, k_name);
    if (exact != nullptr && exact->name_pattern.kind == ParameterKind::none) {
        return VariableMatch{.variable = exact, .parameter = {}, .index = 0, .canonical_spelling = true};
    }
    // An exact match here is a template name; otherwise a whole name may differ in case only.
    const auto* whole = exact != nullptr ? nullptr
                                         : find_case_folded(k_policy_variables, k_policy_variables_by_folded_name,
                                                            name, k_name);
    if (whole != nullptr && whole->name_pattern.kind != ParameterKind::none) {
        whole = nullptr;
    }
    auto patterned = match_patterned(name);
    if (patterned && patterned->canonical_spelling) {
        return patterned;
    }
    if (whole != nullptr) {
        return VariableMatch{.variable = whole, .parameter = {}, .index = 0, .canonical_spelling = false};
    }
    return patterned;
}

std::span<const Escape> escapes() {
    return k_escapes;
}

std::span<const Escape> escapes_as_written_on_iot_page() {
    return k_escapes_as_written_on_iot_page;
}

std::string_view escapes_as_written_on_iot_page_status() {
    return k_escapes_as_written_on_iot_page_status;
}

std::string_view escapes_notes() {
    return k_escapes_notes;
}

std::span<const UnresolvedRuleInfo> unresolved_rules() {
    return k_unresolved_rules;
}

const UnresolvedRuleInfo& unresolved_rule(UnresolvedRule rule) {
    return k_unresolved_rules[static_cast<std::size_t>(rule)];
}

std::span<const Note> variable_syntax_notes() {
    return k_variable_syntax_notes;
}

std::span<const Note> certificate_variable_notes() {
    return k_certificate_variable_notes;
}

std::span<const ForeignKey> foreign_keys() {
    return k_foreign_keys;
}

std::span<const UndocumentedKey> undocumented_keys() {
    return k_undocumented_keys;
}

std::span<const ControlPlaneKey> control_plane_keys() {
    return k_control_plane_keys;
}

std::span<const UnclearItem> unclear_items() {
    return k_unclear_items;
}

const UnclearItem* find_unclear_item(std::string_view id) {
    const auto it = std::find_if(k_unclear_items.begin(), k_unclear_items.end(),
                                 [&](const UnclearItem& item) { return item.id == id; });
    return it == k_unclear_items.end() ? nullptr : &*it;
}

// --- Condition operators ----------------------------------------------------------------------------------------

std::span<const ConditionOperator> condition_operators() {
    return k_condition_operators;
}

const ConditionOperator* find_condition_operator(std::string_view name) {
    const auto* op = find_condition_operator_ignoring_case(name);
    return op != nullptr && op->name == name ? op : nullptr;
}

const ConditionOperator* find_condition_operator_ignoring_case(std::string_view name) {
    return find_folded(k_condition_operators, k_condition_operators_by_name, k_condition_operators_by_folded_name,
                       name, k_name);
}

std::span<const Note> operator_form_notes() {
    return k_operator_form_notes;
}

std::span<const SetOperator> set_operators() {
    return k_set_operators;
}

std::span<const OperatorFamily> set_operator_families() {
    return k_set_operator_families;
}

std::span<const Note> set_operator_notes() {
    return k_set_operator_notes;
}

}  // namespace iotpolicy::catalog
