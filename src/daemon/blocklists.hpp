// SPDX-License-Identifier: GPL-2.0-or-later
// The blocklists of the running config and what each holds in force: every reading of a list
// (a file read, a download) is planned (core/blocklist_update.hpp: malformed readings refused,
// readings that would remove more than half held back until seen again, the ignore list
// applied) and only the difference goes to the Backend, entry by entry: an entry in force in
// two readings is never taken out or written again. What a list holds stays in force while
// its source cannot be read. Each reading is reported (journal, metrics, ListBlocklists).
// No I/O of its own: the readings come from BlocklistWatch (files) and BlocklistDownloads (URLs).
// One thread.
#pragma once

#include "config/blocklist_config.hpp"
#include "core/blocklist_update.hpp"
#include "core/cidr_set.hpp"
#include "daemon/clock.hpp"
#include "firewall/backend.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

struct BlocklistStatus {
    std::string name;
    std::string source;            // the path or the URL
    std::string format;
    std::size_t entries = 0;       // networks in force
    Usec updated{0};               // when a reading last changed or confirmed them; 0: never
    std::string result;            // what the last reading did: "applied", "unchanged", "refused: ..."
    std::uint64_t readings = 0, added = 0, removed = 0;   // since start
    std::uint64_t refused = 0, held = 0, unreadable = 0, malformed_lines = 0, ignored = 0;
};

class Blocklists {
public:
    // priority (LOG_*), message, and the list's name (for a structured field).
    using Log = std::function<void(int priority, const std::string& message, const std::string& list)>;

    Blocklists(Backend& backend, const Clock& clock, Log log);

    // The lists of a config (start, reload). A list no longer there is dropped from the
    // firewall; a new one starts empty; one that stays keeps its entries in force, and its next
    // reading is diffed against them. `ignore`: what no list may ban.
    void configure(const std::vector<BlocklistConfig>& lists, CidrSet ignore);
    // The ignore list changed (the host's addresses): every list is planned again from its
    // last reading.
    void set_ignore(CidrSet ignore);

    // A reading of list `name`. drop_unterminated: a file (its last line may be cut while it is
    // being written), not a completed download. `origin`: where the text came from when not
    // from the list's source (a cached copy), for the messages. True when the reading was
    // applied (not refused, not held back).
    bool read(const std::string& name, std::string_view text, bool drop_unterminated, const std::string& origin = {});
    // The source says it has not changed since the last reading (HTTP 304): what is in force is
    // confirmed as it stands.
    void not_modified(const std::string& name);
    // The source could not be read: what is in force stays.
    void unreadable(const std::string& name, const std::string& why);

    std::vector<BlocklistStatus> status() const;
    const std::vector<BlocklistConfig>& lists() const noexcept { return configs_; }
    std::size_t entries() const;   // in force, every list

private:
    struct List {
        BlocklistConfig config;
        std::vector<Cidr> in_force;       // sorted, unique
        std::vector<Cidr> last_reading;   // the networks of the last reading applied (before the ignore list)
        std::vector<Cidr> held;           // a reading held back, as normalised, to confirm
        BlocklistStatus status;
    };

    void apply(List& list, const BlocklistPlan& plan, const std::string& what);

    Backend& backend_;
    const Clock& clock_;
    Log log_;
    CidrSet ignore_;
    std::vector<BlocklistConfig> configs_;
    std::map<std::string, List> lists_;
};

}  // namespace banjo
