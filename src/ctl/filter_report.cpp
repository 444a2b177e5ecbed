// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/filter_report.hpp"

#include "ctl/table.hpp"
#include "ctl/time_text.hpp"
#include "text/json_writer.hpp"

#include <cstdio>

namespace banjo {

namespace {

const char* kind_name(MatchKind k) {
    return k == MatchKind::failure ? "failure" : k == MatchKind::info ? "info" : "forget";
}

// What happened to a matched line, in words.
std::string outcome_text(const MatchedLine& m) {
    if (m.counted) return "counts a failure against " + m.counted->to_string();
    if (m.kind != MatchKind::failure) return m.gained ? "a login: no failure" : "no failure by itself";
    if (!m.host.empty() && !m.address) return "not counted: '" + printable(m.host) + "' is not an address banjo accepts (host names are never resolved)";
    if (!m.id.empty()) return "waits for the host of session " + printable(m.id);
    return "not counted: no host and no session id";
}

}  // namespace

std::string filter_report_json(const FilterReport& report) {
    const FilterRun& run = report.run;
    const FilterRunResult& r = run.result();
    auto time_or_null = [](JsonWriter& j, std::uint64_t t) -> JsonWriter& { return t ? j.value(t) : j.null(); };
    auto text_or_null = [](JsonWriter& j, const std::string& s) -> JsonWriter& { return s.empty() ? j.null() : j.value(s); };
    JsonWriter json;
    json.begin_object();
    json.field("filter", run.filter().name());
    json.field("filter_file", report.filter_file);
    json.field("mode", run.filter().mode());
    json.field("input", report.input);
    json.field("lines", r.lines);
    json.field("matched", static_cast<std::uint64_t>(r.matched.size()));
    json.field("failures", r.failures);
    json.field("ignored", static_cast<std::uint64_t>(r.ignored.size()));
    json.field("missed", r.missed_count);
    json.field("seconds", report.seconds);
    json.key("patterns").begin_array();
    for (std::size_t i = 0; i < r.hits.size(); ++i) {
        json.begin_object();
        json.field("number", static_cast<std::uint64_t>(i + 1));
        json.field("regex", run.filter().failregex_texts()[i]);
        json.field("hits", r.hits[i]);
        json.end_object();
    }
    json.end_array();
    json.key("matches").begin_array();
    for (const auto& m : r.matched) {
        json.begin_object();
        json.field("line", m.number);
        time_or_null(json.key("time_usec"), m.time_usec);
        json.field("text", m.text);
        json.field("message", m.message);
        json.field("pattern", static_cast<std::uint64_t>(m.pattern));
        json.field("kind", kind_name(m.kind));
        json.field("gained", m.gained);
        json.field("ends_session", m.ends_session);
        text_or_null(json.key("host"), m.host);
        json.key("address");
        m.address ? json.value(m.address->to_string()) : json.null();
        text_or_null(json.key("user"), m.user);
        text_or_null(json.key("id"), m.id);
        json.key("counted");
        m.counted ? json.value(m.counted->to_string()) : json.null();
        json.end_object();
    }
    json.end_array();
    auto others = [&](const char* key, const std::vector<OtherLine>& lines, bool with_pattern) {
        json.key(key).begin_array();
        for (const auto& l : lines) {
            json.begin_object();
            json.field("line", l.number);
            time_or_null(json.key("time_usec"), l.time_usec);
            json.field("text", l.text);
            if (with_pattern) json.field("pattern", static_cast<std::uint64_t>(l.pattern));
            json.end_object();
        }
        json.end_array();
    };
    others("ignored_lines", r.ignored, true);
    others("missed_lines", r.missed, false);
    json.end_object();
    return json.finish();
}

std::string filter_report_text(const FilterReport& report, const Terminal& term) {
    const FilterRun& run = report.run;
    const FilterRunResult& r = run.result();
    auto where = [](std::uint64_t number, std::uint64_t time_usec) {
        return time_usec ? "entry " + std::to_string(number) + " (" + short_timestamp_text(time_usec) + ")"
                         : "line " + std::to_string(number);
    };
    std::string out;
    out += "Filter: " + term.paint(printable(run.filter().name()), Colour::bold) +
           (run.filter().mode().empty() ? "" : ", mode " + printable(run.filter().mode())) + " (" + printable(report.filter_file) + ")\n";
    out += "Input:  " + printable(report.input) + "\n\n";

    Table patterns({{"#", Align::right}, {"HITS", Align::right}, {"FAILREGEX"}});
    for (std::size_t i = 0; i < r.hits.size(); ++i)
        patterns.add_row({std::to_string(i + 1), Cell(std::to_string(r.hits[i]), r.hits[i] ? Colour::green : Colour::none),
                          printable(run.filter().failregex_texts()[i])});
    out += patterns.render(term, true);

    if (!r.matched.empty()) out += "\n" + term.paint("Matched lines:", Colour::bold) + "\n";
    for (const auto& m : r.matched) {
        out += where(m.number, m.time_usec) + ": " +
               term.paint(kind_name(m.kind), m.kind == MatchKind::failure ? Colour::red : Colour::none) + ", pattern " +
               std::to_string(m.pattern);
        if (!m.host.empty()) out += ", host " + term.paint(printable(m.host), Colour::bold);
        if (!m.user.empty()) out += ", user " + printable(m.user);
        if (m.ends_session) out += ", ends the session";
        out += ": " + outcome_text(m) + "\n    " + printable(m.text) + "\n";
    }
    if (!r.ignored.empty()) out += "\n" + term.paint("Ignored lines (an ignoreregex matched):", Colour::bold) + "\n";
    for (const auto& l : r.ignored)
        out += where(l.number, l.time_usec) + ": pattern " + std::to_string(l.pattern) + "\n    " + printable(l.text) + "\n";
    if (!r.missed.empty()) out += "\n" + term.paint("Missed lines:", Colour::bold) + "\n";
    for (const auto& l : r.missed) out += where(l.number, l.time_usec) + ":\n    " + printable(l.text) + "\n";

    char time_text[64];
    if (report.seconds < 1.0) std::snprintf(time_text, sizeof time_text, "%.1f ms", report.seconds * 1000.0);
    else std::snprintf(time_text, sizeof time_text, "%.2f s", report.seconds);
    out += "\nLines: " + std::to_string(r.lines) + " read, " + std::to_string(r.matched.size()) + " matched (" +
           std::to_string(r.failures) + " counted as failures), " + std::to_string(r.ignored.size()) + " ignored, " +
           std::to_string(r.missed_count) + " missed" +
           (r.missed_count && !report.missed_shown ? " (--show-missed prints them)" : "") + "; " +
           time_text + ".\n";
    return out;
}

}  // namespace banjo
