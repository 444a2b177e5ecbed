// SPDX-License-Identifier: GPL-2.0-or-later
// inotify(7), non-blocking and close-on-exec, for the event loop: watch directories, then read
// what happened in them when the fd is readable. Errors of the setup calls throw
// std::system_error named by the call.
#pragma once

#include "lib/posix/unique_fd.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace banjo::posix {

class Inotify {
public:
    struct Event {
        int watch = -1;
        std::uint32_t mask = 0;
        std::string name;   // the file in the watched directory; empty for the directory itself
    };

    Inotify();
    int fd() const noexcept { return fd_.get(); }
    // The watch descriptor; -errno when the path cannot be watched (absent, no permission).
    int add_watch(const std::string& path, std::uint32_t mask) noexcept;
    void remove_watch(int watch) noexcept;
    // Every event queued now (none when nothing is: the fd is non-blocking). IN_Q_OVERFLOW
    // comes as an event with watch -1.
    std::vector<Event> read_events();

private:
    UniqueFd fd_;
};

}  // namespace banjo::posix
