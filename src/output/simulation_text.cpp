#include <algorithm>
#include <ostream>

#include <fmt/format.h>

#include "iotpolicy/simulation_output.hpp"

namespace iotpolicy {

namespace {

constexpr std::string_view k_red = "\x1b[31m";
constexpr std::string_view k_green = "\x1b[32m";
constexpr std::string_view k_yellow = "\x1b[33m";
constexpr std::string_view k_bold = "\x1b[1m";
constexpr std::string_view k_reset = "\x1b[0m";

/// The resource without the ARN prefix the table's reader already knows: `prefix` (partition and region),
/// and the account that follows it.
std::string shorten(std::string_view resource, std::string_view prefix) {
    if (prefix.empty() || !resource.starts_with(prefix)) return std::string(resource);
    resource.remove_prefix(prefix.size());
    const std::size_t colon = resource.find(':');
    if (colon != std::string_view::npos && resource.substr(0, colon).find('/') == std::string_view::npos) {
        resource.remove_prefix(colon + 1);
    }
    return std::string(resource);
}

std::string decision_cell(const SimulationResult& r) {
    return std::string(decision_name(r.decision)) + (r.uncertain ? "?" : "");
}

std::string result_cell(const SimulationResult& r) {
    if (!r.pass) return "-";
    return *r.pass ? "pass" : "FAIL";
}

/// Wraps `text`, which starts at column `start`, at `width` columns; lines after the first start with `indent`.
std::string wrap(std::string_view text, std::size_t width, std::string_view indent, std::size_t start) {
    std::string out;
    std::size_t column = start;
    bool line_start = true;
    while (!text.empty()) {
        const std::size_t space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        if (!line_start && column + 1 + word.size() > width) {
            out += '\n';
            out += indent;
            column = indent.size();
            line_start = true;
        }
        if (!line_start) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        line_start = false;
        if (space == std::string_view::npos) break;
        text.remove_prefix(space + 1);
    }
    return out;
}

}  // namespace

std::string simulation_summary_line(const SimulationSummary& s) {
    std::string line = fmt::format("{} request{}: {} allowed, {} denied", s.requests, s.requests == 1 ? "" : "s",
                                   s.allowed, s.denied);
    if (s.failed > 0) line += fmt::format("; {} expectation{} failed", s.failed, s.failed == 1 ? "" : "s");
    if (s.uncertain > 0) {
        line += fmt::format("; {} decision{} uncertain (?)", s.uncertain, s.uncertain == 1 ? "" : "s");
    }
    return line + ".";
}

void write_simulation_text(std::ostream& out, const SimulationReport& report, const SimulationTextOptions& options) {
    const auto paint = [&](std::string_view colour, const std::string& text) {
        return options.color ? fmt::format("{}{}{}", colour, text, k_reset) : text;
    };
    for (const std::string& note : report.document_notes) out << "note: " << note << '\n';
    if (!report.document_notes.empty()) out << '\n';

    std::size_t connection_width = std::string_view("CONNECTION").size();
    std::size_t action_width = std::string_view("ACTION").size();
    std::size_t resource_width = std::string_view("RESOURCE").size();
    for (const SimulationResult& r : report.results) {
        connection_width = std::max(connection_width, r.connection.size());
        action_width = std::max(action_width, r.action.size());
        resource_width = std::max(resource_width, shorten(r.resource, options.arn_prefix).size());
    }
    connection_width = std::min<std::size_t>(connection_width, 40);
    resource_width = std::min<std::size_t>(resource_width, 60);
    const auto row = [&](std::string_view connection, std::string_view index, std::string_view action,
                         std::string_view resource, std::string_view decision, std::string_view expected,
                         std::string_view result) {
        return fmt::format("{:<{}}  {:>3}  {:<{}}  {:<{}}  {:<14}  {:<13}  {}", connection, connection_width, index,
                           action, action_width, resource, resource_width, decision, expected, result);
    };
    out << paint(k_bold, row("CONNECTION", "#", "ACTION", "RESOURCE", "DECISION", "EXPECTED", "RESULT")) << '\n';
    for (const SimulationResult& r : report.results) {
        const std::string line = row(r.connection, std::to_string(r.request), r.action,
                                     shorten(r.resource, options.arn_prefix), decision_cell(r),
                                     r.expected == Expectation::none ? "-" : std::string(expectation_name(r.expected)),
                                     result_cell(r));
        out << (r.pass == false ? paint(k_red, line) : r.uncertain ? paint(k_yellow, line) : line) << '\n';
    }
    bool heading = false;
    for (const SimulationResult& r : report.results) {
        if (!options.explain_all && r.pass != false) continue;
        if (!heading) {
            out << '\n';
            heading = true;
        }
        const std::string title =
            r.pass == false ? fmt::format("FAIL {} #{} {} {}: expected {}, got {}", r.connection, r.request, r.action,
                                          shorten(r.resource, options.arn_prefix), expectation_name(r.expected),
                                          decision_name(r.decision))
                            : fmt::format("{} #{} {} {}: {}", r.connection, r.request, r.action,
                                          shorten(r.resource, options.arn_prefix), decision_name(r.decision));
        out << paint(r.pass == false ? k_red : k_green, title) << '\n';
        out << "  " << wrap(r.explanation, 118, "  ", 2) << '\n';
        for (const std::string& note : r.notes) out << "  note: " << wrap(note, 118, "    ", 8) << '\n';
    }
    out << '\n' << simulation_summary_line(report.summary) << '\n';
}

namespace {

std::size_t record_count(const std::vector<ReplayDisagreement>& list) {
    std::size_t n = 0;
    for (const ReplayDisagreement& d : list) n += d.lines.size();
    return n;
}

std::string line_list(const std::vector<std::uint32_t>& lines) {
    constexpr std::size_t k_shown = 8;
    std::vector<std::uint32_t> shown(lines.begin(), lines.begin() + std::min(lines.size(), k_shown));
    std::string text = fmt::format("{}", fmt::join(shown, ", "));
    if (lines.size() > k_shown) text += fmt::format(", … ({} more)", lines.size() - k_shown);
    return text;
}

void write_disagreements(std::ostream& out, const std::vector<ReplayDisagreement>& list,
                         const SimulationTextOptions& options) {
    std::string_view client;
    for (const ReplayDisagreement& d : list) {
        if (d.client_id != client) {
            client = d.client_id;
            out << "  client " << client << '\n';
        }
        out << fmt::format("    {} {} ×{} (line{} {}): {}{}\n", d.action, shorten(d.resource, options.arn_prefix),
                           d.lines.size(), d.lines.size() == 1 ? "" : "s", line_list(d.lines), decision_name(d.decision),
                           d.uncertain ? " (uncertain)" : "");
        out << "      " << wrap(d.explanation, 118, "      ", 6) << '\n';
        for (const std::string& note : d.notes) out << "      note: " << wrap(note, 118, "        ", 12) << '\n';
    }
}

}  // namespace

void write_replay_text(std::ostream& out, const ReplayReport& report, const SimulationTextOptions& options) {
    const auto paint = [&](std::string_view colour, const std::string& text) {
        return options.color ? fmt::format("{}{}{}", colour, text, k_reset) : text;
    };
    for (const std::string& note : report.notes) out << "note: " << note << '\n';
    if (!report.newly_denied.empty()) {
        const std::size_t n = record_count(report.newly_denied);
        out << '\n' << paint(k_red, fmt::format("Would now DENY {} request{} that AWS allowed:", n, n == 1 ? "" : "s"))
            << '\n';
        write_disagreements(out, report.newly_denied, options);
    }
    if (!report.newly_allowed.empty()) {
        const std::size_t n = record_count(report.newly_allowed);
        out << '\n'
            << paint(k_yellow, fmt::format("Would now ALLOW {} request{} that AWS denied:", n, n == 1 ? "" : "s"))
            << '\n';
        write_disagreements(out, report.newly_allowed, options);
    }
    for (const SharedClientId& s : report.shared_client_ids) {
        out << '\n'
            << fmt::format("Client ID {} was taken over (DUPLICATE_CLIENT_ID, line{} {}); principals that used it: {}",
                           s.client_id, s.disconnect_lines.size() == 1 ? "" : "s", line_list(s.disconnect_lines),
                           s.principals.empty() ? std::string("not logged") : fmt::format("{}", fmt::join(s.principals, ", ")))
            << '\n';
    }
    out << '\n'
        << fmt::format("{} log records: {} decisions replayed, {} agree, {} would now be denied, {} would now be "
                       "allowed; {} not replayable, {} without a policy decision; {} uncertain.",
                       report.records, report.replayed, report.agreed,
                       record_count(report.newly_denied), record_count(report.newly_allowed),
                       report.not_replayable, report.skipped, report.uncertain)
        << '\n';
}

}  // namespace iotpolicy
