// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/dry_run_backend.hpp"

#include <syslog.h>

namespace banjo {

namespace {

std::string describe(const BanTarget& target) {
    std::string text = target.address.to_string() + " (jail " + target.jail + ", ";
    if (target.ports.empty()) {
        text += "all traffic)";
        return text;
    }
    text += "ports";
    for (const auto& port : target.ports)
        text += " " + port;
    text += ")";
    return text;
}

}  // namespace

DryRunBackend::DryRunBackend(LogSink log) : log_(std::move(log)) {}

void DryRunBackend::add(const BanTarget& target) {
    // Only changes are logged: the daemon may repeat an add (restored bans, reloads).
    if (bans_.emplace(target.jail, target.address).second && log_)
        log_(LOG_INFO, "dry-run: would ban " + describe(target));
}

void DryRunBackend::remove(const BanTarget& target) {
    if (bans_.erase({target.jail, target.address}) != 0 && log_)
        log_(LOG_INFO, "dry-run: would unban " + describe(target));
}

}  // namespace banjo
