// The JSON syntax tree: every key and value keeps its byte span in the source.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy {

enum class JsonKind : std::uint8_t { null, boolean, number, string, array, object };

struct JsonMember;

/// A JSON value. Strings hold their decoded text; numbers keep their spelling (its span) and a double.
struct JsonValue {
    JsonKind kind = JsonKind::null;
    Span span;
    bool boolean = false;
    double number = 0.0;
    std::string text;                 // decoded string (kind == string)
    std::vector<JsonValue> items;     // kind == array
    std::vector<JsonMember> members;  // kind == object, in source order, duplicates kept

    /// The first member named `key`, or nullptr.
    const JsonMember* find(std::string_view key) const;
};

struct JsonMember {
    std::string key;  // decoded
    Span key_span;    // including the quotes
    JsonValue value;
};

/// How deep arrays and objects may nest; deeper input is an error rather than a stack overflow.
inline constexpr std::size_t k_max_json_depth = 128;

/// The outcome of parsing one document: the tree (absent when the text has no recoverable structure) and
/// the IOT001 invalid-json and IOT002 duplicate-key diagnostics.
struct JsonDocument {
    std::optional<JsonValue> root;
    std::vector<Diagnostic> diagnostics;
};

/// Parses `source` as RFC 8259 JSON. Never throws; every defect becomes a diagnostic. Defects the grammar can
/// step over (comments, trailing commas, bad escapes, control characters, invalid UTF-8 or lone surrogates in
/// strings, a byte-order mark, numbers out of range) are reported and parsing goes on, so the tree is still built.
JsonDocument parse_json(const SourceFile& source);

std::string_view json_kind_name(JsonKind kind);

}  // namespace iotpolicy
