// The message for each error point of grammar/json.hpp: what was expected there. The parser appends what it
// found instead. A rule raised without a message fails to compile (see error_message_for in src/json).
#pragma once

#include "json.hpp"

namespace iotpolicy::grammar::json {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

// Rules at which a value was expected: the parser names the likely mistake (single quotes, NaN, a bare word).
template <typename Rule>
inline constexpr bool expects_value = false;

// clang-format off
template <> inline constexpr const char* error_message<block_comment_body> = "unterminated block comment: no '*/' closes the comment that starts here";
template <> inline constexpr const char* error_message<string_end> = "unterminated string: expected '\"' before the end of the line";
template <> inline constexpr const char* error_message<no_leading_zero> = "a number must not have leading zeros";
template <> inline constexpr const char* error_message<integer> = "expected a digit after '-'";
template <> inline constexpr const char* error_message<fraction_digits> = "expected a digit after the decimal point";
template <> inline constexpr const char* error_message<exponent_digits> = "expected a digit in the exponent";
template <> inline constexpr const char* error_message<first_array_element> = "expected a value or ']'";
template <> inline constexpr const char* error_message<next_array_element> = "expected a value after ','";
template <> inline constexpr const char* error_message<array_end> = "expected ',' or ']' after an array element";
template <> inline constexpr const char* error_message<name_separator> = "expected ':' after an object key";
template <> inline constexpr const char* error_message<member_value> = "expected a value after ':'";
template <> inline constexpr const char* error_message<first_member> = "expected a key in double quotes or '}'";
template <> inline constexpr const char* error_message<next_member> = "expected a key in double quotes after ','";
template <> inline constexpr const char* error_message<object_end> = "expected ',' or '}' after an object member";
template <> inline constexpr const char* error_message<root_value> = "expected a JSON value (an IoT policy is a JSON object)";
template <> inline constexpr const char* error_message<document_end> = "unexpected text after the end of the JSON document";

template <> inline constexpr bool expects_value<first_array_element> = true;
template <> inline constexpr bool expects_value<next_array_element> = true;
template <> inline constexpr bool expects_value<member_value> = true;
template <> inline constexpr bool expects_value<root_value> = true;
template <> inline constexpr bool expects_value<first_member> = true;
template <> inline constexpr bool expects_value<next_member> = true;
// clang-format on

}  // namespace iotpolicy::grammar::json
