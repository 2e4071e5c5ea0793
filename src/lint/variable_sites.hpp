// The places where AWS IoT substitutes policy variables, for the rules about `${…}` (IOT301 unknown-variable,
// IOT304 malformed-variable, IOT305 variable-needs-2012-version): Resource / NotResource entries and the values of
// the String and ARN condition operators (spec vars §1 "Where variables may appear"). Variables anywhere else are
// never substituted; that is IOT302's business, not these rules'.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>

#include "iotpolicy/ast.hpp"
#include "iotpolicy/catalog.hpp"
#include "iotpolicy/policy_variable.hpp"
#include "iotpolicy/source.hpp"
#include "src/lint/condition_operator.hpp"
#include "src/support/utf8.hpp"

namespace iotpolicy::lint {

/// One string in which `${…}` is substituted.
struct VariableSite {
    bool in_condition = false;  // a condition value; otherwise a Resource / NotResource entry
    std::string_view text;      // the decoded string
    Span token;                 // its JSON string token, quotes included
};

/// True when the values of `condition`'s operator take policy variables: the String and ARN families (spec vars §1:
/// "Condition values of String and ARN operators"; not Numeric, Date, IpAddress, Binary, Null; Bool is contradictory
/// and left to the simulator's R0). An operator the catalog does not know is another rule's finding.
inline bool operator_takes_variables(const Condition& condition) {
    const catalog::ConditionOperator* op = spelled_operator(condition);
    return op != nullptr &&
           (op->family == catalog::OperatorFamily::string || op->family == catalog::OperatorFamily::arn);
}

/// Calls `visit(const VariableSite&)` for every Resource / NotResource entry and every string value of a String or
/// ARN condition operator that holds a `$`, in document order within each statement. A string without one holds
/// no variable and no escape, and most entries are such: the rules that parse sites as templates never see them.
template <typename Visit>
void for_each_variable_site(std::span<const Statement> statements, Visit&& visit) {
    const auto has_dollar = [](std::string_view text) { return text.find('$') != std::string_view::npos; };
    for (const Statement& statement : statements) {
        if (statement.resource) {
            for (const Spanned<std::string>& entry : statement.resource->values) {
                if (has_dollar(entry.value)) {
                    visit(VariableSite{false, entry.value, entry.span});
                }
            }
        }
        for (const Condition& condition : statement.conditions) {
            if (!operator_takes_variables(condition)) {
                continue;
            }
            for (const ConditionValue& value : condition.values) {
                if (value.kind == JsonKind::string && has_dollar(value.text)) {
                    visit(VariableSite{true, value.text, value.span});
                }
            }
        }
    }
}

namespace site_detail {

inline int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// The code unit of a `\uXXXX` escape starting at `at` in `raw`, or -1.
inline long unicode_escape(std::string_view raw, std::size_t at) {
    if (at + 6 > raw.size() || raw[at] != '\\' || raw[at + 1] != 'u') {
        return -1;
    }
    long unit = 0;
    for (std::size_t i = at + 2; i < at + 6; ++i) {
        const int digit = hex_digit(raw[i]);
        if (digit < 0) {
            return -1;
        }
        unit = unit * 16 + digit;
    }
    return unit;
}

}  // namespace site_detail

/// Maps `range`, a byte range of the decoded string of `token` (a JSON string token in `source`, quotes included),
/// to the bytes of the policy text that spell it. Without backslash escapes byte k is at token.begin + 1 + k; with
/// them the escapes are walked: `\n` is one decoded byte, `\u00e9` two, a surrogate pair four.
inline Span source_range(const SourceFile& source, Span token, Span range) {
    const std::string_view raw = source.text().substr(token.begin, token.end - token.begin);
    const auto direct = [&]() -> Span {
        if (token.begin + 1 + range.end > token.end) return token;
        return {token.begin + 1 + range.begin, token.begin + 1 + range.end};
    };
    // Nearly every token is ASCII without escapes: one pass tells, and then the bytes map one to one.
    if (std::all_of(raw.begin(), raw.end(), [](char c) { return c != '\\' && static_cast<unsigned char>(c) < 0x80; })) {
        return direct();
    }
    // Invalid UTF-8 decodes as U+FFFD (three bytes for one): positions after it cannot be mapped, so the whole
    // string is reported.
    for (std::size_t at = 0; at < raw.size(); at += detail::utf8_step(raw, at)) {
        if (detail::utf8_sequence_length(raw, at) == 0) return token;
    }
    if (raw.size() < 2 || raw.find('\\') == std::string_view::npos) {
        return direct();
    }
    const auto source_offset = [&](std::uint32_t decoded) -> std::uint32_t {
        std::size_t at = 1;  // after the opening quote
        std::uint32_t produced = 0;
        while (produced < decoded && at + 1 < raw.size()) {
            if (raw[at] != '\\') {
                ++at;
                ++produced;
                continue;
            }
            const long unit = site_detail::unicode_escape(raw, at);
            if (unit < 0) {  // \n, \", \\ ... (and a bad escape, read as one character)
                at += 2;
                ++produced;
            } else if (unit >= 0xD800 && unit < 0xDC00 && site_detail::unicode_escape(raw, at + 6) >= 0xDC00 &&
                       site_detail::unicode_escape(raw, at + 6) < 0xE000) {
                at += 12;
                produced += 4;
            } else {
                at += 6;
                produced += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
            }
        }
        return token.begin + static_cast<std::uint32_t>(at);
    };
    const Span mapped{source_offset(range.begin), source_offset(range.end)};
    return mapped.begin <= mapped.end && mapped.end <= token.end ? mapped : token;
}

}  // namespace iotpolicy::lint
