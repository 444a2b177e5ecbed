// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/posix/inotify.hpp"

#include <cerrno>
#include <cstring>
#include <sys/inotify.h>
#include <system_error>

namespace banjo::posix {

Inotify::Inotify() : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    if (!fd_) throw std::system_error(errno, std::generic_category(), "inotify_init1");
}

int Inotify::add_watch(const std::string& path, std::uint32_t mask) noexcept {
    const int w = inotify_add_watch(fd_.get(), path.c_str(), mask);
    return w < 0 ? -errno : w;
}

void Inotify::remove_watch(int watch) noexcept { inotify_rm_watch(fd_.get(), watch); }

std::vector<Inotify::Event> Inotify::read_events() {
    std::vector<Event> out;
    alignas(inotify_event) char buffer[16384];
    while (true) {
        const ssize_t n = ::read(fd_.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            throw std::system_error(errno, std::generic_category(), "read(inotify)");
        }
        if (n == 0) break;
        for (ssize_t at = 0; at < n;) {
            inotify_event e;
            std::memcpy(&e, buffer + at, sizeof e);
            Event out_e{e.wd, e.mask, {}};
            if (e.len > 0) out_e.name = std::string(buffer + at + sizeof e, strnlen(buffer + at + sizeof e, e.len));
            out.push_back(std::move(out_e));
            at += static_cast<ssize_t>(sizeof e + e.len);
        }
    }
    return out;
}

}  // namespace banjo::posix
