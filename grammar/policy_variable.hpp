// Policy variables inside one policy string (a Resource entry or a condition value), written for diagnostics:
// spec variables-and-conditions.md §1 and policy-variables.json (variableSyntax, escapes, escapesAsWrittenOnIoTPage).
// A string is a sequence of segments: literal text, `${name}`, the IAM escapes `${*}` `${?}` `${$}`, the spellings
// `$(*)` `$(?)` `$($)` of AWS IoT's page, and IAM's default-value form `${name, 'default'}`. A `${` that starts
// none of these is a malformed variable: the strict rule names where it goes wrong (error points, messages in
// policy_variable_errors.hpp), try_catch turns that failure into a local one, and malformed_variable then
// claims the variable's extent as a segment of its own, so the parse goes on and every byte lands in exactly one
// segment. The input is the decoded string (JSON escapes already undone), so ranges are into that string.
// Rules only: no actions, no knowledge of which names exist.
#pragma once

#include <tao/pegtl.hpp>

namespace iotpolicy::grammar::policy_variable {

namespace pegtl = tao::pegtl;

// clang-format off

// --- Characters -------------------------------------------------------------------------------------------
// Whitespace as a decoded JSON string can hold it. IAM does not document `${ iot:ClientId }`: AWS may trim it,
// reject it or look up a key with spaces, and Access Analyzer calls it an error ("Unsupported space in
// variable", spec §7.1). So whitespace makes a variable malformed: reported, and UNKNOWN when substituted, which
// is R0 (spec §0.2) in three-valued form: an Allow entry holding it grants nothing, a Deny entry applies.
struct whitespace : pegtl::one<' ', '\t', '\n', '\r'> {};
struct control_character : pegtl::ranges<'\x00', '\x1F', '\x7F'> {};
struct escape_character : pegtl::one<'*', '?', '$'> {};

// A key name is liberal (unknown names are the catalog's business) but not shapeless. IAM keys are
// `service:Name` with letters, digits and `. _ - / : @ + = #` (iot:Connection.Thing.ThingName,
// aws:PrincipalTag/team, cognito-identity.amazonaws.com:sub, iot:Certificate.Subject.Organization.1). A key
// character is any byte but whitespace, a control character, and the characters that mean something in a
// template or cannot be in a key:
//   $ {   a variable starts (variables do not nest)        }  the variable ends
//   [ ]   an attribute subscript opens / closes           ,  the default value follows
//   '     quotes a default value                          * ?  wildcards: a name holds none
// Bytes from 0x80 are key characters, so a non-ASCII tag key reaches the catalog rather than an error.
struct key_delimiter : pegtl::one<'$', '{', '}', '[', ']', ',', '\'', '*', '?'> {};
struct key_character : pegtl::seq<pegtl::not_at<pegtl::sor<key_delimiter, whitespace, control_character>>,
                                  pegtl::any> {};
// Inside `[…]` a comma is allowed: thing attribute names match [a-zA-Z0-9_.,@/:#-]+ (policy-variables.json,
// iot:Connection.Thing.Attributes[…] namePattern). The subscript is part of the key, never a variable (spec §1).
struct subscript_delimiter : pegtl::one<'$', '{', '}', '[', ']', '\'', '*', '?'> {};
struct subscript_character : pegtl::seq<pegtl::not_at<pegtl::sor<subscript_delimiter, whitespace,
                                                                  control_character>>,
                                        pegtl::any> {};

// --- The extent of a `${` ---------------------------------------------------------------------------------
// What a `${` claims when it is malformed: up to the first '}' that a `${` inside it does not claim (one level,
// so `${a[${b}]}` is one segment), or to the end of the string. No recursion, so no input can exhaust the stack.
// Only a malformed variable is measured so; a well-formed one ends where named_variable ends (`${a, '${b}'}`).
struct variable_open : pegtl::string<'$', '{'> {};
struct variable_close : pegtl::one<'}'> {};
struct inner_open : pegtl::string<'$', '{'> {};
struct inner_extent : pegtl::seq<inner_open, pegtl::star<pegtl::not_one<'}'>>, pegtl::opt<variable_close>> {};
struct extent_body : pegtl::star<pegtl::sor<inner_extent, pegtl::not_one<'}'>>> {};

// --- Well-formed variables --------------------------------------------------------------------------------
// ${*} ${?} ${$}: IAM's predefined variables for a literal '*', '?', '$' (policy-variables.json escapes).
struct escape_variable : pegtl::seq<variable_open, escape_character, variable_close> {};

struct variable_not_empty : pegtl::not_at<pegtl::star<whitespace>, variable_close> {};  // error point: ${} ${ }
struct key_characters : pegtl::plus<key_character> {};
struct subscript_open : pegtl::one<'['> {};
// A ']' comes before the '}' that ends the variable (a `${…}` inside is skipped, to be reported as nested).
struct subscript_balanced : pegtl::at<pegtl::star<pegtl::sor<inner_extent, pegtl::not_one<']', '}'>>>,
                                      pegtl::one<']'>> {};                          // error point: unbalanced '['
struct subscript_name : pegtl::plus<subscript_character> {};                         // error point
struct subscript_close : pegtl::one<']'> {};                                         // error point
struct subscript : pegtl::if_must<subscript_open, subscript_balanced, subscript_name, subscript_close> {};
// Error point. A name starts with a key character; subscripts follow (iot:Connection.Thing.Attributes[site]).
struct variable_name : pegtl::seq<key_characters, pegtl::star<pegtl::sor<key_characters, subscript>>> {};

// IAM's `${key, 'default'}`: IAM documents ", " (comma, one space) before the quoted value; any number of spaces
// is accepted, as the value is UNKNOWN in AWS IoT whatever the spacing (spec §1, variableSyntax.defaultValue).
// The quoted text is any bytes but a single quote.
struct default_separator : pegtl::seq<pegtl::one<','>, pegtl::star<pegtl::one<' '>>> {};
struct default_open : pegtl::one<'\''> {};                                           // error point
struct default_text : pegtl::star<pegtl::not_one<'\''>> {};
struct default_close : pegtl::one<'\''> {};                                          // error point: unterminated
struct default_value : pegtl::seq<default_separator, pegtl::must<default_open>, default_text,
                                 pegtl::must<default_close>> {};
struct variable_end : pegtl::one<'}'> {};                                            // error point

// After `${`: either a well-formed named variable, or the first error point that fails says why not.
struct named_variable : pegtl::seq<variable_open,
                                   pegtl::must<variable_not_empty, variable_name>,
                                   pegtl::opt<default_value>,
                                   pegtl::must<variable_end>> {};

// Recovered: a `${` that named_variable rejected, with its extent. When no '}' ends the extent, the variable is
// unterminated, and that is what is reported, whichever error point failed first.
struct unterminated_variable : pegtl::eof {};                                        // recovered
struct malformed_variable : pegtl::seq<variable_open, extent_body,
                                       pegtl::sor<variable_close, unterminated_variable>> {};

struct variable : pegtl::sor<escape_variable, pegtl::try_catch<named_variable>, malformed_variable> {};

// --- AWS IoT's spelling of the escapes ----------------------------------------------------------------------
// $(*) $(?) $($) exactly (escapesAsWrittenOnIoTPage). Any other `$(` is literal text.
struct parenthesised_escape : pegtl::seq<pegtl::one<'$'>, pegtl::one<'('>, escape_character, pegtl::one<')'>> {};

// --- Literal text ---------------------------------------------------------------------------------------------
// Everything else, a `$` included unless it starts `${` or a parenthesised escape.
struct lone_dollar : pegtl::seq<pegtl::not_at<variable_open>, pegtl::not_at<parenthesised_escape>,
                                pegtl::one<'$'>> {};
struct literal : pegtl::plus<pegtl::sor<pegtl::plus<pegtl::not_one<'$'>>, lone_dollar>> {};

// --- A whole string ---------------------------------------------------------------------------------------
// Never fails: every position starts a variable (malformed at worst), a parenthesised escape or literal text.
struct segment : pegtl::sor<variable, parenthesised_escape, literal> {};
struct variable_template : pegtl::seq<pegtl::star<segment>, pegtl::eof> {};

// clang-format on

}  // namespace iotpolicy::grammar::policy_variable
