// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/journal_match.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>

namespace banjo {
namespace {

constexpr std::string_view uid_field = "_UID";

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// field -> values, in the order written.
std::map<std::string, std::vector<std::string>> fields_of(const std::vector<std::string>& group) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& term : group) {
        auto eq = term.find('=');
        if (eq == std::string::npos) continue;   // the readers refuse these before we get here
        out[term.substr(0, eq)].push_back(term.substr(eq + 1));
    }
    return out;
}

}  // namespace

std::optional<std::uint32_t> host_user_id(const std::string& name) {
    long size = sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(size > 0 ? static_cast<std::size_t>(size) : 4096);
    for (;;) {
        passwd entry{};
        passwd* found = nullptr;
        int r = getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
        if (r == ERANGE && buffer.size() < (1u << 20)) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        if (r != 0 || !found) return std::nullopt;
        return static_cast<std::uint32_t>(found->pw_uid);
    }
}

ResolvedJournalMatch resolve_journal_users(const JournalMatchGroups& groups, const UserLookup& lookup) {
    ResolvedJournalMatch out;
    for (const auto& group : groups) {
        std::vector<std::string> terms;
        bool has_uid = false, some_uid_resolves = false;
        std::vector<std::string> unknown;
        for (const auto& term : group) {
            auto eq = term.find('=');
            if (eq == std::string::npos || std::string_view(term).substr(0, eq) != uid_field) {
                terms.push_back(term);
                continue;
            }
            has_uid = true;
            const std::string value = term.substr(eq + 1);
            if (all_digits(value)) {
                some_uid_resolves = true;
                terms.push_back(term);
            } else if (auto uid = lookup(value)) {
                some_uid_resolves = true;
                terms.push_back(std::string(uid_field) + "=" + std::to_string(*uid));
            } else {
                unknown.push_back(value);
                terms.push_back(term);   // never matches: journald writes _UID as a number
            }
        }
        if (has_uid && !some_uid_resolves) {
            std::string names;
            for (const auto& u : unknown) names += (names.empty() ? "" : ", ") + u;
            out.dead_groups.push_back("journal-match group " + journal_group_text(group) +
                                      " can never match: no user " + names + " on this host");
        }
        out.groups.push_back(std::move(terms));
    }
    return out;
}

std::vector<std::string> forgeable_groups(const JournalMatchGroups& groups) {
    std::vector<std::string> out;
    if (groups.empty())
        out.push_back("no journal-match: every journal entry is read, and any local user can write one "
                      "that names the address to ban; require the daemon's unit or executable and its user, "
                      "e.g. [[\"_SYSTEMD_UNIT=ssh.service\", \"_UID=0\"]]");
    for (const auto& group : groups) {
        const auto fields = fields_of(group);
        std::string client_set;
        bool journald_set = false;
        for (const auto& [field, values] : fields) {
            if (field[0] == '_') journald_set = true;
            else client_set += (client_set.empty() ? "" : ", ") + field;
        }
        if (!journald_set) {
            out.push_back("journal-match group " + journal_group_text(group) + " uses only fields the sending program "
                          "chooses (" + client_set + "): any local user can write an entry that matches it and names "
                          "the address to ban; require fields journald sets: the daemon's unit or executable and "
                          "its user, e.g. [\"_SYSTEMD_UNIT=NAME.service\", \"_UID=0\"]");
            continue;
        }
        if (fields.count(std::string(uid_field))) continue;
        // Kernel and audit records: only root can write those (/dev/kmsg, CAP_AUDIT_WRITE).
        auto transport = fields.find("_TRANSPORT");
        if (transport != fields.end() &&
            std::all_of(transport->second.begin(), transport->second.end(),
                        [](const std::string& v) { return v == "kernel" || v == "audit"; }))
            continue;
        out.push_back("journal-match group " + journal_group_text(group) + " does not require _UID: a process of "
                      "any user inside that unit, or any user running that program, can write an entry that matches "
                      "it; add \"_UID=0\" or the daemon's own user (\"_UID=NAME\")");
    }
    return out;
}

std::string journal_group_text(const std::vector<std::string>& group) {
    std::string out = "[";
    for (std::size_t i = 0; i < group.size(); ++i) out += (i ? ", \"" : "\"") + group[i] + "\"";
    return out + "]";
}

}  // namespace banjo
