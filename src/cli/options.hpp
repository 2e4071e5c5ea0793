// Command-line options shared by several subcommands.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace iotpolicy::cli {

enum class ColorMode { automatic, always, never };

/// Whether text output gets ANSI colours: as asked, or on a terminal unless NO_COLOR is set.
bool use_color(ColorMode mode);

/// An option taking one of `choices`; the first choice is the default. Errors name the accepted words.
template <typename Enum>
void add_choice(CLI::App& command, const std::string& name, Enum& target, const std::string& description,
                std::vector<std::pair<std::string, Enum>> choices) {
    std::vector<std::string> words;
    for (const auto& choice : choices) {
        words.push_back(choice.first);
    }
    command.add_option_function<std::string>(
               name,
               [&target, choices](const std::string& word) {
                   for (const auto& [choice, value] : choices) {
                       if (choice == word) {
                           target = value;
                       }
                   }
               },
               description)
        ->check(CLI::IsMember(words))
        ->default_str(words.front());
}

/// The --color option.
inline void add_color_option(CLI::App& command, ColorMode& target) {
    add_choice(command, "--color", target, "Colour the text output (auto: on a terminal, unless NO_COLOR is set)",
               {{"auto", ColorMode::automatic}, {"always", ColorMode::always}, {"never", ColorMode::never}});
}

}  // namespace iotpolicy::cli
