// IOT210 broad-retained-messages: an Allow of iot:RetainPublish or iot:GetRetainedMessage on topics under a broad
// prefix, or of iot:ListRetainedMessages at all. A retained message outlives its publisher and is delivered to every
// client that subscribes to its topic later (actions-and-resources.md §4.1, §4.2), so a forged retained command is
// replayed to every device that subscribes after it; spec §6.2 asks that a device's policy reach its own resources.
//
//   - RetainPublish, GetRetainedMessage (resource `topic/<topic>`): a warning for a name under a broad prefix
//     (src/lint/topic_scope.hpp broad_prefix_wildcard: a `*` or `?` in the first two topic levels with no variable
//     before it). Names starting with `$` are left out: retain is not supported on reserved topics
//     (actions-and-resources.md §4.1, §8), which IOT207 reports for RetainPublish, so nothing retained can be read
//     there either. Entries of IOT105, IOT202 (which counts both actions, `*` included), IOT207 and IOT204 are theirs.
//   - ListRetainedMessages has no per-resource ARN and requires Resource `*` (actions-and-resources.md §4.2): it
//     cannot be narrowed, so "broad" is the grant itself. It returns the topic, size and time of every retained
//     message in the account, not payloads: an info note at the action when an Allow names it explicitly with
//     Resource `*` (a wildcard action such as `iot:*` is IOT201's; with a narrower Resource the grant never matches).
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "iotpolicy/arn.hpp"
#include "src/lint/action_coverage.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/string_spans.hpp"
#include "src/lint/topic_scope.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

namespace {

struct RetainedGrants {
    bool retain_publish = false;
    bool get_retained = false;
};

class BroadRetainedMessages final : public Rule {
public:
    void check(RuleContext& context) const override {
        const Statement* last = nullptr;
        RetainedGrants grants;
        for_each_broad_prefix_entry(
            context, ArnResourceKind::topic,
            [&](const Statement& statement, const Spanned<std::string>& value, const ScopedEntry& entry) {
                if (entry.name.starts_with('$')) {
                    return;  // no retain on $ topics (actions §4.1, §8); IOT207 warns about RetainPublish there
                }
                if (&statement != last) {  // the actions, read once per statement
                    last = &statement;
                    const ActionMatcher allowed(*statement.action);
                    grants = {allowed.reaches("iot:RetainPublish"), allowed.reaches("iot:GetRetainedMessage")};
                }
                if (grants.retain_publish || grants.get_retained) {
                    report(context, grants, value, entry);
                }
            });
        for (const Statement& statement : context.statements()) {
            if (is_allow_on_listed_resources(statement)) {
                check_list_retained(context, statement);
            }
        }
    }

private:
    static void report(RuleContext& context, const RetainedGrants& grants, const Spanned<std::string>& value,
                       const ScopedEntry& entry) {
        const std::size_t wildcard = broad_prefix_wildcard(entry.name);
        const std::string_view literal = entry.name.substr(0, wildcard);
        std::string consequence;
        if (grants.retain_publish) {
            consequence = fmt::format("publish retained messages on every topic starting with '{}': a retained "
                                      "message outlives its publisher and is delivered to every client that "
                                      "subscribes later, so one compromised device can plant a forged command or "
                                      "reading that every device receives when it next subscribes, and replace what "
                                      "the others retained",
                                      literal);
        }
        if (grants.get_retained) {
            consequence += fmt::format("{}read the retained message of every topic starting with '{}' over HTTPS, "
                                       "other devices' included",
                                       consequence.empty() ? "" : "; it can also ", literal);
        }
        context.report(RuleId::IOT210, Severity::warning,
                       string_part_span(context.source(), value.span, value.value, entry.name_offset + wildcard,
                                        entry.name_offset + entry.name.size()),
                       fmt::format("'topic/{}' lets any device holding this policy {} (actions-and-resources.md "
                                   "§4.1, §4.2; spec §6.2); grant {} only on the device's own topics{}",
                                   entry.name, consequence,
                                   grants.retain_publish && grants.get_retained ? "iot:RetainPublish and "
                                                                                  "iot:GetRetainedMessage"
                                   : grants.retain_publish                      ? "iot:RetainPublish"
                                                                                : "iot:GetRetainedMessage",
                                   literal.ends_with('/') ? fmt::format(", e.g. 'topic/{}{}/*'", literal,
                                                                        k_thing_name_variable)
                                                          : std::string()));
    }

    /// The info note on an explicit iot:ListRetainedMessages with Resource `*` (see the header comment).
    static void check_list_retained(RuleContext& context, const Statement& statement) {
        if (statement.action->negated ||
            std::none_of(statement.resource->values.begin(), statement.resource->values.end(),
                         [](const Spanned<std::string>& v) { return v.value == "*"; })) {
            return;
        }
        for (const Spanned<std::string>& action : statement.action->values) {
            if (!detail::equals_ignoring_case(action.value, "iot:ListRetainedMessages")) {
                continue;
            }
            context.report(RuleId::IOT210, Severity::info, action.span,
                           "iot:ListRetainedMessages lets any device holding this policy list the topic, size and "
                           "time of every retained message in the account, other devices' included (it needs "
                           "Resource '*' and cannot be narrowed, actions-and-resources.md §4.2), and so learn the "
                           "fleet's devices and topics; devices receive their own retained messages by subscribing "
                           "(iot:Subscribe and iot:Receive), so leave this action to back-end principals");
        }
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT210>() {
    return std::make_unique<BroadRetainedMessages>();
}

}  // namespace iotpolicy::lint
