// SPDX-License-Identifier: GPL-2.0-or-later
#include "state/state_opening.hpp"

#include "state/state_store.hpp"

#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace banjo {

namespace {

namespace fs = std::filesystem;

std::string utc_stamp(Usec now) {
    const std::time_t seconds = static_cast<std::time_t>(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
    return text;
}

bool exists_no_follow(const fs::path& p) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(p, ec));
}

// The companions go first: a -wal left behind beside a new banjo.db would be replayed into it.
// Returns the new path of banjo.db; throws std::system_error when a rename fails.
std::string move_aside(const fs::path& db, Usec now) {
    const std::string base = db.string() + ".corrupt-" + utc_stamp(now);
    std::string target = base;
    for (int n = 1; exists_no_follow(target) || exists_no_follow(target + "-wal"); ++n)
        target = base + "-" + std::to_string(n);
    for (const char* suffix : {"-wal", "-shm", "-journal", ""}) {
        const fs::path from = db.string() + suffix;
        if (!exists_no_follow(from)) continue;
        std::error_code ec;
        fs::rename(from, target + suffix, ec);
        if (ec) throw std::system_error(ec, "cannot move " + from.string() + " aside to " + target + suffix);
    }
    return target;
}

std::unique_ptr<StateStorage> open_store(const std::string& state_dir) {
    return std::make_unique<StateStore>(StateStore::open(state_dir));
}

std::string marker_path(const std::string& state_dir) {
    return (fs::path(state_dir) / StateStore::file_name).string() + "-unsaved";
}

std::optional<Usec> marker_time(const std::string& state_dir) {
    struct stat st {};
    if (lstat(marker_path(state_dir).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return std::chrono::duration_cast<Usec>(std::chrono::seconds(st.st_mtim.tv_sec) +
                                            std::chrono::nanoseconds(st.st_mtim.tv_nsec));
}

}  // namespace

void mark_unsaved(const std::string& state_dir) noexcept {
    // O_EXCL: an earlier marker keeps its (earlier) time; O_NOFOLLOW: never through a link.
    const int fd = ::open(marker_path(state_dir).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
}

void clear_unsaved(const std::string& state_dir) noexcept { ::unlink(marker_path(state_dir).c_str()); }

StateOpening open_state(const std::string& state_dir, Usec now) {
    StateOpening out;
    out.dir = state_dir;
    const fs::path db = fs::path(state_dir) / StateStore::file_name;
    out.created = !exists_no_follow(db);
    out.unsaved_since = marker_time(state_dir);
    try {
        out.storage = open_store(state_dir);
        return out;
    } catch (const CorruptStateError& e) {
        out.problem = e.what();
    } catch (const std::exception& e) {
        out.problem = e.what();
        return out;
    }
    // Damaged: moved aside (the store's own checks resolved the directory; so do we).
    std::error_code ec;
    const fs::path resolved = fs::canonical(state_dir, ec) / StateStore::file_name;
    try {
        out.moved_aside = move_aside(ec ? db : resolved, now);
    } catch (const std::exception& e) {
        out.problem += "; " + std::string(e.what());
        return out;
    }
    try {
        out.storage = open_store(state_dir);
    } catch (const std::exception& e) {
        out.problem += "; a new state file cannot be made either: " + std::string(e.what());
    }
    return out;
}

}  // namespace banjo
