#include "iotpolicy/baseline.hpp"

#include <algorithm>  // sort, stable_sort
#include <array>
#include <tuple>  // tie

#include <fmt/format.h>

#include "iotpolicy/json.hpp"  // parse_json
#include "src/support/suggest.hpp"
#include "src/support/utf8.hpp"

namespace iotpolicy {

namespace {

constexpr std::uint64_t k_fnv_offset = 14695981039346656037ULL;
constexpr std::uint64_t k_fnv_prime = 1099511628211ULL;

/// FNV-1a over `part` and a terminating NUL, so that ("ab", "c") and ("a", "bc") hash apart.
std::uint64_t hash_part(std::uint64_t hash, std::string_view part) {
    for (const char c : part) {
        hash = (hash ^ static_cast<unsigned char>(c)) * k_fnv_prime;
    }
    return hash * k_fnv_prime;
}

/// Lines longer than this are taken for minified documents, whose one line any edit changes.
constexpr std::size_t k_max_context_line = 512;

std::string_view trim(std::string_view text) {
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && blank(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && blank(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

/// `text` as a JSON string literal; bytes that are not UTF-8 (a path or a quoted broken file) become U+FFFD.
void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::uint32_t length = detail::utf8_sequence_length(text, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20) {
            out += fmt::format("\\u{:04x}", c);
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
    out += '"';
}

}  // namespace

std::vector<std::string> fingerprint_diagnostics(const SourceFile& source, std::span<const Diagnostic> diagnostics) {
    const std::string_view text = source.text();
    // The occurrence index counts earlier findings in position order, whatever order the caller keeps.
    std::vector<std::size_t> order(diagnostics.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return diagnostics[a].span.begin < diagnostics[b].span.begin;
    });
    std::unordered_map<std::uint64_t, std::size_t> occurrences;
    std::vector<std::string> fingerprints(diagnostics.size());
    for (const std::size_t i : order) {
        const Diagnostic& diagnostic = diagnostics[i];
        // A SourceFile is at most k_max_source_bytes long, so its size fits a span offset.
        const auto size = static_cast<std::uint32_t>(text.size());
        const std::uint32_t begin = std::min(diagnostic.span.begin, size);
        const std::uint32_t end = std::clamp(diagnostic.span.end, begin, size);
        const std::string_view line = source.line_text(source.location(begin).line);
        std::uint64_t hash = hash_part(k_fnv_offset, rule_info(diagnostic.rule).code);
        hash = hash_part(hash, text.substr(begin, end - begin));
        hash = hash_part(hash, line.size() > k_max_context_line ? std::string_view() : trim(line));
        const std::size_t occurrence = occurrences[hash]++;
        hash = hash_part(hash, std::to_string(occurrence));
        fingerprints[i] = fmt::format("{:016x}", hash);
    }
    return fingerprints;
}

std::string format_baseline(std::vector<BaselineEntry> entries) {
    std::sort(entries.begin(), entries.end(), [](const BaselineEntry& a, const BaselineEntry& b) {
        return std::tie(a.path, a.rule, a.fingerprint, a.message) < std::tie(b.path, b.rule, b.fingerprint, b.message);
    });
    std::string out = "{\n  \"version\": 1,\n  \"findings\": [";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const BaselineEntry& entry = entries[i];
        out += i == 0 ? "\n    {\"path\": " : ",\n    {\"path\": ";
        append_json_string(out, entry.path);
        out += ", \"rule\": ";
        append_json_string(out, entry.rule);
        out += ", \"fingerprint\": ";
        append_json_string(out, entry.fingerprint);
        out += ", \"message\": ";
        append_json_string(out, entry.message);
        out += '}';
    }
    out += entries.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

namespace {

LoadedBaseline read_baseline(const SourceFile& source) {
    LoadedBaseline out;
    const auto problem = [&](Span span, std::string message) { out.problems.push_back({span, std::move(message)}); };
    JsonDocument document = parse_json(source);
    for (Diagnostic& diagnostic : document.diagnostics) {
        problem(diagnostic.span, std::move(diagnostic.message));
    }
    const std::string_view shape = "{\"version\": 1, \"findings\": [...]} (written by --write-baseline)";
    if (!document.root) {
        return out;
    }
    const JsonValue& root = *document.root;
    if (root.kind != JsonKind::object) {
        problem(root.span, fmt::format("a baseline is a JSON object {}", shape));
        return out;
    }
    static constexpr std::array<std::string_view, 2> k_keys{"version", "findings"};
    static constexpr std::array<std::string_view, 4> k_entry_keys{"path", "rule", "fingerprint", "message"};
    const auto unknown_key = [&](const JsonMember& member, std::span<const std::string_view> known) {
        const auto nearest = detail::nearest_name(member.key, known);
        problem(member.key_span, nearest ? fmt::format("unknown key \"{}\"; did you mean \"{}\"?", member.key, *nearest)
                                         : fmt::format("unknown key \"{}\" in a baseline {}", member.key, shape));
    };
    const JsonValue* findings = nullptr;
    for (const JsonMember& member : root.members) {
        if (member.key == "version") {
            if (member.value.kind != JsonKind::number || member.value.number != 1.0) {
                problem(member.value.span, "this baseline format is version 1; write the baseline again with "
                                           "--write-baseline");
            }
        } else if (member.key == "findings") {
            if (member.value.kind == JsonKind::array) {
                findings = &member.value;
            } else {
                problem(member.value.span, "\"findings\" must be an array of {\"path\", \"rule\", \"fingerprint\"} "
                                           "objects");
            }
        } else {
            unknown_key(member, k_keys);
        }
    }
    if (root.find("version") == nullptr || root.find("findings") == nullptr) {
        problem(root.span, fmt::format("a baseline needs \"version\" and \"findings\": {}", shape));
    }
    const auto by_position = [](const FileProblem& a, const FileProblem& b) { return a.span.begin < b.span.begin; };
    if (findings == nullptr) {
        std::stable_sort(out.problems.begin(), out.problems.end(), by_position);
        return out;
    }
    for (const JsonValue& item : findings->items) {
        if (item.kind != JsonKind::object) {
            problem(item.span, "each finding must be an object {\"path\": ..., \"rule\": ..., \"fingerprint\": ...}");
            continue;
        }
        BaselineEntry entry;
        bool complete = true;
        for (const std::string_view key : {std::string_view("path"), std::string_view("rule"),
                                           std::string_view("fingerprint")}) {
            const JsonMember* member = item.find(key);
            if (member == nullptr || member->value.kind != JsonKind::string) {
                problem(member == nullptr ? item.span : member->value.span,
                        fmt::format("a finding needs \"{}\" as a string", key));
                complete = false;
            }
        }
        for (const JsonMember& member : item.members) {
            if (member.key == "message") {
                if (member.value.kind != JsonKind::string) {
                    problem(member.value.span, "\"message\" must be a string (it is only read by people)");
                }
            } else if (std::find(k_entry_keys.begin(), k_entry_keys.end(), member.key) == k_entry_keys.end()) {
                unknown_key(member, k_entry_keys);
            }
        }
        if (!complete) {
            continue;
        }
        entry.path = item.find("path")->value.text;
        entry.rule = item.find("rule")->value.text;
        entry.fingerprint = item.find("fingerprint")->value.text;
        const RuleInfo* rule = find_rule(entry.rule);
        if (rule == nullptr || rule->code != entry.rule) {
            problem(item.find("rule")->value.span,
                    fmt::format("\"{}\" is not a rule code such as \"IOT203\"", entry.rule));
            continue;
        }
        if (const JsonMember* message = item.find("message"); message != nullptr) {
            entry.message = message->value.text;
        }
        out.entries.push_back(std::move(entry));
    }
    std::stable_sort(out.problems.begin(), out.problems.end(), by_position);
    return out;
}

}  // namespace

LoadedBaseline parse_baseline(const SourceFile& source) {
    LoadedBaseline loaded = read_baseline(source);
    sort_by_position(loaded.problems);
    return loaded;
}

BaselineMatcher::BaselineMatcher(std::span<const BaselineEntry> entries) {
    for (const BaselineEntry& entry : entries) {
        Remaining& remaining = m_remaining[entry.path + '\0' + entry.rule + '\0' + entry.fingerprint];
        remaining.path = entry.path;
        ++remaining.count;
    }
}

bool BaselineMatcher::take(std::string_view path, std::string_view rule, std::string_view fingerprint) {
    std::string key;
    key.reserve(path.size() + rule.size() + fingerprint.size() + 2);
    key.append(path).append(1, '\0').append(rule).append(1, '\0').append(fingerprint);
    const auto it = m_remaining.find(key);
    if (it == m_remaining.end() || it->second.count == 0) {
        return false;
    }
    --it->second.count;
    return true;
}

std::unordered_map<std::string, std::size_t> BaselineMatcher::unused_by_path() const {
    std::unordered_map<std::string, std::size_t> unused;
    for (const auto& [key, remaining] : m_remaining) {
        if (remaining.count > 0) {
            unused[remaining.path] += remaining.count;
        }
    }
    return unused;
}

}  // namespace iotpolicy
