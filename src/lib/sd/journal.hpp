// SPDX-License-Identifier: GPL-2.0-or-later
// banjo::sd::Journal owns one sd_journal and is the only place its C API appears. Every method
// is a thin call; a negative errno becomes std::system_error carrying the call's name
// ("sd_journal_open_directory: No such file or directory"). One thread; movable, not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sd_journal;

namespace banjo::sd {

class Journal {
public:
    // flags are SD_JOURNAL_* from <systemd/sd-journal.h>.
    static Journal open(int flags);
    static Journal open_directory(const std::string& path, int flags);
    static Journal open_files(const std::vector<std::string>& paths, int flags);

    // "FIELD=value"; same field: OR, different fields: AND, until the next disjunction.
    void add_match(std::string_view term);
    void add_disjunction();
    void flush_matches();
    void set_data_threshold(std::size_t bytes);

    // Seeks select no entry: next() must follow (the journal's rule, not ours).
    void seek_head();
    void seek_tail();
    void seek_realtime_usec(std::uint64_t usec);
    void seek_cursor(const std::string& cursor);   // std::system_error(EINVAL) if unparsable
    bool test_cursor(const std::string& cursor) const;   // current entry is the cursor's own

    bool next();       // false at the end
    bool previous();   // false at the beginning
    std::uint64_t realtime_usec() const;
    std::string cursor() const;

    // The whole "FIELD=value" payload, nullopt if the entry has no such field or the payload
    // cannot be decoded (a corrupt or foreign-compressed object must not stop a reader).
    // Valid until the next data() call or move.
    std::optional<std::string_view> data(const char* field) const;
    // The entry's fields one by one ("FIELD=value"), from the first after restart_data();
    // nullopt at the end. Fields that cannot be decoded are skipped. Valid until the next call.
    void restart_data() const;
    std::optional<std::string_view> enumerate_data() const;

    int fd() const;                      // first call starts watching (inotify)
    int events() const;
    std::uint64_t timeout_usec() const;  // CLOCK_MONOTONIC, UINT64_MAX = none
    int process();                       // SD_JOURNAL_NOP / _APPEND / _INVALIDATE

private:
    struct Closer {
        void operator()(sd_journal* j) const noexcept;
    };
    explicit Journal(sd_journal* j) : j_(j) {}
    std::unique_ptr<sd_journal, Closer> j_;
};

}  // namespace banjo::sd
