// SPDX-License-Identifier: GPL-2.0-or-later
// The ignore-list entries that change while banjod runs: host names (in `ignore` or in an
// ignore-file) and the lines of ignore-files. Jails say which names and file they use; the
// daemon feeds in what files hold and what names resolve to, and each jail's entries come out
// with the source that put them there. A name that fails to resolve keeps its last good answer
// (the daemon simply does not call set_host then). No I/O; one thread.
#pragma once

#include "core/address.hpp"
#include "core/ignore_entry.hpp"
#include "core/ignore_file.hpp"

#include <map>
#include <string>
#include <vector>

namespace banjo {

class IgnoreSources {
public:
    struct JailSpec {
        std::string jail;
        std::vector<std::string> hosts;   // host names of the jail's `ignore`
        std::string file;                 // ignore-file; "" = none
    };

    // The jails of a (re)loaded configuration. Files and answers of names still in use are
    // kept; those no jail uses any more are forgotten.
    void configure(std::vector<JailSpec> jails);

    // The contents of FILE as last read (an unreadable file: empty contents).
    void set_file(const std::string& path, IgnoreFileContents contents);
    // What NAME resolved to. Returns whether that changed anything.
    bool set_host(const std::string& name, std::vector<Address> addresses);

    std::vector<std::string> files() const;        // every ignore-file in use, sorted
    std::vector<std::string> host_names() const;   // every name in use (config and files), sorted
    bool has_answer(const std::string& name) const { return hosts_.count(name) > 0; }

    // The dynamic entries of JAIL, each with its source: "host name NAME" for names in the
    // jail's `ignore`, "ignore-file PATH:LINE" for a file's addresses and networks, and
    // "ignore-file PATH:LINE (host name NAME)" for a file's names.
    std::vector<IgnoreHit> entries_for(const std::string& jail) const;
    // The jails using FILE or NAME, to update after a change.
    std::vector<std::string> jails_using_file(const std::string& path) const;
    std::vector<std::string> jails_using_host(const std::string& name) const;

private:
    std::vector<JailSpec> jails_;
    std::map<std::string, IgnoreFileContents> files_;
    std::map<std::string, std::vector<Address>> hosts_;
};

}  // namespace banjo
