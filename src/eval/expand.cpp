#include "iotpolicy/expand.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "iotpolicy/policy_variable.hpp"

namespace iotpolicy {

namespace {

/// `text` as a JSON string literal.
std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
            else out += c;
        }
    }
    return out + "\"";
}

struct Replacement {
    Span span;
    std::string text;
};

/// Substitutes one policy string, recording each variable; returns the replacement when every variable resolved.
/// Where `${name}` is in the source: inside the string token `span` when the string has no escapes (its text is
/// then the value as written), else the whole string.
Span variable_span(std::string_view value, Span span, std::string_view source, std::string_view name) {
    const std::string_view token = source.substr(span.begin, span.end - span.begin);
    if (token.size() != value.size() + 2) return span;
    const std::size_t at = value.find(fmt::format("${{{}}}", name));
    if (at == std::string_view::npos) return span;
    const auto begin = static_cast<std::uint32_t>(span.begin + 1 + at);
    return {begin, static_cast<std::uint32_t>(begin + name.size() + 3)};
}

std::optional<std::string> expand_string(std::string_view value, Span span, std::string_view source,
                                         const Connection& connection, std::vector<VariableUse>& uses) {
    const VariableTemplate tmpl = parse_variable_template(value);
    if (!tmpl.has_variables()) return std::nullopt;
    SubstitutedText out;
    const SubstitutionStatus status = substitute(
        tmpl,
        [&](std::string_view name) {
            const KeyResolution r = resolve_variable(connection, RequestContext{}, name);
            VariableUse use;
            use.span = variable_span(value, span, source, name);
            use.written = fmt::format("${{{}}}", name);
            use.status = r.status;
            use.non_canonical = r.non_canonical;
            use.assumed = r.assumed;
            use.why = std::string(r.why);
            if (r.status == KeyStatus::value && r.values.size() == 1) use.value = std::string(r.values.front());
            if (r.status == KeyStatus::value && r.values.size() != 1) {
                use.status = KeyStatus::absent;
                use.why = "a multi-valued key is never usable as a variable (spec vars §1)";
            }
            if (use.non_canonical) {
                use.why = "not the documented spelling: an Allow relying on it grants nothing (spec vars §1 R0)";
            }
            uses.push_back(use);
            switch (use.status) {
            case KeyStatus::value: return VariableValue::of(r.values.front());
            case KeyStatus::absent: return VariableValue::no_value();
            case KeyStatus::unknown: return VariableValue::cannot_tell();
            case KeyStatus::as_written: return VariableValue::left_as_written();
            }
            return VariableValue::cannot_tell();
        },
        out);
    for (const TemplateSegment& segment : tmpl.segments()) {
        if (segment.kind == SegmentKind::default_variable || segment.kind == SegmentKind::malformed) {
            VariableUse use;
            use.span = span;
            use.written = std::string(tmpl.slice(segment.range));
            use.status = KeyStatus::unknown;
            use.why = segment.kind == SegmentKind::malformed
                          ? "malformed variable"
                          : "IAM's default-value form is undocumented for AWS IoT (spec vars §1, R0)";
            uses.push_back(std::move(use));
        }
    }
    if (status != SubstitutionStatus::resolved) return std::nullopt;
    return out.text;
}

}  // namespace

Expansion expand_policy(const PolicyDocument& document, const Connection& connection) {
    Expansion e;
    const std::string_view source = document.source->text();
    if (!document.ast) {
        e.text = std::string(source);
        e.notes.push_back("the document is not a policy object; nothing to substitute");
        return e;
    }
    const Policy& policy = *document.ast;
    if (policy.version != PolicyVersion::v2012_10_17) {
        e.notes.push_back("the policy's Version is not 2012-10-17, so IAM reads ${…} as literal text; the simulator "
                          "evaluates both readings (spec §1.2 R0). Shown: the substituted reading");
    }
    if (document.named_standing != Standing::in_force) e.notes.push_back(document.standing_reason);
    std::vector<Replacement> replacements;
    for (const Statement& statement : policy.statements) {
        if (statement.resource) {
            for (const auto& entry : statement.resource->values) {
                if (auto text = expand_string(entry.value, entry.span, source, connection, e.uses)) {
                    replacements.push_back({entry.span, json_string(*text)});
                }
            }
        }
        for (const Condition& condition : statement.conditions) {
            const catalog::ConditionOperator* op = catalog::find_condition_operator(condition.base_operator);
            if (!op || op->policy_variables_in_values == catalog::VariableSupport::no) continue;
            for (const ConditionValue& value : condition.values) {
                if (value.kind != JsonKind::string) continue;
                if (auto text = expand_string(value.text, value.span, source, connection, e.uses)) {
                    replacements.push_back({value.span, json_string(*text)});
                }
            }
        }
    }
    std::sort(replacements.begin(), replacements.end(),
              [](const Replacement& a, const Replacement& b) { return a.span.begin < b.span.begin; });
    const Span whole = policy.span;
    std::size_t at = whole.begin;
    for (const Replacement& r : replacements) {
        e.text.append(source.substr(at, r.span.begin - at));
        e.text += r.text;
        at = r.span.end;
    }
    e.text.append(source.substr(at, whole.end - at));
    std::stable_sort(e.uses.begin(), e.uses.end(),
                     [](const VariableUse& a, const VariableUse& b) { return a.span.begin < b.span.begin; });
    return e;
}

}  // namespace iotpolicy
