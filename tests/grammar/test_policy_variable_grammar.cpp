// The policy-variable grammar on its own, with PEGTL's own control and no actions: no cycles without progress,
// a whole template always matches, and an accept/reject table for one variable.
#include <catch2/catch.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar/policy_variable.hpp"

namespace pegtl = tao::pegtl;
namespace g = iotpolicy::grammar::policy_variable;

namespace {

/// Whether `text` is exactly one well-formed variable (escape, named or default-value form).
bool is_variable(std::string_view text) {
    pegtl::memory_input input(text.data(), text.size(), "test");
    try {
        return pegtl::parse<pegtl::seq<pegtl::sor<g::escape_variable, g::named_variable>, pegtl::eof>>(input);
    } catch (const pegtl::parse_error&) {
        return false;
    }
}

/// Whether the whole of `text` matches `Rule`.
template <typename Rule>
bool matches_whole(std::string_view text) {
    pegtl::memory_input input(text.data(), text.size(), "test");
    return pegtl::parse<pegtl::seq<Rule, pegtl::eof>>(input);
}

}  // namespace

TEST_CASE("the policy-variable grammar has no rule that can loop without consuming input") {
    CHECK(pegtl::analyze<g::variable_template>(-1) == 0);
}

TEST_CASE("well-formed variables are accepted") {
    for (const char* text : {"${iot:ClientId}", "${iot:Connection.Thing.Attributes[site]}", "${*}", "${?}", "${$}",
                             "${iot:Certificate.Subject.Organization.1}", "${cognito-identity.amazonaws.com:sub}",
                             "${aws:PrincipalTag/team, 'company-wide'}", "${a,'x'}", "${a, ''}", "${a[b,c]}",
                             "${a[b][c]}", "${\xC3\xA9}"}) {
        INFO(text);
        CHECK(is_variable(text));
    }
}

TEST_CASE("malformed variables are rejected") {
    for (const char* text : {"${", "${}", "${ }", "${ a}", "${a }", "${a b}", "${a", "${a[b}", "${a[]}", "${a]}",
                             "${a[${b}]}", "${a${b}}", "${*x}", "${a*}", "${a, x}", "${a, 'x}", "${a ,'x'}",
                             "${[a]}", "${a{b}", "${a$b}", "${a'b'}", "${,a}", "$(*)", "${**}"}) {
        INFO(text);
        CHECK_FALSE(is_variable(text));
    }
}

TEST_CASE("a template matches every input, malformed variables included") {
    for (const char* text : {"", "$", "${", "}", "$(", "$(*", "$(*)", "a${b", "${}${}", "${a[${b}]}", "${a, 'x}y",
                             "$$${", "${${${", "\x80\xFF"}) {
        INFO(text);
        CHECK(matches_whole<g::variable_template>(text));
    }
}

TEST_CASE("literal text stops only at '${' and the parenthesised escapes") {
    CHECK(matches_whole<g::literal>("a$b$(x)$ {"));
    CHECK_FALSE(matches_whole<g::literal>("a${b}"));
    CHECK_FALSE(matches_whole<g::literal>("a$(*)"));
    CHECK(matches_whole<g::parenthesised_escape>("$(?)"));
    CHECK_FALSE(matches_whole<g::parenthesised_escape>("$(x)"));
}
