// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/file_follower.hpp"

#include "lib/sd/log.hpp"
#include "logfile/log_line.hpp"

#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <syslog.h>

namespace banjo {

namespace {

// Bytes read per loop iteration over all files: a few milliseconds of work.
constexpr std::size_t chunk_bytes = 1024 * 1024;

// What happens to files in a watched directory that can change what a followed path holds.
constexpr std::uint32_t directory_events =
    IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB;

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

FileFollower::FileFollower(sd::Event& loop, const Clock& clock, DecisionSink on_ban, ChunkDone on_chunk)
    : loop_(loop), clock_(clock), on_ban_(std::move(on_ban)), on_chunk_(std::move(on_chunk)) {}

FileFollowerCounters FileFollower::counters() const {
    FileFollowerCounters c = counters_;
    for (const auto& [path, f] : files_) {
        c.long_lines += f->file.long_lines();
        c.rotations += f->file.rotations();
        c.truncations += f->file.truncations();
    }
    return c;
}

FileFollower::Followed& FileFollower::follow(const std::string& path, Usec count_from) {
    auto& slot = files_[path];
    if (!slot) {
        slot = std::make_unique<Followed>(path);
        slot->count_from = count_from;
    }
    return *slot;
}

void FileFollower::assign(Followed& f, std::vector<std::size_t> jails) {
    // The first of its jails that sets a datepattern says how the file's times read.
    std::string pattern;
    for (std::size_t i : jails)
        if (pattern.empty()) pattern = jails_->datepattern(i);
    if (pattern != f.datepattern) {
        f.datepattern = pattern;
        f.times = pattern.empty() ? LogTimeReader() : LogTimeReader(DatePattern(pattern));
    }
    f.jails = std::move(jails);
}

void FileFollower::configure(JailSet& jails) {
    jails_ = &jails;
    std::vector<std::vector<std::string>> per_jail;
    for (std::size_t i = 0; i < jails.size(); ++i) per_jail.push_back(jails.logpath(i));
    paths_ = std::make_unique<LogPaths>(per_jail);
    for (auto& [path, f] : files_) assign(*f, paths_->jails_for(path));
    std::erase_if(files_, [](const auto& entry) { return entry.second->jails.empty(); });
    watch_directories();
}

void FileFollower::watch_directories() {
    for (const auto& dir : paths_->directories()) {
        bool known = false;
        for (const auto& [wd, d] : watched_) known = known || d == dir;
        if (known) continue;
        const int wd = inotify_.add_watch(dir, directory_events);
        if (wd < 0) {
            // A shipped jail names each distribution's path: the others' directories are absent.
            sd::log(wd == -ENOENT ? LOG_INFO : LOG_WARNING, "Cannot watch " + dir + " for log files: " +
                                                                std::strerror(-wd) + "; its files are read when a reload finds it");
            continue;
        }
        watched_[wd] = dir;
    }
}

void FileFollower::start(JailSet& jails, const std::vector<FilePosition>& saved, Usec span, Usec first_start) {
    first_start_ = first_start;
    configure(jails);
    std::uint64_t resumed = 0;
    for (const auto& path : paths_->expand()) {
        Followed& f = follow(path, first_start);
        assign(f, paths_->jails_for(path));
        std::optional<FilePosition> position;
        for (const auto& p : saved)
            if (p.path == path) position = p;
        // A saved file goes on where it was: every line after the position is new.
        if (position) f.count_from = Usec(0);
        if (f.file.open(position)) {
            ++resumed;
            f.last_line_time = position->last_line_time;
            recount(f, *position, span);
        } else if (!f.file.is_open()) {
            f.count_from = Usec(0);   // it appears after start: all of it is new
            sd::log(LOG_NOTICE, "Log file " + path + " is not there yet (" + f.file.problem() + "); it is read when it appears");
        }
    }
    if (!files_.empty())
        sd::log(LOG_INFO, "Following " + std::to_string(files_.size()) + " log files, " + std::to_string(resumed) +
                              " from their saved position");
    io_ = loop_.add_io(inotify_.fd(), EPOLLIN, [this](std::uint32_t) { wake(); });
    continue_ = loop_.add_timer([this] { drain(); });
    continue_.arm_in(std::chrono::microseconds(0));
}

void FileFollower::set_jails(JailSet& jails) {
    configure(jails);
    for (const auto& path : paths_->expand()) {
        const bool known = files_.count(path) > 0;
        Followed& f = follow(path, first_start_);
        assign(f, paths_->jails_for(path));
        if (!known) {
            f.count_from = first_start_;
            f.file.open(std::nullopt);
        }
        f.pending = true;
    }
    if (continue_) continue_.arm_in(std::chrono::microseconds(0));
}

// The lines of the last `span` before the saved position, again: the failure windows are what
// they were when it was saved. Decisions are not taken again (the bans are in the store).
void FileFollower::recount(Followed& f, const FilePosition& saved, Usec span) {
    const Usec since = saved.last_line_time - span;
    const Usec now = clock_.now();
    LogTimeReader& times = f.times;
    const std::uint64_t from = f.file.offset_before(saved.offset, since, [&](std::string_view line) -> std::optional<Usec> {
        if (auto t = times.read(line, now)) return t->time;
        return std::nullopt;
    });
    JailSet& jails = *jails_;
    const JailSet::BanSink ignore_decision = [&jails](const Jail& jail, const BanDecision& d) {
        if (JailPipeline* p = jails.find(jail.name())) p->jail().forget_ban(d.address);
    };
    std::uint64_t recounted = 0;
    f.file.read_range(from, saved.offset, [&](std::string_view text, std::uint64_t) {
        const LogLine line = read_log_line(text, times, now);
        if (line.time < since) return;
        jails.process_line(f.jails, line, ignore_decision);
        ++recounted;
    });
    sd::log(LOG_INFO, "Recounted " + std::to_string(recounted) + " lines of " + f.file.path() + " before the saved position");
}

void FileFollower::wake() {
    for (const auto& e : inotify_.read_events()) {
        if (e.mask & IN_Q_OVERFLOW) {
            // Events were lost: look at everything.
            for (const auto& path : paths_->expand()) {
                Followed& f = follow(path, Usec(0));
                if (f.jails.empty()) assign(f, paths_->jails_for(path));
            }
            for (auto& [path, f] : files_) f->pending = true;
            continue;
        }
        auto dir = watched_.find(e.watch);
        if (dir == watched_.end()) continue;
        if (e.mask & IN_IGNORED) {
            watched_.erase(dir);   // the directory itself went away
            continue;
        }
        if (!e.name.empty() && (e.mask & (IN_CREATE | IN_MOVED_TO))) {
            const std::string path = dir->second + "/" + e.name;
            if (!files_.count(path)) {
                auto jails = paths_->jails_for(path);
                // A file that appears after start is new: all of it counts.
                if (!jails.empty()) assign(follow(path, Usec(0)), std::move(jails));
            }
        }
        for (auto& [path, f] : files_)
            if (directory_of(path) == dir->second) f->pending = true;
    }
    drain();
}

void FileFollower::drain() {
    std::size_t budget = chunk_bytes;
    std::vector<FilePosition> positions;
    const Usec now = clock_.now();
    for (auto& [path, fp] : files_) {
        Followed& f = *fp;
        if (!f.pending || budget == 0) continue;
        const std::uint64_t before = f.file.offset();
        const std::size_t n = f.file.read(budget, [&](std::string_view text, std::uint64_t) {
            const LogLine line = read_log_line(text, f.times, now);
            ++counters_.lines;
            if (!line.time_found) ++counters_.lines_without_time;
            f.last_line_time = line.time;
            if (line.time < f.count_from) return;
            jails_->process_line(f.jails, line, on_ban_);
        });
        budget -= std::min(budget, n);
        if (budget > 0) f.pending = false;   // read to its end
        if (n > 0 || f.file.offset() != before || !f.reported) {
            // Reported once even unchanged: a first start saves where every file stands.
            FilePosition p = f.file.position();
            p.last_line_time = f.last_line_time;
            if (f.file.is_open()) positions.push_back(std::move(p));
            f.reported = true;
        }
    }
    if (!positions.empty()) on_chunk_(positions);
    bool more = false;
    for (const auto& [path, f] : files_) more = more || f->pending;
    if (more) continue_.arm_in(std::chrono::microseconds(0));
}

}  // namespace banjo
