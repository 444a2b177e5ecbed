// SPDX-License-Identifier: GPL-2.0-or-later
// The persistent state of banjod: active bans, each address's ban history per jail (the
// increment policy's memory, kept across unban and expiry), a log of every ban (for the charts
// of ListBanHistory, forgotten with the history) and the journal cursor. It lives in
// one SQLite file, STATE_DIR/banjo.db. Every change goes through a Batch, committed as one
// transaction, so a ban and the cursor of the journal entry that caused it are saved together
// or not at all. One thread (the event loop's). A commit costs a write() to the WAL and no
// fsync, except the checkpoint SQLite runs every ~4 MB of WAL (10k bans commit in ~25 ms).
//
// Durability: WAL journal with synchronous=NORMAL. A commit is complete once its WAL frames are
// written, which puts them in the kernel's page cache: a crash of banjod itself (kill -9, abort,
// OOM kill) loses nothing committed, and the next open replays the WAL. Only power loss or a
// kernel crash can lose the last commits since the WAL was last synced (at each checkpoint), and
// even then the file is never corrupt: WAL frames are checksummed and a transaction without its
// commit frame is ignored. What is lost is lost as a whole, ban and cursor together, so banjod
// rereads the journal from the older cursor and makes the same decisions again (failure
// windows run on journal time); only manual bans of those last moments would have to be redone.
// FULL would add an fsync per commit for that sliver, on the path that is meant not to block.
#pragma once

#include "state/state_storage.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// The file is there but is not banjo's state: not a database, damaged inside (quick_check),
// zero-length, or a database without banjo's tables. Moving it aside is the cure
// (state_opening.hpp); every other failure to open (a full or read-only disk, permissions,
// a newer banjo's schema) leaves the file alone.
class CorruptStateError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class StateStore final : public StateStorage {
    struct Impl;   // the connection and its prepared statements; stays put when the store moves

public:
    static constexpr const char* file_name = "banjo.db";

    // Creates the directory, the file and the schema as needed, and checks the file's
    // integrity (quick_check: ~20 ms for 100k bans). The directory is made 0700 and the files
    // in it 0600 (whatever the umask, with or without systemd's StateDirectoryMode=). Throws
    // CorruptStateError for a file that is not banjo's state (see above), else
    // std::runtime_error naming the path
    // (std::system_error for the directory, sqlite::Error for SQLite's own failures): unusable
    // directory, read-only file, full disk, a schema from a newer banjo.
    static StateStore open(const std::string& state_dir);

    StateStore(StateStore&&) noexcept;
    StateStore& operator=(StateStore&&) noexcept;
    ~StateStore() override;

    const std::string& path() const;   // STATE_DIR/banjo.db, resolved

    // One transaction. Nothing is visible to a later open until commit() returns; a Batch
    // destroyed without commit() (an exception on the way) rolls back. At most one at a time.
    // Reads through the store while a Batch is open see its uncommitted changes. A Batch
    // must not outlive its store (moving the store is fine). After a write fails, the batch is
    // dead: every further call throws, and nothing of it is saved.
    class Batch {
    public:
        Batch(Batch&& other) noexcept : impl_(other.impl_) { other.impl_ = nullptr; }
        Batch& operator=(Batch&&) = delete;
        ~Batch();

        // Records the ban, replacing any active ban of the same (jail, address).
        // counts_as_offence: the ban adds one to the address's history in the jail (a ban decided
        // by the jail or the administrator); false for bans carried over (restored).
        void add_ban(const StoredBan& ban, bool counts_as_offence);
        bool remove_ban(std::string_view jail, const Cidr& address);   // false: was not banned
        void remove_all_bans();
        // The address's offence count in the jail becomes max(count, at_least) + added; its last
        // ban time the later of the two. (at_least: a count known from elsewhere, the journal,
        // that the store may already hold; added: offences the store cannot have seen.)
        void count_offences(std::string_view jail, const Cidr& address, unsigned at_least,
                            unsigned added, Usec last_banned_at);
        // One row of the ban log (ListBanHistory), beside the ban itself.
        void log_ban(const StoredBan& ban);
        // The same, unless the log has a row of that jail, address and ban time already (an
        // import run twice); false then.
        bool log_ban_once(const StoredBan& ban);
        void set_cursor(std::string_view cursor);
        void set_file_position(const FilePosition& position);   // replaces that path's
        void set_fleet_position(std::string_view host, std::string_view stream_id);   // replaces that host's
        // See StateStore::forget_history_before; here as part of the batch.
        std::size_t forget_history_before(Usec cutoff);
        // Rows of the ban log banned before `cutoff`.
        std::size_t forget_ban_log_before(Usec cutoff);
        void commit();

    private:
        friend class StateStore;
        explicit Batch(Impl* impl) : impl_(impl) {}
        void check_live() const;
        Impl* impl_;
    };
    Batch begin();

    // StateStorage: the changes as one batch, committed before it returns.
    void write(const StateChanges& changes, const BanSnapshot& all_bans) override;

    std::vector<StoredBan> active_bans() const override;   // ordered by jail, then address text
    std::optional<std::string> cursor() const override;    // nullopt before the first set_cursor()
    std::vector<History> history(std::string_view jail) const override;
    std::vector<FilePosition> file_positions() const override;   // ordered by path
    std::map<std::string, std::string> fleet_positions() const override;
    std::vector<StoredBan> ban_log(Usec since, std::size_t limit) const override;
    BanLines ban_lines(std::string_view jail, const Cidr& address) const override;

    // Housekeeping, its own transaction; not while a Batch is open (std::logic_error).
    // History of addresses last banned before `cutoff` and not banned now: bounds a table that
    // grows with every distinct attacker (fail2ban's dbpurgeage).
    std::size_t forget_history_before(Usec cutoff);

private:
    explicit StateStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace banjo
