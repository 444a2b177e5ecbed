// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/sd/notify.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace banjo::sd {

namespace {
std::string status_line(std::string_view status) {
    // STATUS= is one line: a newline would end the assignment early.
    std::string s(status);
    for (char& c : s)
        if (c == '\n') c = ' ';
    return s;
}
}  // namespace

void notify_ready(std::string_view status) { sd_notify(0, ("READY=1\nSTATUS=" + status_line(status)).c_str()); }
void notify_status(std::string_view status) { sd_notify(0, ("STATUS=" + status_line(status)).c_str()); }
void notify_reloading() { sd_notify(0, "RELOADING=1"); }
void notify_stopping() { sd_notify(0, "STOPPING=1"); }

}  // namespace banjo::sd
