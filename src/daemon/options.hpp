// SPDX-License-Identifier: GPL-2.0-or-later
// banjod's command line (DESIGN.md "Command lines" is the contract).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

enum class DaemonAction { run, replay, check_config, help, version };

struct DaemonOptions {
    DaemonAction action = DaemonAction::run;
    std::string config_path;
    std::string state_dir = "/var/lib/banjo";
    std::string journal_directory;
    std::vector<std::string> journal_files;
    std::optional<std::string> backend;
    std::uint64_t seed = 0;   // --replay's draws for the increment's rnd
};

// Throws std::invalid_argument with a message fit for "banjod: MESSAGE".
DaemonOptions parse_daemon_options(int argc, char** argv);

extern const char* const daemon_usage;

}  // namespace banjo
