// SPDX-License-Identifier: GPL-2.0-or-later
// One nftables set as banjo wants it and as the kernel holds it, and the difference between
// the two. Elements are networks (a single address is a /32 or /128), so a prefix ban is one
// element of the interval set. The kernel copy of a ban carries a timeout that ends
// `expiry_slack` after the ban: while banjod runs it lifts the ban itself (and says so), the
// kernel only when banjod is not there to. Pure: no I/O, times passed in.
#pragma once

#include "core/cidr.hpp"
#include "core/cidr_set.hpp"
#include "core/duration.hpp"
#include "lib/nft/set_messages.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace banjo {

inline constexpr Usec expiry_slack{2'000'000};
// A kernel end this much before or after the one written counts as the same. The kernel starts
// an element's timeout when it inserts it, so the elements of a large transaction end up to its
// duration later (seconds for 100k); a later end only delays what the kernel does while banjod
// is down, an earlier one would race banjod's own unban, so that side stays narrow.
inline constexpr Usec expiry_early_tolerance{1'000'000};
inline constexpr Usec expiry_late_tolerance{60'000'000};
// Longer timeouts are given to the kernel as none at all (permanent).
inline constexpr Usec longest_kernel_timeout{Usec(std::chrono::hours(24 * 365 * 10))};

// The interval set elements that hold `network` (its start, and the end flag past it unless
// it runs to the last address), each with the timeout given.
std::vector<nft::SetElement> interval_elements(const Cidr& network, std::optional<std::uint64_t> timeout_ms);

// What a set dump says, back as networks. An element's end is its time left from its
// read_at_us, or from `now` when the dump did not stamp it. Ranges that are not one network (someone else's
// elements) come back as their raw elements, to be deleted as they are.
struct KernelContents {
    std::map<Cidr, Usec> networks;   // with their kernel expiry (infinite_usec: no timeout)
    std::vector<std::vector<nft::SetElement>> strays;
};
KernelContents read_interval_elements(Family family, const std::vector<nft::SetElement>& elements, Usec now);

// A set too large to dump (every dump message walks it from its start) is read by looking up
// the networks banjo knows: probe_elements lists the elements to look up, read_probed takes
// what the lookups found (in that order) back as networks. A network is held when its start
// element is there as a key of its own (a lookup inside a wider interval answers with the wider
// one's start), and, where two known networks begin at one address, its end element too.
// Elements nobody asked for stay unseen.
std::vector<nft::SetElement> probe_elements(const std::vector<Cidr>& networks);
KernelContents read_probed(const std::vector<Cidr>& networks, const std::vector<std::optional<nft::SetElement>>& found,
                           Usec now);

// The kernel refuses an interval that overlaps another, so a wanted network inside a wider
// wanted one (an address of a /64 banned too, by another jail or by hand) is not written
// while the wider one is: the wider stands for it, and it is written when the wider goes.
class SetPlan {
public:
    // `owner` is a jail: a network stays as long as one owner wants it, until the latest expiry.
    void want(const Cidr& network, const std::string& owner, Usec expires);
    void unwant(const Cidr& network, const std::string& owner);
    // How a dump differs from what the plan believed the kernel held (live elements only):
    // the trace of someone else's hand, or of bans ended by the kernel.
    struct Drift {
        std::size_t missing = 0, foreign = 0;
    };
    // The kernel's contents as a dump showed them: every element is compared at the next diff.
    Drift kernel_holds(KernelContents contents, Usec now);
    // The set was (re)created empty.
    Drift kernel_lost(Usec now);

    bool dirty() const noexcept { return !dirty_.empty() || !strays_.empty(); }
    std::size_t wanted() const noexcept { return wanted_.size(); }
    std::size_t in_kernel() const noexcept { return kernel_.size(); }
    // Every network wanted or believed in the kernel, in order: what a lookup read asks for.
    std::vector<Cidr> known() const;

    struct Changes {
        std::vector<nft::SetElement> remove, add;
        std::size_t removed = 0, added = 0;   // networks (elements come in pairs)
    };
    // What to send to make the kernel agree; assumes it will be applied (on failure, dump again
    // and call kernel_holds).
    Changes take_changes(Usec now);

private:
    void touch(const Cidr& network);    // it and every wanted network inside it
    bool covered(const Cidr& network) const;

    // The jails that want one network, with their ends. One is the usual case and lives inline
    // (a map of jail names per network cost ~100 bytes a ban); owners are indexes into
    // owner_names_.
    class Owners {
    public:
        bool empty() const noexcept { return first_ == none; }
        void set(std::uint32_t owner, Usec expires);
        void erase(std::uint32_t owner);
        Usec latest() const noexcept;

    private:
        static constexpr std::uint32_t none = UINT32_MAX;
        std::uint32_t first_ = none;
        Usec first_end_{};
        std::unique_ptr<std::vector<std::pair<std::uint32_t, Usec>>> more_;
    };
    std::uint32_t owner_id(const std::string& owner);
    std::optional<std::uint32_t> find_owner(const std::string& owner) const;

    std::map<Cidr, Owners> wanted_;
    std::vector<std::string> owner_names_;   // a jail's name once, not once per ban
    CidrSet wider_;   // the wanted networks that are not single addresses
    std::map<Cidr, Usec> kernel_;
    std::set<Cidr> dirty_;
    std::vector<std::vector<nft::SetElement>> strays_;
};

}  // namespace banjo
