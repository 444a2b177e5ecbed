// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/replay.hpp"

#include "config/config.hpp"
#include "daemon/host_addresses.hpp"
#include "core/ignore_sources.hpp"
#include "daemon/host_resolver.hpp"
#include "daemon/jail_set.hpp"
#include "daemon/journal_source.hpp"
#include "logfile/log_paths.hpp"
#include "logfile/whole_log_file.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace banjo {

namespace {

// This process's resident anonymous memory (heap, not the journal's mapped files), in kB, from
// /proc/self/status; 0 when unreadable. For the summary: what the jails' state costs.
unsigned long anonymous_rss_kb() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("RssAnon:", 0) == 0) return std::strtoul(line.c_str() + 8, nullptr, 10);
    return 0;
}

// The ignore-files and host names of the jails, read and resolved once before the replay
// (blocking is fine in a batch run), so a replay ignores what banjod ignores. ignore-command
// is not run by a replay.
void apply_ignore_sources(const Config& config, JailSet& jails) {
    IgnoreSources sources;
    std::vector<IgnoreSources::JailSpec> specs;
    for (const auto& j : config.jails) specs.push_back({j.settings.name, j.settings.ignore_hosts, j.settings.ignore_file});
    sources.configure(std::move(specs));
    for (const auto& path : sources.files()) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "banjod: cannot read ignore-file %s: it adds nothing\n", path.c_str());
            continue;
        }
        std::ostringstream text;
        text << in.rdbuf();
        IgnoreFileContents parsed = parse_ignore_file(std::move(text).str());
        for (const auto& e : parsed.errors)
            std::fprintf(stderr, "%s:%u: %s (line skipped)\n", path.c_str(), e.line, e.message.c_str());
        sources.set_file(path, std::move(parsed));
    }
    for (const auto& name : sources.host_names()) {
        HostResolver::Answer a = resolve_host_now(name);
        if (a.error.empty())
            sources.set_host(name, std::move(a.addresses));
        else
            std::fprintf(stderr, "banjod: cannot resolve ignore host name %s: %s\n", name.c_str(), a.error.c_str());
    }
    for (std::size_t i = 0; i < jails.size(); ++i) jails[i].jail().set_dynamic_ignore(sources.entries_for(jails[i].jail().name()));
}

}  // namespace

int run_replay(const DaemonOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    const Config config = load_config(options.config_path);
    JailSet jails(config, host_addresses(), CidrSet(), nullptr, options.seed);
    apply_ignore_sources(config, jails);
    if (jails.size() == 0) {
        std::fprintf(stderr, "banjod: no enabled jail in %s: nothing to replay\n", config.path.c_str());
        return 1;
    }
    std::uint64_t entries = 0, bans = 0, without_message = 0, lines = 0, lines_without_time = 0, files = 0;
    auto print_ban = [&](const Jail& jail, const BanDecision& d) {
        ++bans;
        std::printf("{\"jail\":\"%s\",\"address\":\"%s\",\"time_usec\":%" PRIu64 ",\"failures\":%u,\"bantime_usec\":%" PRIu64 "}\n",
                    jail.name().c_str(), d.address.to_string().c_str(),
                    to_wire_usec(d.time), d.failures, to_wire_usec(d.bantime));
    };
    // The journal only when a jail reads it, or when it was named: with file jails alone and no
    // --journal-* option, the files are all there is to read.
    const bool journal_named = !options.journal_directory.empty() || !options.journal_files.empty();
    if (jails.reads_journal() || journal_named) {
        JournalReader reader = open_selected_journal(options);
        reader.set_matches(jails.journal_matches());
        reader.seek_head();
        // Read ahead, then match: see entry_batch.hpp.
        EntryBatch batch(jails.entry_fields());
        while (reader.read_batch(batch)) {
            for (std::size_t i = 0; i < batch.size(); ++i)
                if (!jails.process_batch_entry(batch, i, print_ban)) ++without_message;
            entries += batch.size();
        }
    }
    // Then every jail's log files, each from its first line to its last, through the code the
    // live follower uses.
    std::vector<std::vector<std::string>> per_jail;
    for (std::size_t i = 0; i < jails.size(); ++i) per_jail.push_back(jails.logpath(i));
    const LogPaths paths(per_jail);
    for (const auto& path : paths.expand()) {
        const auto indices = paths.jails_for(path);
        // The first of its jails that sets a datepattern says how the file's times read.
        std::string datepattern;
        for (std::size_t i : indices)
            if (datepattern.empty()) datepattern = jails.datepattern(i);
        try {
            read_whole_log_file(path, datepattern, [&](std::uint64_t, std::string_view, const LogLine& line) {
                ++lines;
                if (!line.time_found) ++lines_without_time;
                jails.process_line(indices, line, print_ban);
            });
            ++files;
        } catch (const std::runtime_error& e) {
            std::fprintf(stderr, "banjod: %s\n", e.what());
        }
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
                 entries + lines, matches, failures, bans, seconds, seconds > 0 ? (entries + lines) / seconds : 0.0);
    for (std::size_t i = 0; i < jails.size(); ++i) {
        const auto& c = jails[i].counters();
        std::fprintf(stderr, "  jail %s: %" PRIu64 " matches, %" PRIu64 " failures, %" PRIu64 " ignored, %" PRIu64
                             " without address, %" PRIu64 " bans; at the end %zu addresses tracked, %zu with ban history\n",
                     jails[i].jail().name().c_str(), c.matches, c.failures, c.ignored, c.no_address, c.bans,
                     jails[i].jail().tracked_addresses(), jails[i].jail().addresses_with_history());
    }
    std::fprintf(stderr, "  anonymous memory at the end: %lu kB\n", anonymous_rss_kb());
    if (without_message) std::fprintf(stderr, "  %" PRIu64 " entries had no MESSAGE\n", without_message);
    if (files)
        std::fprintf(stderr, "  %" PRIu64 " lines from %" PRIu64 " log files (%" PRIu64 " without a readable time stamp)\n",
                     lines, files, lines_without_time);
    return 0;
}

}  // namespace banjo
