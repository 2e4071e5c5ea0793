// The IOT203/IOT208 fix: rewrite the client IDs, add the IsAttached condition. See thing_binding_fix.hpp.
#include "src/lint/thing_binding_fix.hpp"

#include <algorithm>  // all_of, max
#include <string>
#include <string_view>

#include "src/lint/connect_grants.hpp"
#include "src/lint/fix_edits.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint::connect {

namespace {

constexpr std::string_view k_thing_name = "${iot:Connection.Thing.ThingName}";
constexpr std::string_view k_is_attached = "\"iot:Connection.Thing.IsAttached\": \"true\"";

bool only_blanks(std::string_view text, std::uint32_t from, std::uint32_t to) {
    return from <= to && to <= text.size() &&
           text.substr(from, to - from).find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// The offset after the last non-blank byte before `offset`.
std::uint32_t after_last_non_blank(std::string_view text, std::uint32_t offset) {
    while (offset > 0 && std::string_view(" \t\r\n").find(text[offset - 1]) != std::string_view::npos) {
        --offset;
    }
    return offset;
}

/// One level of indentation: what `inner` adds to `outer`, or two spaces when that cannot be told.
std::string indent_unit(std::optional<std::string_view> outer, std::string_view inner) {
    if (outer && inner.size() > outer->size() && inner.starts_with(*outer)) {
        return std::string(inner.substr(outer->size()));
    }
    return "  ";
}

/// A new "Condition" member after the statement's last member.
std::optional<TextEdit> new_condition_member(const SourceFile& source, const Statement& statement) {
    const std::string_view text = source.text();
    const std::uint32_t closing = statement.span.end - 1;
    if (statement.has_foreign_elements || statement.span.end == 0 || text[closing] != '}') {
        return std::nullopt;  // unknown members: the last one is not known to the AST
    }
    std::uint32_t last = std::max(statement.action->value_span.end, statement.resource->value_span.end);
    last = std::max(last, statement.effect->span.end);
    if (statement.sid) {
        last = std::max(last, statement.sid->span.end);
    }
    // Anything but blanks before the closing brace (a repeated key, a comment, a trailing comma): not certain.
    if (!only_blanks(text, last, closing)) {
        return std::nullopt;
    }
    const std::optional<std::string_view> member = source.indentation_before(statement.resource->key_span.begin);
    if (!member) {
        return TextEdit{{last, last}, fmt::format(", \"Condition\": {{\"Bool\": {{{}}}}}", k_is_attached)};
    }
    const std::string unit = indent_unit(source.indentation_before(statement.span.begin), *member);
    const std::string_view eol = source.line_break();
    const std::string m(*member);
    return TextEdit{{last, last}, fmt::format(",{0}{1}\"Condition\": {{{0}{1}{2}\"Bool\": {{{0}{1}{2}{2}{3}{0}{1}{2}}}"
                                              "{0}{1}}}",
                                              eol, m, unit, k_is_attached)};
}

/// The condition added to the statement's existing Condition object.
std::optional<TextEdit> into_condition_object(const SourceFile& source, const Statement& statement) {
    const std::string_view text = source.text();
    const Span object = *statement.condition_span;
    const std::string_view eol = source.line_break();
    // Into the "Bool" operator, when there is one: a second "Bool" key would be a duplicate (IOT002).
    const Condition* last_bool = nullptr;
    for (const Condition& condition : statement.conditions) {
        if (detail::equals_ignoring_case(condition.key.value, "iot:Connection.Thing.IsAttached")) {
            return std::nullopt;  // IsAttached under another operator or value: the intent is unclear
        }
        if (condition.operator_name.value == "Bool") {
            if (last_bool != nullptr && last_bool->operator_name.span != condition.operator_name.span) {
                return std::nullopt;  // two "Bool" operators (IOT002): which one counts is unclear
            }
            last_bool = &condition;
        }
    }
    if (last_bool != nullptr) {
        const std::uint32_t end = last_bool->values_span.end;
        const std::size_t brace = text.find_first_not_of(" \t\r\n", end);
        if (brace == std::string_view::npos || text[brace] != '}') {
            return std::nullopt;
        }
        const std::optional<std::string_view> key = source.indentation_before(last_bool->key.span.begin);
        return TextEdit{{end, end}, key ? fmt::format(",{}{}{}", eol, *key, k_is_attached)
                                        : fmt::format(", {}", k_is_attached)};
    }
    const std::uint32_t closing = object.end - 1;
    if (object.end == 0 || text[closing] != '}') {
        return std::nullopt;
    }
    const std::uint32_t last = after_last_non_blank(text, closing);
    if (last == object.begin + 1) {  // an empty Condition object
        return TextEdit{{last, last}, fmt::format("\"Bool\": {{{}}}", k_is_attached)};
    }
    if (text[last - 1] != '}') {
        return std::nullopt;  // a comment or a trailing comma: not certain
    }
    const std::optional<std::string_view> op =
        statement.conditions.empty() ? std::nullopt
                                     : source.indentation_before(statement.conditions.front().operator_name.span.begin);
    if (!op) {
        return TextEdit{{last, last}, fmt::format(", \"Bool\": {{{}}}", k_is_attached)};
    }
    const std::optional<std::string_view> key = source.indentation_before(statement.conditions.front().key.span.begin);
    const std::string unit = key ? indent_unit(op, *key) : std::string("  ");
    const std::string o(*op);
    return TextEdit{{last, last}, fmt::format(",{0}{1}\"Bool\": {{{0}{1}{2}{3}{0}{1}}}", eol, o, unit, k_is_attached)};
}

}  // namespace

std::optional<Fix> thing_binding_fix(const SourceFile& source, const Statement& statement) {
    if (!is_unconditioned_connect_allow(statement) || statement.resource->negated || statement.action->negated ||
        statement.action->values.empty() || statement.resource->values.empty()) {
        return std::nullopt;
    }
    // Only iot:Connect: the condition applies to every action of the statement.
    const bool only_connect =
        std::all_of(statement.action->values.begin(), statement.action->values.end(),
                    [](const Spanned<std::string>& a) { return detail::equals_ignoring_case(a.value, "iot:Connect"); });
    if (!only_connect) {
        return std::nullopt;
    }
    Fix fix{"Bind the client ID to the thing name: 'client/${iot:Connection.Thing.ThingName}' with "
            "\"Bool\": {\"iot:Connection.Thing.IsAttached\": \"true\"}",
            {}};
    for (const Spanned<std::string>& entry : statement.resource->values) {
        const ParsedArn parsed = parse_arn(entry.value);
        const ClientEntry client = classify(parsed, entry.value);
        if (client.kind != ClientKind::any && client.kind != ClientKind::clientid_variable) {
            continue;  // not reported by IOT203/IOT208: left as written
        }
        const std::string_view id = std::string_view(entry.value).substr(client.range.begin,
                                                                         client.range.end - client.range.begin);
        // A client ID of only stars, or exactly ${iot:ClientId}: anything else (`*`, `sensor-*`, an ARN whose
        // resource is `*`) would change more than the client ID, so the statement gets no fix.
        const bool all_stars = !id.empty() && id.find_first_not_of('*') == std::string_view::npos;
        if (parsed.kind != ArnResourceKind::client ||
            (client.kind == ClientKind::any && !all_stars) ||
            client.range.begin != parsed.parts.resource_name.begin) {
            return std::nullopt;
        }
        const std::string rewritten = entry.value.substr(0, client.range.begin) + std::string(k_thing_name) +
                                      entry.value.substr(client.range.end);
        std::optional<TextEdit> edit = rewrite_string(source, entry.span, entry.value, rewritten);
        if (!edit) {
            return std::nullopt;
        }
        fix.edits.push_back(std::move(*edit));
    }
    std::optional<TextEdit> condition = statement.condition_span ? into_condition_object(source, statement)
                                                                  : new_condition_member(source, statement);
    if (!condition) {
        return std::nullopt;
    }
    fix.edits.push_back(std::move(*condition));
    return fix;
}

}  // namespace iotpolicy::lint::connect
