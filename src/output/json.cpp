// The JSON format: {"version":1,"files":N,"diagnostics":[...]}, positions 1-based, end column exclusive.
#include <ostream>

#include <nlohmann/json.hpp>

#include "iotpolicy/output.hpp"

namespace iotpolicy {

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
