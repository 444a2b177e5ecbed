// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/import_report.hpp"

#include <cstdio>
#include <map>

namespace banjo {
namespace {

std::string relative(const std::string& path, const std::string& dir) {
    std::string d = dir;
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    if (!d.empty() && path.size() > d.size() && path.compare(0, d.size(), d) == 0 && path[d.size()] == '/')
        return path.substr(d.size() + 1);
    return path;
}

std::string location(const SourceLocation& w, const std::string& dir) {
    if (w.file.empty()) return {};
    return relative(w.file, dir) + (w.line > 0 ? ":" + std::to_string(w.line) : "");
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

// The length of the valid UTF-8 sequence at s[i], or 0 (configuration text is not always UTF-8,
// JSON must be).
std::size_t utf8_length(const std::string& s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((byte(i + k) & 0xc0) != 0x80) return 0;
    return n;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else if (std::size_t n = utf8_length(s, i)) {
                    out += s.substr(i, n);
                    i += n;
                    continue;
                } else {
                    out += "\\ufffd";
                }
        }
        ++i;
    }
    return out + "\"";
}

std::string json_strings(const std::vector<std::string>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + json_string(v[i]);
    return out + "]";
}

std::string json_items(const std::vector<ReportItem>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& it = items[i];
        out += (i ? "," : "");
        out += "{\"kind\":" + json_string(item_kind_name(it.kind)) + ",\"text\":" + json_string(it.text);
        if (!it.where.file.empty()) out += ",\"file\":" + json_string(it.where.file) + ",\"line\":" + std::to_string(it.where.line);
        out += "}";
    }
    return out + "]";
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
    for (const auto& f : r.files_read) read.push_back(relative(f, dir));
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
    std::string out = "{";
    out += "\"source\":" + json_string(r.source);
    out += ",\"output\":" + json_string(r.output);
    out += ",\"files_read\":" + json_strings(r.files_read);
    out += ",\"files_written\":" + json_strings(r.files_written);
    out += ",\"general\":" + json_items(r.general);
    out += ",\"defaults\":" + json_items(r.defaults);
    out += ",\"jails\":[";
    for (std::size_t i = 0; i < r.jails.size(); ++i) {
        const auto& j = r.jails[i];
        out += (i ? "," : "");
        out += "{\"name\":" + json_string(j.name) + ",\"status\":" + json_string(status_name(j.status));
        out += ",\"file\":" + json_string(j.file) + ",\"filter\":" + json_string(j.filter) +
               ",\"mode\":" + json_string(j.mode);
        if (!j.where.file.empty()) out += ",\"source_file\":" + json_string(j.where.file) + ",\"line\":" + std::to_string(j.where.line);
        out += ",\"items\":" + json_items(j.items) + "}";
    }
    out += "],\"filters\":[";
    for (std::size_t i = 0; i < r.filters.size(); ++i) {
        const auto& f = r.filters[i];
        out += (i ? "," : "");
        out += "{\"name\":" + json_string(f.name) + ",\"status\":" + json_string(status_name(f.status));
        out += ",\"files\":" + json_strings(f.files) + ",\"modes\":" + json_strings(f.modes);
        out += ",\"patterns\":" + std::to_string(f.patterns) + ",\"patterns_converted\":" + std::to_string(f.patterns_converted);
        out += ",\"items\":" + json_items(f.items) + "}";
    }
    out += "],\"not_enabled\":" + json_strings(r.not_enabled);
    Counts c = count(r);
    out += ",\"summary\":{\"jails_converted\":" + std::to_string(with_status(r.jails, OutcomeStatus::converted)) +
           ",\"jails_disabled\":" + std::to_string(with_status(r.jails, OutcomeStatus::disabled)) +
           ",\"jails_failed\":" + std::to_string(with_status(r.jails, OutcomeStatus::failed)) +
           ",\"filters_converted\":" + std::to_string(with_status(r.filters, OutcomeStatus::converted)) +
           ",\"filters_failed\":" + std::to_string(with_status(r.filters, OutcomeStatus::failed)) +
           ",\"skipped\":" + std::to_string(c.items[ItemKind::skipped]) +
           ",\"warnings\":" + std::to_string(c.items[ItemKind::warning]) +
           ",\"errors\":" + std::to_string(c.items[ItemKind::error]) + "}";
    return out + "}\n";
}

}  // namespace banjo
