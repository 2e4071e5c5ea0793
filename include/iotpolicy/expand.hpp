// A policy as one connection sees it: every `${…}` in a Resource entry or a condition value substituted from the
// connection's facts, and each variable that does not resolve flagged with why (spec vars §1–§5).
#pragma once

#include <string>
#include <vector>

#include "iotpolicy/connection.hpp"
#include "iotpolicy/evaluator.hpp"

namespace iotpolicy {

/// One `${…}` of the policy and what it became for the connection.
struct VariableUse {
    Span span;            // the JSON string that holds it, in the policy's source
    std::string written;  // "${iot:Connection.Thing.ThingName}"
    KeyStatus status = KeyStatus::absent;
    std::string value;    // status value: the substituted text
    bool non_canonical = false;
    bool assumed = false;
    std::string why;      // why there is no value, or why it is UNKNOWN
};

struct Expansion {
    std::string text;                // the policy source with every fully resolved string substituted
    std::vector<VariableUse> uses;   // in source order
    std::vector<std::string> notes;  // document-level remarks (Version 2008 reading, documents not in force)
};

/// Substitutes the variables of `document` for `connection` (the reading in which variables are substituted;
/// a document whose Version does not substitute them gets a note saying so, spec §1.2).
Expansion expand_policy(const PolicyDocument& document, const Connection& connection);

}  // namespace iotpolicy
