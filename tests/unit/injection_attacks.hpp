// SPDX-License-Identifier: GPL-2.0-or-later
// What the filter injection tests of whole filter families share: an attack (a log line the
// service writes, with attacker text that plants an address in it), and the check that runs
// one through every mode of a shipped filter, a session at a time, as banjod would: the planted
// address is never named, a count goes to the real host, and the modes that must count do.
#pragma once

#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "core/session_table.hpp"
#include "planted_address.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace banjo::test {

inline const std::string real4 = "198.51.100.4";
inline const std::string real6 = "2001:db8::4";
inline const std::vector<std::string> planted_forms{"203.0.113.9", "2001:db8::bad", "::ffff:203.0.113.9"};

struct Attack {
    std::string filter;
    std::vector<std::string> context;   // earlier lines of the same session, fed first
    std::string message;
    std::string real;                   // the host the service wrote
    std::vector<std::string> planted;   // what the attacker wrote
    std::vector<std::string> must_count_in;   // modes that must count it against `real` ("*": all)
};

// Replaces every "$P" by `planted` and "$R" by `real`.
inline std::string fill(std::string text, const std::string& planted, const std::string& real) {
    for (auto [key, value] : {std::pair<std::string, std::string>{"$P", planted}, {"$R", real}})
        for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
            text.replace(at, key.size(), value);
    return text;
}

// The attack for one real host and one planted form; "::ffff:a.b.c.d" also plants a.b.c.d.
inline Attack make_attack(const std::string& filter, const std::vector<std::string>& context, const std::string& message,
                          const std::string& real, const std::string& planted, std::vector<std::string> must_count_in) {
    Attack attack{filter, {}, fill(message, planted, real), real, {planted}, std::move(must_count_in)};
    for (const auto& c : context) attack.context.push_back(fill(c, planted, real));
    if (planted.rfind("::ffff:", 0) == 0) attack.planted.push_back(planted.substr(7));
    return attack;
}

inline FilterSpec load_shipped_filter(const std::string& name) {
    return load_filter_file(std::string(BANJO_SOURCE_ROOT) + "/conf/filter.d/" + name + ".toml");
}

inline std::vector<std::string> modes_of(const FilterSpec& spec) {
    std::vector<std::string> modes;
    for (const auto& [name, m] : spec.modes) modes.push_back(name);
    if (modes.empty()) modes.push_back("");
    return modes;
}

// Runs every attack through every mode of its filter; returns how many (attack, mode) pairs ran.
inline int check_attacks(const std::vector<Attack>& attacks) {
    std::map<std::string, FilterSpec> specs;
    int checked = 0;
    for (const Attack& attack : attacks) {
        if (!specs.count(attack.filter)) specs.emplace(attack.filter, load_shipped_filter(attack.filter));
        const FilterSpec& spec = specs.at(attack.filter);
        for (const std::string& mode : modes_of(spec)) {
            Filter filter = Filter::compile(spec, mode);
            SessionTable sessions(default_max_sessions, default_session_max_age_usec);
            Usec now = std::chrono::hours(1000);
            auto feed = [&](const std::string& line) -> std::pair<std::optional<FilterMatch>, std::optional<Address>> {
                auto m = filter.match(line);
                if (!m) return {std::nullopt, std::nullopt};
                std::string id(m->id);
                if (id.empty() && !filter.id_field().empty()) id = "4242";
                return {m, sessions.feed(*m, id, now)};
            };
            for (const auto& line : attack.context) {
                auto [m, counted] = feed(line);
                INFO("[" << attack.filter << " " << mode << "] context: " << line);
                if (m) CHECK_FALSE(names_planted(m->host, attack.planted));
                CHECK_FALSE(counted);
            }
            auto [m, counted] = feed(attack.message);

            INFO("[" << attack.filter << " " << (mode.empty() ? "-" : mode) << "] " << attack.message);
            INFO("matched: " << (m ? "pattern " + std::to_string(m->pattern_index) + ", host '" + std::string(m->host) + "'"
                                   : "no"));
            if (m) CHECK_FALSE(names_planted(m->host, attack.planted));
            if (counted) CHECK(*counted == *Address::parse(attack.real));
            const auto& must = attack.must_count_in;
            if (std::find(must.begin(), must.end(), "*") != must.end() || std::find(must.begin(), must.end(), mode) != must.end())
                CHECK(counted.has_value());
            ++checked;
        }
    }
    return checked;
}

}  // namespace banjo::test
