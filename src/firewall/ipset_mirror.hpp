// SPDX-License-Identifier: GPL-2.0-or-later
// One firewalld ipset as banjo wants it and as firewalld is believed to hold it. The backend
// asks it for the next batch of changes: a few addEntry/removeEntry calls, or, for a burst or
// an unknown remote state, one setEntries with the whole set (firewalld checks every addEntry
// against the whole set, so thousands of single calls would cost minutes). No D-Bus here.
// Entries are addresses or networks (prefix bans, in hash:net ipsets). firewalld refuses an
// entry that overlaps another, so an entry inside a wider wanted network is not applied while
// that network is: the network stands for it, and it comes back when the network goes.
#pragma once

#include "core/cidr_set.hpp"

#include <cstddef>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace banjo {

class IpsetMirror {
public:
    // An entry stays wanted while any owner (a jail) wants it. True if the set changed.
    bool want(const std::string& address, const std::string& owner);
    bool unwant(const std::string& address, const std::string& owner);

    // What firewalld reported (getEntries): pending changes become the difference.
    void set_applied(const std::vector<std::string>& entries);
    // firewalld lost its runtime entries (reload, restart): everything wanted is pending.
    void forget_applied();

    struct Batch {
        bool replace = false;              // setEntries(entries) instead of add/remove
        std::vector<std::string> entries;  // the whole wanted set, when replace
        std::vector<std::string> add;
        std::vector<std::string> remove;
        bool empty() const { return !replace && add.empty() && remove.empty(); }
    };
    // Takes every pending change and counts it as applied; a call that then fails must be
    // followed by set_applied() from a fresh getEntries. More than burst_threshold pending
    // changes, or an applied state not known, make it one replace. Removes go first: an add
    // that overlaps an entry still applied would be refused.
    Batch take(std::size_t burst_threshold);

    std::size_t pending() const { return unknown_ ? wanted_.size() + 1 : dirty_.size(); }
    std::size_t size() const { return wanted_.size(); }
    std::size_t applied_size() const { return applied_.size(); }
    bool wanted(const std::string& address) const { return wanted_.count(address) != 0; }
    // Wanted and not inside another wanted network: what firewalld should hold.
    bool effective(const std::string& entry) const;

private:
    // Marks the entry, and for a network every wanted entry inside it, as maybe changed.
    void touch(const std::string& entry);

    std::unordered_map<std::string, std::vector<std::string>> wanted_;   // address -> owners
    std::unordered_set<std::string> applied_;
    std::unordered_set<std::string> dirty_;   // addresses where wanted and applied may differ
    bool unknown_ = true;                     // applied_ is not known: replace on next take
    CidrSet networks_;                        // the wanted entries that are networks
};

}  // namespace banjo
