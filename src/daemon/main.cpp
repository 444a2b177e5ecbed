// SPDX-License-Identifier: GPL-2.0-or-later
// banjod: the daemon's entry point. It parses the command line and hands over to the action.
#include "config/config.hpp"
#include "daemon/options.hpp"
#include "daemon/daemon.hpp"
#include "daemon/replay.hpp"
#include "lib/sd/log.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <vector>

using namespace banjo;

namespace {

int check_config(const DaemonOptions& options) {
    const Config config = load_config(options.config_path);
    std::vector<ConfigWarning> warnings = config.warnings;
    // --backend overrides the config's: warn about what that backend, not the file's, ignores.
    if (options.backend && *options.backend != config.backend) {
        for (const auto& w : backend_warnings(config, config.backend))
            std::erase_if(warnings, [&](const ConfigWarning& k) { return k.text() == w.text(); });
        for (auto& w : backend_warnings(config, *options.backend)) warnings.push_back(std::move(w));
    }
    for (const auto& w : warnings) std::fprintf(stderr, "%s\n", w.text().c_str());
    std::size_t enabled = 0;
    for (const auto& j : config.jails) enabled += j.settings.enabled ? 1 : 0;
    std::printf("%s: OK, %zu jails (%zu enabled), %zu files read\n", config.path.c_str(), config.jails.size(),
                enabled, config.files.size());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    DaemonOptions options;
    try {
        options = parse_daemon_options(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "banjod: %s\n", e.what());
        return 2;
    }
    try {
        switch (options.action) {
        case DaemonAction::help: std::fputs(daemon_usage, stdout); return 0;
        case DaemonAction::version: std::printf("banjod %s\n", BANJO_VERSION); return 0;
        case DaemonAction::check_config: return check_config(options);
        case DaemonAction::replay: return run_replay(options);
        case DaemonAction::run: {
            // Started by hand (no journal stream from systemd): show the log on stderr too.
            sd::set_echo_to_stderr(std::getenv("JOURNAL_STREAM") == nullptr);
            Daemon daemon(options);
            return daemon.run();
        }
        }
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "banjod: %s\n", e.what());
        return 1;
    }
    return 1;
}
