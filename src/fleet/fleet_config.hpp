// SPDX-License-Identifier: GPL-2.0-or-later
// Reads [fleet] from banjo.toml and a jail's `fleet` key, with FILE:LINE errors.
#pragma once

#include "config/toml_source.hpp"
#include "fleet/fleet_settings.hpp"

#include <functional>
#include <string>

namespace banjo {

// The machine's host name (gethostname), for a [fleet] without host-name.
std::string machine_host_name();

// [fleet] of banjo.toml; disabled settings when the table is absent. `default_host_name` is
// asked only when the table sets no host-name.
FleetSettings read_fleet(const TomlSource& src, const std::function<std::string()>& default_host_name = machine_host_name);

// The password of [fleet]'s user: the first line of password-file, else of the systemd
// credential "banjo-fleet-password" ($CREDENTIALS_DIRECTORY), else "" (none). Throws
// std::runtime_error naming the file when it cannot be read.
std::string read_fleet_password(const FleetSettings& settings);

// A jail's `fleet` = "off" | "share" | "count".
FleetMode read_jail_fleet_mode(const TomlSource& src, const toml::table& jail);

}  // namespace banjo
