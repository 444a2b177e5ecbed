// SPDX-License-Identifier: GPL-2.0-or-later
// Reads the blocklists that are files: each once when configured, again when it changes (one
// inotify watch per directory, woken when a file there is closed after writing or renamed into
// place, which is how editors and downloaders replace a file), and every `interval` besides, which
// also catches a change inotify cannot see (a network file system) and confirms a reading held
// back as cut short. Changes settle for settle_delay before the file is read, so a burst of
// writes is one reading. Readings go to Blocklists. One thread, the event loop's.
#pragma once

#include "daemon/blocklists.hpp"
#include "lib/posix/inotify.hpp"
#include "lib/sd/event.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace banjo {

class BlocklistWatch {
public:
    static constexpr std::chrono::milliseconds settle_delay{200};
    static constexpr std::size_t max_file_bytes = 256u << 20;

    BlocklistWatch(sd::Event& loop, Blocklists& lists);

    // Follows the file lists of lists.lists() from now on; new or changed ones are read at once.
    void configure();

private:
    struct Watched {
        BlocklistConfig config;
        sd::EventSource settle, interval;
    };
    void read(const std::string& name);
    void on_events();

    sd::Event& loop_;
    Blocklists& lists_;
    posix::Inotify inotify_;
    sd::EventSource io_;
    std::map<std::string, int> directories_;   // directory -> watch
    std::map<std::string, std::unique_ptr<Watched>> files_;   // by list name
};

}  // namespace banjo
