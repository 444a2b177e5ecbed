// SPDX-License-Identifier: GPL-2.0-or-later
// A firewall backend for tests: it records every call in order, keeps what a firewall would
// hold, and takes the state the test gives it (a firewall that went away, one that refuses
// bans), reporting each change as a real backend does, through state() and on_state_changed.
#pragma once

#include "firewall/backend.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace banjo::test {

class RecordingBackend final : public Backend {
public:
    enum class Kind { add, remove, prepare, forget };
    struct Call {
        Kind kind;
        std::string jail;
        std::optional<Cidr> address;   // none for prepare and forget
        std::vector<std::string> ports;
    };

    std::string_view name() const override { return "recording"; }
    BackendState state() const override { return state_; }
    std::string state_detail() const override { return detail_; }

    void add(const BanTarget& t) override {
        calls.push_back({Kind::add, t.jail, t.address, t.ports});
        held_[{t.jail, t.address}] = t.ports;
    }
    void remove(const BanTarget& t) override {
        calls.push_back({Kind::remove, t.jail, t.address, t.ports});
        auto it = held_.find({t.jail, t.address});
        // A remove must name the ports the ban went in with, as a firewall files it by them.
        if (it != held_.end() && it->second == t.ports) held_.erase(it);
    }
    void prepare_jail(const std::string& jail, const JailBlocking& blocking) override {
        calls.push_back({Kind::prepare, jail, std::nullopt, blocking.ports});
        blocking_[jail] = blocking;
    }
    void adopt_held(HeldFound found) override { adopt_ = std::move(found); }

    // The firewall's sets as read at start: handed to whoever asked (adopt_held), once.
    bool asked_for_held() const { return static_cast<bool>(adopt_); }
    void hand_over_held(const std::vector<HeldBan>& held) {
        auto found = std::move(adopt_);
        adopt_ = nullptr;
        if (found) found(held);
    }

    void forget_jail(const std::string& jail) override { calls.push_back({Kind::forget, jail, std::nullopt, {}}); }
    bool forgot(const std::string& jail) const {
        return std::any_of(calls.begin(), calls.end(), [&](const Call& c) { return c.kind == Kind::forget && c.jail == jail; });
    }

    // The firewall's side of things.
    bool holds(const std::string& jail, const Cidr& address) const { return held_.count({jail, address}) != 0; }
    std::optional<std::vector<std::string>> ports_of(const std::string& jail, const Cidr& address) const {
        auto it = held_.find({jail, address});
        return it == held_.end() ? std::nullopt : std::optional(it->second);
    }
    std::size_t held() const { return held_.size(); }
    // Calls that change what the firewall holds (forgetting a jail's rules is not one).
    std::size_t entry_calls() const { return count(Kind::add) + count(Kind::remove); }
    std::size_t count(Kind kind, const std::optional<Address>& address = std::nullopt) const {
        return static_cast<std::size_t>(std::count_if(calls.begin(), calls.end(), [&](const Call& c) {
            return c.kind == kind && (!address || c.address == address);
        }));
    }

    // What the test makes of the firewall.
    void go_unavailable(std::string detail = "the firewall is not running") { become(BackendState::unavailable, std::move(detail)); }
    void refuse(std::string detail) { become(BackendState::degraded, std::move(detail)); }
    void recover() { become(BackendState::ready, {}); }

    std::vector<Call> calls;
    std::map<std::string, JailBlocking> blocking_;   // the last prepare_jail() of each jail

private:
    // As a real backend: a change of state, or a new problem while degraded, is reported.
    void become(BackendState state, std::string detail) {
        const bool report = state != state_ || (state == BackendState::degraded && detail != detail_);
        state_ = state;
        detail_ = std::move(detail);
        if (report && on_state_changed) on_state_changed(state_);
    }

    BackendState state_ = BackendState::ready;
    std::string detail_;
    std::map<std::pair<std::string, Cidr>, std::vector<std::string>> held_;
    HeldFound adopt_;
};

}  // namespace banjo::test
