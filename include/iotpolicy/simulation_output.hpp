// Rendering simulation results: a table for people, JSON for machines.
#pragma once

#include <iosfwd>

#include "iotpolicy/log_replay.hpp"
#include "iotpolicy/scenario.hpp"

namespace iotpolicy {

struct SimulationTextOptions {
    bool color = false;
    bool explain_all = false;  // explain every result, not only failed expectations
    std::string_view arn_prefix;  // "arn:aws:iot:<region>:<account>:", left out of the table's resources
};

/// A table of results, then each failed expectation (and, with explain_all, every result) explained, then the
/// summary line.
void write_simulation_text(std::ostream& out, const SimulationReport& report, const SimulationTextOptions& options);

/// {"version":1,"results":[...],"summary":{...}}: the shape of issue #4, plus "uncertain" and "notes" per result
/// and "documents" (documents not fully in force).
void write_simulation_json(std::ostream& out, const SimulationReport& report);

/// "12 requests: 8 allowed, 4 denied; 1 expectation failed; 2 decisions uncertain."
std::string simulation_summary_line(const SimulationSummary& summary);

/// The replay of a log: disagreements grouped by client, then action and resource, with the records' lines.
void write_replay_text(std::ostream& out, const ReplayReport& report, const SimulationTextOptions& options);

/// {"version":1,"records":N,...,"newlyDenied":[...],"newlyAllowed":[...],"sharedClientIds":[...]}.
void write_replay_json(std::ostream& out, const ReplayReport& report);

}  // namespace iotpolicy
