// IoT ARNs `arn:<partition>:iot:<region>:<account>:<type>/<name>` (actions-and-resources.md §3): parsing a
// Resource value into parts with byte ranges for the linter, and matching a Resource pattern against the ARN of
// a request under both readings of spec §3.2.
//
// The two readings (spec §3.2, unclear → R0):
//   - per segment (IAM): `*` and `?` work inside each colon-separated segment; a `*` that is the last
//     character of its segment may also match ':', any other `*` and every `?` may not; the service segment
//     takes no wildcards (they are literal characters there, so such a pattern matches no real request);
//     within the resource segment (after the fifth ':') `*` and `?` match ':' and '/' as well;
//   - whole string: the pattern is one glob over the whole ARN (wildcard.hpp).
// Every per-segment match is a whole-string match; the reverse does not hold.
// Letter case (spec §3.2): topic names and topic filters are case-sensitive; every other part of the request
// (partition, region, account, the type word, client IDs, thing and shadow names, role aliases) is unclear,
// so ArnMatch gives each reading case-exact and with ASCII case folded outside a topic name. Whether a part is
// a topic name is decided by the request: after `topic/` or `topicfilter/`.
// Matching runs the matcher of wildcard.hpp at most four times (a non-match usually once) and allocates
// nothing. A `*` barred from ':' stays inside its piece as a self-loop of the bit-parallel automaton; the greedy
// placement of wildcard.hpp then takes each piece's earliest-ending occurrence, and its correctness argument holds
// unchanged. Cost per run: O(n × ⌈p/64⌉ + m) as in wildcard.hpp, where p also counts a literal piece whose search
// straddles the start of a topic name (case folds on one side only, which the KMP search cannot express).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "iotpolicy/source.hpp"
#include "iotpolicy/wildcard.hpp"

namespace iotpolicy {

/// The resource types of IoT data-plane ARNs (actions-and-resources.md §3).
enum class ArnResourceKind : std::uint8_t { client, topic, topicfilter, thing, rolealias, unknown };

/// The type word of `kind` as ARNs spell it ("topicfilter"); empty for unknown.
std::string_view arn_resource_kind_name(ArnResourceKind kind);

/// The kind whose type word is exactly `word` (case-sensitive), or unknown.
ArnResourceKind arn_resource_kind(std::string_view word);

/// What is wrong with a Resource value, one kind per check so the linter can map kinds to rules.
enum class ArnProblemKind : std::uint8_t {
    not_an_arn,                 // neither `*` nor text starting with "arn:"
    missing_segments,           // fewer than five ':' and no final `*` to stand for the rest
    unknown_partition,          // not aws, aws-cn or aws-us-gov (a wildcard partition matching none of them)
    wildcard_in_service,        // IAM allows no wildcard in the service segment
    wrong_service,              // a service other than "iot"
    empty_region,
    bad_region,                 // not shaped like a region name (us-east-1), or not lowercase
    partition_region_mismatch,  // cn-* regions are in aws-cn, us-gov-* in aws-us-gov, the rest in aws
    empty_account,
    bad_account,                // not 12 digits (wildcards allowed)
    empty_resource,             // nothing after the fifth ':'
    unknown_resource_type,      // a type word that is none of client, topic, topicfilter, thing, rolealias
    resource_type_case,         // a known type word in the wrong letter case (spec §3.2: linter error)
    missing_resource_name,      // a type word without `/<name>`, or with an empty name
};

/// One problem, with the byte range of `parse_arn`'s input it is about.
struct ArnProblem {
    ArnProblemKind kind;
    Span span;
    std::string message;
};

/// The parts of an ARN as byte ranges of the parsed text (colons and the '/' after the type excluded). A part
/// the text does not reach is the empty range at the text's end.
struct ArnParts {
    Span prefix;         // "arn"
    Span partition;      // "aws"
    Span service;        // "iot"
    Span region;         // "us-east-1"
    Span account;        // "123456789012"
    Span resource;       // everything after the fifth ':': "topic/a/b"
    Span resource_type;  // the resource up to its first '/': "topic"
    Span resource_name;  // after that '/': "a/b"
};

/// A Resource value taken apart.
struct ParsedArn {
    bool is_any = false;             // the value is `*` alone
    bool has_all_segments = false;   // five ':' were found (the resource may still be empty)
    bool has_name_separator = false;  // a '/' follows the resource type
    ArnResourceKind kind = ArnResourceKind::unknown;  // the type word, case-exact and without wildcards
    ArnParts parts;
    std::vector<ArnProblem> problems;  // in the order of the parts they concern; empty when well-formed
};

/// Whether `region` is shaped like a region name: two letters, one or two lowercase words, a number (us-east-1,
/// us-gov-west-1, ap-southeast-2). Says nothing of whether the region exists.
bool is_region_shape(std::string_view region);

/// Parses a Resource value: `*`, or an ARN split on its first five ':' (the name may contain ':' and '/'), the
/// type being the resource part up to its first '/'. Wildcards are allowed in every part but the service.
ParsedArn parse_arn(std::string_view text);

/// The offset of the first `*` or `?` of the Resource value `text` whose meaning differs between matching per
/// segment and as one string (spec §3.2): a `?` or a non-final `*` of a segment before the resource part, or any
/// wildcard in the service; npos when there is none. ArnPattern::readings_may_differ() without compiling.
std::size_t first_reading_dependent_wildcard(std::string_view text);

/// The ARN of a request, prepared once for matching against many patterns. It refers to `text`, which must
/// outlive it.
class RequestArn {
public:
    /// Reads where the case-sensitive part of `text` starts: the name after `topic/` or `topicfilter/`.
    explicit RequestArn(std::string_view text);

    /// The ARN as given.
    std::string_view text() const { return m_text; }

    /// Bytes before this offset may be compared without case under R0; the rest must agree exactly.
    std::size_t case_sensitive_from() const { return m_case_sensitive_from; }

private:
    std::string_view m_text;
    std::size_t m_case_sensitive_from;
};

/// Whether a pattern matches a request under each reading of spec §3.2 and each treatment of letter case.
/// per_segment_exact implies every other flag; whole_string_folded is implied by every other flag.
struct ArnMatch {
    bool per_segment_exact = false;    // IAM's per-segment rule, letters case-exact
    bool per_segment_folded = false;   // per segment, case folded outside a topic name
    bool whole_string_exact = false;   // one glob over the whole ARN, case-exact
    bool whole_string_folded = false;  // one glob, case folded outside a topic name

    /// R0 for an Allow statement: it applies only if it matches under every reading, with exact case.
    bool allows() const { return per_segment_exact && whole_string_exact; }

    /// R0 for a Deny statement: it applies if it matches under any reading, case folded outside topic names.
    bool denies() const { return per_segment_folded || whole_string_folded; }

    /// True when the readings disagree, so a decision resting on this match is reported as uncertain.
    bool is_ambiguous() const { return allows() != denies(); }
};

namespace detail {
struct ArnPatternData;
}

/// A Resource pattern compiled for matching request ARNs under both readings. Any text compiles: a malformed
/// ARN still has a meaning under each reading (parse_arn reports what is wrong with it). Copies share the
/// compiled form; a pattern is immutable, so matching from several threads is safe.
class ArnPattern {
public:
    /// The pattern that matches only the empty string.
    ArnPattern();

    /// Compiles `pattern`, in which every `*` and `?` is a wildcard.
    static ArnPattern compile(std::string_view pattern);

    /// Compiles the concatenation of `pieces`; characters of literal pieces are never wildcards, and every
    /// ':' splits segments wherever it comes from.
    static ArnPattern compile(std::span<const PatternPiece> pieces);

    /// How the pattern matches `request`, all four flags from one call, without allocating.
    ArnMatch match(const RequestArn& request) const;

    /// Shorthand for match(RequestArn(request)).
    ArnMatch match(std::string_view request) const { return match(RequestArn(request)); }

    /// True when the two readings can disagree: a `?` or a `*` that is not last in its segment before the
    /// resource part, or a wildcard in the service (the linter warns on such patterns, spec §3.2).
    bool readings_may_differ() const;

private:
    explicit ArnPattern(std::shared_ptr<const detail::ArnPatternData> data);

    std::shared_ptr<const detail::ArnPatternData> m_data;  // never null
};

}  // namespace iotpolicy
