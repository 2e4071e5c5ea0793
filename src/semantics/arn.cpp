#include "iotpolicy/arn.hpp"

#include <algorithm>  // any_of, all_of, count
#include <array>
#include <optional>
#include <utility>  // move

#include <fmt/format.h>

#include "../support/suggest.hpp"  // equals_ignoring_case, nearest_name
#include "glob.hpp"

namespace iotpolicy {

namespace detail {

/// The two compiled readings of one Resource pattern.
struct ArnPatternData {
    Glob per_segment;
    Glob whole_string;
    bool readings_may_differ = false;
};

}  // namespace detail

namespace {

constexpr std::size_t k_prefix_segments = 5;  // arn, partition, service, region, account
constexpr std::size_t k_service_segment = 2;
constexpr std::size_t k_account_digits = 12;

constexpr std::array<std::string_view, 3> k_partitions{"aws", "aws-cn", "aws-us-gov"};
constexpr std::array<std::string_view, 5> k_type_words{"client", "topic", "topicfilter", "thing", "rolealias"};
constexpr std::array<ArnResourceKind, 5> k_type_kinds{ArnResourceKind::client, ArnResourceKind::topic,
                                                      ArnResourceKind::topicfilter, ArnResourceKind::thing,
                                                      ArnResourceKind::rolealias};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}

Span span_of(std::size_t begin, std::size_t end) {
    return Span{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
}

std::string_view slice(std::string_view text, Span span) {
    return text.substr(span.begin, span.end - span.begin);
}

/// Whether the glob `pattern` (case-sensitive) matches any of `words`.
template <std::size_t N>
bool glob_matches_any(std::string_view pattern, const std::array<std::string_view, N>& words) {
    const WildcardPattern compiled = WildcardPattern::compile(pattern);
    return std::any_of(words.begin(), words.end(), [&](std::string_view word) { return compiled.matches(word); });
}

}  // namespace

bool is_region_shape(std::string_view region) {
    // Called for every ARN every rule parses: the groups live on the stack.
    std::array<std::string_view, 4> groups;
    std::size_t count = 0;
    std::size_t begin = 0;
    while (true) {
        if (count == groups.size()) {
            return false;  // a fifth group
        }
        // A loop, not find(): memchr's setup costs more than these few bytes (every ARN's region comes here).
        std::size_t dash = begin;
        while (dash < region.size() && region[dash] != '-') {
            ++dash;
        }
        groups[count++] = region.substr(begin, dash - begin);
        if (dash == region.size()) {
            break;
        }
        begin = dash + 1;
    }
    if (count < 3 || groups[0].size() != 2 || groups[count - 1].empty()) {
        return false;
    }
    // Lambdas, not function pointers: the tests inline (every ARN's region comes here).
    const auto all = [](std::string_view group, auto test) {
        return !group.empty() && std::all_of(group.begin(), group.end(), test);
    };
    if (!all(groups[count - 1], [](char c) { return is_digit(c); })) {
        return false;
    }
    return std::all_of(groups.begin(), groups.begin() + static_cast<std::ptrdiff_t>(count - 1),
                       [&](std::string_view group) { return all(group, [](char c) { return is_lower(c); }); });
}

namespace {

/// The partition a literal region belongs to.
std::string_view partition_of_region(std::string_view region) {
    if (region.starts_with("cn-")) {
        return "aws-cn";
    }
    if (region.starts_with("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

class ArnChecker {
public:
    explicit ArnChecker(std::string_view text) : m_text(text) {}

    ParsedArn run();

private:
    void report(ArnProblemKind kind, Span span, std::string message) {
        m_result.problems.push_back(ArnProblem{kind, span, std::move(message)});
    }
    std::string_view part(Span span) const { return slice(m_text, span); }

    void check_partition();
    void check_service();
    void check_region();
    void check_account();
    void check_partition_region();
    void check_resource();

    std::string_view m_text;
    ParsedArn m_result;
    std::size_t m_colons = 0;
    bool m_literal_region = false;  // the region has no wildcard and the shape of a region name
};

ParsedArn ArnChecker::run() {
    ArnParts& parts = m_result.parts;
    const std::size_t n = m_text.size();
    if (m_text == "*") {
        m_result.is_any = true;
        parts.resource = parts.resource_type = span_of(0, n);
        parts.prefix = parts.partition = parts.service = parts.region = parts.account = span_of(0, 0);
        parts.resource_name = span_of(n, n);
        return std::move(m_result);
    }

    std::array<std::size_t, k_prefix_segments> colon{};
    for (std::size_t i = 0; i < n && m_colons < k_prefix_segments; ++i) {
        if (m_text[i] == ':') {
            colon[m_colons++] = i;
        }
    }
    // Segment s runs from just after colon s-1 to colon s; segments the text does not reach are empty at its end.
    const auto segment = [&](std::size_t s) {
        const std::size_t begin = s == 0 ? 0 : (s <= m_colons ? colon[s - 1] + 1 : n);
        const std::size_t end = s < m_colons ? colon[s] : n;
        return span_of(begin, std::max(begin, end));
    };
    parts.prefix = segment(0);
    parts.partition = segment(1);
    parts.service = segment(2);
    parts.region = segment(3);
    parts.account = segment(4);
    parts.resource = m_colons == k_prefix_segments ? span_of(colon[4] + 1, n) : span_of(n, n);
    m_result.has_all_segments = m_colons == k_prefix_segments;

    const std::string_view resource = part(parts.resource);
    const std::size_t slash = resource.find('/');
    m_result.has_name_separator = slash != std::string_view::npos;
    parts.resource_type = m_result.has_name_separator ? span_of(parts.resource.begin, parts.resource.begin + slash)
                                                      : parts.resource;
    parts.resource_name = m_result.has_name_separator ? span_of(parts.resource.begin + slash + 1, n) : span_of(n, n);

    const std::string_view prefix = part(parts.prefix);
    if (prefix != "arn") {
        if (m_colons == 0) {
            report(ArnProblemKind::not_an_arn, span_of(0, n),
                   fmt::format("'{}' is neither '*' nor an ARN (arn:<partition>:iot:<region>:<account>:<type>/<name>)",
                               m_text));
            return std::move(m_result);
        }
        report(ArnProblemKind::not_an_arn, parts.prefix,
               detail::equals_ignoring_case(prefix, "arn")
                   ? fmt::format("an ARN starts with lowercase 'arn:', not '{}:'", prefix)
                   : fmt::format("an ARN starts with 'arn:', not '{}:'", prefix));
    }
    // A final `*` stands for the missing segments: under the per-segment reading it may match across ':'.
    if (!m_result.has_all_segments && !m_text.ends_with('*')) {
        report(ArnProblemKind::missing_segments, span_of(0, n),
               fmt::format("incomplete ARN: {} of the 6 parts of arn:<partition>:iot:<region>:<account>:<type>/<name>",
                           m_colons + 1));
    }
    check_partition();
    check_service();
    check_region();
    check_account();
    check_partition_region();
    check_resource();
    return std::move(m_result);
}

void ArnChecker::check_partition() {
    if (m_colons < 1) {
        return;
    }
    const Span span = m_result.parts.partition;
    const std::string_view partition = part(span);
    if (partition.empty()) {
        report(ArnProblemKind::unknown_partition, span, "the partition is empty; expected aws, aws-cn or aws-us-gov");
        return;
    }
    if (has_wildcard(partition)) {
        if (!glob_matches_any(partition, k_partitions)) {
            report(ArnProblemKind::unknown_partition, span,
                   fmt::format("the partition '{}' matches none of aws, aws-cn, aws-us-gov", partition));
        }
        return;
    }
    if (std::find(k_partitions.begin(), k_partitions.end(), partition) != k_partitions.end()) {
        return;
    }
    const std::optional<std::string_view> nearest = detail::nearest_name(partition, k_partitions);
    report(ArnProblemKind::unknown_partition, span,
           nearest ? fmt::format("unknown partition '{}'; did you mean '{}'?", partition, *nearest)
                   : fmt::format("unknown partition '{}'; expected aws, aws-cn or aws-us-gov", partition));
}

void ArnChecker::check_service() {
    if (m_colons < 2) {
        return;
    }
    const Span span = m_result.parts.service;
    const std::string_view service = part(span);
    if (has_wildcard(service)) {
        report(ArnProblemKind::wildcard_in_service, span,
               fmt::format("wildcards are not allowed in the service part ('{}'); IAM reads them as literal "
                           "characters, so this ARN may match nothing (write 'iot')",
                           service));
    } else if (service != "iot") {
        report(ArnProblemKind::wrong_service, span,
               detail::equals_ignoring_case(service, "iot")
                   ? fmt::format("the service is written 'iot' in lowercase, not '{}'", service)
                   : fmt::format("IoT Core resources have the service 'iot', not '{}'", service));
    }
}

void ArnChecker::check_region() {
    if (m_colons < 3) {
        return;
    }
    const Span span = m_result.parts.region;
    const std::string_view region = part(span);
    if (region.empty()) {
        report(ArnProblemKind::empty_region, span, "the region is empty; IoT resources always name one (or '*')");
        return;
    }
    const bool allowed_characters = std::all_of(region.begin(), region.end(), [](char c) {
        return is_lower(c) || is_digit(c) || c == '-' || c == '*' || c == '?';
    });
    if (!allowed_characters) {
        const bool lowercase_would_do = std::all_of(region.begin(), region.end(), [](char c) {
            return is_lower(c) || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '*' || c == '?';
        });
        report(ArnProblemKind::bad_region, span,
               lowercase_would_do ? fmt::format("region names are lowercase, not '{}'", region)
                                  : fmt::format("'{}' is not a region name such as us-east-1", region));
        return;
    }
    if (has_wildcard(region)) {
        return;
    }
    m_literal_region = is_region_shape(region);
    if (!m_literal_region) {
        report(ArnProblemKind::bad_region, span, fmt::format("'{}' is not a region name such as us-east-1", region));
    }
}

void ArnChecker::check_account() {
    if (m_colons < 4) {
        return;
    }
    const Span span = m_result.parts.account;
    const std::string_view account = part(span);
    if (account.empty()) {
        report(ArnProblemKind::empty_account, span,
               "the account is empty; IoT resources always name one (12 digits, or '*')");
        return;
    }
    // One pass: every ARN's account comes here.
    bool digits_and_wildcards = true;
    std::size_t stars = 0;
    for (const char c : account) {
        digits_and_wildcards = digits_and_wildcards && (is_digit(c) || c == '*' || c == '?');
        stars += c == '*' ? 1 : 0;
    }
    const std::size_t fixed = account.size() - stars;
    const bool has_star = stars > 0;
    if (!digits_and_wildcards || fixed > k_account_digits || (!has_star && fixed != k_account_digits)) {
        report(ArnProblemKind::bad_account, span,
               fmt::format("'{}' is not an account ID: accounts are 12 digits ({} here)", account,
                           digits_and_wildcards ? fmt::format("{} characters", fixed) : "not only digits"));
    }
}

void ArnChecker::check_partition_region() {
    if (m_colons < 4) {
        return;
    }
    const std::string_view partition = part(m_result.parts.partition);
    const std::string_view region = part(m_result.parts.region);
    // check_region ran first; a region it returned early for (empty, bad characters) has no region shape either.
    const bool comparable =
        m_literal_region && std::find(k_partitions.begin(), k_partitions.end(), partition) != k_partitions.end();
    if (comparable && partition_of_region(region) != partition) {
        report(ArnProblemKind::partition_region_mismatch, m_result.parts.region,
               fmt::format("region '{}' is in partition '{}', not '{}': this ARN can never match", region,
                           partition_of_region(region), partition));
    }
}

void ArnChecker::check_resource() {
    if (!m_result.has_all_segments) {
        return;
    }
    const ArnParts& parts = m_result.parts;
    if (parts.resource.begin == parts.resource.end) {
        report(ArnProblemKind::empty_resource, parts.resource,
               "the resource after the account is empty; expected <type>/<name> or '*'");
        return;
    }
    const std::string_view type = part(parts.resource_type);
    if (type.find('*') != std::string_view::npos) {
        return;  // a `*` in the type may stand for the '/' and more: nothing to check
    }
    if (has_wildcard(type)) {
        if (!glob_matches_any(type, k_type_words)) {
            report(ArnProblemKind::unknown_resource_type, parts.resource_type,
                   fmt::format("the resource type '{}' matches none of client, topic, topicfilter, thing, rolealias",
                               type));
        }
        return;
    }
    m_result.kind = arn_resource_kind(type);
    if (m_result.kind == ArnResourceKind::unknown) {
        const std::optional<std::string_view> nearest = detail::nearest_name(type, k_type_words);
        if (nearest && detail::equals_ignoring_case(*nearest, type)) {
            report(ArnProblemKind::resource_type_case, parts.resource_type,
                   fmt::format("resource types are lowercase: '{}', not '{}'", *nearest, type));
        } else if (nearest) {
            report(ArnProblemKind::unknown_resource_type, parts.resource_type,
                   fmt::format("unknown resource type '{}'; did you mean '{}'?", type, *nearest));
        } else {
            report(ArnProblemKind::unknown_resource_type, parts.resource_type,
                   fmt::format("unknown resource type '{}'; IoT policies use client, topic, topicfilter, thing and "
                               "rolealias",
                               type));
        }
        return;
    }
    if (!m_result.has_name_separator) {
        report(ArnProblemKind::missing_resource_name, parts.resource_type,
               fmt::format("'{}' must be followed by '/' and a name", type));
    } else if (parts.resource_name.begin == parts.resource_name.end) {
        report(ArnProblemKind::missing_resource_name, span_of(parts.resource_type.begin, parts.resource.end),
               fmt::format("the name after '{}/' is empty", type));
    }
}

/// Whether a `*` or `?` (`c`) in prefix segment `segment` matches differently under the two readings of spec §3.2.
/// In the service, per segment it is a literal character (IAM allows no wildcard there, R0); elsewhere before the
/// resource part only a final `*` crosses ':' in both readings.
bool reading_dependent(char c, std::size_t segment, bool last_in_segment) {
    return segment == k_service_segment || (segment < k_prefix_segments && !(c == '*' && last_in_segment));
}

/// Tokens of both readings for the concatenated pattern `text`, whose byte i is literal when `literal[i]`.
struct ReadingTokens {
    std::vector<detail::GlobToken> per_segment;
    std::vector<detail::GlobToken> whole_string;
    bool readings_may_differ = false;
};

ReadingTokens tokenize(std::string_view text, const std::vector<bool>& literal) {
    using Kind = detail::GlobToken::Kind;
    using detail::GlobClass;
    ReadingTokens tokens;
    std::size_t segment = 0;
    std::size_t run_begin = 0;
    const auto flush = [&](std::size_t end) {
        const std::string_view run = text.substr(run_begin, end - run_begin);
        tokens.per_segment.push_back({Kind::literal, GlobClass::any, run});
        tokens.whole_string.push_back({Kind::literal, GlobClass::any, run});
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (literal[i] || (c != '*' && c != '?')) {
            segment += c == ':' && segment < k_prefix_segments ? 1 : 0;
            continue;
        }
        const Kind kind = c == '*' ? Kind::any_run : Kind::any_one;
        if (segment == k_service_segment) {
            // IAM allows no wildcard in the service: per segment it is a literal character (spec §3.2, R0).
            tokens.readings_may_differ = true;
            flush(i);
            tokens.whole_string.push_back({kind, GlobClass::any, {}});
            tokens.per_segment.push_back({Kind::literal, GlobClass::any, text.substr(i, 1)});
            run_begin = i + 1;
            continue;
        }
        const bool last_in_segment = i + 1 == text.size() || text[i + 1] == ':';
        const bool crosses_colons = !reading_dependent(c, segment, last_in_segment);
        tokens.readings_may_differ = tokens.readings_may_differ || !crosses_colons;
        flush(i);
        tokens.per_segment.push_back({kind, crosses_colons ? GlobClass::any : GlobClass::not_colon, {}});
        tokens.whole_string.push_back({kind, GlobClass::any, {}});
        run_begin = i + 1;
    }
    flush(text.size());
    return tokens;
}

}  // namespace

std::string_view arn_resource_kind_name(ArnResourceKind kind) {
    for (std::size_t i = 0; i < k_type_kinds.size(); ++i) {
        if (k_type_kinds[i] == kind) {
            return k_type_words[i];
        }
    }
    return {};
}

ArnResourceKind arn_resource_kind(std::string_view word) {
    for (std::size_t i = 0; i < k_type_words.size(); ++i) {
        if (k_type_words[i] == word) {
            return k_type_kinds[i];
        }
    }
    return ArnResourceKind::unknown;
}

ParsedArn parse_arn(std::string_view text) {
    return ArnChecker(text).run();
}

std::size_t first_reading_dependent_wildcard(std::string_view text) {
    std::size_t segment = 0;
    for (std::size_t i = 0; i < text.size() && segment < k_prefix_segments; ++i) {
        const char c = text[i];
        if (c == ':') {
            ++segment;
        } else if ((c == '*' || c == '?') &&
                   reading_dependent(c, segment, i + 1 == text.size() || text[i + 1] == ':')) {
            return i;
        }
    }
    return std::string_view::npos;
}

RequestArn::RequestArn(std::string_view text) : m_text(text), m_case_sensitive_from(text.size()) {
    std::size_t at = 0;
    for (std::size_t colons = 0; colons < k_prefix_segments; ++colons) {
        at = text.find(':', at);
        if (at == std::string_view::npos) {
            return;
        }
        ++at;
    }
    const std::string_view resource = text.substr(at);
    if (resource.starts_with("topic/")) {
        m_case_sensitive_from = at + 6;
    } else if (resource.starts_with("topicfilter/")) {
        m_case_sensitive_from = at + 12;
    }
}

// Default patterns share one empty form: compiled entries hold one each, whether they use it or not.
ArnPattern::ArnPattern() : m_data([] {
    static const std::shared_ptr<const detail::ArnPatternData> empty = std::make_shared<const detail::ArnPatternData>();
    return empty;
}()) {}

ArnPattern::ArnPattern(std::shared_ptr<const detail::ArnPatternData> data) : m_data(std::move(data)) {}

ArnPattern ArnPattern::compile(std::string_view pattern) {
    const PatternPiece piece{pattern, false};
    return compile(std::span<const PatternPiece>(&piece, 1));
}

ArnPattern ArnPattern::compile(std::span<const PatternPiece> pieces) {
    std::string text;
    std::vector<bool> literal;
    for (const PatternPiece& piece : pieces) {
        text += piece.text;
        literal.insert(literal.end(), piece.text.size(), piece.literal);
    }
    const ReadingTokens tokens = tokenize(text, literal);
    auto data = std::make_shared<detail::ArnPatternData>();
    data->per_segment = detail::Glob(tokens.per_segment);
    data->whole_string = detail::Glob(tokens.whole_string);
    data->readings_may_differ = tokens.readings_may_differ;
    return ArnPattern(std::move(data));
}

// The flags are ordered (per_segment_exact implies the rest; whole_string_folded is implied by them), so most
// requests are settled by one or two runs: a non-match by the first, an unambiguous match by the second.
ArnMatch ArnPattern::match(const RequestArn& request) const {
    const detail::ArnPatternData& data = *m_data;
    const std::string_view text = request.text();
    ArnMatch result;
    result.whole_string_folded = data.whole_string.matches(text, request.case_sensitive_from());
    if (!result.whole_string_folded) {
        return result;
    }
    result.whole_string_exact = data.whole_string.matches(text, 0);
    if (!data.readings_may_differ) {
        result.per_segment_exact = result.whole_string_exact;
        result.per_segment_folded = result.whole_string_folded;
        return result;
    }
    result.per_segment_exact = result.whole_string_exact && data.per_segment.matches(text, 0);
    result.per_segment_folded =
        result.per_segment_exact || data.per_segment.matches(text, request.case_sensitive_from());
    return result;
}

bool ArnPattern::readings_may_differ() const {
    return m_data->readings_may_differ;
}

}  // namespace iotpolicy
