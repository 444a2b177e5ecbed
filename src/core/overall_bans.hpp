// SPDX-License-Identifier: GPL-2.0-or-later
// The earlier bans of an address summed over a set of jails: what the increment policy counts
// for a jail with overall-jails (fail2ban's bantime.overalljails), so that an address banned in
// sshd gets a longer first ban in postfix. The jails are not owned; their owner keeps the list
// current. One thread.
#pragma once

#include "core/cidr.hpp"

#include <vector>

namespace banjo {

class Jail;

class OverallBans {
public:
    void set_jails(std::vector<const Jail*> jails) { jails_ = std::move(jails); }
    unsigned previous_bans(const Cidr& network) const;

private:
    std::vector<const Jail*> jails_;
};

}  // namespace banjo
