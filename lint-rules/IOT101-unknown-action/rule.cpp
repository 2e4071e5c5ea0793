// IOT101 unknown-action: an Action/NotAction entry that names no IoT policy action (spec §3.1; actions §10, §11).
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "iotpolicy/catalog.hpp"
#include "iotpolicy/wildcard.hpp"
#include "src/lint/fix_edits.hpp"
#include "src/lint/rule.hpp"
#include "src/lint/string_spans.hpp"
#include "src/support/suggest.hpp"

namespace iotpolicy::lint {

namespace {

using detail::equals_ignoring_case;

Span part_of(const SourceFile& source, const Spanned<std::string>& value, std::size_t offset, std::size_t length) {
    return string_part_span(source, value.span, value.value, offset, offset + length);
}

Span contents_of(const SourceFile& source, const Spanned<std::string>& value) {
    return part_of(source, value, 0, value.value.size());
}

// Verbs that begin IoT control-plane API names (CreateThing, AttachPolicy, ListThings...). An unknown `iot:` name
// that starts with one and is not a near miss of a policy action is taken for a control-plane action, which an IoT
// policy neither grants nor denies (actions §11); anything else is a typo (spec §3.1).
constexpr std::array<std::string_view, 30> k_control_plane_verbs = {
    "Accept",   "Add",      "Associate", "Attach",  "Cancel",    "Clear",  "Confirm", "Create",   "Delete", "Deprecate",
    "Describe", "Detach",   "Disable",   "Enable",  "Get",       "List",   "Put",     "Register", "Reject", "Remove",
    "Replace",  "Search",   "Set",       "Start",   "Stop",      "Tag",    "Test",    "Transfer", "Untag",  "Update"};

bool looks_like_control_plane(std::string_view name) {
    return std::any_of(k_control_plane_verbs.begin(), k_control_plane_verbs.end(), [&](std::string_view verb) {
        return name.size() > verb.size() && name.starts_with(verb) && name[verb.size()] >= 'A' &&
               name[verb.size()] <= 'Z';
    });
}

/// The entry replaced by the action name `name` (README "Fix safety").
std::optional<Fix> rename_fix(const SourceFile& source, const Spanned<std::string>& entry, std::string_view name) {
    std::optional<TextEdit> edit = rewrite_string(source, entry.span, entry.value, name);
    if (!edit) {
        return std::nullopt;
    }
    return Fix{fmt::format("Write \"{}\"", name), {std::move(*edit)}};
}

bool is_effective_prefix(std::string_view prefix) {
    const auto prefixes = catalog::effective_action_prefixes();
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const catalog::Note& note) { return equals_ignoring_case(note.key, prefix); });
}

/// Whether `pattern` matches any name the catalog knows: a policy action, a legacy name or an unlisted API.
bool pattern_matches_known_name(std::string_view pattern) {
    const WildcardPattern compiled = WildcardPattern::compile(pattern);
    // Action names are case-insensitive (spec §3.1), so a pattern matches ignoring ASCII case.
    const auto matches = [&](std::string_view name) { return compiled.matches(name, Case::insensitive); };
    for (const std::string_view name : catalog::action_names()) {
        if (matches(name)) {
            return true;
        }
    }
    for (const catalog::LegacyActionName& legacy : catalog::legacy_action_names()) {
        if (matches(legacy.name)) {
            return true;
        }
    }
    for (const catalog::UnlistedDataPlaneApi& api : catalog::unlisted_data_plane_apis()) {
        if (matches(api.name)) {
            return true;
        }
    }
    return false;
}

class UnknownAction final : public Rule {
public:
    void check(RuleContext& context) const override {
        for (const Statement& statement : context.statements()) {
            if (!statement.action) {
                continue;
            }
            for (const Spanned<std::string>& entry : statement.action->values) {
                check_entry(context, *statement.action, entry);
            }
        }
    }

private:
    static void check_entry(RuleContext& context, const ElementList& list, const Spanned<std::string>& entry) {
        const SourceFile& source = context.source();
        const std::string_view action = entry.value;
        const std::string_view element = list.negated ? "NotAction" : "Action";
        // A bare "*" matches every action: whether that is too broad is IOT201's business.
        if (action == "*") {
            return;
        }
        // A `${…}` in an action is never substituted: IOT302 reports the entry, naming that cause.
        if (action.find("${") != std::string_view::npos) {
            return;
        }
        const std::size_t colon = action.find(':');
        if (colon == std::string_view::npos) {
            if (has_wildcard(action) && pattern_matches_known_name(action)) {
                return;  // "i*", "**": wildcards that reach actions are IOT201's business
            }
            check_unprefixed(context, element, entry);
            return;
        }
        const std::string_view prefix = action.substr(0, colon);
        const std::string_view name = action.substr(colon + 1);

        // A foreign service prefix: IoT Core never evaluates it, whatever the name (actions §11). A near miss of
        // an IoT action ("iott:Publish") is a typo, reported as unknown.
        if (!has_wildcard(prefix) && !is_effective_prefix(prefix)) {
            if (has_wildcard(action) || !report_near_miss(context, element, entry)) {
                report_foreign(context, element, entry, prefix);
            }
            return;
        }
        if (equals_ignoring_case(prefix, "greengrass")) {
            report_foreign(context, element, entry, prefix);
            return;
        }

        if (has_wildcard(action)) {
            if (!pattern_matches_known_name(action)) {
                context.report(RuleId::IOT101, Severity::error, contents_of(source, entry),
                               fmt::format("{} pattern \"{}\" matches no IoT policy action, so this entry grants or "
                                           "denies nothing (spec §3.1); control-plane actions such as "
                                           "iot:CreateThing are not evaluated in IoT policies (actions §11). "
                                           "Name the data-plane actions the device needs, e.g. iot:Publish",
                                           element, action));
            }
            return;
        }

        if (const catalog::Action* known = catalog::find_action(action)) {
            if (known->name != action) {
                // Matched ignoring case: same meaning, but not the spelling AWS documents (spec §3.1: style).
                context.report(RuleId::IOT101, Severity::warning, contents_of(source, entry),
                               fmt::format("\"{}\" is not the canonical spelling of \"{}\": action names match "
                                           "ignoring case (spec §3.1), but tools and reviewers that compare them "
                                           "exactly will miss it; write \"{}\"",
                                           action, known->name, known->name))
                    .fix = rename_fix(source, entry, known->name);
            }
            return;
        }
        if (const catalog::LegacyActionName* legacy = catalog::find_legacy_action_name(action)) {
            context.report(RuleId::IOT101, Severity::warning, contents_of(source, entry),
                           fmt::format("\"{}\" is the legacy name of \"{}\": the HTTPS jobs API is authorised as "
                                       "\"{}\" and it is unclear whether AWS still honours the old spelling, so an "
                                       "Allow naming only it may grant nothing (actions §10); add \"{}\" (keep both "
                                       "while devices are migrated)",
                                       action, legacy->alias_of->name, legacy->alias_of->name,
                                       legacy->alias_of->name))
                .fix = rename_fix(source, entry, legacy->alias_of->name);
            return;
        }
        if (const catalog::UnlistedDataPlaneApi* api = catalog::find_unlisted_data_plane_api(action)) {
            context.report(RuleId::IOT101, Severity::warning, contents_of(source, entry),
                           fmt::format("\"{}\" is a data-plane API that AWS does not list as an IoT policy action: "
                                       "its effect in an IoT policy is unverified, and the simulator lets an Allow "
                                       "for it grant nothing while a Deny applies (actions §10); do not rely on "
                                       "this entry, and check the API's authorisation in the AWS documentation",
                                       api->name));
            return;
        }
        if (report_near_miss(context, element, entry)) {
            return;
        }
        if (equals_ignoring_case(prefix, "iot") && looks_like_control_plane(name)) {
            context.report(RuleId::IOT101, Severity::warning, part_of(source, entry, colon + 1, name.size()),
                           fmt::format("\"{}\" is not an IoT policy action; it looks like a control-plane API, "
                                       "which only IAM policies over SigV4 authorise, so in an IoT policy this entry "
                                       "grants and denies nothing (actions §11). Move it to an IAM policy, or "
                                       "remove it",
                                       action));
            return;
        }
        context.report(RuleId::IOT101, Severity::error, part_of(source, entry, colon + 1, name.size()),
                       fmt::format("\"{}\" is not an IoT policy action, so this entry matches nothing and grants or "
                                   "denies nothing (spec §3.1, actions §11); IoT policy actions are iot:Connect, "
                                   "iot:Publish, iot:Subscribe, iot:Receive, the retained-message, shadow and "
                                   "iotjobsdata: actions and iot:AssumeRoleWithCertificate",
                                   action));
    }

    /// An unknown name close to a catalog action: error with the suggestion. False when nothing is close.
    static bool report_near_miss(RuleContext& context, std::string_view element, const Spanned<std::string>& entry) {
        const std::optional<std::string_view> nearest = detail::nearest_name(entry.value, catalog::action_names());
        if (!nearest) {
            return false;
        }
        context.report(RuleId::IOT101, Severity::error, contents_of(context.source(), entry),
                       fmt::format("{} \"{}\" is not an IoT policy action, so this entry matches nothing and grants "
                                   "or denies nothing (spec §3.1); did you mean \"{}\"?",
                                   element, entry.value, *nearest))
            .fix = rename_fix_if_unique(context.source(), entry, entry.value);
        return true;
    }

    static void report_foreign(RuleContext& context, std::string_view element, const Spanned<std::string>& entry,
                               std::string_view prefix) {
        const Span span = part_of(context.source(), entry, 0, prefix.size());
        if (equals_ignoring_case(prefix, "greengrass")) {
            // Greengrass data-plane calls are authorised by AWS IoT policies, but the catalog does not enumerate
            // them, so the name cannot be checked (actions §11: info).
            context.report(RuleId::IOT101, Severity::info, span,
                           fmt::format("\"{}\" is a Greengrass action: Greengrass core and client devices are "
                                       "authorised by AWS IoT policies, but this tool does not know the greengrass: "
                                       "actions, so the name is not checked and the simulator does not evaluate it "
                                       "(actions §11); verify it against the Greengrass developer guide",
                                       entry.value));
            return;
        }
        context.report(RuleId::IOT101, Severity::warning, span,
                       fmt::format("{} \"{}\" has the service prefix \"{}\", which is not evaluated by AWS IoT Core: "
                                   "an IoT policy governs only iot:, iotjobsdata: and greengrass: actions, so this "
                                   "entry grants and denies nothing (actions §11). Grant it in an IAM policy (for "
                                   "devices, through a role alias and iot:AssumeRoleWithCertificate) and remove it "
                                   "here",
                                   element, entry.value, prefix));
    }

    /// An entry without a ':' is no action at all; suggest the iot: action it may stand for.
    static void check_unprefixed(RuleContext& context, std::string_view element, const Spanned<std::string>& entry) {
        const std::string with_prefix = "iot:" + entry.value;
        std::string suggestion;
        std::optional<Fix> fix;
        if (const catalog::Action* known = catalog::find_action(with_prefix)) {
            suggestion = fmt::format("; did you mean \"{}\"?", known->name);
            fix = rename_fix(context.source(), entry, known->name);
        } else if (const auto nearest = detail::nearest_name(with_prefix, catalog::action_names())) {
            suggestion = fmt::format("; did you mean \"{}\"?", *nearest);
            fix = rename_fix_if_unique(context.source(), entry, with_prefix);
        } else {
            suggestion = "; write it as service:Action, e.g. \"iot:Publish\"";
        }
        context.report(RuleId::IOT101, Severity::error, contents_of(context.source(), entry),
                       fmt::format("{} \"{}\" has no service prefix, so it matches no action and this entry grants "
                                   "or denies nothing (spec §3.1){}",
                                   element, entry.value, suggestion))
            .fix = std::move(fix);
    }

    /// The entry replaced by the action nearest to `name`, when no other action is as near: a typo with two
    /// equally likely readings gets no fix.
    static std::optional<Fix> rename_fix_if_unique(const SourceFile& source, const Spanned<std::string>& entry,
                                                   std::string_view name) {
        const std::optional<std::string_view> nearest = detail::unique_nearest_name(name, catalog::action_names());
        return nearest ? rename_fix(source, entry, *nearest) : std::nullopt;
    }
};

}  // namespace

template <>
std::unique_ptr<Rule> make_rule<RuleId::IOT101>() {
    return std::make_unique<UnknownAction>();
}

}  // namespace iotpolicy::lint
