// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/nftables_elements.hpp"

#include <algorithm>
#include <tuple>

namespace banjo {

namespace {

std::size_t key_bytes(Family f) { return f == Family::ipv4 ? 4 : 16; }

std::vector<std::uint8_t> key_of(const Address& a) {
    const auto& b = a.bytes();
    return {b.begin(), b.begin() + static_cast<std::ptrdiff_t>(key_bytes(a.family()))};
}

// key + 2^(bits - prefix_len); false when that overflows past the last address.
bool end_key(const Cidr& c, std::vector<std::uint8_t>& key) {
    key = key_of(c.network);
    if (c.prefix_len == 0) return false;
    std::size_t bit = c.prefix_len - 1;   // the lowest bit of the prefix gets the carry
    for (std::size_t i = bit / 8 + 1; i-- > 0;) {
        const unsigned add = i == bit / 8 ? (1u << (7 - bit % 8)) : 1u;
        const unsigned sum = key[i] + add;
        key[i] = static_cast<std::uint8_t>(sum);
        if (sum < 256) return true;
    }
    return false;
}

Address address_of(Family family, const std::vector<std::uint8_t>& key) {
    std::array<std::uint8_t, 16> bytes{};
    std::copy_n(key.begin(), std::min(key.size(), bytes.size()), bytes.begin());
    return family == Family::ipv4 ? Address::ipv4((std::uint32_t(bytes[0]) << 24) | (std::uint32_t(bytes[1]) << 16) |
                                                  (std::uint32_t(bytes[2]) << 8) | bytes[3])
                                  : Address::ipv6(bytes);
}

// The network [start, end) spans, if it is exactly one.
std::optional<Cidr> network_of(Family family, const std::vector<std::uint8_t>& start,
                               const std::vector<std::uint8_t>* end) {
    const std::size_t bits = key_bytes(family) * 8;
    // Longest first: single addresses, the usual case, are found at once.
    for (std::size_t len = bits + 1; len-- > 0;) {
        auto c = Cidr::make(address_of(family, start), static_cast<unsigned>(len));
        if (!c || key_of(c->network) != start) continue;
        std::vector<std::uint8_t> e;
        const bool has_end = end_key(*c, e);
        if (!end && !has_end) return c;
        if (end && has_end && e == *end) return c;
    }
    return std::nullopt;
}

// The time left counts from when the element's message was read, if the dump says.
Usec expiry_of(const nft::SetElement& e, Usec now) {
    if (!e.timeout_ms) return infinite_usec;
    const Usec read_at = e.read_at_us != 0 ? Usec(e.read_at_us) : now;
    return read_at + Usec(static_cast<std::int64_t>(e.expires_ms.value_or(0)) * 1000);
}

// The kernel's end for a ban ending at `expires`, as set by take_changes.
Usec kernel_expiry(Usec expires, Usec now) {
    if (expires == infinite_usec || expires - now > longest_kernel_timeout) return infinite_usec;
    return expires + expiry_slack;
}

bool same_expiry(Usec held, Usec written) {
    if (held == infinite_usec || written == infinite_usec) return held == written;
    return held >= written - expiry_early_tolerance && held <= written + expiry_late_tolerance;
}

}  // namespace

std::vector<nft::SetElement> interval_elements(const Cidr& network, std::optional<std::uint64_t> timeout_ms) {
    std::vector<nft::SetElement> out;
    out.push_back(nft::SetElement{key_of(network.network), false, timeout_ms, std::nullopt});
    std::vector<std::uint8_t> end;
    if (end_key(network, end)) out.push_back(nft::SetElement{std::move(end), true, std::nullopt, std::nullopt});
    return out;
}

KernelContents read_interval_elements(Family family, const std::vector<nft::SetElement>& elements, Usec now) {
    std::vector<const nft::SetElement*> sorted;
    for (const auto& e : elements)
        if (e.key.size() == key_bytes(family)) sorted.push_back(&e);
    // Adjacent networks share a key: the end of one sorts before the start of the next.
    std::sort(sorted.begin(), sorted.end(), [](const nft::SetElement* a, const nft::SetElement* b) {
        if (a->key != b->key) return a->key < b->key;
        return a->interval_end && !b->interval_end;
    });
    KernelContents out;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const nft::SetElement& start = *sorted[i];
        if (start.interval_end) continue;   // an end without its start (nft writes one at 0)
        const nft::SetElement* end = i + 1 < sorted.size() && sorted[i + 1]->interval_end ? sorted[i + 1] : nullptr;
        if (end) ++i;
        if (auto c = network_of(family, start.key, end ? &end->key : nullptr)) {
            out.networks[*c] = expiry_of(start, now);
            continue;
        }
        std::vector<nft::SetElement> raw{start};
        if (end) raw.push_back(*end);
        for (auto& e : raw) e.timeout_ms.reset(), e.expires_ms.reset();
        out.strays.push_back(std::move(raw));
    }
    return out;
}

namespace {

// Whether networks[i] shares its first address with a neighbour (the order puts networks of
// one first address together): a start element there may be either's, so its end must be
// looked up too. Elsewhere the start alone says it: an end lookup is not exact (the kernel
// answers the end of one interval with the next one's when two touch), and a start key of
// its own belongs to the one network known to begin there.
bool shares_start(const std::vector<Cidr>& networks, std::size_t i) {
    return (i > 0 && networks[i - 1].network == networks[i].network) ||
           (i + 1 < networks.size() && networks[i + 1].network == networks[i].network);
}

}  // namespace

std::vector<nft::SetElement> probe_elements(const std::vector<Cidr>& networks) {
    std::vector<nft::SetElement> out;
    out.reserve(networks.size());
    for (std::size_t i = 0; i < networks.size(); ++i) {
        auto e = interval_elements(networks[i], std::nullopt);
        if (!shares_start(networks, i)) e.resize(1);
        out.insert(out.end(), std::make_move_iterator(e.begin()), std::make_move_iterator(e.end()));
    }
    return out;
}

KernelContents read_probed(const std::vector<Cidr>& networks, const std::vector<std::optional<nft::SetElement>>& found,
                           Usec now) {
    KernelContents out;
    std::size_t at = 0;
    std::vector<std::uint8_t> end;
    for (std::size_t i = 0; i < networks.size(); ++i) {
        const Cidr& c = networks[i];
        const bool check_end = shares_start(networks, i) && end_key(c, end);
        const std::size_t count = check_end ? 2 : 1;
        if (at + count > found.size()) break;
        const auto& start = found[at];
        const bool start_held = start && !start->interval_end && start->key == key_of(c.network);
        const bool end_held = !check_end || (found[at + 1] && found[at + 1]->interval_end && found[at + 1]->key == end);
        if (start_held && end_held) out.networks[c] = expiry_of(*start, now);
        at += count;
    }
    return out;
}

std::vector<Cidr> SetPlan::known() const {
    std::vector<Cidr> out;
    out.reserve(wanted_.size() + kernel_.size());
    auto w = wanted_.begin();
    auto k = kernel_.begin();
    while (w != wanted_.end() || k != kernel_.end()) {
        if (k == kernel_.end() || (w != wanted_.end() && w->first < k->first)) {
            out.push_back((w++)->first);
        } else if (w == wanted_.end() || k->first < w->first) {
            out.push_back((k++)->first);
        } else {
            out.push_back(w->first);
            ++w, ++k;
        }
    }
    return out;
}

void SetPlan::touch(const Cidr& network) {
    dirty_.insert(network);
    if (network.is_host()) return;
    // The map orders by network, then length: what lies inside follows it.
    for (auto it = wanted_.lower_bound(network); it != wanted_.end() && network.contains(it->first); ++it)
        dirty_.insert(it->first);
}

bool SetPlan::covered(const Cidr& network) const {
    if (wider_.empty()) return false;
    auto w = wider_.overlapping(network);
    return w && w->contains(network) && *w != network;
}

void SetPlan::Owners::set(std::uint32_t owner, Usec expires) {
    if (first_ == none || first_ == owner) {
        first_ = owner;
        first_end_ = expires;
        return;
    }
    if (!more_) more_ = std::make_unique<std::vector<std::pair<std::uint32_t, Usec>>>();
    for (auto& [o, end] : *more_)
        if (o == owner) {
            end = expires;
            return;
        }
    more_->emplace_back(owner, expires);
}

void SetPlan::Owners::erase(std::uint32_t owner) {
    if (first_ == owner) {
        if (more_ && !more_->empty()) {
            std::tie(first_, first_end_) = more_->back();
            more_->pop_back();
        } else {
            first_ = none;
        }
    } else if (more_) {
        std::erase_if(*more_, [&](const auto& e) { return e.first == owner; });
    }
    if (more_ && more_->empty()) more_.reset();
}

Usec SetPlan::Owners::latest() const noexcept {
    Usec out = first_end_;
    if (more_)
        for (const auto& [o, end] : *more_) out = std::max(out, end);
    return out;
}

std::optional<std::uint32_t> SetPlan::find_owner(const std::string& owner) const {
    for (std::size_t i = 0; i < owner_names_.size(); ++i)
        if (owner_names_[i] == owner) return static_cast<std::uint32_t>(i);
    return std::nullopt;
}

std::uint32_t SetPlan::owner_id(const std::string& owner) {
    if (auto id = find_owner(owner)) return *id;
    owner_names_.push_back(owner);
    return static_cast<std::uint32_t>(owner_names_.size() - 1);
}

void SetPlan::want(const Cidr& network, const std::string& owner, Usec expires) {
    const std::uint32_t id = owner_id(owner);
    auto& owners = wanted_[network];
    const bool fresh = owners.empty();
    owners.set(id, expires);
    if (fresh && !network.is_host()) wider_.insert(network);
    fresh ? touch(network) : static_cast<void>(dirty_.insert(network));
}

void SetPlan::unwant(const Cidr& network, const std::string& owner) {
    const auto id = find_owner(owner);
    auto it = wanted_.find(network);
    if (it == wanted_.end() || !id) return;
    it->second.erase(*id);
    if (it->second.empty()) {
        wanted_.erase(it);
        if (!network.is_host()) wider_.erase(network);
        touch(network);
    } else {
        dirty_.insert(network);
    }
}

SetPlan::Drift SetPlan::kernel_holds(KernelContents contents, Usec now) {
    Drift drift;
    for (const auto& [c, end] : kernel_)
        if (end > now && !contents.networks.count(c)) ++drift.missing;
    for (const auto& [c, end] : contents.networks)
        if (!kernel_.count(c)) ++drift.foreign;
    drift.foreign += contents.strays.size();
    kernel_ = std::move(contents.networks);
    strays_ = std::move(contents.strays);
    for (const auto& [c, e] : kernel_) dirty_.insert(c);
    for (const auto& [c, owners] : wanted_) dirty_.insert(c);
    return drift;
}

SetPlan::Drift SetPlan::kernel_lost(Usec now) { return kernel_holds({}, now); }

SetPlan::Changes SetPlan::take_changes(Usec now) {
    Changes out;
    auto remove = [&](const Cidr& c) {
        auto e = interval_elements(c, std::nullopt);
        out.remove.insert(out.remove.end(), e.begin(), e.end());
        ++out.removed;
    };
    auto add = [&](const Cidr& c, Usec kernel_end) {
        std::optional<std::uint64_t> timeout_ms;
        if (kernel_end != infinite_usec)
            timeout_ms = static_cast<std::uint64_t>(std::max<std::int64_t>(1, (kernel_end - now).count() / 1000 + 1));
        auto e = interval_elements(c, timeout_ms);
        out.add.insert(out.add.end(), e.begin(), e.end());
        ++out.added;
        kernel_[c] = kernel_end;
    };
    for (auto& stray : strays_) out.remove.insert(out.remove.end(), stray.begin(), stray.end());
    out.removed += strays_.size();
    strays_.clear();
    for (const Cidr& c : dirty_) {
        std::optional<Usec> wanted;
        if (auto w = wanted_.find(c); w != wanted_.end() && !w->second.empty()) wanted = w->second.latest();
        std::optional<Usec> held;
        if (auto k = kernel_.find(c); k != kernel_.end()) {
            // Past its end the kernel treats an element as gone: deleting it would fail.
            if (k->second > now) held = k->second;
            else kernel_.erase(k);
        }
        if (wanted && *wanted <= now) wanted.reset();   // expired bans are not written
        if (wanted && covered(c)) wanted.reset();       // the wider network stands for it
        if (!wanted) {
            if (held) {
                remove(c);
                kernel_.erase(c);
            }
            continue;
        }
        const Usec kernel_end = kernel_expiry(*wanted, now);
        if (held && same_expiry(*held, kernel_end)) continue;
        if (held) remove(c);
        add(c, kernel_end);
    }
    dirty_.clear();
    return out;
}

}  // namespace banjo
