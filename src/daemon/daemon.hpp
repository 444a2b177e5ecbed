// SPDX-License-Identifier: GPL-2.0-or-later
// banjod as a service: one sd-event loop that follows the journal, expires bans on a timer,
// keeps firewalld in step through the backend, serves org.banjo1 on the system bus and saves
// its state after every chunk of journal. SIGTERM stops it cleanly with the state saved;
// SIGHUP reloads the configuration.
#pragma once

#include "config/config.hpp"
#include "core/ban_table.hpp"
#include "daemon/options.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

struct JailSummary {
    std::string name;
    bool enabled = false;
    std::uint32_t tracked = 0;
    std::uint32_t active_bans = 0;
    std::uint64_t total_bans = 0;
    std::uint64_t total_failures = 0;
    const JailConfig* config = nullptr;   // valid until the next reload
};

class Daemon {
public:
    explicit Daemon(DaemonOptions options);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Runs until SIGTERM/SIGINT or a fatal error; returns the exit code.
    int run();

    // What org.banjo1 offers. Refusals throw OperationError.
    std::vector<JailSummary> jails() const;
    JailSummary jail(const std::string& name) const;
    // duration 0: the jail's policy (with increment); infinite_usec: permanent. Returns expiry.
    Usec ban(const std::string& jail, const std::string& address, Usec duration);
    // jail "" = every jail. Returns how many bans were lifted; none is an error.
    unsigned unban(const std::string& jail, const std::string& address);
    std::vector<Ban> bans(const std::string& jail) const;   // "" = every jail
    void reload();
    // Until the next reload. Disabling lifts the jail's bans (reason "flushed").
    void set_enabled(const std::string& jail, bool enabled);
    void add_ignore(const std::string& jail, const std::string& cidr);
    void remove_ignore(const std::string& jail, const std::string& cidr);
    std::vector<Cidr> ignore_list(const std::string& jail) const;

    std::string backend_name() const;
    std::string backend_state() const;
    std::string journal_cursor() const;
    std::uint64_t entries_processed() const;
    std::uint64_t failures_found() const;
    std::uint32_t active_bans() const;
    std::uint64_t total_bans() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace banjo
