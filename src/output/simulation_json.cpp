#include <ostream>

#include <nlohmann/json.hpp>

#include "iotpolicy/simulation_output.hpp"

namespace iotpolicy {

namespace {

nlohmann::ordered_json located(const MatchedStatement& m) {
    return {{"policy", m.policy},
            {"statement", m.statement},
            {"sid", m.sid ? nlohmann::ordered_json(*m.sid) : nlohmann::ordered_json(nullptr)},
            {"line", m.line}};
}

}  // namespace

void write_simulation_json(std::ostream& out, const SimulationReport& report) {
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const SimulationResult& r : report.results) {
        nlohmann::ordered_json matched = nlohmann::ordered_json::array();
        for (const MatchedStatement& m : r.matched) matched.push_back(located(m));
        nlohmann::ordered_json statements = nlohmann::ordered_json::array();
        for (const StatementReport& st : r.statements) {
            nlohmann::ordered_json entry = located(st.where);
            entry["effect"] = st.effect.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(st.effect);
            entry["applies"] = st.applies;
            entry["reason"] = st.reason;
            statements.push_back(std::move(entry));
        }
        nlohmann::ordered_json entry;
        if (r.connection_named) entry["connection"] = r.connection;
        else entry["connection"] = std::stoul(r.connection);
        entry["request"] = r.request;
        entry["action"] = r.action;
        entry["resource"] = r.resource;
        entry["decision"] = decision_name(r.decision);
        entry["expected"] = r.expected == Expectation::none ? nlohmann::ordered_json(nullptr)
                                                             : nlohmann::ordered_json(expectation_name(r.expected));
        entry["pass"] = r.pass ? nlohmann::ordered_json(*r.pass) : nlohmann::ordered_json(nullptr);
        entry["matched"] = std::move(matched);
        entry["explanation"] = r.explanation;
        entry["statements"] = std::move(statements);
        entry["uncertain"] = r.uncertain;
        entry["notes"] = r.notes;
        results.push_back(std::move(entry));
    }
    nlohmann::ordered_json doc;
    doc["version"] = 1;
    doc["results"] = std::move(results);
    doc["summary"] = {{"requests", report.summary.requests},
                      {"allowed", report.summary.allowed},
                      {"denied", report.summary.denied},
                      {"failed", report.summary.failed},
                      {"uncertain", report.summary.uncertain}};
    doc["documents"] = report.document_notes;
    out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace iotpolicy

namespace iotpolicy {

namespace {

nlohmann::ordered_json disagreements(const std::vector<ReplayDisagreement>& list) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const ReplayDisagreement& d : list) {
        out.push_back({{"client", d.client_id},
                       {"action", d.action},
                       {"resource", d.resource},
                       {"decision", decision_name(d.decision)},
                       {"uncertain", d.uncertain},
                       {"count", d.lines.size()},
                       {"lines", d.lines},
                       {"explanation", d.explanation},
                       {"notes", d.notes}});
    }
    return out;
}

}  // namespace

void write_replay_json(std::ostream& out, const ReplayReport& report) {
    nlohmann::ordered_json shared = nlohmann::ordered_json::array();
    for (const SharedClientId& s : report.shared_client_ids) {
        shared.push_back({{"client", s.client_id}, {"principals", s.principals}, {"lines", s.disconnect_lines}});
    }
    nlohmann::ordered_json doc;
    doc["version"] = 1;
    doc["records"] = report.records;
    doc["replayed"] = report.replayed;
    doc["agreed"] = report.agreed;
    doc["notReplayable"] = report.not_replayable;
    doc["skipped"] = report.skipped;
    doc["uncertain"] = report.uncertain;
    doc["newlyDenied"] = disagreements(report.newly_denied);
    doc["newlyAllowed"] = disagreements(report.newly_allowed);
    doc["sharedClientIds"] = std::move(shared);
    doc["notes"] = report.notes;
    out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
}

}  // namespace iotpolicy
