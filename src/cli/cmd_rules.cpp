// `iotpolicy rules [ID]`
#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "iotpolicy/diagnostic.hpp"

namespace iotpolicy::cli {

namespace {

int run_rules(const std::string& id) {
    if (!id.empty()) {
        const RuleInfo* rule = find_rule(id);
        if (rule == nullptr) {
            std::cerr << fmt::format("iotpolicy: error: unknown rule '{}'; `iotpolicy rules` lists them all\n", id);
            return k_exit_usage;
        }
        std::cout << rule->documentation;
        return k_exit_clean;
    }
    // The name and category columns fit their longest entry and two spaces, so that no cell runs into the next.
    std::size_t name_width = 26;
    std::size_t category_width = 11;
    for (const RuleInfo& rule : all_rules()) {
        name_width = std::max(name_width, rule.name.size() + 2);
        category_width = std::max(category_width, rule.category.size() + 2);
    }
    std::cout << fmt::format("{:<8}{:<{}}{:<9}{:<{}}{}\n", "CODE", "NAME", name_width, "LEVEL", "CATEGORY",
                             category_width, "SUMMARY");
    for (const RuleInfo& rule : all_rules()) {
        std::cout << fmt::format("{:<8}{:<{}}{:<9}{:<{}}{}\n", rule.code, rule.name, name_width,
                                 severity_name(rule.default_severity), rule.category, category_width, rule.summary);
    }
    return k_exit_clean;
}

}  // namespace

void add_rules_command(CLI::App& app, int& result) {
    auto id = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand("rules", "List the rules, or print one rule's documentation");
    command->add_option("rule", *id, "A rule code or name, e.g. IOT004 or invalid-version");
    command->callback([id, &result] { result = run_rules(*id); });
}

}  // namespace iotpolicy::cli
