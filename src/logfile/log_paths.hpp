// SPDX-License-Identifier: GPL-2.0-or-later
// The jails' logpath entries as the follower needs them: which directories to watch, which
// jails a file belongs to, which files the globs name now. A pattern is an absolute path whose
// file name may hold fnmatch(3) wildcards ('*', '?', [...]); its directory is fixed (config.cpp
// refuses wildcards there). Matching is pure; expand() reads the directories.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace banjo {

class LogPaths {
public:
    // per_jail[i]: jail i's logpath (empty for a journal-only jail).
    explicit LogPaths(const std::vector<std::vector<std::string>>& per_jail);

    // The directories the patterns live in, each once, in order.
    const std::vector<std::string>& directories() const noexcept { return directories_; }
    // The jails (ascending) whose patterns name `path`; empty: no jail reads it.
    std::vector<std::size_t> jails_for(const std::string& path) const;
    // Every path the patterns name now: plain paths whether or not they exist (they are
    // followed until they do), glob matches that exist as regular files. Sorted, each once.
    std::vector<std::string> expand() const;

private:
    struct Pattern {
        std::string path;
        std::size_t jail;
        bool glob;
    };
    std::vector<Pattern> patterns_;
    std::vector<std::string> directories_;
};

bool has_wildcard(const std::string& path);

}  // namespace banjo
