// SPDX-License-Identifier: GPL-2.0-or-later
// Follows the jails' log files inside the event loop, beside the journal follower: one inotify
// watch per directory the logpath entries name (never a timer that polls), woken for files
// that grow, appear, are renamed, truncated or removed there; reads what was appended in
// chunks, so a flood cannot starve D-Bus and timers; runs each line through the jails whose
// logpath names the file. After each chunk it reports every file's position, for the store to
// save together with the chunk's bans. A file's lines are timed by their own time stamps
// (logfile/log_time.hpp); a line without a readable one takes the time it is read, counted.
#pragma once

#include "daemon/clock.hpp"
#include "daemon/jail_set.hpp"
#include "daemon/manager.hpp"
#include "lib/posix/inotify.hpp"
#include "lib/sd/event.hpp"
#include "logfile/log_file.hpp"
#include "logfile/log_paths.hpp"
#include "logfile/log_time.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

class FileFollower {
public:
    using DecisionSink = JailSet::BanSink;
    using ChunkDone = std::function<void(const std::vector<FilePosition>& positions)>;

    FileFollower(sd::Event& loop, const Clock& clock, DecisionSink on_ban, ChunkDone on_chunk);

    // Starts following the files `jails` name (jails must outlive the follower or the next
    // set_jails). A file with a saved position goes on from there, after the `span` (the
    // longest findtime) of lines before it was read again through the jails, counting without
    // deciding (as the journal follower's warm-up). A file without one is read from its first
    // line, lines timed before `first_start` read but not counted. Files that appear later are
    // read whole. The recount runs to completion before this returns.
    void start(JailSet& jails, const std::vector<FilePosition>& saved, Usec span, Usec first_start);
    // A new set of jails (reload): files already followed go on where they are; newly named
    // ones are read as at a first start.
    void set_jails(JailSet& jails);

    std::size_t files() const noexcept { return files_.size(); }
    FileFollowerCounters counters() const;

private:
    struct Followed {
        explicit Followed(std::string path) : file(std::move(path)) {}
        LogFile file;
        LogTimeReader times;
        std::vector<std::size_t> jails;
        std::string datepattern;
        Usec count_from{0};        // lines timed before this are read, not counted
        Usec last_line_time{0};
        bool pending = true;       // may have unread bytes
        bool reported = false;     // position reported since its last change
    };

    void configure(JailSet& jails);
    void assign(Followed& f, std::vector<std::size_t> jails);
    Followed& follow(const std::string& path, Usec count_from);
    void watch_directories();
    void recount(Followed& f, const FilePosition& saved, Usec span);
    void wake();
    void drain();

    sd::Event& loop_;
    const Clock& clock_;
    DecisionSink on_ban_;
    ChunkDone on_chunk_;
    JailSet* jails_ = nullptr;
    std::unique_ptr<LogPaths> paths_;
    std::map<std::string, std::unique_ptr<Followed>> files_;
    posix::Inotify inotify_;
    std::map<int, std::string> watched_;   // watch descriptor -> directory
    sd::EventSource io_;
    sd::EventSource continue_;             // more bytes are waiting: go on after the loop's other work
    FileFollowerCounters counters_;
    Usec first_start_{0};
};

}  // namespace banjo
