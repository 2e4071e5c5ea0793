#include "iotpolicy/config.hpp"

#include <algorithm>  // all_of, any_of, find
#include <array>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"   // is_region_shape
#include "iotpolicy/json.hpp"  // parse_json
#include "src/support/suggest.hpp"

namespace iotpolicy {

// --- PathGlob ---------------------------------------------------------------------------------------------------

PathGlob PathGlob::compile(std::string_view pattern) {
    PathGlob glob;
    glob.m_pattern = std::string(pattern);
    bool anchored = false;
    while (pattern.starts_with("./")) {
        pattern.remove_prefix(2);
        anchored = true;
    }
    if (pattern.starts_with('/')) {
        pattern.remove_prefix(1);
        anchored = true;
    }
    while (pattern.ends_with('/')) {
        pattern.remove_suffix(1);
    }
    // A bare name matches at any depth, as in .gitignore; a '/' anywhere (or a leading "./" or "/") anchors it.
    if (!anchored && pattern.find('/') == std::string_view::npos) {
        glob.m_segments.push_back({true, WildcardPattern()});
    }
    std::size_t begin = 0;
    while (begin <= pattern.size()) {
        std::size_t slash = pattern.find('/', begin);
        if (slash == std::string_view::npos) {
            slash = pattern.size();
        }
        const std::string_view segment = pattern.substr(begin, slash - begin);
        // "a//b" has an empty segment, which no path segment matches; skip it as paths are normalised.
        if (!segment.empty()) {
            const bool any_depth = segment == "**";
            glob.m_segments.push_back({any_depth, any_depth ? WildcardPattern() : WildcardPattern::compile(segment)});
        }
        begin = slash + 1;
    }
    return glob;
}

bool PathGlob::matches(std::string_view relative_path) const {
    // The set of pattern positions reachable after the path segments read so far, as a bitmap (patterns are
    // short; a vector<bool> keeps any length correct). A "**" at position i also reaches i + 1 without reading
    // a segment, and stays at i when it reads one.
    const std::size_t n = m_segments.size();
    std::vector<bool> current(n + 1, false);
    std::vector<bool> next(n + 1, false);
    const auto close = [&](std::vector<bool>& states) {
        for (std::size_t i = 0; i < n; ++i) {
            if (states[i] && m_segments[i].any_depth) {
                states[i + 1] = true;
            }
        }
    };
    current[0] = true;
    close(current);
    std::size_t begin = 0;
    while (begin <= relative_path.size()) {
        std::size_t slash = relative_path.find('/', begin);
        if (slash == std::string_view::npos) {
            slash = relative_path.size();
        }
        const std::string_view segment = relative_path.substr(begin, slash - begin);
        std::fill(next.begin(), next.end(), false);
        bool alive = false;
        for (std::size_t i = 0; i < n; ++i) {
            if (!current[i]) {
                continue;
            }
            if (m_segments[i].any_depth) {
                next[i] = true;
                alive = true;
            } else if (m_segments[i].name.matches(segment)) {
                next[i + 1] = true;
                alive = true;
            }
        }
        if (!alive) {
            return false;
        }
        close(next);
        current.swap(next);
        begin = slash + 1;
    }
    return current[n];
}

// --- ProjectConfig ----------------------------------------------------------------------------------------------

namespace {

/// Whether a glob in `globs` matches `path` or one of its parent directories: ignoring a directory ignores
/// what it holds.
bool matches_path_or_parent(const std::vector<PathGlob>& globs, std::string_view path) {
    if (globs.empty()) {
        return false;
    }
    std::size_t end = 0;
    while (true) {
        end = path.find('/', end);
        const std::string_view prefix = path.substr(0, end);
        if (std::any_of(globs.begin(), globs.end(), [&](const PathGlob& glob) { return glob.matches(prefix); })) {
            return true;
        }
        if (end == std::string_view::npos) {
            return false;
        }
        ++end;
    }
}

}  // namespace

bool ProjectConfig::is_ignored(std::string_view relative_path) const {
    return matches_path_or_parent(ignore, relative_path);
}

LintConfig ProjectConfig::for_file(std::string_view relative_path) const {
    LintConfig config = lint;
    for (const ConfigOverride& override : overrides) {
        if (matches_path_or_parent(override.files, relative_path)) {
            for (const auto& [id, setting] : override.rules) {
                config.rule(id) = setting;
            }
        }
    }
    return config;
}

// --- Reading .iotpolicy.json ------------------------------------------------------------------------------------

namespace {

using detail::nearest_name;

constexpr std::array<std::string_view, 8> k_top_keys{"$schema", "rules",   "accounts", "regions",
                                                     "authTypes", "protocols", "ignore", "overrides"};
constexpr std::array<std::string_view, 2> k_override_keys{"files", "rules"};
constexpr std::array<std::string_view, 5> k_settings{"off", "on", "error", "warning", "info"};
constexpr std::array<std::string_view, 4> k_auth_types{"x509", "cognito", "custom", "sigv4"};
// "http" is how policy-variables.json spells HTTPS publish, and scenario files accept it too (catalog.hpp).
constexpr std::array<std::string_view, 4> k_protocols{"mqtt", "websocket", "https", "http"};

/// "a, b, c or d" with every word quoted.
template <std::size_t N>
std::string quoted_list(const std::array<std::string_view, N>& words) {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
        out += i == 0 ? "" : (i + 1 == N ? " or " : ", ");
        out += fmt::format("\"{}\"", words[i]);
    }
    return out;
}

/// A JSON value as a user would recognise it in a message: strings quoted, containers by kind.
std::string describe(const JsonValue& value, std::string_view text) {
    switch (value.kind) {
    case JsonKind::string: return fmt::format("\"{}\"", value.text);
    case JsonKind::array: return "an array";
    case JsonKind::object: return "an object";
    default: return std::string(text.substr(value.span.begin, value.span.end - value.span.begin));
    }
}

class ConfigReader {
public:
    explicit ConfigReader(const SourceFile& source) : m_source(source) {}

    LoadedConfig read() {
        JsonDocument document = parse_json(m_source);
        // Comments, trailing commas and duplicate keys are all mistakes here: the configuration must mean one
        // thing to every tool that reads it.
        for (Diagnostic& diagnostic : document.diagnostics) {
            m_out.problems.push_back({diagnostic.span, std::move(diagnostic.message)});
        }
        if (!document.root) {
            return std::move(m_out);
        }
        const JsonValue& root = *document.root;
        if (root.kind != JsonKind::object) {
            problem(root.span, fmt::format("the configuration must be a JSON object such as "
                                           "{{\"rules\": {{\"IOT203\": \"warning\"}}}}, found {}",
                                           describe(root, m_source.text())));
            return std::move(m_out);
        }
        ProjectConfig& config = m_out.config;
        for (const JsonMember& member : root.members) {
            const JsonValue& value = member.value;
            if (member.key == "$schema") {
                // Editors read it to offer completion; the linter has nothing to take from it but its type.
                expect_kind(value, JsonKind::string, "\"$schema\" must be a string (a schema URL)");
            } else if (member.key == "rules") {
                read_rules(value, config.lint.rules, nullptr);
            } else if (member.key == "accounts") {
                read_accounts(value, config.lint.accounts);
            } else if (member.key == "regions") {
                read_regions(value, config.lint.regions);
            } else if (member.key == "authTypes") {
                read_auth_types(value, config.lint.auth_types);
            } else if (member.key == "protocols") {
                read_protocols(value, config.lint.protocols);
            } else if (member.key == "ignore") {
                read_patterns(value, "\"ignore\"", config.ignore);
            } else if (member.key == "overrides") {
                read_overrides(value, config.overrides);
            } else {
                unknown_key(member, k_top_keys, "the configuration");
            }
        }
        std::stable_sort(m_out.problems.begin(), m_out.problems.end(),
                  [](const FileProblem& a, const FileProblem& b) { return a.span.begin < b.span.begin; });
        return std::move(m_out);
    }

private:
    void problem(Span span, std::string message) { m_out.problems.push_back({span, std::move(message)}); }

    bool expect_kind(const JsonValue& value, JsonKind kind, std::string_view what) {
        if (value.kind == kind) {
            return true;
        }
        problem(value.span, fmt::format("{}, found {}", what, describe(value, m_source.text())));
        return false;
    }

    template <std::size_t N>
    void unknown_key(const JsonMember& member, const std::array<std::string_view, N>& known, std::string_view where) {
        if (const auto nearest = nearest_name(member.key, known)) {
            problem(member.key_span,
                    fmt::format("unknown key \"{}\" in {}; did you mean \"{}\"?", member.key, where, *nearest));
            return;
        }
        std::string keys;
        for (std::size_t i = 0; i < N; ++i) {
            keys += fmt::format("{}\"{}\"", i == 0 ? "" : ", ", known[i]);
        }
        problem(member.key_span, fmt::format("unknown key \"{}\" in {}: the keys are {}", member.key, where, keys));
    }

    /// The string items of the array `value`, each reported when it is not a string.
    std::vector<const JsonValue*> strings(const JsonValue& value, std::string_view what) {
        std::vector<const JsonValue*> items;
        if (!expect_kind(value, JsonKind::array, fmt::format("{} must be an array", what))) {
            return items;
        }
        for (const JsonValue& item : value.items) {
            if (expect_kind(item, JsonKind::string, fmt::format("each item of {} must be a string", what))) {
                items.push_back(&item);
            }
        }
        return items;
    }

    /// `rules`: rule code or name → "off" / "on" / a severity. `seen` spans detect one rule set twice under its
    /// code and its name (the parser already reports a key written twice).
    void read_rules(const JsonValue& value, std::array<RuleSetting, k_rule_count>& settings,
                    std::vector<std::pair<RuleId, RuleSetting>>* listed) {
        if (!expect_kind(value, JsonKind::object,
                         "\"rules\" must be an object mapping rule codes or names to \"off\", \"on\", \"error\", "
                         "\"warning\" or \"info\"")) {
            return;
        }
        std::array<const JsonMember*, k_rule_count> seen{};
        for (const JsonMember& member : value.members) {
            const RuleInfo* rule = find_rule(member.key);
            if (rule == nullptr) {
                unknown_rule(member);
                continue;
            }
            const JsonMember*& earlier = seen[static_cast<std::size_t>(rule->id)];
            if (earlier != nullptr && earlier->key != member.key) {
                const Location where = m_source.location(earlier->key_span.begin);
                problem(member.key_span, fmt::format("\"{}\" is {} {}, already set on line {}; keep one of the two",
                                                     member.key, rule->code, rule->name, where.line));
                continue;
            }
            earlier = &member;
            const std::optional<RuleSetting> setting = read_setting(member, *rule);
            if (!setting) {
                continue;
            }
            settings[static_cast<std::size_t>(rule->id)] = *setting;
            if (listed != nullptr) {
                listed->emplace_back(rule->id, *setting);
            }
        }
    }

    void unknown_rule(const JsonMember& member) {
        std::vector<std::string_view> candidates;
        for (const RuleInfo& info : all_rules()) {
            candidates.push_back(info.code);
            candidates.push_back(info.name);
        }
        const auto nearest = nearest_name(member.key, candidates);
        if (nearest) {
            // The suggestion is a code or a name; the other one confirms it is the rule meant.
            const RuleInfo* rule = find_rule(*nearest);
            problem(member.key_span, fmt::format("unknown rule \"{}\"; did you mean \"{}\" ({})?", member.key, *nearest,
                                                 *nearest == rule->code ? rule->name : rule->code));
        } else {
            problem(member.key_span, fmt::format("unknown rule \"{}\": name a rule by its code (\"IOT203\") or its "
                                                 "name (\"unrestricted-client-id\"); `iotpolicy rules` lists them",
                                                 member.key));
        }
    }

    std::optional<RuleSetting> read_setting(const JsonMember& member, const RuleInfo& rule) {
        const JsonValue& value = member.value;
        const std::string what = fmt::format("the setting of {} must be {}", rule.code, quoted_list(k_settings));
        if (!expect_kind(value, JsonKind::string, what)) {
            return std::nullopt;
        }
        if (value.text == "off") {
            return RuleSetting{false, std::nullopt};
        }
        if (value.text == "on") {
            return RuleSetting{true, std::nullopt};
        }
        static constexpr std::array<std::pair<std::string_view, Severity>, 3> k_severities{
            {{"error", Severity::error}, {"warning", Severity::warning}, {"info", Severity::info}}};
        for (const auto& [word, severity] : k_severities) {
            if (value.text == word) {
                return RuleSetting{true, severity};
            }
        }
        std::optional<std::string_view> nearest = nearest_name(value.text, k_settings);
        // Abbreviations ("warn", as ESLint spells it) are too far for the edit distance but plain to read.
        if (!nearest && !value.text.empty()) {
            const auto* it = std::find_if(k_settings.begin(), k_settings.end(),
                                          [&](std::string_view word) { return word.starts_with(value.text); });
            if (it != k_settings.end()) {
                nearest = *it;
            }
        }
        problem(value.span, nearest ? fmt::format("{}, found \"{}\"; did you mean \"{}\"?", what, value.text, *nearest)
                                    : fmt::format("{}, found \"{}\"", what, value.text));
        return std::nullopt;
    }

    void read_accounts(const JsonValue& value, std::vector<std::string>& accounts) {
        for (const JsonValue* item : strings(value, "\"accounts\" (12-digit account IDs)")) {
            const std::string& id = item->text;
            if (id.size() != 12 || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                problem(item->span, fmt::format("\"{}\" is not an account ID: accounts are 12 digits, such as "
                                                "\"123456789012\" (spec §3.2)",
                                                id));
                continue;
            }
            accounts.push_back(id);
        }
    }

    void read_regions(const JsonValue& value, std::vector<std::string>& regions) {
        for (const JsonValue* item : strings(value, "\"regions\" (region names)")) {
            if (!is_region_shape(item->text)) {
                problem(item->span, fmt::format("\"{}\" is not a region name: regions are lowercase, shaped like "
                                                "\"us-east-1\" or \"us-gov-west-1\"",
                                                item->text));
                continue;
            }
            regions.push_back(item->text);
        }
    }

    /// The index of `item`'s text in `words`, or a problem naming the accepted words (and the nearest one).
    template <std::size_t N>
    std::optional<std::size_t> one_of(const JsonValue& item, const std::array<std::string_view, N>& words,
                                      std::string_view what) {
        const auto it = std::find(words.begin(), words.end(), item.text);
        if (it != words.end()) {
            return static_cast<std::size_t>(it - words.begin());
        }
        const auto nearest = nearest_name(item.text, words);
        problem(item.span, fmt::format("unknown {} \"{}\": the {}s are {}{}", what, item.text, what, quoted_list(words),
                                       nearest ? fmt::format("; did you mean \"{}\"?", *nearest) : std::string()));
        return std::nullopt;
    }

    void read_auth_types(const JsonValue& value, std::vector<catalog::AuthType>& auth_types) {
        for (const JsonValue* item : strings(value, "\"authTypes\"")) {
            if (const auto index = one_of(*item, k_auth_types, "auth type")) {
                auth_types.push_back(static_cast<catalog::AuthType>(*index));
            }
        }
    }

    void read_protocols(const JsonValue& value, std::vector<catalog::Protocol>& protocols) {
        for (const JsonValue* item : strings(value, "\"protocols\"")) {
            if (const auto index = one_of(*item, k_protocols, "protocol")) {
                protocols.push_back(*index == 3 ? catalog::Protocol::https : static_cast<catalog::Protocol>(*index));
            }
        }
    }

    void read_patterns(const JsonValue& value, std::string_view what, std::vector<PathGlob>& globs) {
        for (const JsonValue* item : strings(value, fmt::format("{} (path patterns)", what))) {
            const std::string_view pattern = item->text;
            if (pattern.empty()) {
                problem(item->span, "an empty pattern matches nothing; remove it or write \"**\" for everything");
                continue;
            }
            if (pattern.find('\\') != std::string_view::npos) {
                problem(item->span, "patterns separate directories with '/', not '\\'");
                continue;
            }
            const bool leaves = pattern == ".." || pattern.starts_with("../") || pattern.ends_with("/..") ||
                                pattern.find("/../") != std::string_view::npos;
            if (leaves) {
                problem(item->span, "patterns are relative to the configuration file's directory and cannot leave "
                                    "it with \"..\"; put a configuration file higher up instead");
                continue;
            }
            globs.push_back(PathGlob::compile(pattern));
        }
    }

    void read_overrides(const JsonValue& value, std::vector<ConfigOverride>& overrides) {
        if (!expect_kind(value, JsonKind::array,
                         "\"overrides\" must be an array of {\"files\": [...], \"rules\": {...}} objects")) {
            return;
        }
        for (const JsonValue& item : value.items) {
            if (!expect_kind(item, JsonKind::object,
                             "each override must be an object such as {\"files\": [\"labs/**\"], \"rules\": "
                             "{\"IOT201\": \"warning\"}}")) {
                continue;
            }
            ConfigOverride override;
            // Settings are collected into a scratch table: an override lists only what it changes.
            std::array<RuleSetting, k_rule_count> scratch{};
            for (const JsonMember& member : item.members) {
                if (member.key == "files") {
                    read_patterns(member.value, "\"files\"", override.files);
                } else if (member.key == "rules") {
                    read_rules(member.value, scratch, &override.rules);
                } else {
                    unknown_key(member, k_override_keys, "an override");
                }
            }
            if (item.find("files") == nullptr) {
                problem(item.span, "an override needs \"files\", the patterns of the files it applies to");
            }
            overrides.push_back(std::move(override));
        }
    }

    const SourceFile& m_source;
    LoadedConfig m_out;
};

}  // namespace

void sort_by_position(std::vector<FileProblem>& problems) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const FileProblem& a, const FileProblem& b) { return a.span.begin < b.span.begin; });
}

LoadedConfig parse_config(const SourceFile& source) {
    LoadedConfig loaded = ConfigReader(source).read();
    sort_by_position(loaded.problems);
    return loaded;
}

}  // namespace iotpolicy
