// SPDX-License-Identifier: GPL-2.0-or-later
// The firewalld backend with a forward guard beside it ([firewalld] forward-guard = true).
// firewalld 1.3 accepts every flow whose destination was rewritten by DNAT (`ct status dnat
// accept`) before its zones and policies see it, so a port that Docker, Podman or libvirt
// publish stays open to an address firewalld holds as banned. The guard is banjo's own table
// inet banjo with a forward hook only (nftables_backend.hpp): a drop in any base chain is
// final, whatever firewalld's chains accepted. Every ban goes to both; firewalld's state is the
// one reported, the guard's problems show as degraded with the guard's own words.
#pragma once

#include "firewall/backend.hpp"

#include <memory>

namespace banjo {

class ForwardGuardBackend final : public Backend {
public:
    ForwardGuardBackend(std::unique_ptr<Backend> firewall, std::unique_ptr<Backend> guard);

    std::string_view name() const override { return firewall_->name(); }
    BackendState state() const override;
    std::string state_detail() const override;
    void add(const BanTarget& target) override;
    void remove(const BanTarget& target) override;
    void prepare_jail(const std::string& jail, const JailBlocking& blocking) override;
    void adopt_held(HeldFound found) override { firewall_->adopt_held(std::move(found)); }
    void forget_jail(const std::string& jail) override;
    void prepare_blocklist(const std::string& list, const std::vector<std::string>& ports) override;
    void blocklist_add(const std::string& list, const Cidr& network) override;
    void blocklist_remove(const std::string& list, const Cidr& network) override;
    void forget_blocklist(const std::string& list) override;
    void when_applied(std::function<void()> done) override;

private:
    void state_changed();

    std::unique_ptr<Backend> firewall_;
    std::unique_ptr<Backend> guard_;
};

}  // namespace banjo
