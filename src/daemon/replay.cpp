// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/replay.hpp"

#include "config/config.hpp"
#include "daemon/host_addresses.hpp"
#include "daemon/jail_set.hpp"
#include "daemon/journal_source.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdio>

namespace banjo {

int run_replay(const DaemonOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    const Config config = load_config(options.config_path);
    JailSet jails(config, host_addresses(), CidrSet(), nullptr, options.seed);
    if (jails.size() == 0) {
        std::fprintf(stderr, "banjod: no enabled jail in %s: nothing to replay\n", config.path.c_str());
        return 1;
    }
    JournalReader reader = open_selected_journal(options);
    reader.set_matches(jails.journal_matches());
    reader.seek_head();

    std::uint64_t entries = 0, bans = 0, without_message = 0;
    auto print_ban = [&](const Jail& jail, const BanDecision& d) {
        ++bans;
        std::printf("{\"jail\":\"%s\",\"address\":\"%s\",\"time_usec\":%" PRIu64 ",\"failures\":%u,\"bantime_usec\":%" PRIu64 "}\n",
                    jail.name().c_str(), d.address.to_string().c_str(),
                    to_wire_usec(d.time), d.failures, to_wire_usec(d.bantime));
    };
    while (reader.next()) {
        ++entries;
        if (!jails.process_entry(reader, print_ban)) ++without_message;
    }
    std::fflush(stdout);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::uint64_t matches = 0, failures = 0;
    for (std::size_t i = 0; i < jails.size(); ++i) {
        matches += jails[i].counters().matches;
        failures += jails[i].counters().failures;
    }
    std::fprintf(stderr, "replay: %" PRIu64 " entries, %" PRIu64 " matches, %" PRIu64 " failures, %" PRIu64
                         " bans in %.3f seconds (%.0f entries/s)\n",
                 entries, matches, failures, bans, seconds, seconds > 0 ? entries / seconds : 0.0);
    for (std::size_t i = 0; i < jails.size(); ++i) {
        const auto& c = jails[i].counters();
        std::fprintf(stderr, "  jail %s: %" PRIu64 " matches, %" PRIu64 " failures, %" PRIu64 " ignored, %" PRIu64
                             " without address, %" PRIu64 " bans\n",
                     jails[i].jail().name().c_str(), c.matches, c.failures, c.ignored, c.no_address, c.bans);
    }
    if (without_message) std::fprintf(stderr, "  %" PRIu64 " entries had no MESSAGE\n", without_message);
    return 0;
}

}  // namespace banjo
