// The message for each error point of grammar/policy_variable.hpp (what was expected there) and for the recovered
// unterminated_variable. Unless appends_found says otherwise, the parser appends what it found instead. A rule
// raised without a message fails to compile (see Control in src/semantics/policy_variable.cpp).
#pragma once

#include "policy_variable.hpp"

namespace iotpolicy::grammar::policy_variable {

template <typename Rule>
inline constexpr const char* error_message = nullptr;

// Rules whose message is complete on its own: the parser adds nothing about what it found.
template <typename Rule>
inline constexpr bool appends_found = true;

// clang-format off
template <> inline constexpr const char* error_message<unterminated_variable> = "unterminated variable: no '}' closes this '${'";
template <> inline constexpr const char* error_message<variable_not_empty> = "empty variable: write a name such as ${iot:ClientId}, or ${*}, ${?} or ${$} for a literal '*', '?' or '$'";
template <> inline constexpr const char* error_message<variable_name> = "expected a variable name such as iot:ClientId after '${'";
template <> inline constexpr const char* error_message<subscript_balanced> = "unbalanced '[' in the variable name: no ']' closes it before the '}' that ends the variable";
template <> inline constexpr const char* error_message<subscript_name> = "expected an attribute name after '['";
template <> inline constexpr const char* error_message<subscript_close> = "expected ']' to close the '[' of the variable name";
template <> inline constexpr const char* error_message<default_open> = "expected a default value in single quotes after ',' (IAM's form is ${key, 'default'})";
template <> inline constexpr const char* error_message<default_close> = "unterminated default value: no ''' closes the quote that starts here";
template <> inline constexpr const char* error_message<variable_end> = "expected '}' to close the variable";

template <> inline constexpr bool appends_found<unterminated_variable> = false;
template <> inline constexpr bool appends_found<variable_not_empty> = false;
template <> inline constexpr bool appends_found<subscript_balanced> = false;
template <> inline constexpr bool appends_found<default_close> = false;
// clang-format on

}  // namespace iotpolicy::grammar::policy_variable
