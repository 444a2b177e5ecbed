// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/ignore_watch.hpp"

#include "core/input_excerpt.hpp"
#include "lib/sd/log.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <poll.h>
#include <sstream>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <syslog.h>

namespace banjo {

namespace {

using namespace std::chrono_literals;

// An ignore-file larger than this is refused whole (its last contents stay): a list of
// 100000 entries is far below it.
constexpr std::size_t max_ignore_file_bytes = 16 << 20;
// Editors write in several steps: one read after the burst.
constexpr auto reread_delay = 200ms;
constexpr std::uint32_t directory_events = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE;

std::string directory_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string file_name_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

IgnoreWatch::IgnoreWatch(sd::Event& loop, Manager& manager) : loop_(loop), manager_(manager) {
    inotify_source_ = loop_.add_io(inotify_.fd(), EPOLLIN, [this](std::uint32_t) { on_inotify(); });
    answer_source_ = loop_.add_io(resolver_.fd(), EPOLLIN, [this](std::uint32_t) { on_answers(); });
    reread_timer_ = loop_.add_timer([this] {
        auto files = std::exchange(dirty_, {});
        for (const auto& f : files) read_file(f);
        resolve_missing();
    });
    refresh_timer_ = loop_.add_timer([this] {
        // Files in directories that could not be watched are read here too.
        for (const auto& f : manager_.ignore_sources().files())
            if (!dir_watches_.count(directory_of(f))) read_file(f);
        resolve_all();
        refresh_timer_.arm_in(std::chrono::duration_cast<std::chrono::microseconds>(ignore_host_refresh));
    });
    refresh_timer_.arm_in(std::chrono::duration_cast<std::chrono::microseconds>(ignore_host_refresh));
}

void IgnoreWatch::sync() {
    for (const auto& f : manager_.ignore_sources().files()) {
        const std::string dir = directory_of(f);
        if (!dir_watches_.count(dir)) {
            const int wd = inotify_.add_watch(dir, directory_events);
            if (wd >= 0)
                dir_watches_[dir] = wd;
            else
                sd::log(LOG_WARNING, "Cannot watch " + dir + " for changes of ignore-file " + f + ": " + std::strerror(-wd) +
                                         "; it is read again every " + std::to_string(ignore_host_refresh.count()) + " minutes");
        }
        read_file(f);
    }
    resolve_all();
}

void IgnoreWatch::wait_for_names(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    auto unanswered = [&] {
        for (const auto& name : manager_.ignore_sources().host_names())
            if (!manager_.ignore_sources().has_answer(name) && !failed_.count(name)) return true;
        return false;
    };
    while (unanswered()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return;
        pollfd p{resolver_.fd(), POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) > 0) on_answers();
        resolve_missing();   // names found in the files just read
    }
}

void IgnoreWatch::read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        if (err == ENOENT) {
            sd::log(LOG_WARNING, "ignore-file " + path + " does not exist: it adds nothing until it is created");
            manager_.set_ignore_file(path, {});
        } else {
            sd::log(LOG_WARNING, "Cannot read ignore-file " + path + ": " + std::strerror(err) + "; its last contents stay");
        }
        return;
    }
    std::ostringstream text;
    text << in.rdbuf();
    std::string contents = std::move(text).str();
    if (contents.size() > max_ignore_file_bytes) {
        sd::log(LOG_WARNING, "ignore-file " + path + " is larger than " + std::to_string(max_ignore_file_bytes) +
                                 " bytes: refused, its last contents stay");
        return;
    }
    IgnoreFileContents parsed = parse_ignore_file(contents);
    for (const auto& e : parsed.errors)
        sd::log(LOG_WARNING, path + ":" + std::to_string(e.line) + ": " + e.message + " (line skipped)",
                {{"BANJO_IGNORE_FILE", path}});
    sd::log(LOG_INFO, "ignore-file " + path + " read: " + std::to_string(parsed.entries.size()) + " entries" +
                          (parsed.errors.empty() ? "" : ", " + std::to_string(parsed.errors.size()) + " bad lines skipped"),
            {{"BANJO_IGNORE_FILE", path}});
    manager_.set_ignore_file(path, std::move(parsed));
}

void IgnoreWatch::resolve_missing() {
    for (const auto& name : manager_.ignore_sources().host_names())
        if (!manager_.ignore_sources().has_answer(name)) resolver_.resolve(name);
}

void IgnoreWatch::resolve_all() {
    for (const auto& name : manager_.ignore_sources().host_names()) resolver_.resolve(name);
}

void IgnoreWatch::on_inotify() {
    std::vector<posix::Inotify::Event> events;
    try {
        events = inotify_.read_events();
    } catch (const std::exception& e) {
        sd::log(LOG_WARNING, std::string("Reading ignore-file changes failed: ") + e.what());
    }
    for (const auto& e : events) {
        for (const auto& f : manager_.ignore_sources().files()) {
            auto w = dir_watches_.find(directory_of(f));
            // An overflow (watch -1) may hide any change: read every file.
            if (e.watch == -1 || (w != dir_watches_.end() && w->second == e.watch && e.name == file_name_of(f)))
                dirty_.insert(f);
        }
    }
    if (!dirty_.empty() && !reread_timer_.armed()) reread_timer_.arm_in(reread_delay);
}

void IgnoreWatch::on_answers() {
    for (auto& a : resolver_.take()) {
        if (!a.error.empty()) {
            // Logged once per kind of failure, not every refresh.
            if (failed_[a.name] != a.error)
                sd::log(LOG_WARNING, "Cannot resolve ignore host name " + input_excerpt(a.name) + ": " + a.error +
                                         (manager_.ignore_sources().has_answer(a.name) ? "; its last addresses stay ignored"
                                                                                       : "; it ignores nothing until it resolves"));
            failed_[a.name] = a.error;
            continue;
        }
        failed_.erase(a.name);
        std::string list;
        for (const auto& addr : a.addresses) list += (list.empty() ? "" : ", ") + addr.to_string();
        sd::log(LOG_DEBUG, "Ignore host name " + a.name + " resolves to " + list);
        manager_.set_ignore_host(a.name, std::move(a.addresses));
    }
}

}  // namespace banjo
