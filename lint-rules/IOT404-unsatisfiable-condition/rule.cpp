// IOT404 unsatisfiable-condition: conditions on one key that can never all be true, so an Allow they guard grants
// nothing and a Deny they guard never applies (spec vars §7.1 "Several operators: AND", §7.2, §7.4, §7.5, §7.6).
//
// Soundness (spec R0, iot-policy-semantics.md §0.2): every verdict comes from the simulator's own condition evaluation
// (iotpolicy/condition.hpp), and the rule reports only when every reading gives FALSE. A statement's conditions are
// ANDed, so proving a subset of them unsatisfiable proves the whole; whatever the rule cannot reason about exactly (an
// unknown or mis-cased operator, a value holding a variable, a multi-valued key's set of values) is left out or made
// UNKNOWN, which can only make it stay silent.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "iotpolicy/condition.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/statement_actions.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

namespace {

/// One condition of a statement, compiled once for the checks below.
struct KeyCondition {
    const Condition* condition = nullptr;
    CompiledCondition compiled;
    bool has_variable = false;  // a value holds `${`: what it compares with is unknown until substituted
    bool written_empty = false;  // the values are written `[]`, not emptied by the builder dropping a bad value
};

/// True when none of `actions` is among the actions `variable` is documented for (its applies_to_actions, which the
/// caller has checked is not empty): the requests of this statement never carry the key (e.g. iot:ConnectAttributes
/// outside iot:Connect, spec vars §6).
bool never_present(const catalog::PolicyVariable& variable, const std::vector<const catalog::Action*>& actions) {
    return std::none_of(actions.begin(), actions.end(), [&](const catalog::Action* action) {
        return std::any_of(variable.applies_to_actions.begin(), variable.applies_to_actions.end(),
                           [&](std::string_view name) { return detail::equals_ignoring_case(name, action->name); });
    });
}

/// Whether two condition keys name the same request key. Key names compare ignoring case (spec vars §7.1), but
/// whether a thing attribute's name in `Attributes[...]` does is undocumented, so keys with a bracket must be equal.
bool same_key(std::string_view a, std::string_view b) {
    return a == b || (a.find('[') == std::string_view::npos && detail::equals_ignoring_case(a, b));
}

/// True when `c` is FALSE whatever single value the key has: Null "true" (the key must be absent, §7.4), or a
/// positive operator with no values to match (an empty list; for ForAnyValue an empty list matches nothing, §7.5).
bool false_whenever_present(const KeyCondition& c) {
    const catalog::ConditionOperator& op = *c.compiled.base();
    if (op.family == catalog::OperatorFamily::null) {
        const auto values = c.compiled.values();
        return !values.empty() && std::all_of(values.begin(), values.end(), [](const CompiledConditionValue& v) {
            return v.valid && v.boolean;
        });
    }
    return c.written_empty && !op.negated.value_or(false) &&
           c.compiled.qualifier() != SetQualifier::for_all_values;
}

/// A bound of a numeric or date interval.
struct Bound {
    double at = 0;
    bool strict = false;
    const KeyCondition* from = nullptr;
};

/// The interval of values that satisfy every Numeric (or Date) condition in `group`; the two conditions whose bounds
/// cross when it is empty. Only plain conditions whose values all convert take part; a Date value must be a full
/// timestamp or epoch (partial dates compare as intervals, an unclear point, §7.6). The request's value is taken as a
/// single number or instant, as IAM's numeric and date keys are [I].
std::optional<std::pair<const KeyCondition*, const KeyCondition*>> crossed_bounds(
    const std::vector<KeyCondition>& group, catalog::OperatorFamily family) {
    std::optional<Bound> lower;
    std::optional<Bound> upper;
    for (const KeyCondition& c : group) {
        const catalog::ConditionOperator& op = *c.compiled.base();
        if (op.family != family || c.compiled.qualifier() != SetQualifier::none || c.has_variable ||
            c.compiled.values().empty()) {
            continue;
        }
        const auto values = c.compiled.values();
        const bool usable = std::all_of(values.begin(), values.end(), [&](const CompiledConditionValue& v) {
            return v.valid && (family != catalog::OperatorFamily::date || v.date.granularity == 0);
        });
        if (!usable) {
            continue;
        }
        const auto at = [&](const CompiledConditionValue& v) {
            return family == catalog::OperatorFamily::date ? v.date.first : v.number;
        };
        const std::string_view name = op.name;
        const bool equals = name.ends_with("Equals") && !name.ends_with("ThanEquals") && !name.ends_with("NotEquals");
        const bool less = name.ends_with("LessThan") || name.ends_with("LessThanEquals");
        const bool greater = name.ends_with("GreaterThan") || name.ends_with("GreaterThanEquals");
        const bool strict = name.ends_with("Than");
        // Several values are ORed (§7.1): the condition admits up to its largest upper or down to its smallest
        // lower bound. Equals with several values admits separate points, which an interval would over-state, so
        // only a single value counts.
        std::optional<Bound> low;
        std::optional<Bound> high;
        if (equals && values.size() == 1) {
            low = Bound{at(values[0]), false, &c};
            high = low;
        } else if (less || greater) {
            Bound b{at(values[0]), strict, &c};
            for (const CompiledConditionValue& v : values) {
                b.at = less ? std::max(b.at, at(v)) : std::min(b.at, at(v));
            }
            (less ? high : low) = b;
        }
        const auto tighter_low = [](const Bound& a, const Bound& b) {
            return a.at > b.at || (a.at == b.at && a.strict && !b.strict);
        };
        if (low && (!lower || tighter_low(*low, *lower))) {
            lower = low;
        }
        if (high && (!upper || high->at < upper->at || (high->at == upper->at && high->strict && !upper->strict))) {
            upper = high;
        }
    }
    if (lower && upper &&
        (lower->at > upper->at || (lower->at == upper->at && (lower->strict || upper->strict)))) {
        return std::pair{lower->from, upper->from};
    }
    return std::nullopt;
}

/// Whether the address ranges `a` and `b` share no address. Unclear cases (IPv4-mapped IPv6, host bits set beyond
/// the prefix, spec vars §7.6) answer false.
bool disjoint(const IpRange& a, const IpRange& b) {
    const auto clean = [](const IpRange& r) {
        const int width = r.v6 ? 128 : 32;
        for (int bit = r.prefix; bit < width; ++bit) {
            if ((r.bytes[bit / 8] >> (7 - bit % 8)) & 1) {
                return false;
            }
        }
        return true;
    };
    if (!clean(a) || !clean(b) || a.v6 != b.v6) {
        return false;
    }
    const int common = std::min(a.prefix, b.prefix);
    for (int bit = 0; bit < common; ++bit) {
        if (((a.bytes[bit / 8] ^ b.bytes[bit / 8]) >> (7 - bit % 8)) & 1) {
            return true;
        }
    }
    return false;
}

/// Two plain IpAddress conditions whose ranges do not overlap (the key is one address, §7.6).
std::optional<std::pair<const KeyCondition*, const KeyCondition*>> disjoint_ranges(
    const std::vector<KeyCondition>& group) {
    for (std::size_t i = 0; i < group.size(); ++i) {
        for (std::size_t j = i + 1; j < group.size(); ++j) {
            const KeyCondition& a = group[i];
            const KeyCondition& b = group[j];
            const auto plain_ip = [](const KeyCondition& c) {
                return c.compiled.base()->name == "IpAddress" && c.compiled.qualifier() == SetQualifier::none &&
                       !c.has_variable;
            };
            if (!plain_ip(a) || !plain_ip(b)) {
                continue;
            }
            bool all_disjoint = true;
            for (const CompiledConditionValue& x : a.compiled.values()) {
                for (const CompiledConditionValue& y : b.compiled.values()) {
                    all_disjoint = all_disjoint && x.valid && y.valid && disjoint(x.ip, y.ip);
                }
            }
            if (all_disjoint) {
                return std::pair{&a, &b};
            }
        }
    }
    return std::nullopt;
}

/// How a message names condition `c`: its operator, and for Null the value, which is what it tests.
std::string label(const KeyCondition& c) {
    const Condition& condition = *c.condition;
    if (c.compiled.base()->family == catalog::OperatorFamily::null && condition.values.size() == 1) {
        return fmt::format("\"{}\": \"{}\"", condition.operator_name.value, condition.values[0].text);
    }
    return fmt::format("\"{}\"", condition.operator_name.value);
}

std::string quoted_list(const Condition& condition) {
    std::string out;
    for (const ConditionValue& value : condition.values) {
        out += fmt::format("{}\"{}\"", out.empty() ? "" : ", ", value.text);
    }
    return out;
}

class UnsatisfiableCondition final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            // A broken statement has no meaning of its own (spec §0.3 R1); one without Effect has no consequence.
            if (statement.is_broken || !statement.effect || statement.conditions.empty()) {
                continue;
            }
            check_statement(context, statement);
        }
    }

private:
    static void check_statement(RuleContext& context, const Statement& statement) {
        std::optional<std::optional<std::vector<const catalog::Action*>>> actions;  // computed when first needed
        const auto statement_actions = [&]() -> const std::optional<std::vector<const catalog::Action*>>& {
            if (!actions) {
                actions.emplace(statement.action ? named_actions(*statement.action) : std::nullopt);
            }
            return *actions;
        };
        std::vector<bool> done(statement.conditions.size(), false);
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < statement.conditions.size(); ++i) {
            if (done[i]) {
                continue;
            }
            // The conditions on one key, whose names compare ignoring case (spec vars §7.1).
            members.clear();
            for (std::size_t j = i; j < statement.conditions.size(); ++j) {
                if (!done[j] && same_key(statement.conditions[j].key.value, statement.conditions[i].key.value)) {
                    done[j] = true;
                    members.push_back(j);
                }
            }
            // A lone condition is unsatisfiable only when its key is action-specific or it has no values; the
            // common case is settled here, without compiling anything (every policy is linted at speed).
            if (members.size() == 1) {
                const Condition& only = statement.conditions[i];
                const auto match = catalog::match_policy_variable(only.key.value);
                if (!only.values.empty() && !(match && !match->variable->applies_to_actions.empty())) {
                    continue;
                }
            }
            std::vector<KeyCondition> group;
            for (const std::size_t j : members) {
                KeyCondition c = compile(context.source(), statement.conditions[j]);
                if (c.compiled.base() != nullptr) {
                    group.push_back(std::move(c));
                }
            }
            if (!group.empty()) {
                check_key(context, statement, statement_actions, group);
            }
        }
    }

    static KeyCondition compile(const SourceFile& source, const Condition& condition) {
        std::vector<std::string_view> texts;
        texts.reserve(condition.values.size());
        for (const ConditionValue& value : condition.values) {
            texts.emplace_back(value.text);
        }
        KeyCondition c{&condition, CompiledCondition::compile(condition.operator_name.value, texts), false, false};
        // A null or a number where strings belong is left out by the builder and reported as IOT007; what AWS makes
        // of it is unknown, so only a list written empty counts as one.
        if (condition.values.empty() && condition.values_are_array) {
            const std::string_view text = source.text().substr(
                condition.values_span.begin, condition.values_span.end - condition.values_span.begin);
            c.written_empty = text.find_first_not_of(" \t\r\n[]") == std::string_view::npos;
        }
        for (std::size_t k = 0; k < texts.size(); ++k) {
            if (texts[k].find("${") != std::string_view::npos) {
                c.compiled.mark_value_unknown(k);
                c.has_variable = true;
            }
        }
        return c;
    }

    template <typename Actions>
    static void check_key(RuleContext& context, const Statement& statement, const Actions& statement_actions,
                          const std::vector<KeyCondition>& group) {
        // Absent key: the first condition that is then FALSE (a positive operator, Null "false", §7.2, §7.4).
        const KeyCondition* needs_key = nullptr;
        for (const KeyCondition& c : group) {
            if (c.compiled.evaluate({}, KeyPresence::absent) == Truth::no) {
                needs_key = &c;
                break;
            }
        }
        if (needs_key == nullptr) {
            return;  // the conditions hold when the key is absent
        }
        const std::string& key = group.front().condition->key.value;
        const auto match = catalog::match_policy_variable(key);

        if (match && !match->variable->applies_to_actions.empty() && statement_actions() &&
            never_present(*match->variable, *statement_actions())) {
            std::string documented;
            for (const std::string_view name : match->variable->applies_to_actions) {
                documented += fmt::format("{}{}", documented.empty() ? "" : ", ", name);
            }
            report(context, statement, *needs_key,
                   fmt::format("{} is in the request context only for {}, which this statement's Action does not "
                               "name, so the key is always absent and \"{}\" is never true (spec vars §6, §7.2)",
                               match->variable->name, documented, needs_key->condition->operator_name.value));
            return;
        }

        // Present key. Conditions that no present value can satisfy (spec vars §7.4, §7.5).
        for (const KeyCondition& c : group) {
            if (!false_whenever_present(c)) {
                continue;
            }
            const bool is_null = c.compiled.base()->family == catalog::OperatorFamily::null;
            report(context, statement, c,
                   is_null ? fmt::format("\"Null\": \"true\" requires {} to be absent, while {} requires it to be "
                                         "present, so the two are never true together (spec vars §7.2, §7.4)",
                                         key, label(*needs_key))
                           : fmt::format("\"{}\" has no values to match, so it is never true, whether {} is present "
                                         "or not (spec vars §7.1, §7.5)",
                                         c.condition->operator_name.value, key));
            return;
        }

        // The key's single value (spec vars §7.5): a multi-valued key's set of values is beyond this rule, and an
        // unknown key may be one, so only the catalog's single-valued keys are reasoned about for strings.
        const bool single_valued = match && !match->variable->multi_valued;
        if (single_valued) {
            if (const auto conflict = conflicting_candidates(group)) {
                const Condition& source = *conflict->source->condition;
                report(context, statement, *conflict->last,
                       fmt::format("\"{}\" requires {} to be {}{}, and {} rejects {}, so they are never true together "
                                   "(spec vars §7.1, §7.6)",
                                   source.operator_name.value, key, source.values.size() == 1 ? "" : "one of ",
                                   quoted_list(source),
                                   conflict->rejecting != nullptr
                                       ? fmt::format("{} {}", label(*conflict->rejecting),
                                                     quoted_list(*conflict->rejecting->condition))
                                       : std::string("the other conditions on the key"),
                                   source.values.size() == 1 ? "it" : "each of them"));
                return;
            }
        }
        if (match && match->variable->multi_valued) {
            return;
        }
        for (const auto family : {catalog::OperatorFamily::numeric, catalog::OperatorFamily::date}) {
            if (const auto crossed = crossed_bounds(group, family)) {
                report(context, statement, *crossed->second,
                       fmt::format("\"{}\" {} and \"{}\" {} admit no common {} for {} (spec vars §7.1, §7.6)",
                                   crossed->first->condition->operator_name.value,
                                   quoted_list(*crossed->first->condition),
                                   crossed->second->condition->operator_name.value,
                                   quoted_list(*crossed->second->condition),
                                   family == catalog::OperatorFamily::date ? "time" : "number", key));
                return;
            }
        }
        if (const auto ranges = disjoint_ranges(group)) {
            report(context, statement, *ranges->second,
                   fmt::format("\"IpAddress\" {} and \"IpAddress\" {} share no address, so {} cannot satisfy both "
                               "(spec vars §7.1, §7.6)",
                               quoted_list(*ranges->first->condition), quoted_list(*ranges->second->condition), key));
        }
    }

    /// A condition that admits only listed values (StringEquals, Bool) and another that rejects every one of them:
    /// the request's value must be one of the former's, so it is checked against every condition with the
    /// simulator's evaluation. Conditions holding variables do not list candidates (the value is not known).
    struct Conflict {
        const KeyCondition* source = nullptr;
        const KeyCondition* rejecting = nullptr;  // null when different conditions reject different candidates
        const KeyCondition* last = nullptr;       // where the report goes: the last condition that rejected one
    };

    static std::optional<Conflict> conflicting_candidates(
        const std::vector<KeyCondition>& group) {
        for (const KeyCondition& source : group) {
            const std::string_view name = source.compiled.base()->name;
            if ((name != "StringEquals" && name != "Bool") || source.compiled.qualifier() != SetQualifier::none ||
                source.has_variable || source.condition->values.empty()) {
                continue;
            }
            const KeyCondition* rejecting = nullptr;
            bool mixed = false;
            bool all_rejected = true;
            for (const ConditionValue& candidate : source.condition->values) {
                const std::string_view value = candidate.text;
                const auto it = std::find_if(group.begin(), group.end(), [&](const KeyCondition& c) {
                    return c.compiled.evaluate(std::span<const std::string_view>(&value, 1), KeyPresence::present) ==
                           Truth::no;
                });
                if (it == group.end()) {
                    all_rejected = false;
                    break;
                }
                // One condition rejecting every candidate is named; several are not (nullptr, `mixed`).
                mixed = mixed || (rejecting != nullptr && rejecting != &*it);
                rejecting = &*it;
            }
            if (all_rejected && rejecting != nullptr) {
                return Conflict{&source, mixed ? nullptr : rejecting, rejecting};
            }
        }
        return std::nullopt;
    }

    static void report(RuleContext& context, const Statement& statement, const KeyCondition& at, std::string reason) {
        const bool allow = statement.effect->value == Effect::allow;
        context.report(RuleId::IOT404, Severity::error, at.condition->key.span,
                       fmt::format("{}: the Condition block is never true, so {}", reason,
                                   allow ? "this Allow grants nothing" : "this Deny never applies"));
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT404>() {
    return std::make_unique<UnsatisfiableCondition>();
}

}  // namespace iotpolicy::lint
