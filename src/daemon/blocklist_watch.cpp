// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/blocklist_watch.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace banjo {

namespace {

constexpr std::uint32_t directory_events = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM;

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == 0 ? std::string("/") : path.substr(0, slash);
}

std::string file_name_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// The whole file, or an error text.
bool read_file(const std::string& path, std::size_t limit, std::string& text, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        error = std::strerror(errno);
        return false;
    }
    text.clear();
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > limit) {
            error = "larger than " + std::to_string(limit >> 20) + " MiB";
            ::close(fd);
            return false;
        }
    }
    ::close(fd);
    return true;
}

}  // namespace

BlocklistWatch::BlocklistWatch(sd::Event& loop, Blocklists& lists) : loop_(loop), lists_(lists) {
    io_ = loop_.add_io(inotify_.fd(), EPOLLIN, [this](std::uint32_t) { on_events(); });
}

void BlocklistWatch::configure() {
    std::map<std::string, std::unique_ptr<Watched>> next;
    std::vector<std::string> fresh;
    for (const auto& c : lists_.lists()) {
        if (c.path.empty()) continue;
        auto old = files_.find(c.name);
        if (old != files_.end() && old->second->config.same_as(c)) {
            next[c.name] = std::move(old->second);
            continue;
        }
        auto w = std::make_unique<Watched>();
        w->config = c;
        const std::string name = c.name;
        w->settle = loop_.add_timer([this, name] { read(name); });
        w->interval = loop_.add_timer([this, name] { read(name); });
        next[name] = std::move(w);
        const std::string dir = directory_of(c.path);
        if (!directories_.count(dir)) {
            const int wd = inotify_.add_watch(dir, directory_events);
            if (wd >= 0) directories_[dir] = wd;
            // Without a watch the interval still reads it; the reading says what is wrong.
        }
        fresh.push_back(name);
    }
    files_ = std::move(next);
    for (const auto& name : fresh) read(name);
}

void BlocklistWatch::read(const std::string& name) {
    auto it = files_.find(name);
    if (it == files_.end()) return;
    Watched& w = *it->second;
    w.settle.disarm();
    w.interval.arm_in(w.config.interval);
    std::string text, error;
    if (read_file(w.config.path, max_file_bytes, text, error))
        lists_.read(name, text, true);
    else
        lists_.unreadable(name, error);
}

void BlocklistWatch::on_events() {
    for (const auto& e : inotify_.read_events()) {
        if (e.watch < 0) {   // overflow: anything may have changed
            for (auto& [name, w] : files_) w->settle.arm_in(settle_delay);
            continue;
        }
        std::string dir;
        for (const auto& [d, wd] : directories_)
            if (wd == e.watch) dir = d;
        if (e.mask & IN_IGNORED) {
            directories_.erase(dir);
            continue;
        }
        for (auto& [name, w] : files_) {
            if (directory_of(w->config.path) != dir || file_name_of(w->config.path) != e.name) continue;
            // IN_CREATE alone is a file still empty: its close or rename follows.
            if (e.mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM)) w->settle.arm_in(settle_delay);
        }
    }
}

}  // namespace banjo
