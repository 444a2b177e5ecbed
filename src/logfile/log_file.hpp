// SPDX-License-Identifier: GPL-2.0-or-later
// One log file path, read as it grows: an open descriptor, the offset just past the last line
// read, and what became of the path since (rotated by rename, truncated, removed). The
// descriptor stays on the file it opened, so a file renamed away is still read to its end
// before the path's new file takes over, and a writer still appending to the renamed file is
// followed until it writes to the new one. A removed file is closed once read to its end. A truncated file (copytruncate) is first read to its
// end in the copy logrotate left beside it, found by its first bytes. Used by the live follower
// and, from the first line to the last, by banjod --replay and banjoctl test-filter, so all three
// read alike. Never throws for what a file holds or lacks; one thread.
#pragma once

#include "lib/posix/unique_fd.hpp"
#include "logfile/file_position.hpp"
#include "logfile/line_splitter.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace banjo {

class LogFile {
public:
    // A complete line and the offset just past it, in the file being read then.
    using OnLine = std::function<void(std::string_view line, std::uint64_t end_offset)>;

    explicit LogFile(std::string path) : path_(std::move(path)) {}

    const std::string& path() const noexcept { return path_; }
    bool is_open() const noexcept { return static_cast<bool>(fd_); }
    // Why the path could not be opened last (errno text), empty when it was.
    const std::string& problem() const noexcept { return problem_; }

    // Opens the path. With `saved` and the same file still there (device, inode, not shorter,
    // same first bytes), reading goes on at its offset and this returns true; otherwise from
    // the first byte. If the saved file was rotated away (renamed in the same directory), the
    // rest of it is read first. False also when the path cannot be opened (see problem()).
    bool open(const std::optional<FilePosition>& saved);

    // Reads at most `max_bytes` and hands on the complete lines. Returns the bytes read; 0 when
    // everything there is has been read, rotations and truncation included (call again after
    // the next change to the directory).
    std::size_t read(std::size_t max_bytes, const OnLine& on_line);

    // Offline reading at the end: the unfinished last line, if any, as a line.
    void finish(const OnLine& on_line) { splitter_.finish(on_line); }

    // Where a restart would go on (the current file's identity and the offset past its last
    // complete line).
    FilePosition position() const;
    std::uint64_t offset() const noexcept { return splitter_.line_end_offset(); }
    std::uint64_t long_lines() const noexcept { return splitter_.long_lines(); }
    // How often the path was found rotated, truncated; bytes of unfinished lines given up then.
    std::uint64_t rotations() const noexcept { return rotations_; }
    std::uint64_t truncations() const noexcept { return truncations_; }
    std::uint64_t lost_partial_bytes() const noexcept { return lost_partial_bytes_; }
    // The current file's modification time (the reference for year-less time stamps in replay).
    Usec modified() const;
    // The offset from which lines of `since` and later start, found by stepping back from
    // `offset` a block at a time and reading the time of the first whole line of each block
    // through `time_of` (nullopt: no time). Lines before it are all older than `since`, as far
    // as their times go up.
    std::uint64_t offset_before(std::uint64_t offset, Usec since,
                                const std::function<std::optional<Usec>(std::string_view line)>& time_of) const;
    // Re-reads [from, to) of the current file as lines (for the recount after a restart).
    void read_range(std::uint64_t from, std::uint64_t to, const OnLine& on_line) const;

private:
    struct Draining {            // the file the path named before a rotation, read to its end
        posix::UniqueFd fd;
        LineSplitter splitter;
    };
    std::size_t read_from(int fd, LineSplitter& splitter, std::size_t max_bytes, const OnLine& on_line);
    bool open_path();            // the path's current file, offset 0
    // After reading to the end: whether the path names another file now, or this one shrank.
    bool follow_changes();
    void update_fingerprint();
    // A file in the path's directory, other than the path, for which `accept(fd, stat)` holds.
    posix::UniqueFd find_sibling(const std::function<bool(int fd, std::uint64_t dev, std::uint64_t ino,
                                                          std::uint64_t size)>& accept) const;

    std::string path_;
    posix::UniqueFd fd_;
    std::uint64_t device_ = 0, inode_ = 0;
    LineSplitter splitter_;
    std::optional<Draining> previous_;
    std::uint32_t fingerprint_bytes_ = 0;
    std::uint64_t fingerprint_ = file_fingerprint({});
    std::string problem_;
    std::uint64_t rotations_ = 0, truncations_ = 0, lost_partial_bytes_ = 0;
};

}  // namespace banjo
