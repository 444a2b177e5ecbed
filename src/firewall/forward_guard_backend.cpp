// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/forward_guard_backend.hpp"

namespace banjo {

ForwardGuardBackend::ForwardGuardBackend(std::unique_ptr<Backend> firewall, std::unique_ptr<Backend> guard)
    : firewall_(std::move(firewall)), guard_(std::move(guard)) {
    firewall_->on_state_changed = [this](BackendState) { state_changed(); };
    guard_->on_state_changed = [this](BackendState) { state_changed(); };
    firewall_->on_trusted_changed = [this](const std::vector<Cidr>& trusted) {
        if (on_trusted_changed) on_trusted_changed(trusted);
    };
    firewall_->on_applied = [this](std::chrono::microseconds took) {
        if (on_applied) on_applied(took);
    };
}

// firewalld decides; a guard that cannot write its table makes a ready firewalld degraded:
// bans hold for local services but not yet for forwarded ones.
BackendState ForwardGuardBackend::state() const {
    const BackendState firewall = firewall_->state();
    if (firewall == BackendState::ready && guard_->state() != BackendState::ready) return BackendState::degraded;
    return firewall;
}

std::string ForwardGuardBackend::state_detail() const {
    if (firewall_->state() != BackendState::ready) return firewall_->state_detail();
    if (guard_->state() != BackendState::ready) return "forward guard (table inet banjo): " + guard_->state_detail();
    return {};
}

void ForwardGuardBackend::state_changed() {
    if (on_state_changed) on_state_changed(state());
}

void ForwardGuardBackend::add(const BanTarget& target) {
    firewall_->add(target);
    guard_->add(target);
}

void ForwardGuardBackend::remove(const BanTarget& target) {
    firewall_->remove(target);
    guard_->remove(target);
}

void ForwardGuardBackend::prepare_jail(const std::string& jail, const JailBlocking& blocking) {
    firewall_->prepare_jail(jail, blocking);
    guard_->prepare_jail(jail, blocking);
}

void ForwardGuardBackend::forget_jail(const std::string& jail) {
    firewall_->forget_jail(jail);
    guard_->forget_jail(jail);
}

void ForwardGuardBackend::prepare_blocklist(const std::string& list, const std::vector<std::string>& ports) {
    firewall_->prepare_blocklist(list, ports);
    guard_->prepare_blocklist(list, ports);
}

void ForwardGuardBackend::blocklist_add(const std::string& list, const Cidr& network) {
    firewall_->blocklist_add(list, network);
    guard_->blocklist_add(list, network);
}

void ForwardGuardBackend::blocklist_remove(const std::string& list, const Cidr& network) {
    firewall_->blocklist_remove(list, network);
    guard_->blocklist_remove(list, network);
}

void ForwardGuardBackend::forget_blocklist(const std::string& list) {
    firewall_->forget_blocklist(list);
    guard_->forget_blocklist(list);
}

// Done when both hold everything asked so far (a cut flow must not come back on either path).
void ForwardGuardBackend::when_applied(std::function<void()> done) {
    auto remaining = std::make_shared<int>(2);
    auto one = [remaining, done = std::move(done)] {
        if (--*remaining == 0) done();
    };
    firewall_->when_applied(one);
    guard_->when_applied(one);
}

}  // namespace banjo
