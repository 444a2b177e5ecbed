// SPDX-License-Identifier: GPL-2.0-or-later
// A set of networks with longest-prefix lookup: the ignore list. Lookup cost grows with the
// address length (at most 32 or 128 steps), not with the number of entries, so a list of
// thousands of CIDRs costs the hot path no more than a list of two.
#pragma once

#include "core/cidr.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace banjo {

class CidrSet {
public:
    CidrSet();
    ~CidrSet();
    CidrSet(const CidrSet&);
    CidrSet& operator=(const CidrSet&);
    CidrSet(CidrSet&&) noexcept;
    CidrSet& operator=(CidrSet&&) noexcept;

    bool insert(const Cidr& c);   // false if already present
    bool erase(const Cidr& c);    // false if absent
    bool contains(const Address& a) const noexcept { return longest_match(a).has_value(); }
    // The most specific network holding a, if any.
    std::optional<Cidr> longest_match(const Address& a) const noexcept;
    // An entry that shares an address with c (holds it, or lies inside it), if any: the
    // widest one holding c, else one inside it.
    std::optional<Cidr> overlapping(const Cidr& c) const;
    std::vector<Cidr> entries() const;   // in insertion-independent, sorted order
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }

private:
    struct Node;
    std::unique_ptr<Node> v4_;
    std::unique_ptr<Node> v6_;
    std::size_t size_ = 0;
};

}  // namespace banjo
