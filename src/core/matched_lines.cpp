// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/matched_lines.hpp"

namespace banjo {

namespace {

// Cut at max bytes without splitting a UTF-8 sequence: the lines end up in JSON and mail.
std::string_view cut(std::string_view line, std::size_t max) {
    if (line.size() <= max) return line;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(line[n]) & 0xC0) == 0x80) --n;
    return line.substr(0, n);
}

}  // namespace

void MatchedLines::set_max_bytes(std::size_t max_bytes) {
    max_bytes_ = max_bytes;
    make_room();
}

void MatchedLines::erase(std::list<Entry>::iterator it) {
    bytes_ -= it->bytes;
    index_.erase(it->key);
    recent_.erase(it);
}

void MatchedLines::make_room() {
    while (bytes_ > max_bytes_ && !recent_.empty()) {
        erase(std::prev(recent_.end()));
        ++evicted_;
    }
}

void MatchedLines::add(std::string_view jail, const Cidr& counted, std::string_view line, std::size_t keep) {
    if (keep == 0 || max_bytes_ == 0) return;
    Key key{std::string(jail), counted};
    auto found = index_.find(key);
    std::list<Entry>::iterator it;
    if (found == index_.end()) {
        recent_.push_front(Entry{key, {}, entry_overhead_bytes + jail.size()});
        it = recent_.begin();
        index_.emplace(std::move(key), it);
        bytes_ += it->bytes;
    } else {
        it = found->second;
        recent_.splice(recent_.begin(), recent_, it);
    }
    const std::string_view kept = cut(line, max_line_bytes);
    it->lines.emplace_back(kept);
    it->bytes += kept.size();
    bytes_ += kept.size();
    if (it->lines.size() > keep) {
        const auto drop = static_cast<std::ptrdiff_t>(it->lines.size() - keep);
        for (auto l = it->lines.begin(); l != it->lines.begin() + drop; ++l) {
            it->bytes -= l->size();
            bytes_ -= l->size();
        }
        it->lines.erase(it->lines.begin(), it->lines.begin() + drop);
    }
    make_room();
}

BanLines MatchedLines::take(std::string_view jail, const Cidr& counted) {
    auto found = index_.find(Key{std::string(jail), counted});
    if (found == index_.end()) return nullptr;
    auto it = found->second;
    auto lines = std::make_shared<std::vector<std::string>>(std::move(it->lines));
    erase(it);
    return lines;
}

std::vector<std::string> MatchedLines::peek(std::string_view jail, const Cidr& counted) const {
    auto found = index_.find(Key{std::string(jail), counted});
    if (found == index_.end()) return {};
    return {found->second->lines.begin(), found->second->lines.end()};
}

void MatchedLines::forget_jail(std::string_view jail) {
    for (auto it = recent_.begin(); it != recent_.end();) {
        auto next = std::next(it);
        if (it->key.first == jail) erase(it);
        it = next;
    }
}

}  // namespace banjo
