// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/log_paths.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>

namespace banjo {

bool has_wildcard(const std::string& path) { return path.find_first_of("*?[") != std::string::npos; }

LogPaths::LogPaths(const std::vector<std::vector<std::string>>& per_jail) {
    for (std::size_t j = 0; j < per_jail.size(); ++j) {
        for (const auto& p : per_jail[j]) {
            patterns_.push_back({p, j, has_wildcard(p)});
            const auto slash = p.rfind('/');
            const std::string dir = slash == 0 ? "/" : p.substr(0, slash);
            if (std::find(directories_.begin(), directories_.end(), dir) == directories_.end())
                directories_.push_back(dir);
        }
    }
}

std::vector<std::size_t> LogPaths::jails_for(const std::string& path) const {
    std::vector<std::size_t> out;
    for (const auto& p : patterns_) {
        // FNM_PATHNAME: a '*' never spans a '/'; FNM_PERIOD: "*.log" leaves ".hidden.log" out.
        const bool match = p.glob ? fnmatch(p.path.c_str(), path.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0 : p.path == path;
        if (match && std::find(out.begin(), out.end(), p.jail) == out.end()) out.push_back(p.jail);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> LogPaths::expand() const {
    std::vector<std::string> out;
    for (const auto& p : patterns_) {
        if (!p.glob) {
            out.push_back(p.path);
            continue;
        }
        glob_t g{};
        if (glob(p.path.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
            for (std::size_t i = 0; i < g.gl_pathc; ++i) {
                struct stat st {};
                if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) out.emplace_back(g.gl_pathv[i]);
            }
        }
        globfree(&g);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace banjo
