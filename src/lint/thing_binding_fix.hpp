// The fix shared by IOT203 unrestricted-client-id and IOT208 clientid-variable-in-connect: bind the client ID of an
// iot:Connect Allow to the thing name (spec §6.2, spec vars §4).
#pragma once

#include <optional>

#include "iotpolicy/ast.hpp"
#include "iotpolicy/diagnostic.hpp"
#include "iotpolicy/source.hpp"

namespace iotpolicy::lint::connect {

/// For a statement that IOT203 or IOT208 reports (an Allow of iot:Connect without the IsAttached condition): every
/// `client/*` and `client/${iot:ClientId}` entry rewritten to `client/${iot:Connection.Thing.ThingName}`, and
/// `"Bool": {"iot:Connection.Thing.IsAttached": "true"}` added to the statement's Condition (into its "Bool"
/// operator when it has one, else as a new operator, else as a new "Condition" member), indented like the
/// surrounding JSON. Both rules attach this same fix to every entry they report in the statement, so applying
/// fixes takes it once. Nothing unless the result is certain: the statement's actions are exactly iot:Connect (the
/// condition would otherwise restrict other actions too), every reported entry can be rewritten (not `*`, not a
/// client ID with other text around a wildcard, not NotResource), and the insertion point is plain JSON.
std::optional<Fix> thing_binding_fix(const SourceFile& source, const Statement& statement);

/// thing_binding_fix for one statement, built when its first entry is reported (most statements report none).
class LazyThingBindingFix {
public:
    LazyThingBindingFix(const SourceFile& source, const Statement& statement)
        : m_source(source), m_statement(statement) {}

    const std::optional<Fix>& get() {
        if (!m_fix) {
            m_fix = thing_binding_fix(m_source, m_statement);
        }
        return *m_fix;
    }

private:
    const SourceFile& m_source;
    const Statement& m_statement;
    std::optional<std::optional<Fix>> m_fix;
};

}  // namespace iotpolicy::lint::connect
