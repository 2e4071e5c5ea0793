// The policy AST: Policy → Statement → elements, each value with its own span.
// Spans are metadata: they never take part in comparisons of policies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "iotpolicy/json.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy {

/// A value and the span of the JSON token it came from.
template <typename T>
struct Spanned {
    T value;
    Span span;
};

enum class Effect : std::uint8_t { allow, deny };

/// The policy language version; spec §1.2.
enum class PolicyVersion : std::uint8_t {
    missing,     // no Version element: IAM reads it as 2008-10-17
    v2008_10_17,  // variables are literal text
    v2012_10_17,  // current
    invalid,     // any other value, or not a string
};

/// Action/NotAction or Resource/NotResource: a string or an array of strings.
struct ElementList {
    bool negated = false;    // NotAction / NotResource
    Span key_span;           // the element name
    Span value_span;         // the string or the whole array
    bool is_array = false;
    std::vector<Spanned<std::string>> values;  // string entries only; others are reported and left out
};

/// ForAnyValue: / ForAllValues: prefix of a condition operator.
enum class SetQualifier : std::uint8_t { none, for_any_value, for_all_values };

/// A condition operator name as written, split into its set qualifier, base operator and IfExists suffix:
/// "ForAnyValue:StringLikeIfExists" → {for_any_value, "StringLike", true}. `base` views into the name.
struct OperatorNameParts {
    SetQualifier qualifier = SetQualifier::none;
    std::string_view base;
    bool if_exists = false;
};

OperatorNameParts split_operator_name(std::string_view name);

/// One value of a condition key. Numbers and booleans keep their spelling, as IAM compares them as text.
struct ConditionValue {
    std::string text;
    JsonKind kind = JsonKind::string;
    Span span;
};

/// One operator-key pair of a Condition block, e.g. "ForAnyValue:StringLikeIfExists": {"iot:ClientId": [...]}.
struct Condition {
    Spanned<std::string> operator_name;  // as written
    SetQualifier qualifier = SetQualifier::none;
    std::string base_operator;           // without qualifier and IfExists: "StringLike"
    bool if_exists = false;
    Spanned<std::string> key;
    bool values_are_array = false;
    Span values_span;
    std::vector<ConditionValue> values;
};

struct Statement {
    std::size_t index = 0;  // position in the Statement list, from 0
    Span span;
    std::optional<Spanned<std::string>> sid;
    std::optional<Spanned<Effect>> effect;
    std::optional<ElementList> action;    // Action or NotAction
    std::optional<ElementList> resource;  // Resource or NotResource
    std::optional<Span> condition_span;
    std::vector<Condition> conditions;
    // Elements the statement should not have (Principal, unknown or mis-cased keys). The simulator keeps such
    // a statement's Deny and drops its Allow (spec §1.5, §0.3 R0).
    bool has_foreign_elements = false;
    // A repeated "Effect" key has "Deny" among its later values (the first value is in `effect`).
    bool deny_among_repeated_effects = false;
    // Required elements are missing or invalid: the statement has no meaning of its own (spec §0.3 R1).
    bool is_broken = false;
};

struct Policy {
    Span span;
    PolicyVersion version = PolicyVersion::missing;
    std::optional<Span> version_span;  // the Version value, whatever its type
    std::optional<Spanned<std::string>> id;
    std::optional<Span> statement_span;
    bool statement_is_array = false;
    std::vector<Statement> statements;
    bool has_foreign_elements = false;  // unknown top-level keys
};

/// Builds the AST from the JSON tree `root` of `source`, reporting what makes elements unreadable or
/// meaningless (IOT003 unknown-element, IOT004 invalid-version, IOT005 invalid-effect, IOT006
/// invalid-statement-shape, IOT007 wrong-type) into `diagnostics`. Returns no policy when the root is not an object.
std::optional<Policy> build_policy(const SourceFile& source, const JsonValue& root,
                                   std::vector<Diagnostic>& diagnostics);

}  // namespace iotpolicy
