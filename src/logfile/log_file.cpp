// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/log_file.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace banjo {

namespace {

constexpr std::size_t read_block_bytes = 64 * 1024;
// Steps of the backward search for the recount's start: coarse, as lines before the found
// offset are only read again, never counted twice (their time decides).
constexpr std::uint64_t back_step_bytes = 1024 * 1024;

posix::UniqueFd open_read(const std::string& path) {
    return posix::UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
}

ssize_t pread_full(int fd, char* buf, std::size_t n, std::uint64_t at) {
    while (true) {
        const ssize_t r = ::pread(fd, buf, n, static_cast<off_t>(at));
        if (r < 0 && errno == EINTR) continue;
        return r;
    }
}

bool same_first_bytes(int fd, std::uint32_t bytes, std::uint64_t fingerprint) {
    std::string buf(bytes, '\0');
    const ssize_t n = pread_full(fd, buf.data(), bytes, 0);
    return n == static_cast<ssize_t>(bytes) && file_fingerprint(buf) == fingerprint;
}

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

bool LogFile::open_path() {
    posix::UniqueFd fd = open_read(path_);
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        problem_ = !fd ? std::strerror(errno) : "not a regular file";
        return false;
    }
    problem_.clear();
    fd_ = std::move(fd);
    device_ = st.st_dev;
    inode_ = st.st_ino;
    splitter_.restart(0);
    fingerprint_bytes_ = 0;
    fingerprint_ = file_fingerprint({});
    update_fingerprint();
    return true;
}

bool LogFile::open(const std::optional<FilePosition>& saved) {
    if (!open_path()) return false;
    if (!saved) return false;
    struct stat st {};
    ::fstat(fd_.get(), &st);
    if (saved->device == device_ && saved->inode == inode_ && static_cast<std::uint64_t>(st.st_size) >= saved->offset &&
        same_first_bytes(fd_.get(), saved->fingerprint_bytes, saved->fingerprint)) {
        splitter_.restart(saved->offset);
        return true;
    }
    // Rotated (or copied and truncated) while banjod was away: the rest of the saved file first.
    auto older = find_sibling([&](int fd, std::uint64_t dev, std::uint64_t ino, std::uint64_t size) {
        return !(dev == device_ && ino == inode_) && size >= saved->offset &&
               same_first_bytes(fd, saved->fingerprint_bytes, saved->fingerprint);
    });
    if (older) previous_.emplace(Draining{std::move(older), LineSplitter(saved->offset)});
    return false;
}

void LogFile::update_fingerprint() {
    if (!fd_ || fingerprint_bytes_ >= fingerprint_max_bytes) return;
    char buf[fingerprint_max_bytes];
    const ssize_t n = pread_full(fd_.get(), buf, sizeof buf, 0);
    if (n <= static_cast<ssize_t>(fingerprint_bytes_)) return;
    fingerprint_bytes_ = static_cast<std::uint32_t>(n);
    fingerprint_ = file_fingerprint(std::string_view(buf, static_cast<std::size_t>(n)));
}

std::size_t LogFile::read_from(int fd, LineSplitter& splitter, std::size_t max_bytes, const OnLine& on_line) {
    char buf[read_block_bytes];
    std::size_t total = 0;
    while (total < max_bytes) {
        const ssize_t n = pread_full(fd, buf, std::min(sizeof buf, max_bytes - total), splitter.fed_offset());
        if (n <= 0) break;
        splitter.feed(std::string_view(buf, static_cast<std::size_t>(n)), on_line);
        total += static_cast<std::size_t>(n);
    }
    return total;
}

std::size_t LogFile::read(std::size_t max_bytes, const OnLine& on_line) {
    std::size_t total = 0;
    for (int round = 0; round < 4 && total < max_bytes; ++round) {
        if (previous_) {
            const std::size_t n = read_from(previous_->fd.get(), previous_->splitter, max_bytes - total, on_line);
            total += n;
            if (n > 0) continue;
            // Read to its end. The writer has moved on once the path's new file has data; until
            // then it may still append here.
            struct stat st {};
            if (!fd_ || ::fstat(fd_.get(), &st) != 0 || st.st_size == 0) {
                if (fd_) total += read_from(fd_.get(), splitter_, max_bytes - total, on_line);
                if (!fd_ && open_path()) continue;
                return total;
            }
            // Its writes all came before the new file's first: one more read sees the last.
            total += read_from(previous_->fd.get(), previous_->splitter, SIZE_MAX, on_line);
            lost_partial_bytes_ += previous_->splitter.pending_bytes();
            previous_.reset();
        }
        if (!fd_ && !open_path()) return total;
        const std::size_t n = read_from(fd_.get(), splitter_, max_bytes - total, on_line);
        total += n;
        if (fingerprint_bytes_ < fingerprint_max_bytes) update_fingerprint();
        if (n > 0) continue;
        if (!follow_changes()) break;
    }
    return total;
}

bool LogFile::follow_changes() {
    struct stat own {};
    if (::fstat(fd_.get(), &own) != 0) return false;
    if (static_cast<std::uint64_t>(own.st_size) < splitter_.fed_offset()) {
        // Truncated in place (copytruncate): what was not read yet is in the copy, if logrotate
        // made one in this directory; the unfinished line is read again from there.
        ++truncations_;
        const std::uint64_t resume = splitter_.line_end_offset();
        const std::uint64_t fed = splitter_.fed_offset();
        auto copy = find_sibling([&](int fd, std::uint64_t dev, std::uint64_t ino, std::uint64_t size) {
            return !(dev == device_ && ino == inode_) && size >= fed &&
                   same_first_bytes(fd, fingerprint_bytes_, fingerprint_);
        });
        if (copy) {
            if (previous_) lost_partial_bytes_ += previous_->splitter.pending_bytes();
            previous_.emplace(Draining{std::move(copy), LineSplitter(resume)});
        } else {
            lost_partial_bytes_ += splitter_.pending_bytes();
        }
        splitter_.restart(0);
        fingerprint_bytes_ = 0;
        fingerprint_ = file_fingerprint({});
        update_fingerprint();
        return true;
    }
    if (own.st_nlink == 0) {
        // Removed, and read to its end: holding it would keep its disk space from being freed.
        // A file created later at the path is opened then.
        lost_partial_bytes_ += splitter_.pending_bytes();
        fd_.reset();
        splitter_.restart(0);
        return false;
    }
    struct stat now {};
    if (::stat(path_.c_str(), &now) != 0) return false;   // renamed away: keep reading what we hold
    if (now.st_dev == own.st_dev && now.st_ino == own.st_ino) return false;
    // Renamed away and replaced: keep the old file until the writer leaves it.
    ++rotations_;
    if (previous_) lost_partial_bytes_ += previous_->splitter.pending_bytes();
    previous_.emplace(Draining{std::move(fd_), std::move(splitter_)});
    splitter_ = LineSplitter(0);
    if (!open_path()) fd_.reset();
    return true;
}

posix::UniqueFd LogFile::find_sibling(
    const std::function<bool(int, std::uint64_t, std::uint64_t, std::uint64_t)>& accept) const {
    const std::string dir = directory_of(path_);
    const std::string base = path_.substr(path_.rfind('/') + 1);
    DIR* d = ::opendir(dir.c_str());
    if (!d) return {};
    posix::UniqueFd found;
    while (dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        // logrotate's names keep the file's name in front: NAME.1, NAME-20240101, NAME.old.
        if (name == base || name.rfind(base, 0) != 0) continue;
        posix::UniqueFd fd = open_read(dir + "/" + name);
        struct stat st {};
        if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (accept(fd.get(), st.st_dev, st.st_ino, static_cast<std::uint64_t>(st.st_size))) {
            found = std::move(fd);
            break;
        }
    }
    ::closedir(d);
    return found;
}

FilePosition LogFile::position() const {
    FilePosition p;
    p.path = path_;
    p.device = device_;
    p.inode = inode_;
    p.offset = splitter_.line_end_offset();
    p.fingerprint_bytes = fingerprint_bytes_;
    p.fingerprint = fingerprint_;
    return p;
}

Usec LogFile::modified() const {
    struct stat st {};
    if (!fd_ || ::fstat(fd_.get(), &st) != 0) return Usec(0);
    return Usec(static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000LL + st.st_mtim.tv_nsec / 1000);
}

std::uint64_t LogFile::offset_before(std::uint64_t offset, Usec since,
                                     const std::function<std::optional<Usec>(std::string_view)>& time_of) const {
    if (!fd_) return offset;
    char buf[read_block_bytes];
    std::uint64_t pos = offset;
    while (pos > 0) {
        pos = pos > back_step_bytes ? pos - back_step_bytes : 0;
        const ssize_t n = pread_full(fd_.get(), buf, sizeof buf, pos);
        if (n <= 0) return pos;
        std::string_view block(buf, static_cast<std::size_t>(n));
        std::size_t start = 0;
        if (pos > 0) {
            const std::size_t nl = block.find('\n');
            if (nl == std::string_view::npos) continue;
            start = nl + 1;
        }
        const std::size_t end = block.find('\n', start);
        if (end == std::string_view::npos) continue;
        auto t = time_of(block.substr(start, end - start));
        if (t && *t < since) return pos + start;
    }
    return 0;
}

void LogFile::read_range(std::uint64_t from, std::uint64_t to, const OnLine& on_line) const {
    if (!fd_) return;
    LineSplitter s(from);
    char buf[read_block_bytes];
    while (s.fed_offset() < to) {
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf, to - s.fed_offset()));
        const ssize_t n = pread_full(fd_.get(), buf, want, s.fed_offset());
        if (n <= 0) break;
        s.feed(std::string_view(buf, static_cast<std::size_t>(n)), on_line);
    }
}

}  // namespace banjo
