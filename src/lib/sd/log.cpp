// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/sd/log.hpp"

#include <systemd/sd-journal.h>
#include <sys/uio.h>

#include <cstdio>

namespace banjo::sd {

namespace {
bool echo = false;
}  // namespace

void set_echo_to_stderr(bool on) { echo = on; }

void log(int priority, std::string_view message, const Fields& fields) {
    try {
        std::vector<std::string> lines;
        lines.reserve(fields.size() + 2);
        lines.push_back("MESSAGE=" + std::string(message));
        lines.push_back("PRIORITY=" + std::to_string(priority));
        for (const auto& [name, value] : fields) lines.push_back(name + "=" + value);
        std::vector<iovec> iov;
        iov.reserve(lines.size());
        for (auto& l : lines) iov.push_back({l.data(), l.size()});
        const int r = sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
        if (echo || r < 0) std::fprintf(stderr, "banjod: %.*s\n", static_cast<int>(message.size()), message.data());
    } catch (...) {
        // Logging must never take the daemon down (out of memory while formatting).
    }
}

}  // namespace banjo::sd
