// IOT103 malformed-arn: a Resource or NotResource entry that is neither `*` nor a well-formed IoT ARN
// (actions-and-resources.md §3, spec §3.2, variables-and-conditions.md §1).
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/string_spans.hpp"

namespace iotpolicy::lint {

namespace {

/// The source span of bytes [from, to) of a JSON string's decoded value; an empty part points at the character
/// where something is missing.
Span value_range(const SourceFile& source, const Spanned<std::string>& value, std::uint32_t from, std::uint32_t to) {
    if (from == to && to < value.value.size()) {
        ++to;
    }
    return string_part_span(source, value.span, value.value, from, to);
}

/// What a broken entry means for its statement: it never matches a request.
std::string consequence(const Statement& statement, bool negated) {
    const bool deny = statement.effect && statement.effect->value == Effect::deny;
    if (negated) {
        return deny ? "this NotResource entry excludes nothing, so the Deny also covers what it was meant to spare"
                    : "this NotResource entry excludes nothing, so the Allow also grants what it was meant to spare";
    }
    return deny ? "this entry matches no request, so the Deny protects nothing through it"
                : "this entry matches no request, so the Allow grants nothing through it";
}

constexpr std::string_view k_segment_names[] = {"prefix", "partition", "service", "region", "account"};

/// Reports the policy variables written before the resource part. IoT substitutes variables only in the
/// resource part (variables-and-conditions.md §1); elsewhere `${…}` stays literal text, and its ':' also shifts
/// the segments, so parse_arn's findings for such a value would be noise. Returns whether one was found.
bool report_variables_outside_resource(RuleContext& context, const Statement& statement,
                                       const Spanned<std::string>& value) {
    const std::string& text = value.value;
    std::size_t colons = 0;
    bool found = false;
    for (std::size_t i = 0; i < text.size() && colons < 5; ++i) {
        if (text[i] == ':') {
            ++colons;
            continue;
        }
        if (text[i] != '$' || i + 1 >= text.size() || text[i + 1] != '{') {
            continue;
        }
        const std::size_t close = text.find('}', i);
        const std::size_t end = close == std::string::npos ? text.size() : close + 1;
        const std::string_view variable(text.data() + i, end - i);
        context.report(RuleId::IOT103, Severity::error,
                       value_range(context.source(), value, static_cast<std::uint32_t>(i),
                                   static_cast<std::uint32_t>(end)),
                       fmt::format("the policy variable '{}' is in the {} of the ARN, where AWS IoT never substitutes "
                                   "variables (only the resource part after '<account>:' is a template, "
                                   "variables-and-conditions.md §1): it stays literal text, so {}; write the {} "
                                   "itself (or '*')",
                                   variable, k_segment_names[colons], consequence(statement, false),
                                   k_segment_names[colons]));
        found = true;
        i = end - 1;
    }
    return found;
}

/// parse_arn's message, with a long quoted value cut short: the report already points at the value.
std::string shortened(std::string message, std::string_view value) {
    std::size_t keep = 48;
    const std::size_t at = value.size() > keep + 16 ? message.find(value) : std::string::npos;
    if (at != std::string::npos) {
        while (keep > 0 && (static_cast<unsigned char>(value[keep]) & 0xC0U) == 0x80U) {
            --keep;  // never cut a UTF-8 sequence
        }
        message.replace(at, value.size(), fmt::format("{}... ({} bytes)", value.substr(0, keep), value.size()));
    }
    return message;
}

class MalformedArn final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            if (!statement.resource) {
                continue;
            }
            for (const Spanned<std::string>& value : statement.resource->values) {
                check_entry(context, statement, value, statement.resource->negated);
            }
        }
    }

private:
    static void check_entry(RuleContext& context, const Statement& statement, const Spanned<std::string>& value,
                            bool negated) {
        if (report_variables_outside_resource(context, statement, value)) {
            return;
        }
        const ParsedArn& parsed = context.arn(value.value);
        if (parsed.is_any) {
            return;
        }
        if (!parsed.problems.empty()) {
            // Every ArnProblemKind is an error: each makes the entry match nothing under every reading of
            // spec §3.2, and a type word in the wrong case is an error by spec §3.2 (R0 table row 6).
            for (const ArnProblem& problem : parsed.problems) {
                context.report(RuleId::IOT103, Severity::error,
                               value_range(context.source(), value, problem.span.begin, problem.span.end),
                               fmt::format("{}: {}", shortened(problem.message, value.value), consequence(statement, negated)));
            }
            return;
        }
        // Spec §3.2: whether IoT globs ARNs per segment (IAM) or as one string is unclear; the readings differ
        // only for a `?` or a non-final `*` before the resource part, and the linter warns on such patterns.
        const std::size_t at = first_reading_dependent_wildcard(value.value);
        if (at != std::string_view::npos) {
            context.report(RuleId::IOT103, Severity::warning,
                           value_range(context.source(), value, static_cast<std::uint32_t>(at),
                                       static_cast<std::uint32_t>(at + 1)),
                           fmt::format("the '{}' before the resource part may or may not match ':' depending on "
                                       "whether AWS IoT globs ARNs per segment (IAM) or as one string, which AWS "
                                       "does not say (spec §3.2), so what this entry matches is uncertain; write the "
                                       "segment in full or as a lone '*'",
                                       value.value[at]));
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT103>() {
    return std::make_unique<MalformedArn>();
}

}  // namespace iotpolicy::lint
