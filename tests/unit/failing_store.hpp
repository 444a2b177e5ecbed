// SPDX-License-Identifier: GPL-2.0-or-later
// A state store that fails on demand: the real SQLite store underneath, with a switchboard the
// test holds to make writes (or reads, or opening the directory again) fail as a full disk, an
// I/O error, a lock or a file lost under banjod would.
#pragma once

#include "state/state_changes.hpp"
#include "state/state_opening.hpp"
#include "state/state_store.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace banjo::test {

struct DiskFaults {
    bool full = false;        // writes fail: "database or disk is full"
    bool file_lost = false;   // writes fail as for a file damaged or removed under the connection
    bool unreadable = false;  // reads fail
    bool cannot_open = false; // opening the directory again fails
    unsigned writes = 0;      // writes that reached the disk
    unsigned failed_writes = 0;
};

class FailingStore final : public StateStorage {
public:
    FailingStore(StateStore real, std::shared_ptr<DiskFaults> faults) : real_(std::move(real)), faults_(std::move(faults)) {}

    void write(const StateChanges& changes, const BanSnapshot& all_bans) override {
        if (faults_->file_lost) {
            ++faults_->failed_writes;
            throw StateFileLost(real_.path() + ": sqlite3_step: database disk image is malformed");
        }
        if (faults_->full) {
            ++faults_->failed_writes;
            throw std::runtime_error(real_.path() + ": sqlite3_step: database or disk is full");
        }
        real_.write(changes, all_bans);
        ++faults_->writes;
    }
    std::vector<StoredBan> active_bans() const override {
        check_read();
        return real_.active_bans();
    }
    std::optional<std::string> cursor() const override {
        check_read();
        return real_.cursor();
    }
    std::vector<History> history(std::string_view jail) const override {
        check_read();
        return real_.history(jail);
    }
    std::vector<FilePosition> file_positions() const override {
        check_read();
        return real_.file_positions();
    }
    std::vector<StoredBan> ban_log(Usec since, std::size_t limit) const override {
        check_read();
        return real_.ban_log(since, limit);
    }
    BanLines ban_lines(std::string_view jail, const Cidr& address) const override {
        check_read();
        return real_.ban_lines(jail, address);
    }

private:
    void check_read() const {
        if (faults_->unreadable) throw std::runtime_error(real_.path() + ": sqlite3_step: disk I/O error");
    }
    StateStore real_;
    std::shared_ptr<DiskFaults> faults_;
};

// open_state() with the faults in between: what banjod's StateWriter gets at start and on a retry.
inline StateOpening open_failing_state(const std::string& dir, Usec now, const std::shared_ptr<DiskFaults>& faults) {
    if (faults->cannot_open) {
        StateOpening none;
        none.dir = dir;
        none.problem = dir + "/banjo.db: sqlite3_open_v2: unable to open database file";
        return none;
    }
    StateOpening opened = open_state(dir, now);
    if (opened.storage) {
        auto* store = dynamic_cast<StateStore*>(opened.storage.get());
        REQUIRE(store);
        opened.storage = std::make_unique<FailingStore>(std::move(*store), faults);
    }
    return opened;
}

}  // namespace banjo::test
