// SPDX-License-Identifier: GPL-2.0-or-later
#include "state/state_lock.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <system_error>

namespace banjo {

std::optional<StateDirLock> StateDirLock::try_take(const std::string& state_dir) {
    posix::UniqueFd fd(::open(state_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw std::system_error(errno, std::generic_category(), "cannot open state directory " + state_dir);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) return std::nullopt;
        throw std::system_error(errno, std::generic_category(), "cannot lock state directory " + state_dir);
    }
    return StateDirLock(std::move(fd));
}

}  // namespace banjo
