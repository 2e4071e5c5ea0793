// The JSON format: {"version":1,"files":N,"diagnostics":[...]}, positions 1-based, end column exclusive.
#include <optional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "iotpolicy/output.hpp"

namespace iotpolicy {

namespace {

/// A diagnostic's fix: null, or its description and edits with the positions the diagnostic itself uses.
nlohmann::ordered_json fix_json(const SourceFile& source, const std::optional<Fix>& fix) {
    if (!fix) {
        return nullptr;
    }
    nlohmann::ordered_json edits = nlohmann::ordered_json::array();
    for (const TextEdit& edit : fix->edits) {
        const Location start = source.location(edit.span.begin);
        const Location end = source.location(edit.span.end);
        edits.push_back({
            {"line", start.line},
            {"column", start.column},
            {"endLine", end.line},
            {"endColumn", end.column},
            {"offset", edit.span.begin},
            {"endOffset", edit.span.end},
            {"replacement", edit.replacement},
        });
    }
    return {{"description", fix->description}, {"edits", std::move(edits)}};
}

}  // namespace

void write_json(std::ostream& out, std::span<const FileDiagnostics> files) {
    nlohmann::ordered_json diagnostics = nlohmann::ordered_json::array();
    for (const FileDiagnostics& file : files) {
        for (const Diagnostic& diagnostic : file.diagnostics) {
            const RuleInfo& rule = rule_info(diagnostic.rule);
            const Location start = file.source->location(diagnostic.span.begin);
            const Location end = file.source->location(diagnostic.span.end);
            diagnostics.push_back({
                {"file", file.source->path()},
                {"rule", rule.code},
                {"name", rule.name},
                {"severity", severity_name(diagnostic.severity)},
                {"message", diagnostic.message},
                {"line", start.line},
                {"column", start.column},
                {"endLine", end.line},
                {"endColumn", end.column},
                {"offset", diagnostic.span.begin},
                {"endOffset", diagnostic.span.end},
                {"url", rule_help_uri(rule)},
                {"fix", fix_json(*file.source, diagnostic.fix)},
            });
        }
    }
    const nlohmann::ordered_json document{
        {"version", 1},
        {"files", files.size()},
        {"diagnostics", std::move(diagnostics)},
    };
    // Invalid UTF-8 in a message (quoted from a broken file) becomes U+FFFD rather than an exception.
    out << document.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace iotpolicy
