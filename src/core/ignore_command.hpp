// SPDX-License-Identifier: GPL-2.0-or-later
// ignore-command, the policy half: the argv for one address and the cache of answers. The
// command runs (without a shell) only when a jail decides a ban, not at every failure, so an
// attacker with many addresses cannot make banjod start a process per log line. Exit status 0
// means "ignore this address"; any other answer, a timeout or a command that cannot start means
// "ban" (a broken helper must not open the door). Only real answers (0 or another exit status)
// are cached, for the jail's ignore-command-cache. No I/O; one thread.
#pragma once

#include "core/cidr.hpp"
#include "core/duration.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace banjo {

enum class IgnoreCommandVerdict { ignore, ban, failed };

// Each argument with every "{address}" replaced by the address's canonical text (a prefix ban's
// CIDR); an argument stays one argument whatever the address holds (no shell, no splitting).
std::vector<std::string> ignore_command_argv(const std::vector<std::string>& argv, const Cidr& address);

// Answers per (jail, address), each until its expiry. Bounded: past max_entries the oldest
// expiries go first.
class IgnoreCommandCache {
public:
    static constexpr std::size_t max_entries = 100'000;

    std::optional<bool> ignores(const std::string& jail, const Cidr& address, Usec now) const;
    void remember(const std::string& jail, const Cidr& address, bool ignore, Usec until);
    void forget_jail(const std::string& jail);
    std::size_t size() const noexcept { return entries_.size(); }

private:
    struct Entry {
        bool ignore = false;
        Usec until{};
    };
    std::map<std::pair<std::string, Cidr>, Entry> entries_;
};

}  // namespace banjo
