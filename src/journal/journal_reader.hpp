// SPDX-License-Identifier: GPL-2.0-or-later
// The one reader of the journal: opens the system journal, a directory (rotated files included)
// or a list of files, restricts it to the union of the jails' journal-match groups, and steps
// through entries reading only the fields asked for. One thread; not copyable.
#pragma once

#include "core/duration.hpp"
#include "journal/entry_batch.hpp"
#include "journal/entry_fields.hpp"
#include "lib/sd/journal.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

class JournalReader {
public:
    // Fields are decompressed and returned up to this many bytes: a megabyte MESSAGE costs no
    // more than an ordinary one, and nothing downstream sees more than this.
    static constexpr std::size_t data_threshold_bytes = 8 * 1024;

    static JournalReader open_system();
    static JournalReader open_directory(const std::string& path);
    static JournalReader open_files(const std::vector<std::string>& paths);

    // groups are OR-ed; within a group "FIELD=value" terms follow the journal's rules (same
    // field: OR, different fields: AND). Call before positioning. No groups = every entry.
    void set_matches(const std::vector<std::vector<std::string>>& groups);

    void seek_head();
    void seek_tail();                       // next() then returns only entries appended later
    void seek_realtime(Usec time);          // times before 1970 mean its start
    // Positions after the entry of `cursor`. If that entry no longer exists (vacuumed), after
    // the place its timestamp would have. Returns false if the cursor text is unusable.
    bool seek_after_cursor(const std::string& cursor);

    bool next();                            // false at the end
    // Whether the current entry is the one `cursor` names.
    bool is_at(const std::string& cursor) const;
    // The realtime a cursor records ("t=" field), if it has one.
    static std::optional<Usec> cursor_realtime(std::string_view cursor);
    Usec realtime() const;                  // the entry's __REALTIME_TIMESTAMP
    std::string cursor() const;
    // The value of FIELD in the current entry (without "FIELD="), nullopt if absent.
    // Valid until the next field() call or next(). Values longer than the data threshold are cut.
    std::optional<std::string_view> field(const char* name) const;
    // MESSAGE, and on the way `companion` (a session id such as _PID) copied into
    // companion_value when the entry has it before MESSAGE. One walk over the entry's fields:
    // sd_journal_get_data walks them from the start for every field, and MESSAGE is usually
    // last, so a second lookup would cost as much again. companion_found says whether it was
    // seen; if not, ask field() for it after you are done with MESSAGE.
    std::optional<std::string_view> message_with(std::string_view companion, std::string& companion_value,
                                                 bool& companion_found) const;

    // Steps to the following entries (as next()) until `batch` is full or the journal ends,
    // reading each one's realtime and fields into it; false when there was no entry left.
    bool read_batch(EntryBatch& batch);
    // Adds the current entry (its realtime and fields) to `batch`, which must not be full: every
    // field the batch's names ask for, in one walk over the entry's data (sd_journal_get_data
    // walks from the first field for each field asked); values longer than the data threshold
    // are cut.
    void read_entry(EntryBatch& batch) const;

    // For the live loop: the fd to poll, its events, and what woke us. The first fd() call
    // starts watching the files and directories (inotify); process() sees nothing before it.
    int fd() const;
    int events() const;
    std::uint64_t timeout_usec() const;
    int process();   // SD_JOURNAL_NOP / APPEND / INVALIDATE

private:
    explicit JournalReader(sd::Journal j);
    sd::Journal journal_;
    // seek_after_cursor() sometimes has to step onto the first new entry to learn where it
    // landed; the following next() then stays there instead of moving past it.
    bool on_pending_entry_ = false;
};

}  // namespace banjo
