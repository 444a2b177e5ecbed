// SPDX-License-Identifier: GPL-2.0-or-later
// Decides which jails a journal entry belongs to, by the jails' journal-match groups (OR of
// groups; inside a group same-field terms OR, different fields AND: the journal's own rules).
// The reader is restricted to union_groups(), so a jail whose match set is that whole union
// takes every entry unread; when that holds for all jails (one jail, or several jails over one
// service: the common case) route() reads no field at all. Otherwise it reads each field named
// by the other jails' matches once per entry. route() does not allocate once warm.
// _UID terms are the exception: they hold for an entry without _UID too (no local process sent
// it: the kernel, or another host's journal read through systemd-journal-remote), which the
// journal cannot express, so the reader's groups leave them out and route() always checks them.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

class JournalReader;

class EntryRouter {
public:
    using Groups = std::vector<std::vector<std::string>>;   // groups of "FIELD=value" terms

    // per_jail[i] is jail i's journal-match; no groups, or an empty group, matches every entry.
    // Throws std::invalid_argument for a term that is not "FIELD=value".
    explicit EntryRouter(std::vector<Groups> per_jail);

    // For JournalReader::set_matches: every distinct group once without its _UID terms, terms
    // sorted; empty when some jail takes every entry.
    Groups union_groups() const;

    // The fields route() reads, in order; empty on the fast path.
    const std::vector<std::string>& fields() const noexcept { return fields_; }

    // Fills `jail_indices_out` (cleared first) with the jails the current entry belongs to,
    // ascending. Assumes the reader's matches are union_groups().
    void route(const JournalReader& reader, std::vector<std::size_t>& jail_indices_out);

    // The same decision with the entry's fields coming from `lookup` (a callable taking the
    // field's name, const std::string&, and returning std::optional<std::string_view>), which is
    // asked for each name in fields() exactly once, in order; its answer need only live until the
    // next call. A template, so that the per-entry call is inlined rather than made through a
    // std::function.
    using FieldLookup = std::function<std::optional<std::string_view>(const std::string& field)>;
    template <typename Lookup>
    void route_fields(Lookup&& lookup, std::vector<std::size_t>& jail_indices_out) {
        // Each field is read once and tested against every condition on it right away, because
        // the reader's view of a value ends at its next read.
        for (std::size_t f = 0; f < fields_.size(); ++f) check_field(f, lookup(fields_[f]));
        collect_jails(jail_indices_out);
    }

private:
    struct Condition {                  // one field, any of these values
        std::size_t field;
        std::vector<std::string> values;
    };
    struct JailRoute {
        bool always = false;            // its matches are the reader's: no need to look
        std::vector<std::vector<std::size_t>> groups;   // AND of condition indices, OR-ed
    };

    void check_field(std::size_t field, std::optional<std::string_view> value) noexcept;
    void collect_jails(std::vector<std::size_t>& jail_indices_out) const;

    Groups union_;
    std::vector<std::string> fields_;
    std::vector<Condition> conditions_;
    std::vector<std::vector<std::size_t>> conditions_of_field_;
    std::vector<char> absent_satisfies_;  // per field: an entry without it meets its conditions
    std::vector<JailRoute> jails_;
    std::vector<char> satisfied_;       // per condition, for the entry being routed
};

}  // namespace banjo
