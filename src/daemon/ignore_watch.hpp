// SPDX-License-Identifier: GPL-2.0-or-later
// Keeps the Manager's ignore sources current: reads every ignore-file the configuration names
// and reads it again when it changes (inotify on its directory, so an editor's
// write-to-temp-and-rename is seen too), and resolves every host name (from `ignore` and from
// the files) off the loop through a HostResolver, again every ignore_host_refresh. A file's bad
// lines are logged as FILE:LINE and skipped; a name that fails to resolve is logged and keeps
// its last good answer. One thread (the loop's).
#pragma once

#include "daemon/host_resolver.hpp"
#include "daemon/manager.hpp"
#include "lib/posix/inotify.hpp"
#include "lib/sd/event.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>

namespace banjo {

class IgnoreWatch {
public:
    IgnoreWatch(sd::Event& loop, Manager& manager);
    // After the configuration changed (start, reload): files and names in use now.
    void sync();
    // At start: waits up to `limit` for the first answer of every name, so the journal's
    // warm-up already knows them (a slow resolver delays the start by at most that).
    void wait_for_names(std::chrono::milliseconds limit);

private:
    void read_file(const std::string& path);
    void resolve_missing();
    void resolve_all();
    void on_inotify();
    void on_answers();

    sd::Event& loop_;
    Manager& manager_;
    posix::Inotify inotify_;
    HostResolver resolver_;
    std::map<std::string, int> dir_watches_;   // directory -> watch
    std::set<std::string> dirty_;              // files to read again
    std::map<std::string, std::string> failed_;   // name -> last error logged
    sd::EventSource inotify_source_, answer_source_, reread_timer_, refresh_timer_;
};

}  // namespace banjo
