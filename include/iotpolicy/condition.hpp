// Evaluation of one condition operator against the request's values for its key, in the three-valued form of
// rule R0 (iot-policy-semantics.md §0.2; variables-and-conditions.md §7). Compiling (which may allocate) parses
// the operator as written ("ForAnyValue:StringLikeIfExists") against the catalog and converts every policy value
// once; evaluating allocates nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/ast.hpp"
#include "iotpolicy/catalog.hpp"
#include "iotpolicy/wildcard.hpp"

namespace iotpolicy {

/// A three-valued truth: UNKNOWN is R0's "depends on an undocumented reading".
enum class Truth : std::uint8_t { no, yes, unknown };

constexpr Truth truth_not(Truth t) {
    return t == Truth::yes ? Truth::no : t == Truth::no ? Truth::yes : Truth::unknown;
}
constexpr Truth truth_and(Truth a, Truth b) {
    if (a == Truth::no || b == Truth::no) return Truth::no;
    if (a == Truth::yes && b == Truth::yes) return Truth::yes;
    return Truth::unknown;
}
constexpr Truth truth_or(Truth a, Truth b) {
    if (a == Truth::yes || b == Truth::yes) return Truth::yes;
    if (a == Truth::no && b == Truth::no) return Truth::no;
    return Truth::unknown;
}
constexpr Truth truth_of(bool b) { return b ? Truth::yes : Truth::no; }

/// Whether the request carries the condition key.
enum class KeyPresence : std::uint8_t { absent, present, unknown };

/// A problem found while compiling: the index of the policy value concerned, if any, and a message.
struct ConditionProblem {
    std::optional<std::size_t> value_index;
    std::string message;
};

/// A date as an interval of instants: `first` == `last` for a full timestamp or epoch, the whole year / month /
/// day for a partial date. `granularity` 0 = instant, 1 = day, 2 = month, 3 = year.
struct DateInterval {
    double first = 0;
    double last = 0;
    std::uint8_t granularity = 0;
};

/// Parses a date of spec §7.6 (six W3C forms, integer epoch seconds); nothing when it is not one. A four-digit
/// text is read as a year, not as an epoch.
std::optional<DateInterval> parse_condition_date(std::string_view text);

/// An IPv4 or IPv6 address range. Addresses are kept in 16 bytes; IPv4 uses the first 4.
struct IpRange {
    std::array<std::uint8_t, 16> bytes{};
    std::uint8_t prefix = 0;
    bool v6 = false;
};

/// Parses a CIDR or a bare address (bare IPv4 = /32, bare IPv6 = /128); nothing when invalid.
std::optional<IpRange> parse_ip_range(std::string_view text);

/// One policy value converted for its operator family.
struct CompiledConditionValue {
    std::string text;
    bool valid = true;          // false: conversion failed, every comparison with it is UNKNOWN (§7.7)
    WildcardPattern pattern;    // StringLike
    std::array<WildcardPattern, 6> arn_components;  // Arn*
    double number = 0;          // Numeric
    DateInterval date;          // Date
    IpRange ip;                 // IpAddress
    bool boolean = false;       // Bool, Null
};

/// One condition operator with its policy values, compiled for repeated evaluation.
class CompiledCondition {
public:
    /// Compiles `operator_name` as written and the (already substituted) policy values.
    static CompiledCondition compile(std::string_view operator_name, std::span<const std::string> values);
    static CompiledCondition compile(std::string_view operator_name, std::span<const std::string_view> values);

    /// Makes every comparison with policy value `index` UNKNOWN: a value whose variable could not be told
    /// (spec §0.2). Out-of-range indices are ignored.
    void mark_value_unknown(std::size_t index) {
        if (index < m_values.size()) m_values[index].valid = false;
    }

    /// Replaces the wildcard pattern of policy value `index` (a StringLike value whose `*` or `?` came from an
    /// escape such as `${*}` and stands for itself). Out-of-range indices are ignored.
    void set_value_pattern(std::size_t index, WildcardPattern pattern) {
        if (index < m_values.size()) m_values[index].pattern = std::move(pattern);
    }

    /// Evaluates against the request's values for the key. `values` is ignored unless `presence` is `present` or
    /// `unknown` (then it is the values the key would have if present). Allocates nothing.
    Truth evaluate(std::span<const std::string_view> values, KeyPresence presence) const;

    /// The base operator from the catalog; null when the name is unknown.
    const catalog::ConditionOperator* base() const { return m_op; }
    SetQualifier qualifier() const { return m_qualifier; }
    bool if_exists() const { return m_if_exists; }
    std::span<const CompiledConditionValue> values() const { return m_values; }
    /// Compile problems (unknown operator, bad suffix or qualifier, values that do not convert).
    std::span<const ConditionProblem> problems() const { return m_problems; }

private:
    Truth evaluate_known(std::span<const std::string_view> values, bool present) const;
    Truth evaluate_one(std::string_view request_value) const;  // the operator, negation applied
    Truth match_positive(const CompiledConditionValue& policy, std::string_view request_value) const;

    const catalog::ConditionOperator* m_op = nullptr;
    SetQualifier m_qualifier = SetQualifier::none;
    bool m_if_exists = false;
    bool m_always_unknown = false;
    std::vector<CompiledConditionValue> m_values;
    std::vector<ConditionProblem> m_problems;
};

}  // namespace iotpolicy
