// SPDX-License-Identifier: GPL-2.0-or-later
// Who works on a state directory: banjod holds an exclusive flock(2) on the directory itself for
// as long as it runs, and so does banjoctl import-fail2ban --bans while it writes the store, so
// that the one can tell the other is there. (SQLite's own locks keep the file consistent; this
// one keeps an import from being overwritten by, or mixed into, a banjod that holds the bans in
// memory.) flock locks are independent of SQLite's fcntl locks and go with the process.
#pragma once

#include "lib/posix/unique_fd.hpp"

#include <optional>
#include <string>

namespace banjo {

class StateDirLock {
public:
    // nullopt: another process holds the lock. Throws std::system_error when the directory
    // cannot be opened (absent, no permission).
    static std::optional<StateDirLock> try_take(const std::string& state_dir);

private:
    explicit StateDirLock(posix::UniqueFd fd) : fd_(std::move(fd)) {}
    posix::UniqueFd fd_;
};

}  // namespace banjo
