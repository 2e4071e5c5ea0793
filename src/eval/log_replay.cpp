#include "iotpolicy/log_replay.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>

#include <fmt/format.h>

#include "iotpolicy/scenario.hpp"

namespace iotpolicy {

namespace {

/// One evaluator per distinct connection of the log: the facts a record gives about its connection.
struct ConnectionKey {
    std::string client_id;
    std::string principal_id;
    std::string protocol;
    std::string source_ip;
    std::string account_id;
    auto operator<=>(const ConnectionKey&) const = default;
};

struct ConnectionSlot {
    Connection connection;
    EvaluationOptions options;
    std::unique_ptr<ConnectionEvaluator> evaluator;
};

Connection connection_of(const LogRequest& record, const ReplayOptions& options) {
    Connection c;
    c.auth = options.auth;
    c.protocol = record.protocol == "HTTP" ? catalog::Protocol::https : catalog::Protocol::mqtt;
    c.name = record.client_id;
    if (c.protocol != catalog::Protocol::https && !record.client_id.empty() && record.client_id != "N/A") {
        c.client_id = record.client_id;
        if (options.things == ThingAssumption::attached) c.thing = ThingFacts{record.client_id, {}, {}, true, false};
    }
    if (!record.source_ip.empty()) c.source_ip = record.source_ip;
    if (c.auth == catalog::AuthType::x509 && !record.principal_id.empty()) {
        // An X.509 principal ID is the certificate ID; the other certificate fields are not logged.
        c.certificate = CertificateFacts{};
        c.certificate->id = record.principal_id;
    }
    return c;
}

struct GroupKey {
    std::string client_id;
    std::string action;
    std::string resource;
    auto operator<=>(const GroupKey&) const = default;
};

}  // namespace

ReplayReport replay_log(const PolicySet& policies, const LogReadResult& log, const ReplayOptions& options) {
    ReplayReport report;
    report.records = log.records;
    report.skipped = log.skipped;
    if (options.things == ThingAssumption::attached) {
        report.notes.push_back("assumed: each MQTT client ID names a thing attached to the connection's principal "
                               "(log records do not say; --things none drops the assumption)");
    }
    report.notes.push_back("certificate fields other than the certificate ID are not logged: certificate variables "
                           "other than iot:CertificateId are UNKNOWN (R0)");
    std::map<ConnectionKey, ConnectionSlot> connections;
    std::map<GroupKey, ReplayDisagreement> denied;
    std::map<GroupKey, ReplayDisagreement> allowed;
    for (const LogRequest& record : log.requests) {
        if (record.expectation == LogExpectation::none) {
            ++report.not_replayable;
            continue;
        }
        const auto action = find_request_action(record.action);
        if (!action) {
            ++report.not_replayable;
            continue;
        }
        ConnectionKey key{record.client_id, record.principal_id, record.protocol, record.source_ip, record.account_id};
        auto [it, inserted] = connections.try_emplace(key);
        ConnectionSlot& slot = it->second;
        if (inserted) {
            slot.connection = connection_of(record, options);
            slot.options.region = options.region;
            slot.options.account = record.account_id;
            slot.options.partition = std::string(partition_of_region(options.region));
            slot.options.connect_attributes_need_condition = options.connect_attributes_need_condition;
            slot.evaluator = std::make_unique<ConnectionEvaluator>(policies, slot.connection, slot.options);
        }
        Request request;
        request.action = *action;
        request.resource = record.resource_kind == "*" ? std::string("*")
                                                       : resource_arn(slot.options, record.resource_kind,
                                                                      record.resource_name);
        if (record.resource_kind == "thing" && record.resource_name.find('/') != std::string::npos &&
            record.action.ends_with("ThingShadow")) {
            request.reading = ResourceReading::named_shadow;
            request.alternate_resource =
                resource_arn(slot.options, "thing", record.resource_name.substr(0, record.resource_name.find('/')));
        }
        // Decide first (no allocation); explain only the first record of each disagreement.
        Request retain;
        const bool check_retain = record.retained;
        if (check_retain) {
            // A retained publish needs iot:RetainPublish as well (actions §4.1).
            retain = request;
            retain.action = *find_request_action("iot:RetainPublish");
        }
        Decision decision = slot.evaluator->decide(request);
        bool denied_by_retain = false;
        if (check_retain && decision.kind == DecisionKind::allow) {
            const Decision retained = slot.evaluator->decide(retain);
            denied_by_retain = retained.kind != DecisionKind::allow;
            if (denied_by_retain) decision = retained;
        }
        decision.uncertain = decision.uncertain || !record.uncertainty.empty();
        ++report.replayed;
        if (decision.uncertain) ++report.uncertain;
        const bool logged_allow = record.expectation == LogExpectation::allow;
        const bool now_allows = decision.kind == DecisionKind::allow;
        if (logged_allow == now_allows) {
            ++report.agreed;
            continue;
        }
        auto& groups = logged_allow ? denied : allowed;
        GroupKey group{record.client_id.empty() ? "(HTTPS)" : record.client_id, std::string(request_action_name(*action)),
                       request.resource};
        auto [entry, first] = groups.try_emplace(group);
        ReplayDisagreement& d = entry->second;
        if (first) {
            Explanation explanation = slot.evaluator->explain(denied_by_retain ? retain : request);
            if (denied_by_retain) {
                explanation.notes.insert(explanation.notes.begin(),
                                         "the publish was retained, and iot:RetainPublish is not allowed (actions §4.1)");
            }
            if (!record.uncertainty.empty()) explanation.notes.push_back(record.uncertainty);
            const SimulationResult described = describe_result(policies, explanation);
            d.client_id = group.client_id;
            d.action = group.action;
            d.resource = group.resource;
            d.decision = decision.kind;
            d.uncertain = decision.uncertain;
            d.explanation = described.explanation;
            d.notes = described.notes;
        }
        d.lines.push_back(record.line);
    }
    for (auto& [key, d] : denied) report.newly_denied.push_back(std::move(d));
    for (auto& [key, d] : allowed) report.newly_allowed.push_back(std::move(d));

    // Client-ID takeovers: the principals that connected with each client ID named by a DUPLICATE_CLIENT_ID.
    std::map<std::string, SharedClientId> shared;
    for (const LogRequest& d : log.disconnects) {
        if (d.reason != "DUPLICATE_CLIENT_ID" && d.disconnect_reason != "DUPLICATE_CLIENT_ID") continue;
        SharedClientId& s = shared[d.client_id];
        s.client_id = d.client_id;
        s.disconnect_lines.push_back(d.line);
        if (!d.principal_id.empty()) s.principals.push_back(d.principal_id);
    }
    for (const LogRequest& r : log.requests) {
        auto it = shared.find(r.client_id);
        if (it != shared.end() && r.action == "iot:Connect" && !r.principal_id.empty()) {
            it->second.principals.push_back(r.principal_id);
        }
    }
    for (auto& [id, s] : shared) {
        std::sort(s.principals.begin(), s.principals.end());
        s.principals.erase(std::unique(s.principals.begin(), s.principals.end()), s.principals.end());
        report.shared_client_ids.push_back(std::move(s));
    }
    return report;
}

}  // namespace iotpolicy
