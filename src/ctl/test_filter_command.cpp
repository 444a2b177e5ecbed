// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl test-filter: fail2ban-regex's successor, local (no D-Bus). Finds the filter as
// banjod does, reads lines from a file, stdin or the journal, runs them through FilterRun and
// reports per-pattern hits, matched, ignored and (with --show-missed) missed lines.
#include "config/config.hpp"
#include "config/filter_file.hpp"
#include "core/config_error.hpp"
#include "ctl/command.hpp"
#include "ctl/exit_status.hpp"
#include "ctl/filter_report.hpp"
#include "core/filter_run.hpp"
#include "journal/entry_router.hpp"
#include "journal/journal_reader.hpp"
#include "logfile/whole_log_file.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace banjo {

namespace {

namespace fs = std::filesystem;

const OptionSpec mode_option{"--mode", "", "MODE", "filter mode (default: the filter's default-mode)"};
const OptionSpec config_option{"--config", "", "FILE",
                               "look for filter.d/ beside FILE (default " BANJO_SYSCONFDIR "/banjo.toml)"};
const OptionSpec journal_option{"--journal", "", "", "read the journal instead of a file"};
const OptionSpec journal_directory_option{"--journal-directory", "", "DIR", "read the journal files in DIR"};
const OptionSpec journal_file_option{"--journal-file", "", "FILE", "read the journal file FILE (repeatable)", true};
const OptionSpec regex_option{"--regex", "", "PATTERN",
                              "a failregex of your own instead of FILTER (repeatable), searched in the line", true};
const OptionSpec match_option{"--match", "", "FIELD=VALUE", "read the journal entries with this field (repeatable)", true};
const OptionSpec show_missed_option{"--show-missed", "", "", "also print the lines no pattern matched"};
const OptionSpec datepattern_option{"--datepattern", "", "PATTERN",
                                    "the lines' time stamp form, as a jail's datepattern (default: detected)"};

struct LoadedFilter {
    FilterSpec spec;
    std::string path;
};

LoadedFilter load_filter(const std::string& name, const Invocation& inv) {
    std::string path;
    if (name.find('/') != std::string::npos || name.ends_with(".toml")) {
        path = name;
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) throw CtlError(exit_failure, "no filter file " + name);
    } else {
        const fs::path config = inv.args.value("--config").value_or(default_config_path);
        const fs::path dir = config.parent_path().empty() ? fs::path(".") : config.parent_path();
        const std::vector<std::string> dirs{(dir / "filter.d").string(), shipped_filter_dir};
        auto found = find_filter_file(name, dirs);
        if (!found)
            throw CtlError(exit_failure, "no filter '" + name + "' (looked for " + name + ".toml in " + dirs[0] + ", " +
                                             dirs[1] + ")");
        path = *found;
    }
    return {load_filter_file(path), path};
}

// --regex patterns as one filter. fail2ban-regex searches a pattern anywhere in the line; the
// engine anchors at both ends, so each is wrapped to match around it. A pattern that starts
// with ^ still means the line's start (the lazy prefix can only match nothing before it).
LoadedFilter inline_filter(const std::vector<std::string>& patterns) {
    FilterSpec spec;
    spec.name = "--regex";
    for (const auto& p : patterns) spec.failregex.push_back({".*?(?:" + p + ").*", {"--regex", 0}});
    return {std::move(spec), "--regex"};
}

// Lines as banjod reads a jail's log file (logfile/whole_log_file.hpp): the same cutting,
// syslog header, session id and time stamps.
void feed_line(FilterRun& run, std::uint64_t number, std::string_view raw, const LogLine& line) {
    // Empty lines and '#' comments (fail2ban's sample files annotate lines so) are no log lines.
    if (raw.empty() || raw[0] == '#') return;
    // Session ages run on a clock of 1 ms per line, whatever the lines' own times say: sample
    // files mix years and zones.
    run.feed(number, 0, raw, line.fields.message, log_line_id(line.fields, run.filter().id_field()),
             Usec(static_cast<Usec::rep>(number) * 1000));
}

std::vector<std::vector<std::string>> match_groups(const std::vector<std::string>& terms) {
    std::vector<std::vector<std::string>> groups(1);
    for (const auto& t : terms) {
        if (t == "+") {
            if (groups.back().empty()) throw usage_error("'+' must stand between journal matches");
            groups.emplace_back();
            continue;
        }
        auto eq = t.find('=');
        bool ok = eq != std::string::npos && eq > 0;
        for (std::size_t i = 0; ok && i < eq; ++i)
            ok = (t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_';
        if (!ok) throw usage_error("'" + t + "' is not a journal match FIELD=value");
        groups.back().push_back(t);
    }
    if (groups.back().empty()) groups.pop_back();
    return groups;
}

void read_journal(const Invocation& inv, const std::vector<std::vector<std::string>>& groups, FilterRun& run) {
    JournalReader reader = [&] {
        if (auto dir = inv.args.value("--journal-directory")) return JournalReader::open_directory(*dir);
        if (inv.args.has("--journal-file")) return JournalReader::open_files(inv.args.values("--journal-file"));
        return JournalReader::open_system();
    }();
    // As banjod routes entries to a jail: _UID terms also hold for an entry without _UID.
    EntryRouter router({groups});
    std::vector<std::size_t> routed;
    reader.set_matches(router.union_groups());
    reader.seek_head();
    const std::string& id_field = run.filter().id_field();
    std::string id, message;
    std::uint64_t number = 0;
    while (reader.next()) {
        router.route(reader, routed);
        if (routed.empty()) continue;
        bool found = false;
        id.clear();
        auto m = reader.message_with(id_field, id, found);
        if (!m) continue;
        message.assign(*m);
        if (!id_field.empty() && !found)
            if (auto v = reader.field(id_field.c_str())) id.assign(*v);
        const Usec t = reader.realtime();
        run.feed(++number, to_wire_usec(t), message, message, id, t);
    }
}

int run_test_filter(const Invocation& inv) {
    // With --regex there is no FILTER: the positional arguments start one earlier.
    const bool inline_regex = inv.args.has("--regex");
    std::vector<std::string> pos = inv.args.positional();
    if (inline_regex) pos.insert(pos.begin(), "--regex");
    const bool journal = inv.args.has("--journal") || inv.args.has("--journal-directory") ||
                         inv.args.has("--journal-file") || inv.args.has("--match");
    if (pos.empty()) throw usage_error("test-filter needs a FILTER or --regex (see banjoctl test-filter --help)");
    if (!journal && pos.size() > 2) throw usage_error("test-filter reads one FILE (or - for stdin); --journal reads the journal");
    if (inv.args.has("--journal-directory") && inv.args.has("--journal-file"))
        throw usage_error("--journal-directory and --journal-file exclude each other");
    std::vector<std::string> matches(pos.begin() + 1, pos.end());
    for (const auto& m : inv.args.values("--match")) matches.push_back(m);   // one group, AND-ed
    const auto groups = journal ? match_groups(matches) : std::vector<std::vector<std::string>>{};
    if (inline_regex && journal && groups.empty())
        throw usage_error("--regex over the journal needs --match FIELD=VALUE (the pattern has no journal-match)");

    try {
        const LoadedFilter f = inline_regex ? inline_filter(inv.args.values("--regex")) : load_filter(pos[0], inv);
        FilterRun run(f.spec, inv.args.value("--mode").value_or(""), inv.args.has("--show-missed"));
        const auto start = std::chrono::steady_clock::now();
        std::string input;
        if (journal) {
            input = inv.args.value("--journal-directory").value_or(inv.args.has("--journal-file") ? "journal files" : "system journal");
            // As banjod reads it: "_UID=postfix" becomes this host's number.
            read_journal(inv, resolve_journal_users(groups.empty() ? f.spec.journal_match : groups, host_user_id).groups,
                         run);
        } else if (pos.size() < 2 || pos[1] == "-") {
            input = "-";
            read_log_stream(std::cin, inv.args.value("--datepattern").value_or(""), Usec(0),
                            [&](std::uint64_t n, std::string_view raw, const LogLine& line) { feed_line(run, n, raw, line); });
        } else {
            input = pos[1];
            try {
                read_whole_log_file(input, inv.args.value("--datepattern").value_or(""),
                                    [&](std::uint64_t n, std::string_view raw, const LogLine& line) { feed_line(run, n, raw, line); });
            } catch (const std::runtime_error& e) {
                throw CtlError(exit_failure, e.what());
            }
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const FilterReport report{run, f.path, input, seconds, inv.args.has("--show-missed")};
        print(inv.json ? filter_report_json(report) : filter_report_text(report, inv.term));
    } catch (const ConfigError& e) {
        throw CtlError(exit_failure, e.what());
    } catch (const std::system_error& e) {   // the journal's C calls
        throw CtlError(exit_failure, e.what());
    } catch (const std::invalid_argument& e) {   // --datepattern
        throw usage_error(e.what());
    }
    return exit_ok;
}

}  // namespace

std::vector<CommandSpec> test_filter_commands() {
    return {{
        "test-filter",
        {"FILTER [FILE|-]", "FILTER --journal [MATCH...]", "--regex PATTERN [--match FIELD=VALUE] [FILE|-]"},
        "Run a filter over log lines or the journal (no daemon needed)",
        "Loads FILTER as banjod would: a name is looked up as NAME.toml in filter.d/ beside the\n"
        "configuration, then in " BANJO_DATADIR "/filter.d; a path to a .toml file is read as is.\n"
        "Reads FILE (or stdin for - or none) line by line as banjod reads a jail's log file (the\n"
        "same code: lines cut at 64 KiB, the syslog prefix stripped, the pid of \"prog[pid]:\" as the\n"
        "session id, the time stamp read as detected or by --datepattern), or with --journal the MESSAGE of each journal entry that matches the filter's\n"
        "journal-match, or the MATCHes given (FIELD=value, groups separated by +). Prints hits per\n"
        "failregex, each matched line with the host and user it gives and the address it counts\n"
        "against, lines an ignoreregex discarded, missed lines with --show-missed, and the time\n"
        "taken. Empty lines and lines starting with # are skipped. Exit status 0 whatever matched.\n"
        "With --regex PATTERN (repeatable) instead of FILTER, the patterns are the failregex, with\n"
        "fail2ban's tags (<HOST>, <F-USER>...), searched anywhere in the line as fail2ban-regex\n"
        "does (a pattern anchored only where it says ^ or $). --match FIELD=VALUE (repeatable, all\n"
        "must hold) reads the journal entries that have those fields, as --journal does.",
        {regex_option, match_option, mode_option, config_option, journal_option, journal_directory_option,
         journal_file_option, show_missed_option, datepattern_option},
        run_test_filter,
    }};
}

}  // namespace banjo
