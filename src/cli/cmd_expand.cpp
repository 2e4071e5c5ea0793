// `iotpolicy expand POLICY --connection CONN.json`: the policy as one connection sees it.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "options.hpp"
#include "iotpolicy/expand.hpp"
#include "iotpolicy/scenario.hpp"

namespace iotpolicy::cli {

namespace {

enum class Format { text, json };

struct ExpandOptions {
    std::string policy;
    std::string connection;
    Format format = Format::text;
};

std::string_view status_word(const VariableUse& use) {
    if (use.non_canonical) return "non-canonical";
    switch (use.status) {
    case KeyStatus::value: return "resolved";
    case KeyStatus::absent: return "unresolved";
    case KeyStatus::unknown: return "unknown";
    case KeyStatus::as_written: return "left-as-written";
    }
    return "unknown";
}

int run_expand(const ExpandOptions& options) {
    std::string error;
    std::optional<std::string> text = read_file(options.policy, error);
    if (!text) {
        std::cerr << fmt::format("iotpolicy: error: cannot read '{}': {}\n", options.policy, error);
        return k_exit_usage;
    }
    const PolicyDocument document =
        load_policy_document(options.policy, std::make_shared<const SourceFile>(options.policy, std::move(*text)));
    EvaluationOptions evaluation;
    evaluation.region = "us-east-1";
    evaluation.account = "123456789012";
    const ConnectionLoad connection = load_connection(options.connection, evaluation);
    if (!connection.connection) {
        for (const InputProblem& p : connection.problems) {
            std::cerr << fmt::format("{}:{}:{}: error: {}\n", p.path, p.location.line, p.location.column, p.message);
        }
        return k_exit_usage;
    }
    const Expansion expansion = expand_policy(document, connection.connection->connection);
    const SourceFile& source = *document.source;
    if (options.format == Format::json) {
        nlohmann::ordered_json variables = nlohmann::ordered_json::array();
        for (const VariableUse& use : expansion.uses) {
            const Location at = source.location(use.span.begin);
            variables.push_back({{"line", at.line},
                                 {"column", at.column},
                                 {"variable", use.written},
                                 {"status", status_word(use)},
                                 {"value", use.status == KeyStatus::value ? nlohmann::ordered_json(use.value)
                                                                          : nlohmann::ordered_json(nullptr)},
                                 {"reason", use.why},
                                 {"assumed", use.assumed}});
        }
        nlohmann::ordered_json doc;
        doc["version"] = 1;
        doc["policy"] = nlohmann::ordered_json::parse(expansion.text, nullptr, false);
        if (doc["policy"].is_discarded()) doc["policy"] = expansion.text;
        doc["variables"] = std::move(variables);
        doc["notes"] = expansion.notes;
        std::cout << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
        return k_exit_clean;
    }
    std::cout << expansion.text << "\n";
    if (!expansion.uses.empty() || !expansion.notes.empty()) std::cout << '\n';
    for (const std::string& note : expansion.notes) std::cout << "note: " << note << '\n';
    for (const VariableUse& use : expansion.uses) {
        const Location at = source.location(use.span.begin);
        const std::string where = fmt::format("{}:{}:{}", source.path(), at.line, at.column);
        if (use.status == KeyStatus::value && !use.non_canonical) {
            std::cout << fmt::format("{}: {} = \"{}\"{}\n", where, use.written, use.value,
                                     use.assumed ? " (rests on an assumed reading, spec vars §5)" : "");
        } else {
            std::cout << fmt::format("{}: warning: {} is {}: {}\n", where, use.written, status_word(use), use.why);
        }
    }
    return k_exit_clean;
}

}  // namespace

void add_expand_command(CLI::App& app, int& result) {
    auto options = std::make_shared<ExpandOptions>();
    CLI::App* command =
        app.add_subcommand("expand", "Show a policy as one connection sees it, with its variables substituted");
    command->add_option("POLICY", options->policy, "The policy file")->required();
    command->add_option("--connection", options->connection,
                        "A JSON file with one connection, as in scenario files (clientId, auth, protocol, thing, "
                        "certificate...)")
        ->required();
    add_choice(*command, "--format", options->format, "Output format", {{"text", Format::text}, {"json", Format::json}});
    command->footer(R"(Strings whose variables all resolve are replaced; a variable without a value stays as written
and is listed with why (unresolved, UNKNOWN under rule R0, or left as written by AWS).

Examples:
  iotpolicy expand device-policy.json --connection sensor-1.json
  iotpolicy expand --format json device-policy.json --connection sensor-1.json)");
    command->callback([options, &result] { result = run_expand(*options); });
}

}  // namespace iotpolicy::cli
