// SARIF 2.1.0 as GitHub code scanning reads it: rules in the driver, results with regions and fingerprints.
#include <ostream>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "iotpolicy/output.hpp"

namespace iotpolicy {

namespace {

using json = nlohmann::ordered_json;

std::string_view sarif_level(Severity severity) {
    switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::info: return "note";
    }
    return "error";
}

/// A repository-relative URI: forward slashes, no leading "./", spaces and '%' escaped.
std::string artifact_uri(std::string_view path) {
    while (path.starts_with("./")) {
        path.remove_prefix(2);
    }
    std::string uri;
    for (const char c : path) {
        if (c == '\\') {
            uri += '/';
        } else if (c == ' ' || c == '%' || c == '#' || c == '?') {
            uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        } else {
            uri += c;
        }
    }
    return uri;
}

// FNV-1a: stable across platforms and releases, which is all a fingerprint needs.
std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ULL) {
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::string_view trim(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) {
        return {};
    }
    return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

/// A fix as SARIF `fixes[]` (2.1.0 §3.55): one artifact change with a replacement per edit; an insertion is an
/// empty deleted region. Columns are code points, as the run's columnKind says.
json sarif_fixes(const SourceFile& source, const Fix& fix) {
    json replacements = json::array();
    for (const TextEdit& edit : fix.edits) {
        const Location start = source.location(edit.span.begin);
        const Location end = source.location(edit.span.end);
        replacements.push_back({
            {"deletedRegion",
             {{"startLine", start.line}, {"startColumn", start.column}, {"endLine", end.line}, {"endColumn", end.column}}},
            {"insertedContent", {{"text", edit.replacement}}},
        });
    }
    return json::array({{
        {"description", {{"text", fix.description}}},
        {"artifactChanges",
         json::array({{{"artifactLocation", {{"uri", artifact_uri(source.path())}}}, {"replacements", replacements}}})},
    }});
}

json driver_rules() {
    json rules = json::array();
    for (const RuleInfo& rule : all_rules()) {
        rules.push_back({
            {"id", rule.code},
            {"name", rule.name},
            {"shortDescription", {{"text", rule.summary}}},
            {"fullDescription", {{"text", rule.summary}}},
            {"helpUri", rule_help_uri(rule)},
            {"help", {{"text", rule.documentation}, {"markdown", rule.documentation}}},
            {"defaultConfiguration", {{"level", sarif_level(rule.default_severity)}}},
            {"properties", {{"tags", {rule.category}}}},
        });
    }
    return rules;
}

}  // namespace

void write_sarif(std::ostream& out, std::span<const FileDiagnostics> files, std::string_view tool_version) {
    json results = json::array();
    for (const FileDiagnostics& file : files) {
        // A finding keeps its fingerprint when lines move: it hashes the rule and the line's text, and counts
        // repeats of that pair (GitHub's own primaryLocationLineHash scheme).
        std::unordered_map<std::uint64_t, int> occurrences;
        std::unordered_map<std::uint32_t, std::uint64_t> line_hashes;  // one hash per line, however many findings
        for (const Diagnostic& diagnostic : file.diagnostics) {
            const RuleInfo& rule = rule_info(diagnostic.rule);
            const Location start = file.source->location(diagnostic.span.begin);
            const Location end = file.source->location(diagnostic.span.end);
            auto [cached, is_new] = line_hashes.try_emplace(start.line, 0);
            if (is_new) {
                cached->second = fnv1a(trim(file.source->line_text(start.line)));
            }
            const std::uint64_t line_hash = fnv1a(rule.code, cached->second);
            const int occurrence = ++occurrences[line_hash];
            const json region{
                {"startLine", start.line},
                {"startColumn", start.column},
                {"endLine", end.line},
                {"endColumn", end.column},
            };
            json& result = results.emplace_back(json{
                {"ruleId", rule.code},
                {"ruleIndex", static_cast<std::size_t>(diagnostic.rule)},
                {"level", sarif_level(diagnostic.severity)},
                {"message", {{"text", diagnostic.message}}},
                {"locations",
                 {{{"physicalLocation",
                    {{"artifactLocation", {{"uri", artifact_uri(file.source->path())}}}, {"region", region}}}}}},
                {"partialFingerprints",
                 {{"primaryLocationLineHash", fmt::format("{:016x}:{}", line_hash, occurrence)}}},
            });
            if (diagnostic.fix) {
                result["fixes"] = sarif_fixes(*file.source, *diagnostic.fix);
            }
        }
    }
    const json log{
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs",
         {{
             {"tool",
              {{"driver",
                {{"name", "iotpolicy"},
                 {"version", tool_version},
                 {"semanticVersion", tool_version},
                 {"informationUri", IOTPOLICY_HOMEPAGE_URL},
                 {"rules", driver_rules()}}}}},
             {"columnKind", "unicodeCodePoints"},
             {"results", std::move(results)},
         }}},
    };
    out << log.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace iotpolicy
