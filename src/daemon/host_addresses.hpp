// SPDX-License-Identifier: GPL-2.0-or-later
// The addresses of this host's own interfaces, for jails with ignore-self: banjo must never ban
// the machine it protects (a log line naming the host itself, a local client).
#pragma once

#include "core/cidr_set.hpp"

namespace banjo {

// Every address on every interface (getifaddrs) plus loopback. Never throws: on failure, just
// loopback.
CidrSet host_addresses();

}  // namespace banjo
