// SPDX-License-Identifier: GPL-2.0-or-later
// One uncompressed binary trie per family: depth d holds the prefixes of length d, a node is
// marked where an inserted network ends. Ignore lists are small and change rarely, so the
// simplicity beats path compression; lookups touch at most 33 or 129 nodes either way.
#include "core/cidr_set.hpp"

#include <algorithm>

namespace banjo {

struct CidrSet::Node {
    std::unique_ptr<Node> child[2];
    bool terminal = false;   // a network ends here

    std::unique_ptr<Node> clone() const {
        auto n = std::make_unique<Node>();
        n->terminal = terminal;
        for (int i = 0; i < 2; ++i)
            if (child[i]) n->child[i] = child[i]->clone();
        return n;
    }
    bool prunable() const noexcept { return !terminal && !child[0] && !child[1]; }
};

namespace {

// Templates because Node is private to CidrSet. Recursion depth is bounded by 129.
// The path so far lives in bytes; bits past depth are zero.
template <typename Node>
void collect(const Node* n, Family f, std::array<std::uint8_t, 16>& bytes, unsigned depth,
             std::vector<Cidr>& out) {
    if (n->terminal) out.push_back(Cidr{Address::from_bytes(f, bytes), static_cast<std::uint8_t>(depth)});
    if (n->child[0]) collect(n->child[0].get(), f, bytes, depth + 1, out);
    if (n->child[1]) {   // a child exists only above the family's last bit: depth < 128
        auto& byte = bytes[depth / 8];
        const auto bit = static_cast<std::uint8_t>(0x80u >> (depth % 8));
        byte = static_cast<std::uint8_t>(byte | bit);
        collect(n->child[1].get(), f, bytes, depth + 1, out);
        byte = static_cast<std::uint8_t>(byte & ~bit);
    }
}

// Removes the mark for c below n; true if n itself became empty and may be freed.
template <typename Node>
bool erase_below(Node* n, const Cidr& c, unsigned depth, bool& removed) noexcept {
    if (depth == c.prefix_len) {
        removed = n->terminal;
        n->terminal = false;
    } else {
        auto& next = n->child[c.network.bit(depth)];
        if (!next) return false;
        if (erase_below(next.get(), c, depth + 1, removed)) next.reset();
    }
    return n->prunable();
}

}  // namespace

CidrSet::CidrSet() = default;
CidrSet::~CidrSet() = default;
CidrSet::CidrSet(CidrSet&&) noexcept = default;
CidrSet& CidrSet::operator=(CidrSet&&) noexcept = default;

CidrSet::CidrSet(const CidrSet& other)
    : v4_(other.v4_ ? other.v4_->clone() : nullptr),
      v6_(other.v6_ ? other.v6_->clone() : nullptr),
      size_(other.size_) {}

CidrSet& CidrSet::operator=(const CidrSet& other) {
    if (this != &other) {
        CidrSet copy(other);
        *this = std::move(copy);
    }
    return *this;
}

bool CidrSet::insert(const Cidr& c) {
    // Normalise: callers may build a Cidr by hand with host bits set.
    auto net = Cidr::make(c.network, c.prefix_len);
    if (!net) return false;
    auto& root = net->network.family() == Family::ipv4 ? v4_ : v6_;
    if (!root) root = std::make_unique<Node>();
    Node* n = root.get();
    for (unsigned i = 0; i < net->prefix_len; ++i) {
        auto& next = n->child[net->network.bit(i)];
        if (!next) next = std::make_unique<Node>();
        n = next.get();
    }
    if (n->terminal) return false;
    n->terminal = true;
    ++size_;
    return true;
}

bool CidrSet::erase(const Cidr& c) {
    auto net = Cidr::make(c.network, c.prefix_len);
    if (!net) return false;
    auto& root = net->network.family() == Family::ipv4 ? v4_ : v6_;
    if (!root) return false;
    bool removed = false;
    if (erase_below(root.get(), *net, 0, removed)) root.reset();
    if (removed) --size_;
    return removed;
}

std::optional<Cidr> CidrSet::longest_match(const Address& a) const noexcept {
    const Node* n = a.family() == Family::ipv4 ? v4_.get() : v6_.get();
    if (!n) return std::nullopt;
    std::optional<unsigned> best;
    if (n->terminal) best = 0;
    for (unsigned i = 0; i < a.bit_length(); ++i) {
        n = n->child[a.bit(i)].get();
        if (!n) break;
        if (n->terminal) best = i + 1;
    }
    if (!best) return std::nullopt;
    return Cidr::make(a, *best);
}

std::optional<Cidr> CidrSet::overlapping(const Cidr& given) const {
    const auto net = Cidr::make(given.network, given.prefix_len);   // host bits cleared
    if (!net) return std::nullopt;
    const Cidr& c = *net;
    const Node* n = c.family() == Family::ipv4 ? v4_.get() : v6_.get();
    for (unsigned depth = 0; n; ++depth) {
        if (n->terminal) return Cidr::make(c.network, depth);
        if (depth == c.prefix_len) {
            // Nothing holds c; anything marked below n lies inside it.
            std::vector<Cidr> inside;
            std::array<std::uint8_t, 16> bytes = c.network.bytes();
            collect(n, c.family(), bytes, depth, inside);
            if (inside.empty()) return std::nullopt;
            return inside.front();
        }
        n = n->child[c.network.bit(depth)].get();
    }
    return std::nullopt;
}

std::vector<Cidr> CidrSet::entries() const {
    std::vector<Cidr> out;
    out.reserve(size_);
    std::array<std::uint8_t, 16> bytes{};
    if (v4_) collect(v4_.get(), Family::ipv4, bytes, 0, out);
    if (v6_) collect(v6_.get(), Family::ipv6, bytes, 0, out);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace banjo
