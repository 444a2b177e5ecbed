// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ban_history.hpp"

#include <algorithm>
#include <vector>

namespace banjo {

static_assert(sizeof(BanHistory::Records::Entry) == 32, "a history record should pack to 32 bytes with its key");

BanHistory::BanHistory(std::uint64_t hash_seed, std::size_t max_entries, std::size_t max_bytes)
    : records_(CidrHash{hash_seed}) {
    set_limits(max_entries, max_bytes);
}

void BanHistory::set_limits(std::size_t max_entries, std::size_t max_bytes) {
    std::size_t n = std::min(max_entries, Records::max_entries);
    // The most records whose array and index fit in max_bytes (bytes_for grows with n).
    if (Records::bytes_for(n) > max_bytes) {
        std::size_t lo = 0, hi = n;
        while (lo < hi) {
            const std::size_t mid = lo + (hi - lo + 1) / 2;
            if (Records::bytes_for(mid) <= max_bytes) lo = mid;
            else hi = mid - 1;
        }
        n = lo;
    }
    limit_ = std::max<std::size_t>(n, 1);   // at least the record being written
    records_.set_capacity_limit(limit_);
    if (records_.size() > limit_) drop_oldest(records_.size() - limit_);
    records_.shrink_to_fit();
}

HistoryRecord& BanHistory::at(const Cidr& network) {
    if (HistoryRecord* r = records_.get(network)) return *r;
    // Full: drop the oldest sixteenth at once, so the scan that finds them is paid once per
    // limit/16 new records, not on each.
    if (records_.size() >= limit_) drop_oldest(std::max<std::size_t>(1, std::min(records_.size(), limit_ / 16 + 1)));
    return records_.at(records_.try_emplace(network).first).value;
}

std::size_t BanHistory::forget_before(Usec cutoff) {
    const std::size_t n = records_.erase_if([&](const Records::Entry& e) { return e.value.banned_until() < cutoff; });
    if (n > 0) records_.shrink_to_fit();
    return n;
}

void BanHistory::drop_oldest(std::size_t count) {
    if (count == 0 || records_.empty()) return;
    count = std::min(count, records_.size());
    std::vector<Usec> ends;
    ends.reserve(records_.size());
    for (const auto& e : records_) ends.push_back(e.value.banned_until());
    auto cut = ends.begin() + static_cast<std::ptrdiff_t>(count - 1);
    std::nth_element(ends.begin(), cut, ends.end());
    const Usec threshold = *cut;
    // Every record that ended before the threshold goes, then as many that ended at it as needed.
    std::size_t before = static_cast<std::size_t>(std::count_if(ends.begin(), ends.end(), [&](Usec u) { return u < threshold; }));
    std::size_t at_threshold = count - before;
    dropped_ += records_.erase_if([&](const Records::Entry& e) {
        const Usec u = e.value.banned_until();
        if (u < threshold) return true;
        if (u == threshold && at_threshold > 0) {
            --at_threshold;
            return true;
        }
        return false;
    });
}

}  // namespace banjo
