// SPDX-License-Identifier: GPL-2.0-or-later
// A backend that touches no firewall: it logs each change it would make and remembers the set
// of bans, so tests (and `--backend dry-run` on a machine without firewalld) can see them.
// Always ready.
#pragma once

#include "firewall/backend.hpp"

#include <set>
#include <string>
#include <utility>

namespace banjo {

class DryRunBackend final : public Backend {
public:
    explicit DryRunBackend(LogSink log = default_log_sink());

    std::string_view name() const override { return "dry-run"; }
    BackendState state() const override { return BackendState::ready; }
    std::string state_detail() const override { return {}; }
    void add(const BanTarget& target) override;
    void remove(const BanTarget& target) override;

    // (jail, address) pairs currently banned.
    const std::set<std::pair<std::string, Cidr>>& bans() const { return bans_; }
    bool contains(const std::string& jail, const Cidr& address) const {
        return bans_.count({jail, address}) != 0;
    }

private:
    LogSink log_;
    std::set<std::pair<std::string, Cidr>> bans_;
};

}  // namespace banjo
