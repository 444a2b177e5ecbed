// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/ipset_mirror.hpp"

#include <algorithm>
#include <optional>

namespace banjo {

namespace {

// A wanted entry that names a network (not a single address).
std::optional<Cidr> network_of(const std::string& entry) {
    if (entry.find('/') == std::string::npos) return std::nullopt;
    auto c = Cidr::parse(entry);
    if (!c || c->is_host()) return std::nullopt;
    return c;
}

}  // namespace

bool IpsetMirror::effective(const std::string& entry) const {
    if (!wanted_.count(entry)) return false;
    if (networks_.empty()) return true;
    auto c = Cidr::parse(entry);
    if (!c) return true;
    // The widest wanted network holding the entry, if any; the entry itself does not count.
    auto wider = networks_.overlapping(*c);
    return !(wider && wider->contains(*c) && *wider != *c);
}

void IpsetMirror::touch(const std::string& entry) {
    dirty_.insert(entry);
    if (auto net = network_of(entry))
        for (const auto& [other, owners] : wanted_)
            if (auto c = Cidr::parse(other); c && net->contains(*c)) dirty_.insert(other);
}

bool IpsetMirror::want(const std::string& address, const std::string& owner) {
    auto [it, inserted] = wanted_.try_emplace(address);
    auto& owners = it->second;
    if (std::find(owners.begin(), owners.end(), owner) == owners.end())
        owners.push_back(owner);
    if (inserted) {
        if (auto net = network_of(address)) networks_.insert(*net);
        touch(address);
    }
    return inserted;
}

bool IpsetMirror::unwant(const std::string& address, const std::string& owner) {
    auto it = wanted_.find(address);
    if (it == wanted_.end())
        return false;
    auto& owners = it->second;
    owners.erase(std::remove(owners.begin(), owners.end(), owner), owners.end());
    if (!owners.empty())
        return false;
    wanted_.erase(it);
    if (auto net = network_of(address)) networks_.erase(*net);
    touch(address);
    return true;
}

void IpsetMirror::set_applied(const std::vector<std::string>& entries) {
    applied_.clear();
    applied_.insert(entries.begin(), entries.end());
    dirty_.clear();
    for (const auto& entry : applied_)
        if (!effective(entry))
            dirty_.insert(entry);
    for (const auto& [address, owners] : wanted_)
        if (!applied_.count(address))
            dirty_.insert(address);   // (take() skips those a network stands for)
    unknown_ = false;
}

void IpsetMirror::forget_applied() {
    applied_.clear();
    dirty_.clear();
    unknown_ = true;
}

IpsetMirror::Batch IpsetMirror::take(std::size_t burst_threshold) {
    Batch batch;
    if (unknown_ || dirty_.size() > burst_threshold) {
        batch.replace = true;
        batch.entries.reserve(wanted_.size());
        for (const auto& [address, owners] : wanted_)
            if (effective(address))
                batch.entries.push_back(address);
        std::sort(batch.entries.begin(), batch.entries.end());
        applied_.clear();
        applied_.insert(batch.entries.begin(), batch.entries.end());
        dirty_.clear();
        unknown_ = false;
        return batch;
    }
    for (const auto& address : dirty_) {
        bool want = effective(address), have = applied_.count(address) != 0;
        if (want && !have) {
            batch.add.push_back(address);
            applied_.insert(address);
        } else if (!want && have) {
            batch.remove.push_back(address);
            applied_.erase(address);
        }
    }
    dirty_.clear();
    return batch;
}

}  // namespace banjo
