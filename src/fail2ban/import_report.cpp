// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/import_report.hpp"

#include "fail2ban/value_text.hpp"
#include "text/json_writer.hpp"

#include <map>

namespace banjo {
namespace {

std::string location(const SourceLocation& w, const std::string& dir) {
    if (w.file.empty()) return {};
    return relative_path(w.file, dir) + (w.line > 0 ? ":" + std::to_string(w.line) : "");
}

void items_text(std::string& out, const std::vector<ReportItem>& items, const std::string& dir) {
    for (const auto& i : items) {
        std::string kind = item_kind_name(i.kind);
        kind.resize(10, ' ');
        std::string at = location(i.where, dir);
        out += "  " + kind + " " + i.text + (at.empty() ? "" : "  (" + at + ")") + "\n";
    }
}

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

void items_field(JsonWriter& json, std::string_view name, const std::vector<ReportItem>& items) {
    json.key(name).begin_array();
    for (const auto& it : items) {
        json.begin_object();
        json.field("kind", item_kind_name(it.kind));
        json.field("text", it.text);
        if (!it.where.file.empty()) {
            json.field("file", it.where.file);
            json.field("line", it.where.line);
        }
        json.end_object();
    }
    json.end_array();
}

// The start of a jail's or a filter's object: its name and what became of it.
void begin_outcome(JsonWriter& json, const std::string& name, OutcomeStatus status) {
    json.begin_object();
    json.field("name", name);
    json.field("status", status_name(status));
}

struct Counts {
    std::map<ItemKind, int> items;
    void add(const std::vector<ReportItem>& v) {
        for (const auto& i : v) ++items[i.kind];
    }
};

Counts count(const ImportReport& r) {
    Counts c;
    c.add(r.defaults);
    c.add(r.general);
    for (const auto& j : r.jails) c.add(j.items);
    for (const auto& f : r.filters) c.add(f.items);
    return c;
}

int with_status(const auto& list, OutcomeStatus s) {
    int n = 0;
    for (const auto& x : list) n += x.status == s;
    return n;
}

}  // namespace

const char* item_kind_name(ItemKind kind) noexcept {
    switch (kind) {
        case ItemKind::converted: return "converted";
        case ItemKind::changed: return "changed";
        case ItemKind::warning: return "warning";
        case ItemKind::skipped: return "skipped";
        case ItemKind::error: return "error";
    }
    return "?";
}

const char* status_name(OutcomeStatus status) noexcept {
    switch (status) {
        case OutcomeStatus::converted: return "converted";
        case OutcomeStatus::disabled: return "disabled";
        case OutcomeStatus::failed: return "failed";
    }
    return "?";
}

std::string report_text(const ImportReport& r) {
    const std::string& dir = r.source;
    std::string out = "fail2ban configuration: " + r.source + "\n";
    std::vector<std::string> read;
    for (const auto& f : r.files_read) read.push_back(relative_path(f, dir));
    out += "  read: " + join(read) + "\n";
    out += "output: " + r.output + "\n";
    items_text(out, r.general, dir);

    out += "\n[DEFAULT] -> banjo.toml [defaults]\n";
    items_text(out, r.defaults, dir);
    for (const auto& j : r.jails) {
        out += "\njail " + j.name + ": " + status_name(j.status);
        if (j.status != OutcomeStatus::failed) {
            out += " -> " + j.file + " (filter " + j.filter;
            if (!j.mode.empty()) out += ", mode " + j.mode;
            out += ")";
        }
        out += "\n";
        items_text(out, j.items, dir);
    }
    for (const auto& f : r.filters) {
        out += "\nfilter " + f.name + ": " + status_name(f.status);
        if (!f.files.empty()) out += " -> " + join(f.files);
        std::vector<std::string> facts;
        if (!f.modes.empty()) facts.push_back("modes " + join(f.modes));
        facts.push_back(std::to_string(f.patterns_converted) + " of " + std::to_string(f.patterns) + " patterns");
        out += " (" + join(facts, "; ") + ")\n";
        items_text(out, f.items, dir);
    }
    if (!r.not_enabled.empty())
        out += "\nnot converted: " + std::to_string(r.not_enabled.size()) +
               " jails fail2ban defines but does not enable (enable them in jail.local, or use --all): " +
               join(r.not_enabled) + "\n";

    Counts c = count(r);
    out += "\nsummary: " + std::to_string(with_status(r.jails, OutcomeStatus::converted)) + " jails converted, " +
           std::to_string(with_status(r.jails, OutcomeStatus::disabled)) + " written disabled, " +
           std::to_string(with_status(r.jails, OutcomeStatus::failed)) + " failed; " +
           std::to_string(with_status(r.filters, OutcomeStatus::converted)) + " filters converted, " +
           std::to_string(with_status(r.filters, OutcomeStatus::failed)) + " failed; " +
           std::to_string(c.items[ItemKind::skipped]) + " items skipped, " +
           std::to_string(c.items[ItemKind::warning]) + " warnings, " + std::to_string(c.items[ItemKind::error]) +
           " errors\n";
    if (!r.files_written.empty()) out += "written: " + join(r.files_written) + "\n";
    return out;
}

std::string report_json(const ImportReport& r) {
    JsonWriter json;
    json.begin_object();
    json.field("source", r.source);
    json.field("output", r.output);
    json.field("files_read", r.files_read);
    json.field("files_written", r.files_written);
    items_field(json, "general", r.general);
    items_field(json, "defaults", r.defaults);
    json.key("jails").begin_array();
    for (const auto& j : r.jails) {
        begin_outcome(json, j.name, j.status);
        if (!j.where.file.empty()) {   // the [jail] section it came from
            json.field("source_file", j.where.file);
            json.field("line", j.where.line);
        }
        json.field("file", j.file);
        json.field("filter", j.filter);
        json.field("mode", j.mode);
        items_field(json, "items", j.items);
        json.end_object();
    }
    json.end_array();
    json.key("filters").begin_array();
    for (const auto& f : r.filters) {
        begin_outcome(json, f.name, f.status);
        json.field("files", f.files);
        json.field("modes", f.modes);
        items_field(json, "items", f.items);
        json.field("patterns", f.patterns);
        json.field("patterns_converted", f.patterns_converted);
        json.end_object();
    }
    json.end_array();
    json.field("not_enabled", r.not_enabled);
    Counts c = count(r);
    json.key("summary").begin_object();
    json.field("jails_converted", with_status(r.jails, OutcomeStatus::converted));
    json.field("jails_disabled", with_status(r.jails, OutcomeStatus::disabled));
    json.field("jails_failed", with_status(r.jails, OutcomeStatus::failed));
    json.field("filters_converted", with_status(r.filters, OutcomeStatus::converted));
    json.field("filters_failed", with_status(r.filters, OutcomeStatus::failed));
    json.field("skipped", c.items[ItemKind::skipped]);
    json.field("warnings", c.items[ItemKind::warning]);
    json.field("errors", c.items[ItemKind::error]);
    json.end_object();
    json.end_object();
    return json.finish();
}

}  // namespace banjo
