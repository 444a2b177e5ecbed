// SPDX-License-Identifier: GPL-2.0-or-later
#include "state/state_writer.hpp"

#include <algorithm>
#include <cstddef>
#include <map>

namespace banjo {

std::string_view to_string(StateHealth health) noexcept {
    switch (health) {
    case StateHealth::ok: return "ok";
    case StateHealth::degraded: return "degraded";
    case StateHealth::memory_only: return "memory-only";
    }
    return "memory-only";
}

StateWriter::StateWriter(StateOpening opened, Opener reopen, Usec now)
    : dir_(opened.dir), reopen_(std::move(reopen)) {
    bans_lost_ = !opened.storage || !opened.moved_aside.empty();
    stale_since_ = opened.unsaved_since;
    merge_pending_ = bans_lost_ || stale_since_;
    marked_ = stale_since_.has_value();
    if (!opened.storage) {
        mark();
        failing_ = true;
        problem_ = opened.problem.empty() ? "the state directory cannot be opened" : opened.problem;
        unsaved_since_ = now;
        retry_at_ = now + backoff_;
        // Whatever file the directory holds later was not loaded: its bans are replaced whole.
        changes_.rewrite_bans();
    }
    storage_ = std::move(opened.storage);
}

StateHealth StateWriter::health() const noexcept {
    if (!storage_) return StateHealth::memory_only;
    return failing_ ? StateHealth::degraded : StateHealth::ok;
}

std::optional<std::vector<StoredBan>> StateWriter::stored_bans() {
    if (!storage_) return std::nullopt;
    try {
        return storage_->active_bans();
    } catch (const std::exception&) {
        bans_lost_ = true;
        return std::nullopt;
    }
}

std::optional<std::string> StateWriter::cursor() const {
    if (cursor_) return cursor_;
    if (!storage_) return std::nullopt;
    try {
        return storage_->cursor();
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::vector<History> StateWriter::history(std::string_view jail) const {
    std::map<Cidr, History> merged;
    if (storage_) {
        try {
            for (const History& h : storage_->history(jail)) merged.emplace(h.address, h);
        } catch (const std::exception&) {
            // What the store cannot give, the jails keep counting from what is held here.
        }
    }
    for (const auto& [key, o] : changes_.offences()) {
        if (key.first != jail) continue;
        auto [it, fresh] = merged.try_emplace(key.second, History{key.second, 0, Usec(0)});
        History& h = it->second;
        h.bans = std::max(h.bans, o.at_least) + o.added;
        h.last_banned_at = std::max(h.last_banned_at, o.last_banned_at);
    }
    std::vector<History> out;
    out.reserve(merged.size());
    for (auto& [address, h] : merged) out.push_back(h);
    return out;
}

std::vector<StoredBan> StateWriter::ban_log(Usec since, std::size_t limit) const {
    std::vector<StoredBan> out;
    if (storage_) {
        try {
            out = storage_->ban_log(since, limit);
        } catch (const std::exception&) {
            // The held bans below are still worth showing.
        }
    }
    for (const StoredBan& b : changes_.logged_bans())
        if (b.banned_at >= since) out.push_back(b);
    std::stable_sort(out.begin(), out.end(),
                     [](const StoredBan& a, const StoredBan& b) { return a.banned_at < b.banned_at; });
    if (out.size() > limit) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(limit));
    return out;
}

BanLines StateWriter::ban_lines(std::string_view jail, const Cidr& address) const {
    const auto& held = changes_.bans();
    if (auto it = held.find(StateChanges::Key{std::string(jail), address}); it != held.end())
        return it->second ? it->second->lines : nullptr;
    if (!storage_) return nullptr;
    try {
        return storage_->ban_lines(jail, address);
    } catch (const std::exception&) {
        return nullptr;   // only what the lines show is lost, never the ban
    }
}

void StateWriter::put_ban(const StoredBan& ban, bool counts_as_offence) {
    changes_.put_ban(ban);
    if (counts_as_offence) {
        changes_.count_offence(ban.jail, ban.address, ban.banned_at);
        changes_.log_ban(ban);
    }
}

void StateWriter::remove_ban(std::string_view jail, const Cidr& address) { changes_.remove_ban(jail, address); }

void StateWriter::note_offences(std::string_view jail, const Cidr& address, unsigned count, Usec last_banned_at) {
    changes_.note_offences(jail, address, count, last_banned_at);
}

void StateWriter::set_cursor(std::string_view cursor) {
    cursor_ = std::string(cursor);
    changes_.set_cursor(cursor);
}

void StateWriter::set_file_position(const FilePosition& position) {
    file_positions_[position.path] = position;
    changes_.set_file_position(position);
}

void StateWriter::set_fleet_position(std::string_view host, std::string_view stream_id) {
    fleet_positions_[std::string(host)] = std::string(stream_id);
    changes_.set_fleet_position(host, stream_id);
}

std::map<std::string, std::string> StateWriter::fleet_positions() const {
    std::map<std::string, std::string> merged;
    if (storage_) {
        try {
            merged = storage_->fleet_positions();
        } catch (const std::exception&) {
            // Unreadable: the streams are read from their start; expired decisions are skipped.
        }
    }
    for (const auto& [host, id] : fleet_positions_) merged[host] = id;
    return merged;
}

std::vector<FilePosition> StateWriter::file_positions() const {
    std::map<std::string, FilePosition> merged;
    if (storage_) {
        try {
            for (FilePosition& p : storage_->file_positions()) merged[p.path] = std::move(p);
        } catch (const std::exception&) {
            // Unreadable: the files are read as on a first start.
        }
    }
    for (const auto& [path, p] : file_positions_) merged[path] = p;
    std::vector<FilePosition> out;
    for (auto& [path, p] : merged) out.push_back(std::move(p));
    return out;
}

void StateWriter::forget_history_before(Usec cutoff) { changes_.forget_history_before(cutoff); }

std::optional<Usec> StateWriter::retry_at() const noexcept {
    if (!failing_) return std::nullopt;
    return retry_at_;
}

void StateWriter::commit(Usec now, const BanSnapshot& all_bans) {
    if (failing_ || changes_.empty()) return;
    write(now, all_bans);
}

void StateWriter::retry(Usec now, const BanSnapshot& all_bans) {
    if (!failing_) {
        commit(now, all_bans);
        return;
    }
    if (!storage_) {
        const StateHealth before = health();
        const std::string problem_before = problem_;
        StateOpening opened = reopen_ ? reopen_(now) : StateOpening{};
        if (!opened.storage) {
            failed(now, opened.problem.empty() ? "the state directory cannot be opened" : opened.problem);
            report(before, problem_before);
            return;
        }
        // A new file (the old one was damaged, or removed) has none of what was written before:
        // the bans are written whole, and the cursor again.
        if (opened.created || !opened.moved_aside.empty()) {
            changes_.rewrite_bans();
            if (cursor_) changes_.set_cursor(*cursor_);
            for (const auto& [path, p] : file_positions_) changes_.set_file_position(p);
            for (const auto& [host, id] : fleet_positions_) changes_.set_fleet_position(host, id);
        }
        if (on_reopened) on_reopened(opened);
        storage_ = std::move(opened.storage);
    }
    write(now, all_bans);
}

void StateWriter::write(Usec now, const BanSnapshot& all_bans) {
    const StateHealth before = health();
    const std::string problem_before = problem_;
    try {
        storage_->write(changes_, all_bans);
        changes_.clear();
        failing_ = false;
        problem_.clear();
        backoff_ = first_retry;
        settle_marker();
    } catch (const StateFileLost& e) {
        storage_.reset();   // only a fresh open can help: the next retry does it
        failed(now, e.what());
    } catch (const std::exception& e) {
        failed(now, e.what());
    }
    report(before, problem_before);
}

void StateWriter::merged() {
    merge_pending_ = false;
    stale_since_.reset();
    settle_marker();
}

void StateWriter::mark() {
    if (dir_.empty() || marked_) return;
    mark_unsaved(dir_);
    marked_ = true;
}

// The marker goes once everything is written and nothing is waiting to be merged back.
void StateWriter::settle_marker() {
    if (!marked_ || failing_ || merge_pending_) return;
    clear_unsaved(dir_);
    marked_ = false;
}

void StateWriter::failed(Usec now, std::string problem) {
    ++write_failures_;
    if (!failing_) {
        unsaved_since_ = now;
        backoff_ = first_retry;
        mark();
    }
    failing_ = true;
    problem_ = std::move(problem);
    retry_at_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, longest_retry);
}

void StateWriter::report(StateHealth before, const std::string& problem_before) {
    const StateHealth now = health();
    if (!on_health_changed) return;
    if (now != before || (now != StateHealth::ok && problem_ != problem_before)) on_health_changed(now);
}

}  // namespace banjo
