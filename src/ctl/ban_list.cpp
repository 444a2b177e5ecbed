// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/ban_list.hpp"

#include "ctl/terminal.hpp"
#include "ctl/time_text.hpp"

#include <algorithm>
#include <tuple>

namespace banjo {

void sort_bans(std::vector<BanEntry>& bans) {
    std::sort(bans.begin(), bans.end(), [](const BanEntry& a, const BanEntry& b) {
        return std::tie(a.jail, a.expires_usec, a.address) < std::tie(b.jail, b.expires_usec, b.address);
    });
}

void write_bans_json(JsonWriter& json, const std::vector<BanEntry>& bans, std::uint64_t now_usec) {
    json.begin_array();
    for (const auto& b : bans) {
        const bool permanent = b.expires_usec == never_usec;
        json.begin_object();
        json.field("jail", b.jail);
        json.field("address", b.address);
        json.field("banned_usec", b.banned_usec);
        json.key("expires_usec");
        permanent ? json.null() : json.value(b.expires_usec);
        json.field("permanent", permanent);
        json.key("remaining_usec");
        if (auto left = remaining_usec(b.expires_usec, now_usec)) json.value(*left);
        else json.null();
        json.field("failures", b.failures);
        json.field("origin", b.origin);
        if (b.lines) {
            json.key("lines");
            json.begin_array();
            for (const auto& line : *b.lines) json.value(line);
            json.end_array();
        }
        json.end_object();
    }
    json.end_array();
}

Table bans_table(const std::vector<BanEntry>& bans, std::uint64_t now_usec, bool with_jail) {
    std::vector<Column> columns;
    if (with_jail) columns.push_back({"JAIL"});
    for (Column c : {Column{"ADDRESS"}, Column{"BANNED"}, Column{"EXPIRES"}, Column{"LEFT", Align::right},
                     Column{"FAILURES", Align::right}, Column{"ORIGIN"}})
        columns.push_back(c);
    Table table(std::move(columns));
    for (const auto& b : bans) {
        std::vector<Cell> row;
        if (with_jail) row.emplace_back(printable(b.jail));
        row.emplace_back(printable(b.address), Colour::bold);
        row.emplace_back(timestamp_text(b.banned_usec));
        row.emplace_back(timestamp_text(b.expires_usec));
        row.emplace_back(remaining_text(b.expires_usec, now_usec));
        row.emplace_back(b.origin == "manual" && b.failures == 0 ? std::string("-") : std::to_string(b.failures));
        row.emplace_back(printable(b.origin));
        table.add_row(std::move(row));
    }
    return table;
}

std::string ban_lines_text(const std::vector<BanEntry>& bans) {
    std::string out;
    for (const auto& b : bans) {
        if (!b.lines || b.lines->empty()) continue;
        out += "\n" + printable(b.jail) + " " + printable(b.address) + ":\n";
        for (const auto& line : *b.lines) out += "    " + printable(line) + "\n";
    }
    return out;
}

}  // namespace banjo
