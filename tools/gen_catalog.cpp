// Generates the catalog tables behind include/iotpolicy/catalog.hpp from data/iot-actions.json and
// data/policy-variables.json. The build runs it (see CMakeLists.txt):
//
//     iotpolicy_gen_catalog <iot-actions.json> <policy-variables.json> <catalog_tables.inc>
//
// The output is a list of constexpr std::array tables, included by src/semantics/catalog.cpp. The tool stops the
// build with "error: <file>: <JSON pointer>: <what>" whenever the data is not in the shape it knows: a new member,
// a new enumeration value or an unknown phrasing is met by a change here, never by a silently dropped fact.
// Where a structured fact has to be read from free text, the reading is here, next to a comment citing the field.
#include <algorithm>         // sort, adjacent_find, all_of
#include <cctype>            // isalnum
#include <cstdint>           // uint64_t
#include <filesystem>        // rename, create_directories
#include <fstream>           // ifstream, ofstream
#include <initializer_list>  // initializer_list
#include <iostream>          // cerr
#include <iterator>          // istreambuf_iterator
#include <map>               // map
#include <optional>          // optional
#include <set>               // set
#include <sstream>           // ostringstream
#include <stdexcept>         // runtime_error
#include <string>            // string
#include <string_view>       // string_view
#include <utility>           // pair, move
#include <vector>            // vector

#include <nlohmann/json.hpp>

namespace {

// Document order matters: tables keep the data's order, so their order in the output follows the files.
using Json = nlohmann::ordered_json;

/// The one way the tool fails: the message names the file and the JSON pointer of the offending value.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// `token` escaped for a JSON pointer (RFC 6901: '~' and '/').
std::string escape_pointer_token(std::string_view token) {
    std::string escaped;
    for (const char c : token) {
        if (c == '~') {
            escaped += "~0";
        } else if (c == '/') {
            escaped += "~1";
        } else {
            escaped += c;
        }
    }
    return escaped;
}

/// A value of a data file together with where it sits, so that every complaint can say where.
class Node {
public:
    Node(const Json& value, const std::string& file, std::string pointer)
        : m_value(&value), m_file(&file), m_pointer(std::move(pointer)) {}

    [[noreturn]] void fail(std::string_view what) const {
        throw DataError(*m_file + ": " + (m_pointer.empty() ? std::string("/") : m_pointer) + ": " +
                        std::string(what));
    }

    [[nodiscard]] const std::string& pointer() const { return m_pointer; }
    [[nodiscard]] bool is_null() const { return m_value->is_null(); }
    [[nodiscard]] bool is_string() const { return m_value->is_string(); }
    [[nodiscard]] bool is_boolean() const { return m_value->is_boolean(); }

    /// The member `key` of this object, which must exist.
    [[nodiscard]] Node member(std::string_view key) const {
        auto found = optional_member(key);
        if (!found) {
            fail("missing member \"" + std::string(key) + "\"");
        }
        return *found;
    }

    /// The member `key` of this object, if present.
    [[nodiscard]] std::optional<Node> optional_member(std::string_view key) const {
        require_object();
        const auto it = m_value->find(std::string(key));
        if (it == m_value->end()) {
            return std::nullopt;
        }
        return Node(*it, *m_file, m_pointer + "/" + escape_pointer_token(key));
    }

    /// Fails unless this object has every member of `required` and nothing outside `required` and `optional`.
    void expect_members(std::initializer_list<std::string_view> required,
                        std::initializer_list<std::string_view> optional = {}) const {
        require_object();
        for (const auto key : required) {
            (void)member(key);
        }
        for (const auto& item : m_value->items()) {
            const std::string& key = item.key();
            const auto known = [&](std::initializer_list<std::string_view> keys) {
                return std::find(keys.begin(), keys.end(), key) != keys.end();
            };
            if (!known(required) && !known(optional)) {
                fail("unexpected member \"" + key + "\": teach tools/gen_catalog.cpp what it means");
            }
        }
    }

    /// The members of this object in document order.
    [[nodiscard]] std::vector<std::pair<std::string, Node>> members() const {
        require_object();
        std::vector<std::pair<std::string, Node>> result;
        for (const auto& [key, value] : m_value->items()) {
            result.emplace_back(key, Node(value, *m_file, m_pointer + "/" + escape_pointer_token(key)));
        }
        return result;
    }

    /// The elements of this array.
    [[nodiscard]] std::vector<Node> elements() const {
        if (!m_value->is_array()) {
            fail(std::string("expected an array, found ") + m_value->type_name());
        }
        std::vector<Node> result;
        for (std::size_t i = 0; i < m_value->size(); ++i) {
            result.emplace_back((*m_value)[i], *m_file, m_pointer + "/" + std::to_string(i));
        }
        return result;
    }

    /// This string; NUL bytes are refused because the tables hold them as C string literals.
    [[nodiscard]] std::string string() const {
        if (!m_value->is_string()) {
            fail(std::string("expected a string, found ") + m_value->type_name());
        }
        auto text = m_value->get<std::string>();
        if (text.find('\0') != std::string::npos) {
            fail("a NUL character cannot be stored in the tables");
        }
        return text;
    }

    /// This string, which must not be empty.
    [[nodiscard]] std::string name() const {
        auto text = string();
        if (text.empty()) {
            fail("expected a non-empty string");
        }
        return text;
    }

    /// This string, or an empty one for null.
    [[nodiscard]] std::string string_or_null() const { return is_null() ? std::string() : string(); }

    [[nodiscard]] bool boolean() const {
        if (!m_value->is_boolean()) {
            fail(std::string("expected true or false, found ") + m_value->type_name());
        }
        return m_value->get<bool>();
    }

    [[nodiscard]] std::optional<bool> boolean_or_null() const {
        if (is_null()) {
            return std::nullopt;
        }
        return boolean();
    }

    [[nodiscard]] std::uint64_t unsigned_integer() const {
        if (!m_value->is_number_unsigned()) {
            fail(std::string("expected a non-negative integer, found ") + m_value->type_name());
        }
        return m_value->get<std::uint64_t>();
    }

    /// The strings of this array.
    [[nodiscard]] std::vector<std::string> strings() const {
        std::vector<std::string> result;
        for (const auto& element : elements()) {
            result.push_back(element.string());
        }
        return result;
    }

private:
    void require_object() const {
        if (!m_value->is_object()) {
            fail(std::string("expected an object, found ") + m_value->type_name());
        }
    }

    const Json* m_value;
    const std::string* m_file;
    std::string m_pointer;
};

/// A closed vocabulary of the data: each spelling and the C++ expression it becomes.
using Vocabulary = std::vector<std::pair<std::string_view, std::string_view>>;

/// The C++ expression for the vocabulary word at `node`; fails on a word the tool does not know.
std::string word(const Node& node, const Vocabulary& vocabulary, std::string_view what) {
    const auto text = node.string();
    for (const auto& [spelling, expression] : vocabulary) {
        if (spelling == text) {
            return std::string(expression);
        }
    }
    std::string known;
    for (const auto& [spelling, expression] : vocabulary) {
        known += (known.empty() ? "" : ", ") + std::string(spelling);
    }
    node.fail("unknown " + std::string(what) + " \"" + text + "\" (known: " + known + ")");
}

const Vocabulary k_action_protocols{
    {"mqtt", "Protocol::mqtt"}, {"websocket", "Protocol::websocket"}, {"https", "Protocol::https"}};

// policy-variables.json legend.protocols: "http = HTTPS publish". Read as the actions file's "https", so one
// Protocol value describes a request for both the action and the variables it may use.
const Vocabulary k_variable_protocols{
    {"mqtt", "Protocol::mqtt"}, {"websocket", "Protocol::websocket"}, {"http", "Protocol::https"}};

const Vocabulary k_action_statuses{{"documented", "ActionStatus::documented"},
                                   {"documented-recent", "ActionStatus::documented_recent"},
                                   {"documented-conflicting", "ActionStatus::documented_conflicting"}};

const Vocabulary k_variable_kinds{{"basic", "VariableKind::basic"},
                                  {"thing", "VariableKind::thing"},
                                  {"certificate", "VariableKind::certificate"},
                                  {"cognito", "VariableKind::cognito"},
                                  {"connect", "VariableKind::connect"},
                                  {"aws-global", "VariableKind::aws_global"}};

const Vocabulary k_variable_statuses{{"documented", "VariableStatus::documented"},
                                     {"documented-by-example", "VariableStatus::documented_by_example"},
                                     {"assumed", "VariableStatus::assumed"}};

const Vocabulary k_value_types{{"String", "ValueType::string"},
                               {"Bool", "ValueType::boolean"},
                               {"IPAddress", "ValueType::ip_address"},
                               {"ARN", "ValueType::arn"},
                               {"StringList", "ValueType::string_list"}};

const Vocabulary k_operator_families{{"String", "OperatorFamily::string"}, {"Numeric", "OperatorFamily::numeric"},
                                     {"Date", "OperatorFamily::date"},     {"Bool", "OperatorFamily::boolean"},
                                     {"Binary", "OperatorFamily::binary"}, {"IpAddress", "OperatorFamily::ip_address"},
                                     {"Arn", "OperatorFamily::arn"},       {"Null", "OperatorFamily::null"}};

const Vocabulary k_availabilities{{"conditional", "Availability::conditional"}, {"unknown", "Availability::unknown"}};

// In the order of the UnresolvedRule enumeration: the table is indexed by it.
const Vocabulary k_unresolved_rules{{"resource", "UnresolvedRule::resource"},
                                    {"keyAbsent", "UnresolvedRule::key_absent"},
                                    {"thingNotAssociated", "UnresolvedRule::thing_not_associated"},
                                    {"certLiteral", "UnresolvedRule::cert_literal"},
                                    {"certIndex", "UnresolvedRule::cert_index"},
                                    {"certMissing", "UnresolvedRule::cert_missing"},
                                    {"multiValuedAsVariable", "UnresolvedRule::multi_valued_as_variable"}};

const Vocabulary k_usable_in{{"Resource", "in_resource"},
                             {"ConditionValue", "in_condition_value"},
                             {"ConditionKey", "as_condition_key"}};

// In the order of the AuthAvailability members.
constexpr std::string_view k_auth_types[] = {"x509", "cognito", "custom", "sigv4"};

/// `text` as a C++ string literal. Bytes outside printable ASCII become three-digit octal escapes (which, unlike
/// \x, cannot swallow a following character); '?' is escaped so no trigraph can form.
std::string literal(std::string_view text) {
    static constexpr char k_octal[] = "01234567";
    std::string out = "\"";
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\' || c == '?') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte >= 0x7F) {
            out += '\\';
            out += k_octal[(byte >> 6U) & 7U];
            out += k_octal[(byte >> 3U) & 7U];
            out += k_octal[byte & 7U];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

/// ASCII lower case, the folding every case-insensitive lookup uses.
std::string fold(std::string_view text) {
    std::string folded(text);
    for (char& c : folded) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return folded;
}

/// The generated file under construction: arrays are written as they are needed, so each precedes its users.
class Output {
public:
    /// Writes `constexpr std::array<element_type, N> name{{...}};`.
    void table(std::string_view element_type, std::string_view name, const std::vector<std::string>& items) {
        m_out << "constexpr std::array<" << element_type << ", " << items.size() << "> " << name << "{{";
        if (!items.empty()) {
            m_out << "\n";
            for (const auto& item : items) {
                m_out << "    " << item << ",\n";
            }
        }
        m_out << "}};\n\n";
    }

    /// An expression for a span of `element_type` over `items` (C++ expressions); identical lists share one array.
    std::string span(std::string_view element_type, const std::vector<std::string>& items) {
        if (items.empty()) {
            return "{}";
        }
        std::string key(element_type);
        for (const auto& item : items) {
            key += '\n' + item;
        }
        auto [it, inserted] = m_lists.try_emplace(key);
        if (inserted) {
            it->second = "k_list_" + std::to_string(m_lists.size() - 1);
            table(element_type, it->second, items);
        }
        return it->second;
    }

    /// A span of string_view over `texts`.
    std::string strings(const std::vector<std::string>& texts) {
        std::vector<std::string> items;
        for (const auto& text : texts) {
            items.push_back(literal(text));
        }
        return span("std::string_view", items);
    }

    /// Writes the indices of `names` in ASCII-case-folded order, for binary search; fails (at `where`) when two
    /// names differ only in case, since a case-insensitive lookup could then not choose.
    void folded_index(std::string_view name, const std::vector<std::string>& names, const Node& where) {
        std::vector<std::size_t> order(names.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            order[i] = i;
        }
        std::sort(order.begin(), order.end(),
                  [&](std::size_t a, std::size_t b) { return fold(names[a]) < fold(names[b]); });
        const auto clash = std::adjacent_find(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return fold(names[a]) == fold(names[b]);
        });
        if (clash != order.end()) {
            where.fail("\"" + names[*clash] + "\" and \"" + names[*(clash + 1)] +
                       "\" differ only in case, so a case-insensitive lookup cannot tell them apart");
        }
        std::vector<std::string> items;
        for (const auto index : order) {
            items.push_back(std::to_string(index));
        }
        table("std::uint16_t", name, items);
    }

    void text(std::string_view text) { m_out << text; }

    [[nodiscard]] std::string str() const { return m_out.str(); }

private:
    std::ostringstream m_out;
    std::map<std::string, std::string> m_lists;
};

/// `{.field = value, ...}` from `fields` in declaration order.
std::string designated(const std::vector<std::pair<std::string_view, std::string>>& fields) {
    std::string out = "{";
    for (const auto& [field, value] : fields) {
        out += (out.size() > 1 ? ", ." : ".") + std::string(field) + " = " + value;
    }
    return out + "}";
}

std::string boolean(bool value) {
    return value ? "true" : "false";
}

std::string optional_boolean(std::optional<bool> value) {
    return value ? boolean(*value) : "std::nullopt";
}

/// Every string member of `object` as a Note, in document order, except the members named in `skip` (which the
/// caller reads itself); any other non-string member is a shape the tool does not know.
std::string notes(Output& out, const Node& object, std::initializer_list<std::string_view> skip = {}) {
    std::vector<std::string> items;
    for (const auto& [key, value] : object.members()) {
        if (std::find(skip.begin(), skip.end(), key) != skip.end()) {
            continue;
        }
        items.push_back(designated({{"key", literal(key)}, {"text", literal(value.string())}}));
    }
    return out.span("Note", items);
}

/// Reads the regular expressions of namePattern and indexedVariant.namePattern. Only two shapes are accepted, so
/// no regular-expression engine is needed at run time: ^LITERAL([1-9][0-9]*)LITERAL$ (a positive index) and
/// ^LITERAL([CLASS]{MIN,MAX})LITERAL$ (a bounded run of characters from a bracket expression).
class PatternReader {
public:
    PatternReader(const Node& node) : m_node(node), m_text(node.name()) {}

    /// The NamePattern initializer for the pattern.
    std::string read() {
        expect('^');
        const auto prefix = literal_run();
        expect('(');
        static constexpr std::string_view k_positive_index = "[1-9][0-9]*";
        if (std::string_view(m_text).substr(m_at).starts_with(k_positive_index)) {
            m_at += k_positive_index.size();
            expect(')');
            m_kind = "ParameterKind::positive_index";
        } else {
            m_allowed = bracket_expression();
            expect('{');
            m_min = number();
            expect(',');
            m_max = number();
            expect('}');
            expect(')');
            if (m_min == 0 || m_min > m_max) {
                m_node.fail("the parameter's length bounds {" + std::to_string(m_min) + "," + std::to_string(m_max) +
                            "} are not 1 <= min <= max");
            }
            m_kind = "ParameterKind::characters";
        }
        const auto suffix = literal_run();
        expect('$');
        if (m_at != m_text.size()) {
            unexpected();
        }
        m_prefix = prefix;
        m_suffix = suffix;
        return designated({{"kind", m_kind},
                           {"prefix", literal(prefix)},
                           {"suffix", literal(suffix)},
                           {"allowed", literal(m_allowed)},
                           {"min_length", std::to_string(m_min)},
                           {"max_length", std::to_string(m_max)},
                           {"written", literal(m_text)}});
    }

    [[nodiscard]] const std::string& prefix() const { return m_prefix; }
    [[nodiscard]] const std::string& suffix() const { return m_suffix; }
    [[nodiscard]] bool is_index() const { return m_kind == "ParameterKind::positive_index"; }

private:
    [[noreturn]] void unexpected() const {
        m_node.fail("the pattern \"" + m_text + "\" is not ^LITERAL([1-9][0-9]*)LITERAL$ or " +
                    "^LITERAL([CLASS]{MIN,MAX})LITERAL$ (stopped at offset " + std::to_string(m_at) + ")");
    }

    void expect(char c) {
        if (m_at >= m_text.size() || m_text[m_at] != c) {
            unexpected();
        }
        ++m_at;
    }

    /// Characters up to the next unescaped metacharacter; "\x" for punctuation x is the literal x.
    std::string literal_run() {
        static constexpr std::string_view k_meta = "^$.[](){}*+?|\\";
        std::string run;
        while (m_at < m_text.size()) {
            const char c = m_text[m_at];
            if (c == '\\') {
                if (m_at + 1 >= m_text.size() || std::isalnum(static_cast<unsigned char>(m_text[m_at + 1])) != 0) {
                    unexpected();  // a class escape such as \d or \w, or a dangling backslash
                }
                run += m_text[m_at + 1];
                m_at += 2;
            } else if (k_meta.find(c) != std::string_view::npos) {
                break;
            } else {
                run += c;
                ++m_at;
            }
        }
        return run;
    }

    /// The characters of a bracket expression "[...]", expanded and sorted.
    std::string bracket_expression() {
        expect('[');
        std::set<char> members;
        if (m_at < m_text.size() && m_text[m_at] == '^') {
            unexpected();  // a negated class has no finite list of allowed characters
        }
        while (m_at < m_text.size() && m_text[m_at] != ']') {
            const char first = class_character();
            if (m_at + 1 < m_text.size() && m_text[m_at] == '-' && m_text[m_at + 1] != ']') {
                ++m_at;
                const char last = class_character();
                if (last < first) {
                    unexpected();
                }
                for (int c = first; c <= last; ++c) {
                    members.insert(static_cast<char>(c));
                }
            } else {
                members.insert(first);
            }
        }
        expect(']');
        if (members.empty()) {
            unexpected();
        }
        return {members.begin(), members.end()};
    }

    char class_character() {
        if (m_at >= m_text.size()) {
            unexpected();
        }
        char c = m_text[m_at++];
        if (c == '\\') {
            if (m_at >= m_text.size() || std::isalnum(static_cast<unsigned char>(m_text[m_at])) != 0) {
                unexpected();
            }
            c = m_text[m_at++];
        }
        if (static_cast<unsigned char>(c) >= 0x80 || c == '[') {
            unexpected();  // only ASCII, and no POSIX classes such as [:alpha:]
        }
        return c;
    }

    std::size_t number() {
        const auto start = m_at;
        std::size_t value = 0;
        while (m_at < m_text.size() && m_text[m_at] >= '0' && m_text[m_at] <= '9' && m_at - start < 9) {
            value = value * 10 + static_cast<std::size_t>(m_text[m_at] - '0');
            ++m_at;
        }
        if (m_at == start) {
            unexpected();
        }
        return value;
    }

    const Node& m_node;
    std::string m_text;
    std::size_t m_at = 0;
    std::string m_kind;
    std::string m_allowed;
    std::size_t m_min = 0;
    std::size_t m_max = 0;
    std::string m_prefix;
    std::string m_suffix;
};

/// Where each name of a table is, for cross-references between tables.
using NameIndex = std::map<std::string, std::size_t, std::less<>>;

NameIndex index_names(const std::vector<std::string>& names) {
    NameIndex index;
    for (std::size_t i = 0; i < names.size(); ++i) {
        index.emplace(names[i], i);
    }
    return index;
}

/// The position of the entry named by the string at `node` in `index`, failing with `what` if there is none.
std::size_t resolve(const Node& node, const NameIndex& index, std::string_view what) {
    const auto name = node.name();
    const auto it = index.find(name);
    if (it == index.end()) {
        node.fail("\"" + name + "\" is not " + std::string(what));
    }
    return it->second;
}

/// The state shared between the two files: the actions file's names, which the variables file refers to.
struct Catalog {
    NameIndex actions;
};

void generate_resource_types(Output& out, const Node& types, NameIndex& index) {
    std::vector<std::string> items;
    std::vector<std::string> names;
    for (const auto& [name, type] : types.members()) {
        type.expect_members({"arn", "name", "sarResourceType", "usedBy", "notes"});
        const auto arn = type.member("arn").name();
        items.push_back(designated({
            {"name", literal(name)},
            {"arn_template", literal(arn)},
            {"description", literal(type.member("name").string())},
            {"sar_resource_type", literal(type.member("sarResourceType").string_or_null())},
            // resourceTypes["*"].arn is "*": the action has no per-resource ARN and the policy must grant it on
            // Resource "*" (actions[iot:ListRetainedMessages].checkedWhen says so in prose).
            {"any_resource", boolean(arn == "*")},
            {"used_by", out.strings(type.member("usedBy").strings())},
            {"notes", literal(type.member("notes").string())},
        }));
        names.push_back(name);
    }
    out.table("ResourceType", "k_resource_types", items);
    index = index_names(names);
}

/// `&k_resource_types[i]` for the resource type named at `node`.
std::string resource_type_address(const Node& node, const NameIndex& resource_types) {
    return "&k_resource_types[" + std::to_string(resolve(node, resource_types, "a key of resourceTypes")) + "]";
}

void generate_actions(Output& out, const Node& actions, const NameIndex& resource_types, Catalog& catalog) {
    std::vector<std::string> items;
    std::vector<std::string> names;
    for (const auto& action : actions.elements()) {
        action.expect_members(
            {"name", "resourceType", "protocols", "conditionKeys", "checkedWhen", "status", "sources", "notes"},
            {"alternateResourceTypes"});
        std::vector<std::string> alternates;
        if (const auto list = action.optional_member("alternateResourceTypes")) {
            for (const auto& alternate : list->elements()) {
                alternates.push_back(resource_type_address(alternate, resource_types));
            }
        }
        std::vector<std::string> protocols;
        for (const auto& protocol : action.member("protocols").elements()) {
            protocols.push_back(word(protocol, k_action_protocols, "protocol"));
        }
        items.push_back(designated({
            {"name", literal(action.member("name").name())},
            {"resource_type", resource_type_address(action.member("resourceType"), resource_types)},
            {"alternate_resource_types", out.span("const ResourceType*", alternates)},
            {"protocols", out.span("Protocol", protocols)},
            {"condition_keys", out.strings(action.member("conditionKeys").strings())},
            {"status", word(action.member("status"), k_action_statuses, "action status")},
            {"checked_when", literal(action.member("checkedWhen").string())},
            {"notes", literal(action.member("notes").string())},
            {"sources", out.strings(action.member("sources").strings())},
        }));
        names.push_back(action.member("name").name());
    }
    out.table("Action", "k_actions", items);
    std::vector<std::string> name_literals;
    for (const auto& name : names) {
        name_literals.push_back(literal(name));
    }
    out.table("std::string_view", "k_action_names", name_literals);
    out.folded_index("k_actions_by_folded_name", names, actions);
    catalog.actions = index_names(names);
}

void generate_legacy_action_names(Output& out, const Node& legacy, const Catalog& catalog) {
    std::vector<std::string> items;
    std::vector<std::string> names;
    for (const auto& entry : legacy.elements()) {
        entry.expect_members({"name", "aliasOf", "status", "notes"});
        const auto alias = resolve(entry.member("aliasOf"), catalog.actions, "the name of an entry of actions");
        items.push_back(designated({
            {"name", literal(entry.member("name").name())},
            {"alias_of", "&k_actions[" + std::to_string(alias) + "]"},
            {"status", literal(entry.member("status").name())},
            {"notes", literal(entry.member("notes").string())},
        }));
        names.push_back(entry.member("name").name());
    }
    out.table("LegacyActionName", "k_legacy_action_names", items);
    out.folded_index("k_legacy_action_names_by_folded_name", names, legacy);
}

void generate_unlisted_apis(Output& out, const Node& apis, const NameIndex& resource_types) {
    std::vector<std::string> items;
    std::vector<std::string> names;
    for (const auto& api : apis.elements()) {
        api.expect_members({"name", "resourceType", "notes"});
        const auto type = api.member("resourceType");
        items.push_back(designated({
            {"name", literal(api.member("name").name())},
            {"resource_type", type.is_null() ? "nullptr" : resource_type_address(type, resource_types)},
            {"notes", literal(api.member("notes").string())},
        }));
        names.push_back(api.member("name").name());
    }
    out.table("UnlistedDataPlaneApi", "k_unlisted_data_plane_apis", items);
    out.folded_index("k_unlisted_data_plane_apis_by_folded_name", names, apis);
}

/// The protocols and authentication types named by the first clause of a conditionContext availability.
struct AvailabilityReading {
    std::string_view clause;
    std::vector<std::string_view> protocols;
    std::vector<std::string_view> auth_types;
};

// conditionContext[].availability is prose. Its first clause (before "; ") is read with this table; the rest is a
// precondition kept as text. An unknown clause stops the build so that its reading is written here, not guessed.
const std::vector<AvailabilityReading> k_availability_readings{
    {"all protocols", {"Protocol::mqtt", "Protocol::websocket", "Protocol::https"}, {}},
    {"MQTT and MQTT over WSS", {"Protocol::mqtt", "Protocol::websocket"}, {}},
    {"X.509 certificate authentication", {}, {"AuthType::x509"}},
    {"X.509 certificate authentication only", {}, {"AuthType::x509"}},
    {"Amazon Cognito identities (HTTPS, MQTT over WSS)",
     {"Protocol::https", "Protocol::websocket"},
     {"AuthType::cognito"}},
};

void generate_condition_context(Output& out, const Node& keys) {
    std::vector<std::string> items;
    std::vector<std::string> names;
    for (const auto& entry : keys.elements()) {
        entry.expect_members({"key", "availability", "documented", "source", "notes"});
        const auto availability_node = entry.member("availability");
        const auto availability = availability_node.name();
        const auto split = availability.find("; ");
        const auto clause = availability.substr(0, split);
        const auto condition = split == std::string::npos ? std::string() : availability.substr(split + 2);
        const auto reading = std::find_if(k_availability_readings.begin(), k_availability_readings.end(),
                                          [&](const AvailabilityReading& r) { return r.clause == clause; });
        if (reading == k_availability_readings.end()) {
            availability_node.fail("no reading of the availability \"" + clause +
                                   "\": add one to k_availability_readings in tools/gen_catalog.cpp");
        }
        items.push_back(designated({
            {"key", literal(entry.member("key").name())},
            {"availability", literal(availability)},
            {"protocols", out.span("Protocol", {reading->protocols.begin(), reading->protocols.end()})},
            {"auth_types", out.span("AuthType", {reading->auth_types.begin(), reading->auth_types.end()})},
            {"condition", literal(condition)},
            {"documented", boolean(entry.member("documented").boolean())},
            {"source", literal(entry.member("source").string())},
            {"notes", literal(entry.member("notes").string())},
        }));
        names.push_back(entry.member("key").name());
    }
    out.table("ConditionContextKey", "k_condition_context_keys", items);
    out.folded_index("k_condition_context_keys_by_folded_name", names, keys);
}

std::string seconds_range(const Node& node) {
    const auto bounds = node.elements();
    if (bounds.size() != 2) {
        node.fail("expected [min, max]");
    }
    const auto min = bounds[0].unsigned_integer();
    const auto max = bounds[1].unsigned_integer();
    if (min > max || max > 0xFFFFFFFFU) {
        node.fail("expected 0 <= min <= max < 2^32");
    }
    return designated({{"min", std::to_string(min)}, {"max", std::to_string(max)}});
}

void generate_limits(Output& out, const Node& limits) {
    limits.expect_members({"topicMaxBytes",
                           "topicMaxSlashes",
                           "topicMaxLevels",
                           "basicIngestPrefixExcludedFromLimits",
                           "topicFiltersPerSubscribe",
                           "clientIdMaxBytes",
                           "thingNameMaxChars",
                           "thingNamePattern",
                           "shadowNameMaxChars",
                           "roleAliasMaxChars",
                           "roleAliasPattern",
                           "credentialDurationSecondsRange",
                           "policyDocumentMaxCharsExcludingWhitespace",
                           "policyVersionsMax",
                           "customAuthorizerMaxPolicyDocuments",
                           "customAuthorizerPolicyDocumentMaxChars",
                           "customAuthorizerRefreshAndDisconnectSecondsRange",
                           "policyPropagationDelay",
                           "notes"});
    const auto count = [&](std::string_view key) { return std::to_string(limits.member(key).unsigned_integer()); };
    const auto text = [&](std::string_view key) { return literal(limits.member(key).string()); };
    out.text("constexpr Limits k_limits" +
             designated({
                 {"topic_max_bytes", count("topicMaxBytes")},
                 {"topic_max_slashes", count("topicMaxSlashes")},
                 {"topic_max_levels", count("topicMaxLevels")},
                 {"basic_ingest_prefix_excluded_from_limits",
                  boolean(limits.member("basicIngestPrefixExcludedFromLimits").boolean())},
                 {"topic_filters_per_subscribe", count("topicFiltersPerSubscribe")},
                 {"client_id_max_bytes", count("clientIdMaxBytes")},
                 {"thing_name_max_chars", count("thingNameMaxChars")},
                 {"thing_name_pattern", text("thingNamePattern")},
                 {"shadow_name_max_chars", count("shadowNameMaxChars")},
                 {"role_alias_max_chars", count("roleAliasMaxChars")},
                 {"role_alias_pattern", text("roleAliasPattern")},
                 {"credential_duration_seconds", seconds_range(limits.member("credentialDurationSecondsRange"))},
                 {"policy_document_max_chars", count("policyDocumentMaxCharsExcludingWhitespace")},
                 {"policy_versions_max", count("policyVersionsMax")},
                 {"custom_authorizer_max_policy_documents", count("customAuthorizerMaxPolicyDocuments")},
                 {"custom_authorizer_policy_document_max_chars", count("customAuthorizerPolicyDocumentMaxChars")},
                 {"custom_authorizer_refresh_and_disconnect_seconds",
                  seconds_range(limits.member("customAuthorizerRefreshAndDisconnectSecondsRange"))},
                 {"policy_propagation_delay", text("policyPropagationDelay")},
                 {"notes", text("notes")},
             }) +
             ";\n\n");
}

void generate_actions_file(Output& out, const Node& root, Catalog& catalog) {
    // Not generated: provenance (generatedFor, asOf, sources) and the reserved topics, whose catalog belongs with
    // topic semantics and is not generated yet.
    root.expect_members({"version", "generatedFor", "asOf", "sources", "arnGrammar", "resourceTypes", "actions",
                         "legacyActionNames", "otherDataPlaneApis", "conditionContext", "limits", "reservedTopics",
                         "reservedTopicRules", "controlPlane"});
    if (root.member("version").unsigned_integer() != 1) {
        root.member("version").fail("this generator reads version 1 of the file");
    }
    out.text("// --- data/iot-actions.json ---\n\n");

    // arnGrammar: the partitions are a list; caseSensitive and specialVariables restate what caseNote and
    // policy-variables.json's escapes say, and are not generated; every other member is free text.
    const auto arn = root.member("arnGrammar");
    (void)arn.member("caseSensitive").boolean();
    (void)arn.member("specialVariables").members();
    out.table("std::string_view", "k_arn_partitions", [&] {
        std::vector<std::string> items;
        for (const auto& partition : arn.member("partitions").strings()) {
            items.push_back(literal(partition));
        }
        return items;
    }());
    out.text("constexpr std::span<const Note> k_arn_grammar_notes = " +
             notes(out, arn, {"partitions", "caseSensitive", "specialVariables"}) + ";\n\n");

    NameIndex resource_types;
    generate_resource_types(out, root.member("resourceTypes"), resource_types);
    generate_actions(out, root.member("actions"), resource_types, catalog);
    generate_legacy_action_names(out, root.member("legacyActionNames"), catalog);
    generate_unlisted_apis(out, root.member("otherDataPlaneApis"), resource_types);
    generate_condition_context(out, root.member("conditionContext"));
    generate_limits(out, root.member("limits"));

    // controlPlane: only the effective prefixes are a table; the rest is guidance for the linter, in prose.
    const auto control_plane = root.member("controlPlane");
    control_plane.expect_members({"notes", "knownEffectivePrefixes", "linterTreatment", "cognito", "iamPrincipals"});
    out.text("constexpr std::span<const Note> k_effective_action_prefixes = " +
             notes(out, control_plane.member("knownEffectivePrefixes")) + ";\n\n");
}

std::string escapes(Output& out, const Node& object, std::initializer_list<std::string_view> skip = {}) {
    std::vector<std::string> items;
    for (const auto& [written, literal_text] : object.members()) {
        if (std::find(skip.begin(), skip.end(), written) != skip.end()) {
            continue;
        }
        if (!written.starts_with("$")) {
            literal_text.fail("an escape is written starting with '$'");
        }
        items.push_back(designated({{"written", literal(written)}, {"literal", literal(literal_text.name())}}));
    }
    return out.span("Escape", items);
}

/// The VariableStatus that indexedVariant.multiValueSupport starts with.
std::string multi_value_support(const Node& node) {
    // indexedVariant.multiValueSupport is prose: "documented", or "assumed (why)". Its first word is the
    // status in the sense of legend.status, so decisions resting on an assumed form can be marked.
    const auto text = node.name();
    if (text.starts_with("documented")) {
        return "VariableStatus::documented";
    }
    if (text.starts_with("assumed")) {
        return "VariableStatus::assumed";
    }
    node.fail("expected \"documented\" or \"assumed ...\"");
}

/// availableFor's true / false / "conditional" / "unknown" (legend.availableFor).
std::string availability(const Node& node) {
    if (node.is_string()) {
        return word(node, k_availabilities, "availability");
    }
    if (!node.is_boolean()) {
        node.fail("expected true, false, \"conditional\" or \"unknown\"");
    }
    return node.boolean() ? "Availability::yes" : "Availability::no";
}

std::string generate_variable(Output& out, const Node& variable, const Catalog& catalog,
                              const NameIndex& variables) {
    variable.expect_members({"name", "kind", "status", "type", "multiValued", "availableFor", "protocols",
                             "resolvesWhen", "whenUnresolved", "unresolvedRules", "usableIn", "documentedUsage",
                             "operatorFamilies", "notes", "sources"},
                            {"x509Attribute", "indexedVariant", "listVariant", "valueFormat", "appliesToActions",
                             "namePattern"});
    const auto name = variable.member("name").name();

    const auto available = variable.member("availableFor");
    available.expect_members({k_auth_types[0], k_auth_types[1], k_auth_types[2], k_auth_types[3]});
    std::vector<std::pair<std::string_view, std::string>> auth_fields;
    for (const auto auth : k_auth_types) {
        auth_fields.emplace_back(auth, availability(available.member(auth)));
    }

    std::vector<std::string> protocols;
    for (const auto& protocol : variable.member("protocols").elements()) {
        protocols.push_back(word(protocol, k_variable_protocols, "protocol"));
    }
    std::set<std::string> usable;
    for (const auto& place : variable.member("usableIn").elements()) {
        usable.insert(word(place, k_usable_in, "place of use"));
    }
    std::vector<std::string> families;
    for (const auto& family : variable.member("operatorFamilies").elements()) {
        families.push_back(word(family, k_operator_families, "operator family"));
    }
    std::vector<std::string> rules;
    for (const auto& rule : variable.member("unresolvedRules").elements()) {
        rules.push_back(word(rule, k_unresolved_rules, "unresolved rule"));
    }
    std::vector<std::string> applies_to;
    if (const auto list = variable.optional_member("appliesToActions")) {
        for (const auto& action : list->elements()) {
            (void)resolve(action, catalog.actions, "the name of an entry of iot-actions.json's actions");
            applies_to.push_back(action.name());
        }
    }

    std::string name_pattern = "{}";
    if (const auto pattern = variable.optional_member("namePattern")) {
        PatternReader reader(*pattern);
        name_pattern = reader.read();
        if (!name.starts_with(reader.prefix()) || !name.ends_with(reader.suffix())) {
            pattern->fail("the pattern does not describe the name \"" + name + "\"");
        }
    }
    std::string indexed_form = "{}";
    std::string indexed_status = "VariableStatus::documented";
    std::string indexed_support;
    if (const auto indexed = variable.optional_member("indexedVariant")) {
        indexed->expect_members({"namePattern", "semantics", "multiValueSupport"});
        // semantics only points at certificateVariables.multiValue, which certificate_variable_notes() carries.
        if (indexed->member("semantics").string() != "see certificateVariables.multiValue") {
            indexed->member("semantics").fail("expected \"see certificateVariables.multiValue\"");
        }
        const auto pattern = indexed->member("namePattern");
        PatternReader reader(pattern);
        indexed_form = reader.read();
        if (!reader.is_index() || reader.prefix() != name + "." || !reader.suffix().empty()) {
            pattern.fail("expected the name \"" + name + "\" followed by '.' and a positive index");
        }
        indexed_status = multi_value_support(indexed->member("multiValueSupport"));
        indexed_support = indexed->member("multiValueSupport").string();
    }
    std::string list_variant;
    if (const auto list = variable.optional_member("listVariant")) {
        (void)resolve(*list, variables, "the name of an entry of variables");
        list_variant = list->name();
    }
    std::string attribute;
    std::string oid;
    if (const auto x509 = variable.optional_member("x509Attribute")) {
        x509->expect_members({"name"}, {"oid"});
        attribute = x509->member("name").name();
        if (const auto oid_node = x509->optional_member("oid")) {
            oid = oid_node->name();
        }
    }
    const auto value_format = variable.optional_member("valueFormat");

    return designated({
        {"name", literal(name)},
        {"kind", word(variable.member("kind"), k_variable_kinds, "variable kind")},
        {"status", word(variable.member("status"), k_variable_statuses, "variable status")},
        {"type", word(variable.member("type"), k_value_types, "value type")},
        {"multi_valued", boolean(variable.member("multiValued").boolean())},
        {"available_for", designated(auth_fields)},
        {"protocols", out.span("Protocol", protocols)},
        {"in_resource", boolean(usable.contains("in_resource"))},
        {"in_condition_value", boolean(usable.contains("in_condition_value"))},
        {"as_condition_key", boolean(usable.contains("as_condition_key"))},
        {"operator_families", out.span("OperatorFamily", families)},
        {"unresolved_rules", out.span("UnresolvedRule", rules)},
        {"applies_to_actions", out.strings(applies_to)},
        {"name_pattern", name_pattern},
        {"indexed_form", indexed_form},
        {"indexed_form_status", indexed_status},
        {"indexed_form_support", literal(indexed_support)},
        {"list_variant", literal(list_variant)},
        {"x509_attribute", literal(attribute)},
        {"x509_oid", literal(oid)},
        {"resolves_when", literal(variable.member("resolvesWhen").string())},
        {"when_unresolved", literal(variable.member("whenUnresolved").string())},
        {"documented_usage", literal(variable.member("documentedUsage").string())},
        {"value_format", literal(value_format ? value_format->string() : std::string())},
        {"notes", literal(variable.member("notes").string())},
        {"sources", out.strings(variable.member("sources").strings())},
    });
}

void generate_variables(Output& out, const Node& variables, const Catalog& catalog) {
    std::vector<std::string> names;
    for (const auto& variable : variables.elements()) {
        names.push_back(variable.member("name").name());
    }
    const auto index = index_names(names);
    std::vector<std::string> items;
    std::vector<std::string> patterned;
    for (const auto& variable : variables.elements()) {
        if (variable.optional_member("namePattern") || variable.optional_member("indexedVariant")) {
            patterned.push_back(std::to_string(items.size()));
        }
        items.push_back(generate_variable(out, variable, catalog, index));
    }
    out.table("PolicyVariable", "k_policy_variables", items);
    std::vector<std::string> name_literals;
    for (const auto& name : names) {
        name_literals.push_back(literal(name));
    }
    out.table("std::string_view", "k_policy_variable_names", name_literals);
    out.folded_index("k_policy_variables_by_folded_name", names, variables);
    out.table("std::uint16_t", "k_patterned_policy_variables", patterned);
}

/// How several values combine, read from the start of multipleValues.
std::string value_combination(const Node& node) {
    // conditionOperators[].multipleValues is prose that starts with "OR:" (any value may match) or "AND:" (every
    // value must hold, as for the negated operators); null where the operator takes no list (Null).
    if (node.is_null()) {
        return "ValueCombination::not_applicable";
    }
    const auto text = node.string();
    if (text.starts_with("OR:")) {
        return "ValueCombination::any";
    }
    if (text.starts_with("AND:")) {
        return "ValueCombination::all";
    }
    node.fail("expected text starting with \"OR:\" or \"AND:\", or null");
}

void generate_condition_operators(Output& out, const Node& operators) {
    std::vector<std::string> items;
    std::vector<std::string> names;
    for (const auto& op : operators.elements()) {
        op.expect_members({"name", "family", "negated", "caseSensitive", "wildcards", "ifExists",
                           "policyVariablesInValues", "setQualifiers", "valueSyntax", "keyAbsentResult",
                           "multipleValues", "notes"});
        const auto variables = op.member("policyVariablesInValues");
        std::string variable_support;
        if (variables.is_string()) {
            variable_support = word(variables, {{"conflicting", "VariableSupport::conflicting"}}, "support");
        } else {
            variable_support = variables.boolean() ? "VariableSupport::yes" : "VariableSupport::no";
        }
        const auto multiple = op.member("multipleValues");
        items.push_back(designated({
            {"name", literal(op.member("name").name())},
            {"family", word(op.member("family"), k_operator_families, "operator family")},
            {"negated", optional_boolean(op.member("negated").boolean_or_null())},
            {"case_sensitive", optional_boolean(op.member("caseSensitive").boolean_or_null())},
            {"wildcards", boolean(op.member("wildcards").boolean())},
            {"if_exists", boolean(op.member("ifExists").boolean())},
            {"policy_variables_in_values", variable_support},
            {"set_qualifiers", boolean(op.member("setQualifiers").boolean())},
            {"key_absent_result", optional_boolean(op.member("keyAbsentResult").boolean_or_null())},
            {"value_combination", value_combination(multiple)},
            {"value_syntax", literal(op.member("valueSyntax").string())},
            {"multiple_values", literal(multiple.string_or_null())},
            {"notes", literal(op.member("notes").string())},
        }));
        names.push_back(op.member("name").name());
    }
    out.table("ConditionOperator", "k_condition_operators", items);
    out.folded_index("k_condition_operators_by_folded_name", names, operators);
}

void generate_variables_file(Output& out, const Node& root, const Catalog& catalog) {
    // Not generated: the description, the sources, the legend (its meanings are the enumerations of catalog.hpp)
    // and conservativeEvaluation (rule R0, stated in iot-policy-semantics.md and applied by the simulator).
    root.expect_members({"version", "description", "sources", "legend", "conservativeEvaluation", "variableSyntax",
                         "escapes", "escapesNotes", "escapesAsWrittenOnIoTPage", "unresolvedRules",
                         "certificateVariables", "variables", "iamControlPlaneConditionKeys",
                         "notForIoTCorePolicies", "checkedButNotDocumented", "conditionOperators", "operatorForms",
                         "setOperators", "unclear", "setOperatorDetails"});
    if (root.member("version").unsigned_integer() != 1) {
        root.member("version").fail("this generator reads version 1 of the file");
    }
    out.text("// --- data/policy-variables.json ---\n\n");

    out.text("constexpr std::span<const Note> k_variable_syntax_notes = " + notes(out, root.member("variableSyntax")) +
             ";\n\n");
    out.text("constexpr std::span<const Escape> k_escapes = " + escapes(out, root.member("escapes")) + ";\n\n");
    out.text("constexpr std::string_view k_escapes_notes = " + literal(root.member("escapesNotes").string()) +
             ";\n\n");
    // escapesAsWrittenOnIoTPage mixes the escapes with one "status" member.
    const auto iot_page = root.member("escapesAsWrittenOnIoTPage");
    out.text("constexpr std::span<const Escape> k_escapes_as_written_on_iot_page = " +
             escapes(out, iot_page, {"status"}) + ";\n\n");
    out.text("constexpr std::string_view k_escapes_as_written_on_iot_page_status = " +
             literal(iot_page.member("status").name()) + ";\n\n");

    const auto rules = root.member("unresolvedRules");
    std::vector<std::string> rule_items;
    for (const auto& [key, expression] : k_unresolved_rules) {
        rule_items.push_back(designated(
            {{"rule", std::string(expression)}, {"key", literal(key)}, {"text", literal(rules.member(key).string())}}));
    }
    for (const auto& member : rules.members()) {
        if (std::none_of(k_unresolved_rules.begin(), k_unresolved_rules.end(),
                         [&](const auto& known) { return known.first == member.first; })) {
            member.second.fail("unknown unresolved rule \"" + member.first +
                               "\": add it to UnresolvedRule and k_unresolved_rules");
        }
    }
    out.table("UnresolvedRuleInfo", "k_unresolved_rules", rule_items);

    out.text("constexpr std::span<const Note> k_certificate_variable_notes = " +
             notes(out, root.member("certificateVariables")) + ";\n\n");

    generate_variables(out, root.member("variables"), catalog);

    const auto control_plane = root.member("iamControlPlaneConditionKeys");
    control_plane.expect_members({"note", "source", "keys"});
    std::vector<std::string> control_items;
    for (const auto& key : control_plane.member("keys").elements()) {
        key.expect_members({"name", "type", "sarType", "multiValued", "actions"});
        control_items.push_back(designated({
            {"name", literal(key.member("name").name())},
            {"type", literal(key.member("type").name())},
            {"sar_type", literal(key.member("sarType").name())},
            {"multi_valued", boolean(key.member("multiValued").boolean())},
            {"actions", literal(key.member("actions").string())},
        }));
    }
    out.table("ControlPlaneKey", "k_control_plane_keys", control_items);

    // notForIoTCorePolicies: "same" in where/why means "as the entry before" (the data lists three
    // credentials-provider keys, then two confused-deputy keys, writing the shared text once per group).
    std::vector<std::string> foreign_items;
    std::string previous_where;
    std::string previous_why;
    for (const auto& key : root.member("notForIoTCorePolicies").elements()) {
        key.expect_members({"name", "where", "why", "sources"});
        const auto same = [&](const Node& node, std::string& previous) {
            auto text = node.name();
            if (text == "same") {
                if (previous.empty()) {
                    node.fail("\"same\" on the first entry refers to nothing");
                }
                return previous;
            }
            previous = text;
            return text;
        };
        const auto where = same(key.member("where"), previous_where);
        const auto why = same(key.member("why"), previous_why);
        foreign_items.push_back(designated({
            {"name", literal(key.member("name").name())},
            {"where", literal(where)},
            {"why", literal(why)},
            {"sources", out.strings(key.member("sources").strings())},
        }));
    }
    out.table("ForeignKey", "k_foreign_keys", foreign_items);

    std::vector<std::string> undocumented_items;
    for (const auto& key : root.member("checkedButNotDocumented").elements()) {
        key.expect_members({"name", "iamType", "finding"});
        undocumented_items.push_back(designated({
            {"name", literal(key.member("name").name())},
            {"iam_type", literal(key.member("iamType").string_or_null())},
            {"finding", literal(key.member("finding").string())},
        }));
    }
    out.table("UndocumentedKey", "k_undocumented_keys", undocumented_items);

    generate_condition_operators(out, root.member("conditionOperators"));
    out.text("constexpr std::span<const Note> k_operator_form_notes = " + notes(out, root.member("operatorForms")) +
             ";\n\n");
    std::vector<std::string> set_items;
    for (const auto& [name, text] : root.member("setOperators").members()) {
        set_items.push_back(designated({{"name", literal(name)}, {"text", literal(text.string())}}));
    }
    out.table("SetOperator", "k_set_operators", set_items);
    const auto details = root.member("setOperatorDetails");
    std::vector<std::string> families;
    for (const auto& family : details.member("applicableFamilies").elements()) {
        families.push_back(word(family, k_operator_families, "operator family"));
    }
    out.table("OperatorFamily", "k_set_operator_families", families);
    out.text("constexpr std::span<const Note> k_set_operator_notes = " +
             notes(out, details, {"applicableFamilies"}) + ";\n\n");

    std::vector<std::string> unclear_items;
    for (const auto& item : root.member("unclear").elements()) {
        item.expect_members({"id", "topic", "conservative"});
        unclear_items.push_back(designated({
            {"id", literal(item.member("id").name())},
            {"topic", literal(item.member("topic").string())},
            {"conservative", literal(item.member("conservative").string())},
        }));
    }
    out.table("UnclearItem", "k_unclear_items", unclear_items);
}

Json read_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw DataError(path + ": cannot be read");
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
        return Json::parse(text);
    } catch (const Json::parse_error& error) {
        throw DataError(path + ": not JSON: " + error.what());
    }
}

/// Writes `content` to `path` unless the file already holds it, so an unchanged catalog rebuilds nothing.
void write_if_changed(const std::string& path, const std::string& content) {
    {
        std::ifstream existing(path, std::ios::binary);
        if (existing) {
            const std::string old((std::istreambuf_iterator<char>(existing)), std::istreambuf_iterator<char>());
            if (old == content) {
                return;
            }
        }
    }
    const std::filesystem::path target(path);
    if (target.has_parent_path()) {
        std::filesystem::create_directories(target.parent_path());
    }
    const auto temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out.flush()) {
            throw DataError(temporary + ": cannot be written");
        }
    }
    std::filesystem::rename(temporary, target);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: iotpolicy_gen_catalog <iot-actions.json> <policy-variables.json> <output.inc>\n";
        return 2;
    }
    const std::string actions_path = argv[1];
    const std::string variables_path = argv[2];
    const std::string output_path = argv[3];
    try {
        const auto actions_json = read_json(actions_path);
        const auto variables_json = read_json(variables_path);
        Output out;
        out.text("// Generated by tools/gen_catalog.cpp from data/iot-actions.json and data/policy-variables.json.\n"
                 "// Do not edit: change the data (see data/README.md) or the generator. Included by\n"
                 "// src/semantics/catalog.cpp inside namespace iotpolicy::catalog.\n\n");
        Catalog catalog;
        generate_actions_file(out, Node(actions_json, actions_path, ""), catalog);
        generate_variables_file(out, Node(variables_json, variables_path, ""), catalog);
        write_if_changed(output_path, out.str());
    } catch (const DataError& error) {
        std::cerr << "error: " << error.what() << "\n";
        return 1;
    } catch (const std::exception& error) {
        std::cerr << "error: " << output_path << ": " << error.what() << "\n";
        return 1;
    }
    return 0;
}
