// SPDX-License-Identifier: GPL-2.0-or-later
// Talking to the service manager: READY=1, STATUS=..., STOPPING=1, RELOADING=1 (sd_notify).
// Harmless without one (NOTIFY_SOCKET unset). The only place sd_notify appears.
#pragma once

#include <string_view>

namespace banjo::sd {

void notify_ready(std::string_view status);
void notify_status(std::string_view status);
void notify_reloading();
void notify_stopping();

}  // namespace banjo::sd
