// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target for the journal entry router: jails' journal-match groups and journal
// entries from fuzz bytes, routed by EntryRouter and by the journal's own rules written out
// plainly here (groups OR-ed; inside a group same-field terms OR-ed, different fields AND-ed; no
// group or an empty one: every entry). For every entry the reader would deliver (one that
// matches union_groups()), both must name the same jails; route_fields() must ask for exactly
// fields(), in order, once each. Terms that are not FIELD=value must be refused with
// std::invalid_argument, and nothing else may be thrown.
//
// Input, one item a line: "J" starts a jail, "G" a group in it, "E" an entry; any other line is a
// FIELD=value term of the current group, or a field of the current entry.
#include "journal/entry_router.hpp"

#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

using Groups = banjo::EntryRouter::Groups;
using Entry = std::map<std::string, std::string, std::less<>>;

struct Input {
    std::vector<Groups> jails;
    std::vector<Entry> entries;
    bool bad_term = false;   // a term without '=' or with an empty field name
};

Input parse(std::string_view text) {
    Input in;
    bool in_entry = false;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (line == "J") {
            in.jails.emplace_back();
            in_entry = false;
        } else if (line == "G") {
            if (in.jails.empty()) in.jails.emplace_back();
            in.jails.back().emplace_back();
            in_entry = false;
        } else if (line == "E") {
            in.entries.emplace_back();
            in_entry = true;
        } else if (in_entry) {
            const std::size_t eq = line.find('=');
            if (eq != std::string_view::npos)
                in.entries.back().emplace(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
        } else {
            if (in.jails.empty()) in.jails.emplace_back();
            if (in.jails.back().empty()) in.jails.back().emplace_back();
            in.jails.back().back().emplace_back(line);
            const std::size_t eq = line.find('=');
            in.bad_term = in.bad_term || eq == std::string_view::npos || eq == 0;
        }
    }
    return in;
}

// The journal's reading of one group: for every field it names, the entry has one of its values
// (for _UID: or none at all).
bool group_matches(const std::vector<std::string>& terms, const Entry& entry) {
    std::map<std::string, bool> field_ok;
    for (const auto& term : terms) {
        const std::size_t eq = term.find('=');
        const std::string field = term.substr(0, eq);
        auto it = entry.find(field);
        // A _UID term also holds for an entry without _UID (no local sender): the router's rule.
        const bool absent_ok = field == "_UID" && it == entry.end();
        field_ok[field] = field_ok[field] || absent_ok || (it != entry.end() && it->second == term.substr(eq + 1));
    }
    for (const auto& [field, ok] : field_ok)
        if (!ok) return false;
    return true;
}

bool jail_matches(const Groups& groups, const Entry& entry) {
    if (groups.empty()) return true;
    for (const auto& g : groups)
        if (g.empty() || group_matches(g, entry)) return true;
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Input in = parse(std::string_view(reinterpret_cast<const char*>(data), size));
    if (in.jails.size() > 64 || in.entries.size() > 64) return 0;
    std::optional<banjo::EntryRouter> router;
    try {
        router.emplace(in.jails);
    } catch (const std::invalid_argument&) {
        require(in.bad_term);
        return 0;
    }
    require(!in.bad_term);

    const Groups all = router->union_groups();
    std::vector<std::size_t> routed;
    for (const Entry& entry : in.entries) {
        std::vector<std::string> asked;
        router->route_fields(
            [&](const std::string& field) -> std::optional<std::string_view> {
                asked.push_back(field);
                auto it = entry.find(field);
                if (it == entry.end()) return std::nullopt;
                return std::string_view(it->second);
            },
            routed);
        require(asked == router->fields());
        if (!jail_matches(all, entry)) continue;   // the reader never delivers it
        std::vector<std::size_t> expected;
        for (std::size_t i = 0; i < in.jails.size(); ++i)
            if (jail_matches(in.jails[i], entry)) expected.push_back(i);
        require(routed == expected);
    }
    return 0;
}
