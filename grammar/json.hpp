// JSON grammar according to RFC 8259, written for diagnostics: every point where the input is definitively
// wrong is a named rule with a message in json_errors.hpp, and the defects a reader can step over (comments,
// trailing commas, bad escapes, control characters and invalid UTF-8 inside strings, a byte-order mark) are
// named rules of their own that match, so that the parser reports them and goes on. Rules only: no actions.
#pragma once

#include <array>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

namespace iotpolicy::grammar::json {

namespace pegtl = tao::pegtl;

// clang-format off

// --- Between tokens ---------------------------------------------------------------------------------------
struct byte_order_mark : pegtl::string<'\xEF', '\xBB', '\xBF'> {};                      // recovered: not JSON text
struct whitespace : pegtl::plus<pegtl::one<' ', '\t', '\n', '\r'>> {};                // a run per rule call
struct line_comment : pegtl::seq<pegtl::two<'/'>, pegtl::until<pegtl::eolf>> {};     // recovered: not JSON
struct block_comment_end : pegtl::string<'*', '/'> {};
struct block_comment_body : pegtl::until<block_comment_end> {};                       // error point
struct block_comment_start : pegtl::string<'/', '*'> {};
struct block_comment : pegtl::if_must<block_comment_start, block_comment_body> {};     // recovered: not JSON
struct comment : pegtl::sor<line_comment, block_comment> {};
struct skip : pegtl::star<pegtl::sor<whitespace, comment>> {};

// --- Strings ----------------------------------------------------------------------------------------------
struct quote : pegtl::one<'"'> {};
// clang-format on
// A run of printable ASCII other than '"' and '\\': what `plus<ranges<' ', '!', '#', '[', ']', '\x7F'>>` matches,
// in one loop over a byte table rather than a rule call and three range tests a byte. String contents are most of
// a policy's bytes.
struct plain_ascii {
    using rule_t = plain_ascii;
    using subs_t = pegtl::type_list<>;

    static constexpr std::array<bool, 256> k_plain = [] {
        std::array<bool, 256> plain{};
        for (unsigned c = ' '; c <= 0x7F; ++c) {
            plain[c] = c != '"' && c != '\\';
        }
        return plain;
    }();

    template <typename ParseInput>
    [[nodiscard]] static bool match(ParseInput& in) noexcept {
        const char* const begin = in.current();
        const char* const end = in.end();
        const char* at = begin;
        while (at != end && k_plain[static_cast<unsigned char>(*at)]) {
            ++at;
        }
        if (at == begin) {
            return false;
        }
        in.bump_in_this_line(static_cast<std::size_t>(at - begin));  // no line end among these bytes
        return true;
    }
};
// clang-format off
struct plain_utf8 : pegtl::utf8::range<0x80, 0x10FFFF> {};                            // well-formed, no surrogates
struct simple_escape : pegtl::one<'"', '\\', '/', 'b', 'f', 'n', 'r', 't'> {};
struct unicode_escape : pegtl::seq<pegtl::one<'u'>, pegtl::rep<4, pegtl::xdigit>> {};
struct invalid_escape : pegtl::sor<pegtl::seq<pegtl::one<'u'>, pegtl::rep_max<3, pegtl::xdigit>>,
                                   pegtl::utf8::not_one<'\n', '\r'>,
                                   pegtl::not_one<'\n', '\r'>> {};                     // recovered
struct escape : pegtl::seq<pegtl::one<'\\'>, pegtl::sor<simple_escape, unicode_escape, invalid_escape>> {};
struct control_character : pegtl::ranges<'\x00', '\x09', '\x0B', '\x0C', '\x0E', '\x1F'> {};  // recovered
struct invalid_utf8_byte : pegtl::not_one<'"', '\\', '\n', '\r'> {};                  // recovered (tried last)
struct string_char : pegtl::sor<plain_ascii, escape, plain_utf8, control_character, invalid_utf8_byte> {};
struct string_content : pegtl::star<string_char> {};
struct string_end : pegtl::one<'"'> {};                                               // error point
struct string_value : pegtl::seq<quote, string_content, pegtl::must<string_end>> {};
struct key : pegtl::seq<quote, string_content, pegtl::must<string_end>> {};

// --- Numbers ----------------------------------------------------------------------------------------------
struct minus : pegtl::one<'-'> {};
struct no_leading_zero : pegtl::not_at<pegtl::digit> {};                              // error point
struct integer : pegtl::sor<pegtl::if_must<pegtl::one<'0'>, no_leading_zero>, pegtl::plus<pegtl::digit>> {};
struct signed_integer : pegtl::if_must<minus, integer> {};                            // error point: integer
struct fraction_digits : pegtl::plus<pegtl::digit> {};                                // error point
struct fraction : pegtl::if_must<pegtl::one<'.'>, fraction_digits> {};
struct exponent_digits : pegtl::plus<pegtl::digit> {};                                // error point
struct exponent : pegtl::seq<pegtl::one<'e', 'E'>, pegtl::opt<pegtl::one<'+', '-'>>, pegtl::must<exponent_digits>> {};
struct number : pegtl::seq<pegtl::sor<signed_integer, integer>, pegtl::opt<fraction>, pegtl::opt<exponent>> {};

// --- Literals ---------------------------------------------------------------------------------------------
struct true_literal : pegtl::string<'t', 'r', 'u', 'e'> {};
struct false_literal : pegtl::string<'f', 'a', 'l', 's', 'e'> {};
struct null_literal : pegtl::string<'n', 'u', 'l', 'l'> {};

// --- Containers -------------------------------------------------------------------------------------------
struct value;
struct value_separator : pegtl::one<','> {};

struct begin_array : pegtl::one<'['> {};
struct empty_array_end : pegtl::one<']'> {};
struct array_end : pegtl::one<']'> {};                                                // error point
struct array_element : pegtl::seq<value, skip> {};
struct first_array_element : pegtl::seq<array_element> {};                           // error point
struct next_array_element : pegtl::seq<array_element> {};                            // error point
struct array_trailing_comma : pegtl::at<pegtl::one<']'>> {};                          // recovered
struct array_rest : pegtl::seq<value_separator, skip,
                               pegtl::sor<array_trailing_comma, pegtl::must<next_array_element>>> {};
struct array : pegtl::seq<begin_array, skip,
                          pegtl::sor<empty_array_end,
                                     pegtl::seq<pegtl::must<first_array_element>, pegtl::star<array_rest>,
                                                pegtl::must<array_end>>>> {};

struct begin_object : pegtl::one<'{'> {};
struct empty_object_end : pegtl::one<'}'> {};
struct object_end : pegtl::one<'}'> {};                                               // error point
struct name_separator : pegtl::one<':'> {};                                           // error point
struct member_value : pegtl::seq<value, skip> {};                                    // error point
struct member : pegtl::seq<key, skip, pegtl::must<name_separator>, skip, pegtl::must<member_value>> {};
struct first_member : pegtl::seq<member> {};                                          // error point
struct next_member : pegtl::seq<member> {};                                           // error point
struct object_trailing_comma : pegtl::at<pegtl::one<'}'>> {};                         // recovered
struct object_rest : pegtl::seq<value_separator, skip,
                                pegtl::sor<object_trailing_comma, pegtl::must<next_member>>> {};
struct object : pegtl::seq<begin_object, skip,
                           pegtl::sor<empty_object_end,
                                      pegtl::seq<pegtl::must<first_member>, pegtl::star<object_rest>,
                                                 pegtl::must<object_end>>>> {};

struct value : pegtl::sor<string_value, number, object, array, true_literal, false_literal, null_literal> {};

// --- Document ---------------------------------------------------------------------------------------------
struct root_value : pegtl::seq<value> {};                                             // error point
struct document_end : pegtl::eof {};                                                  // error point
struct document : pegtl::seq<pegtl::opt<byte_order_mark>, skip, pegtl::must<root_value>, skip,
                             pegtl::must<document_end>> {};

// clang-format on

}  // namespace iotpolicy::grammar::json

// plain_ascii consumes input whenever it succeeds, like the ranges it replaces (for pegtl::analyze).
template <typename Name>
struct tao::pegtl::analyze_traits<Name, iotpolicy::grammar::json::plain_ascii> : tao::pegtl::analyze_any_traits<> {};
