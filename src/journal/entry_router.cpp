// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal/entry_router.hpp"

#include "journal/journal_reader.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

namespace banjo {

namespace {

// A group in canonical form: field -> accepted values. Equal groups compare equal however
// their terms were written or ordered.
using CanonicalGroup = std::map<std::string, std::set<std::string>>;
// A jail's match set; the empty set stands for "every entry".
using CanonicalMatch = std::set<CanonicalGroup>;

// The sender's uid, which journald records for every entry a local process sends. A _UID term
// holds for an entry with one of its values, or with no _UID at all: only a local sender has
// one (journald takes it from the socket, the sender cannot leave it out), so its absence means
// the kernel or another host's journal (systemd-journal-remote), which no local user can forge.
// The journal cannot match a missing field, so the reader is given each group without its _UID
// terms and route() checks them.
constexpr std::string_view uid_field = "_UID";

bool has_uid_term(const CanonicalMatch& match) {
    return std::any_of(match.begin(), match.end(),
                       [](const CanonicalGroup& group) { return group.count(std::string(uid_field)) != 0; });
}

CanonicalGroup canonical_group(const std::vector<std::string>& terms) {
    CanonicalGroup group;
    for (const auto& term : terms) {
        auto eq = term.find('=');
        if (eq == std::string::npos || eq == 0)
            throw std::invalid_argument("journal match \"" + term + "\" is not FIELD=value");
        group[term.substr(0, eq)].insert(term.substr(eq + 1));
    }
    return group;
}

CanonicalMatch canonical_match(const EntryRouter::Groups& groups) {
    CanonicalMatch match;
    bool every_entry = false;
    for (const auto& terms : groups) {
        // An empty group takes every entry; the other groups' terms must still be well-formed.
        if (terms.empty())
            every_entry = true;
        else
            match.insert(canonical_group(terms));
    }
    if (every_entry)
        return {};
    return match;
}

}  // namespace

EntryRouter::EntryRouter(std::vector<Groups> per_jail) {
    std::vector<CanonicalMatch> jails;
    CanonicalMatch all;
    bool every_entry = false;
    for (const auto& groups : per_jail) {
        jails.push_back(canonical_match(groups));
        every_entry = every_entry || jails.back().empty();
        all.insert(jails.back().begin(), jails.back().end());
    }
    if (every_entry)
        all.clear();

    std::set<std::vector<std::string>> reader_groups;
    for (const auto& group : all) {
        std::vector<std::string> terms;
        for (const auto& [field, values] : group)
            if (field != uid_field)
                for (const auto& value : values)
                    terms.push_back(field + "=" + value);
        reader_groups.insert(std::move(terms));
    }
    // A group of _UID terms alone reads every entry.
    if (reader_groups.count({}) == 0)
        union_.assign(reader_groups.begin(), reader_groups.end());
    const bool reader_checks_all = !has_uid_term(all);

    std::map<std::string, std::size_t> field_index;
    std::map<std::pair<std::size_t, std::set<std::string>>, std::size_t> condition_index;
    for (const auto& match : jails) {
        JailRoute route;
        route.always = match == all && reader_checks_all;
        if (!route.always) {
            for (const auto& group : match) {
                std::vector<std::size_t> conditions;
                for (const auto& [field, values] : group) {
                    auto [f, new_field] = field_index.try_emplace(field, fields_.size());
                    if (new_field) {
                        fields_.push_back(field);
                        absent_satisfies_.push_back(field == uid_field);
                        conditions_of_field_.emplace_back();
                    }
                    auto [c, new_condition] =
                        condition_index.try_emplace({f->second, values}, conditions_.size());
                    if (new_condition) {
                        conditions_.push_back({f->second, {values.begin(), values.end()}});
                        conditions_of_field_[f->second].push_back(c->second);
                    }
                    conditions.push_back(c->second);
                }
                route.groups.push_back(std::move(conditions));
            }
        }
        jails_.push_back(std::move(route));
    }
    satisfied_.resize(conditions_.size());
}

EntryRouter::Groups EntryRouter::union_groups() const {
    return union_;
}

void EntryRouter::route(const JournalReader& reader, std::vector<std::size_t>& jail_indices_out) {
    route_fields([&reader](const std::string& field) { return reader.field(field.c_str()); },
                 jail_indices_out);
}

void EntryRouter::check_field(std::size_t f, std::optional<std::string_view> value) noexcept {
    for (auto c : conditions_of_field_[f]) {
        const auto& values = conditions_[c].values;
        satisfied_[c] = value ? std::find(values.begin(), values.end(), *value) != values.end()
                              : absent_satisfies_[f] != 0;
    }
}

void EntryRouter::collect_jails(std::vector<std::size_t>& jail_indices_out) const {
    jail_indices_out.clear();
    for (std::size_t j = 0; j < jails_.size(); ++j) {
        const auto& jail = jails_[j];
        bool match = jail.always;
        for (std::size_t g = 0; !match && g < jail.groups.size(); ++g)
            match = std::all_of(jail.groups[g].begin(), jail.groups[g].end(),
                                [this](std::size_t c) { return satisfied_[c] != 0; });
        if (match)
            jail_indices_out.push_back(j);
    }
}

}  // namespace banjo
