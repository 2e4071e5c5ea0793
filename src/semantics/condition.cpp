// Condition operator evaluation (include/iotpolicy/condition.hpp; variables-and-conditions.md §7).
#include "iotpolicy/condition.hpp"

#include <charconv>
#include <cmath>

#include "../support/suggest.hpp"  // equals_ignoring_case

namespace iotpolicy {

namespace {

using catalog::OperatorFamily;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool has_non_ascii(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return true;
    }
    return false;
}

Truth equals_ignore_case(std::string_view a, std::string_view b) {
    if (detail::equals_ignoring_case(a, b)) return Truth::yes;
    // Non-ASCII case folding is undocumented (§7.6): a difference may be one of case only.
    if (has_non_ascii(a) && has_non_ascii(b)) return Truth::unknown;
    return Truth::no;
}

std::optional<double> parse_number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    const char* first = s.data();
    const char* last = s.data() + s.size();
    if (*first == '+') ++first;  // from_chars rejects a leading '+'
    if (first == last) return std::nullopt;
    double v = 0;
    auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::fixed);
    if (ec != std::errc{} || ptr != last || !std::isfinite(v)) return std::nullopt;
    return v;
}

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (!is_digit(c)) return false;
        v = v * 10 + (c - '0');
    }
    pos += n;
    out = v;
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
    static constexpr int table[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : table[m - 1];
}

double seconds_of(int y, int mo, int d) {
    return static_cast<double>(days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) * 86400.0;
}

bool match_byte(std::string_view s, std::size_t& pos, char c) {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

Truth compare_numbers(std::string_view op, double a, double b) {
    // `a` is the request value, `b` the policy value: "NumericLessThan" is request < policy.
    if (op.ends_with("NotEquals")) return truth_of(a == b);  // positive counterpart; negation applied later
    if (op.ends_with("LessThanEquals")) return truth_of(a <= b);
    if (op.ends_with("LessThan")) return truth_of(a < b);
    if (op.ends_with("GreaterThanEquals")) return truth_of(a >= b);
    if (op.ends_with("GreaterThan")) return truth_of(a > b);
    return truth_of(a == b);
}

Truth compare_dates(std::string_view op, const DateInterval& a, const DateInterval& b) {
    if (a.granularity == b.granularity) return compare_numbers(op, a.first, b.first);
    const bool equality = op.ends_with("Equals") && !op.ends_with("ThanEquals");
    if (equality) {
        if (a.last < b.first || b.last < a.first) return Truth::no;
        return Truth::unknown;  // a partial date against a finer one (§7.6, R0)
    }
    // Ordering is monotone in each side: the extreme corners decide.
    const Truth lo = compare_numbers(op, a.first, b.last);
    const Truth hi = compare_numbers(op, a.last, b.first);
    const Truth c = compare_numbers(op, a.first, b.first);
    const Truth d = compare_numbers(op, a.last, b.last);
    if (lo == hi && hi == c && c == d) return lo;
    return Truth::unknown;
}

std::optional<std::array<std::uint8_t, 4>> parse_v4(std::string_view s) {
    std::array<std::uint8_t, 4> out{};
    std::size_t pos = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        if (i > 0 && !match_byte(s, pos, '.')) return std::nullopt;
        std::size_t start = pos;
        unsigned v = 0;
        while (pos < s.size() && is_digit(s[pos]) && pos - start < 3) v = v * 10 + static_cast<unsigned>(s[pos++] - '0');
        if (pos == start || v > 255 || (pos - start > 1 && s[start] == '0')) return std::nullopt;
        out[i] = static_cast<std::uint8_t>(v);
    }
    if (pos != s.size()) return std::nullopt;
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::array<std::uint8_t, 16>> parse_v6(std::string_view s) {
    std::array<std::uint16_t, 8> groups{};
    std::size_t count = 0;
    std::optional<std::size_t> gap;  // index in groups where "::" stands
    std::size_t pos = 0;
    if (s.starts_with("::")) {
        gap = 0;
        pos = 2;
    }
    while (pos < s.size()) {
        if (count >= 8) return std::nullopt;
        // An embedded IPv4 tail.
        std::size_t end = s.find_first_of(":", pos);
        std::string_view piece = s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (piece.find('.') != std::string_view::npos) {
            if (end != std::string_view::npos || count > 6) return std::nullopt;
            auto v4 = parse_v4(piece);
            if (!v4) return std::nullopt;
            groups[count++] = static_cast<std::uint16_t>(((*v4)[0] << 8) | (*v4)[1]);
            groups[count++] = static_cast<std::uint16_t>(((*v4)[2] << 8) | (*v4)[3]);
            pos = s.size();
            break;
        }
        if (piece.empty() || piece.size() > 4) return std::nullopt;
        unsigned v = 0;
        for (char c : piece) {
            int h = hex_value(c);
            if (h < 0) return std::nullopt;
            v = v * 16 + static_cast<unsigned>(h);
        }
        groups[count++] = static_cast<std::uint16_t>(v);
        pos += piece.size();
        if (pos == s.size()) break;
        ++pos;  // ':'
        if (pos < s.size() && s[pos] == ':') {
            if (gap) return std::nullopt;
            gap = count;
            ++pos;
        } else if (pos == s.size()) {
            return std::nullopt;  // trailing single ':'
        }
    }
    if (gap) {
        if (count >= 8) return std::nullopt;
        std::array<std::uint16_t, 8> full{};
        std::size_t tail = count - *gap;
        for (std::size_t i = 0; i < *gap; ++i) full[i] = groups[i];
        for (std::size_t i = 0; i < tail; ++i) full[8 - tail + i] = groups[*gap + i];
        groups = full;
    } else if (count != 8) {
        return std::nullopt;
    }
    std::array<std::uint8_t, 16> out{};
    for (std::size_t i = 0; i < 8; ++i) {
        out[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
        out[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xff);
    }
    return out;
}

bool is_v4_mapped(const IpRange& r) {
    if (!r.v6) return false;
    for (std::size_t i = 0; i < 10; ++i) {
        if (r.bytes[i] != 0) return false;
    }
    return r.bytes[10] == 0xff && r.bytes[11] == 0xff;
}

bool in_range(const IpRange& range, const IpRange& addr) {
    std::size_t full = range.prefix / 8u;
    for (std::size_t i = 0; i < full; ++i) {
        if (range.bytes[i] != addr.bytes[i]) return false;
    }
    unsigned rest = range.prefix % 8u;
    if (rest == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xffu << (8 - rest));
    return (range.bytes[full] & mask) == (addr.bytes[full] & mask);
}

// Splits at the first five ':' into six components; false when there are fewer.
bool split_arn(std::string_view s, std::array<std::string_view, 6>& out) {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < 5; ++i) {
        std::size_t colon = s.find(':', pos);
        if (colon == std::string_view::npos) return false;
        out[i] = s.substr(pos, colon - pos);
        pos = colon + 1;
    }
    out[5] = s.substr(pos);
    return true;
}

}  // namespace

std::optional<DateInterval> parse_condition_date(std::string_view s) {
    if (s.empty()) return std::nullopt;
    // Integer epoch seconds (a four-digit text is a year).
    {
        std::size_t i = s[0] == '-' ? 1 : 0;
        bool all_digits = i < s.size();
        for (std::size_t j = i; j < s.size(); ++j) all_digits = all_digits && is_digit(s[j]);
        if (all_digits && !(i == 0 && s.size() == 4)) {
            if (s.size() - i > 15) return std::nullopt;
            long long v = 0;
            std::from_chars(s.data() + i, s.data() + s.size(), v);
            double secs = static_cast<double>(i == 1 ? -v : v);
            return DateInterval{secs, secs, 0};
        }
    }
    std::size_t pos = 0;
    int year = 0, month = 1, day = 1;
    if (!read_digits(s, pos, 4, year)) return std::nullopt;
    if (pos == s.size()) {
        return DateInterval{seconds_of(year, 1, 1), seconds_of(year + 1, 1, 1) - 1e-6, 3};
    }
    if (!match_byte(s, pos, '-') || !read_digits(s, pos, 2, month) || month < 1 || month > 12) return std::nullopt;
    if (pos == s.size()) {
        double next = month == 12 ? seconds_of(year + 1, 1, 1) : seconds_of(year, month + 1, 1);
        return DateInterval{seconds_of(year, month, 1), next - 1e-6, 2};
    }
    if (!match_byte(s, pos, '-') || !read_digits(s, pos, 2, day) || day < 1 || day > days_in_month(year, month)) {
        return std::nullopt;
    }
    const double midnight = seconds_of(year, month, day);
    if (pos == s.size()) return DateInterval{midnight, midnight + 86400.0 - 1e-6, 1};
    int hour = 0, minute = 0, second = 0;
    double fraction = 0;
    if (!match_byte(s, pos, 'T') || !read_digits(s, pos, 2, hour) || hour > 23 || !match_byte(s, pos, ':') ||
        !read_digits(s, pos, 2, minute) || minute > 59) {
        return std::nullopt;
    }
    if (match_byte(s, pos, ':')) {
        if (!read_digits(s, pos, 2, second) || second > 59) return std::nullopt;
        if (match_byte(s, pos, '.')) {
            double scale = 0.1;
            std::size_t start = pos;
            while (pos < s.size() && is_digit(s[pos])) {
                fraction += scale * (s[pos] - '0');
                scale /= 10;
                ++pos;
            }
            if (pos == start) return std::nullopt;
        }
    }
    int offset = 0;  // seconds east of UTC
    if (match_byte(s, pos, 'Z')) {
        offset = 0;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0, om = 0;
        if (!read_digits(s, pos, 2, oh) || oh > 23 || !match_byte(s, pos, ':') || !read_digits(s, pos, 2, om) ||
            om > 59) {
            return std::nullopt;
        }
        offset = sign * (oh * 3600 + om * 60);
    } else {
        return std::nullopt;  // the time forms require a TZD
    }
    if (pos != s.size()) return std::nullopt;
    double t = midnight + hour * 3600.0 + minute * 60.0 + second + fraction - offset;
    return DateInterval{t, t, 0};
}

std::optional<IpRange> parse_ip_range(std::string_view s) {
    std::string_view address = s;
    std::optional<unsigned> prefix;
    if (auto slash = s.find('/'); slash != std::string_view::npos) {
        address = s.substr(0, slash);
        std::string_view p = s.substr(slash + 1);
        if (p.empty() || p.size() > 3) return std::nullopt;
        unsigned v = 0;
        for (char c : p) {
            if (!is_digit(c)) return std::nullopt;
            v = v * 10 + static_cast<unsigned>(c - '0');
        }
        prefix = v;
    }
    IpRange r;
    if (address.find(':') != std::string_view::npos) {
        auto b = parse_v6(address);
        if (!b) return std::nullopt;
        r.bytes = *b;
        r.v6 = true;
        if (prefix && *prefix > 128) return std::nullopt;
        r.prefix = static_cast<std::uint8_t>(prefix.value_or(128));
    } else {
        auto b = parse_v4(address);
        if (!b) return std::nullopt;
        for (std::size_t i = 0; i < 4; ++i) r.bytes[i] = (*b)[i];
        if (prefix && *prefix > 32) return std::nullopt;
        r.prefix = static_cast<std::uint8_t>(prefix.value_or(32));
    }
    return r;
}

CompiledCondition CompiledCondition::compile(std::string_view operator_name, std::span<const std::string> values) {
    std::vector<std::string_view> views(values.begin(), values.end());
    return compile(operator_name, std::span<const std::string_view>(views));
}

CompiledCondition CompiledCondition::compile(std::string_view name, std::span<const std::string_view> values) {
    CompiledCondition c;
    const OperatorNameParts name_parts = split_operator_name(name);
    c.m_qualifier = name_parts.qualifier;
    c.m_op = catalog::find_condition_operator(name_parts.base);
    c.m_if_exists = name_parts.if_exists && c.m_op != nullptr;
    if (!c.m_op) {
        c.m_always_unknown = true;
        c.m_problems.push_back({std::nullopt, "unknown condition operator \"" + std::string(name) + "\""});
        return c;
    }
    const auto family = c.m_op->family;
    if (c.m_if_exists && !c.m_op->if_exists) {
        c.m_always_unknown = true;
        c.m_problems.push_back({std::nullopt, std::string(c.m_op->name) + " takes no IfExists suffix"});
    }
    if (c.m_qualifier != SetQualifier::none && !c.m_op->set_qualifiers) {
        c.m_always_unknown = true;  // undocumented for this family (§7.5, R0)
        c.m_problems.push_back(
            {std::nullopt, "set qualifiers are not documented for " + std::string(c.m_op->name)});
    }
    c.m_values.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        CompiledConditionValue v;
        v.text = std::string(values[i]);
        const std::string_view t = values[i];
        std::string problem;
        switch (family) {
        case OperatorFamily::string:
            if (c.m_op->wildcards) v.pattern = WildcardPattern::compile(t);
            break;
        case OperatorFamily::numeric:
            if (auto n = parse_number(t)) v.number = *n;
            else problem = "not a number";
            break;
        case OperatorFamily::date:
            if (auto d = parse_condition_date(t)) v.date = *d;
            else problem = "not a date (W3C ISO 8601 form or integer epoch seconds)";
            break;
        case OperatorFamily::ip_address:
            if (auto r = parse_ip_range(t)) v.ip = *r;
            else problem = "not an IPv4 or IPv6 address or CIDR block";
            break;
        case OperatorFamily::boolean:
        case OperatorFamily::null:
            if (t == "true") v.boolean = true;
            else if (t == "false") v.boolean = false;
            else problem = "not \"true\" or \"false\"";
            break;
        case OperatorFamily::arn: {
            std::array<std::string_view, 6> parts;
            if (split_arn(t, parts)) {
                for (std::size_t k = 0; k < 6; ++k) v.arn_components[k] = WildcardPattern::compile(parts[k]);
            } else {
                problem = "not an ARN of six ':'-separated components";
            }
            break;
        }
        case OperatorFamily::binary: break;
        }
        if (!problem.empty()) {
            v.valid = false;
            c.m_problems.push_back({i, "value " + std::to_string(i) + " \"" + v.text + "\": " + problem});
        }
        c.m_values.push_back(std::move(v));
    }
    return c;
}

Truth CompiledCondition::match_positive(const CompiledConditionValue& p, std::string_view r) const {
    if (!p.valid) return Truth::unknown;
    const std::string_view op = m_op->name;
    switch (m_op->family) {
    case OperatorFamily::string:
        if (m_op->wildcards) return truth_of(p.pattern.matches(r, Case::sensitive));
        if (m_op->case_sensitive.value_or(true)) return truth_of(p.text == r);
        return equals_ignore_case(p.text, r);
    case OperatorFamily::numeric: {
        auto n = parse_number(r);
        if (!n) return Truth::unknown;
        return compare_numbers(op, *n, p.number);
    }
    case OperatorFamily::date: {
        auto d = parse_condition_date(r);
        if (!d) return Truth::unknown;
        return compare_dates(op, *d, p.date);
    }
    case OperatorFamily::ip_address: {
        auto a = parse_ip_range(r);
        if (!a) return Truth::unknown;
        if (a->v6 != p.ip.v6) {
            // IPv4-mapped IPv6 is undocumented (§7.6, R0).
            return (is_v4_mapped(*a) || is_v4_mapped(p.ip)) ? Truth::unknown : Truth::no;
        }
        return truth_of(in_range(p.ip, *a));
    }
    case OperatorFamily::boolean:
        if (r == "true") return truth_of(p.boolean);
        if (r == "false") return truth_of(!p.boolean);
        return Truth::unknown;
    case OperatorFamily::binary: return truth_of(p.text == r);
    case OperatorFamily::arn: {
        std::array<std::string_view, 6> parts;
        if (!split_arn(r, parts)) return Truth::no;
        for (std::size_t k = 0; k < 6; ++k) {
            if (!p.arn_components[k].matches(parts[k], Case::sensitive)) return Truth::no;
        }
        return Truth::yes;
    }
    case OperatorFamily::null: break;
    }
    return Truth::unknown;
}

Truth CompiledCondition::evaluate_one(std::string_view request_value) const {
    Truth any = Truth::no;
    for (const auto& p : m_values) {
        any = truth_or(any, match_positive(p, request_value));
        if (any == Truth::yes) break;
    }
    return m_op->negated.value_or(false) ? truth_not(any) : any;
}

Truth CompiledCondition::evaluate_known(std::span<const std::string_view> values, bool present) const {
    if (m_op->family == OperatorFamily::null) {
        // "true": the key is absent; an empty set counts as null (§7.4).
        const bool is_null = !present || values.empty();
        Truth any = Truth::no;
        for (const auto& p : m_values) any = truth_or(any, p.valid ? truth_of(p.boolean == is_null) : Truth::unknown);
        return any;
    }
    const bool absent = !present;
    switch (m_qualifier) {
    case SetQualifier::for_any_value: {
        if (absent || values.empty()) {
            // ForAnyValue:...IfExists on an absent key: false by one rule, true by the other (§7.5, R0).
            return (absent && m_if_exists) ? Truth::unknown : Truth::no;
        }
        Truth any = Truth::no;
        for (auto v : values) {
            any = truth_or(any, evaluate_one(v));
            if (any == Truth::yes) break;
        }
        return any;
    }
    case SetQualifier::for_all_values: {
        Truth all = Truth::yes;
        for (auto v : values) {
            if (absent) break;
            all = truth_and(all, evaluate_one(v));
            if (all == Truth::no) break;
        }
        return all;
    }
    case SetQualifier::none: break;
    }
    if (absent || values.empty()) {
        if (m_if_exists) return Truth::yes;
        return truth_of(m_op->key_absent_result.value_or(m_op->negated.value_or(false)));
    }
    if (values.size() == 1) return evaluate_one(values[0]);
    // A plain operator on a multivalued key is undocumented (§7.5): decided only when both set readings agree.
    Truth any = Truth::no;
    Truth all = Truth::yes;
    for (auto v : values) {
        Truth t = evaluate_one(v);
        any = truth_or(any, t);
        all = truth_and(all, t);
    }
    return any == all ? any : Truth::unknown;
}

Truth CompiledCondition::evaluate(std::span<const std::string_view> values, KeyPresence presence) const {
    if (!m_op || m_always_unknown) return Truth::unknown;
    switch (presence) {
    case KeyPresence::absent: return evaluate_known({}, false);
    case KeyPresence::present: return evaluate_known(values, true);
    case KeyPresence::unknown: {
        Truth a = evaluate_known({}, false);
        Truth b = evaluate_known(values, true);
        return a == b ? a : Truth::unknown;
    }
    }
    return Truth::unknown;
}

}  // namespace iotpolicy
