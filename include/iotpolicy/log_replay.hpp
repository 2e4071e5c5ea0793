// Replaying AWS IoT log records (log_records.hpp) against policies: which observed successes the policies would
// deny, and which observed denials they would allow (issue #4; spec input §3.3–§3.4).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "iotpolicy/evaluator.hpp"
#include "iotpolicy/log_records.hpp"

namespace iotpolicy {

/// What the replay assumes about the things behind client IDs, which log records do not say.
enum class ThingAssumption : std::uint8_t {
    attached,  // each client ID names a thing attached to its principal (the usual fleet set-up)
    none,      // no principal is attached to a thing
};

struct ReplayOptions {
    std::string region;
    catalog::AuthType auth = catalog::AuthType::x509;
    ThingAssumption things = ThingAssumption::attached;
    bool connect_attributes_need_condition = true;
};

/// Records of one (client, action, resource) whose replayed decision disagrees with what AWS logged.
struct ReplayDisagreement {
    std::string client_id;  // "(HTTPS)" when the request had none
    std::string action;
    std::string resource;
    DecisionKind decision = DecisionKind::implicit_deny;
    bool uncertain = false;
    std::vector<std::uint32_t> lines;  // of the records, in input order
    std::string explanation;
    std::vector<std::string> notes;
};

/// Principals that used one client ID, from DUPLICATE_CLIENT_ID disconnects and connects (spec input §3.4).
struct SharedClientId {
    std::string client_id;
    std::vector<std::string> principals;
    std::vector<std::uint32_t> disconnect_lines;
};

struct ReplayReport {
    std::size_t records = 0;         // log records found
    std::size_t replayed = 0;        // decisions compared
    std::size_t agreed = 0;
    std::size_t not_replayable = 0;  // records without an allow/deny expectation (throttling, client errors...)
    std::size_t skipped = 0;         // records with no policy decision
    std::size_t uncertain = 0;       // replayed decisions that rest on an R0 reading
    std::vector<ReplayDisagreement> newly_denied;   // logged Success, the policies deny
    std::vector<ReplayDisagreement> newly_allowed;  // logged AUTHORIZATION_FAILURE, the policies allow
    std::vector<SharedClientId> shared_client_ids;
    std::vector<std::string> notes;  // assumptions the replay made
};

/// Replays every request of `log` against `policies`.
ReplayReport replay_log(const PolicySet& policies, const LogReadResult& log, const ReplayOptions& options);

}  // namespace iotpolicy
