// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/ban_import_command.hpp"

#include "config/config.hpp"
#include "daemon/clock.hpp"
#include "fail2ban/fail2ban_database.hpp"
#include "state/state_lock.hpp"
#include "state/state_store.hpp"
#include "text/json_writer.hpp"
#include "text/printable.hpp"

#include <iostream>
#include <map>
#include <string>
#include <string_view>

namespace banjo {

namespace {

constexpr std::string_view usage_text =
    "Usage: banjoctl import-fail2ban --bans FILE [--config FILE] [--state-dir DIR]\n"
    "                                [--jail FAIL2BAN=BANJO]... [--dry-run] [--json]\n"
    "\n"
    "Imports fail2ban's bans in force and its ban history from its database into banjo's\n"
    "state, so that a switch-over neither lifts the bans of current attackers nor forgets\n"
    "repeat offenders. Stop banjod first (systemctl stop banjo); it puts the imported bans\n"
    "into the firewall when it starts again.\n"
    "\n"
    "  --bans FILE          fail2ban's database (its dbfile, /var/lib/fail2ban/fail2ban.sqlite3)\n"
    "  --config FILE        banjo's configuration, whose jails receive the bans\n"
    "                       (default " BANJO_SYSCONFDIR "/banjo.toml)\n"
    "  --state-dir DIR      banjo's state directory (default /var/lib/banjo)\n"
    "  --jail F2B=BANJO     fail2ban's jail F2B goes to banjo's jail BANJO (repeatable); other\n"
    "                       jails go to the banjo jail of the same name\n"
    "  --dry-run            report what would be imported, write nothing\n"
    "  --json               print the report as one JSON document\n"
    "  --help               show this text\n"
    "\n"
    "A ban still in force keeps its expiry (a permanent one stays permanent); every ban within\n"
    "history-age goes into the ban history (the increment policy counts it) and the ban log.\n"
    "Rows banjo cannot take (no such jail, an address that is not one or that banjo never bans,\n"
    "a ban on the jail's ignore list) are reported and skipped. Importing twice changes nothing.\n"
    "\n"
    "Exit status: 0 when the bans were imported, 1 on an error, 2 on a usage error.\n";

int usage_error(const std::string& message) {
    std::cerr << "banjoctl import-fail2ban: " << message << "\n"
              << "Try 'banjoctl import-fail2ban --bans FILE --help'.\n";
    return 2;
}

struct Written {
    std::size_t kept_own = 0;   // banjo's own ban of the address outlasts fail2ban's
};

// One transaction: all of it or nothing. A ban banjo holds already that lasts longer stays.
Written write_plan(StateStore& store, const BanImportPlan& plan) {
    std::map<std::pair<std::string, Cidr>, Usec> own;
    for (const StoredBan& b : store.active_bans()) own[{b.jail, b.address}] = b.expires_at;
    Written out;
    auto batch = store.begin();
    for (const StoredBan& b : plan.active) {
        auto it = own.find({b.jail, b.address});
        if (it != own.end() && it->second >= b.expires_at) {
            ++out.kept_own;
            continue;
        }
        batch.add_ban(b, false);
    }
    for (const ImportedHistory& h : plan.history) batch.count_offences(h.jail, h.address, h.bans, 0, h.last_banned_at);
    for (const StoredBan& b : plan.ban_log) batch.log_ban_once(b);
    batch.commit();
    return out;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string report_text(const std::string& source, const std::string& target, const BanImportPlan& plan,
                        const Written& written, bool dry_run) {
    std::string out = std::string(dry_run ? "Would import" : "Imported") + " fail2ban's bans from " + printable(source) +
                      " into " + printable(target) + ":\n";
    if (plan.counts.empty()) out += "  nothing\n";
    for (const auto& [jail, c] : plan.counts) {
        out += "  " + printable(jail) + ": " + plural(c.active, "ban", "bans") + " in force";
        if (c.permanent) out += " (" + std::to_string(c.permanent) + " permanent)";
        out += ", ban history of " + plural(c.history, "address", "addresses") + ", " +
               plural(c.logged, "ban", "bans") + " in the ban log\n";
    }
    if (written.kept_own)
        out += "  " + plural(written.kept_own, "ban", "bans") + " of banjo's own lasting longer kept instead\n";
    if (!plan.skipped.empty()) {
        out += "Skipped:\n";
        for (const SkippedBans& s : plan.skipped)
            out += "  " + printable(s.jail) + " " +
                   (s.address.empty() ? plural(s.count, "address", "addresses") : s.address) + ": " + s.reason + "\n";
    }
    if (!dry_run && !plan.active.empty())
        out += "banjod puts the bans in force into the firewall when it starts (origin \"restored\").\n";
    return out;
}

std::string report_json(const std::string& source, const std::string& target, const BanImportPlan& plan,
                        const Written& written, bool dry_run) {
    JsonWriter json;
    json.begin_object();
    json.field("source", source);
    json.field("state", target);
    json.field("dry_run", dry_run);
    json.key("jails").begin_array();
    for (const auto& [jail, c] : plan.counts) {
        json.begin_object();
        json.field("jail", jail);
        json.field("active", static_cast<std::uint64_t>(c.active));
        json.field("permanent", static_cast<std::uint64_t>(c.permanent));
        json.field("history", static_cast<std::uint64_t>(c.history));
        json.field("ban_log", static_cast<std::uint64_t>(c.logged));
        json.end_object();
    }
    json.end_array();
    json.field("kept_own", static_cast<std::uint64_t>(written.kept_own));
    json.key("skipped").begin_array();
    for (const SkippedBans& s : plan.skipped) {
        json.begin_object();
        json.field("jail", s.jail);
        json.key("address");
        s.address.empty() ? json.null() : json.value(s.address);
        json.field("count", static_cast<std::uint64_t>(s.count));
        json.field("reason", s.reason);
        json.end_object();
    }
    json.end_array();
    json.end_object();
    return json.finish();
}

}  // namespace

int import_fail2ban_bans_command(int argc, char** argv) {
    std::string database, config_path = default_config_path, state_dir = "/var/lib/banjo";
    BanImportSettings settings;
    bool json = false, dry_run = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&](std::string& into) {
            if (i + 1 >= argc) return false;
            into = argv[++i];
            return true;
        };
        if (a == "--help" || a == "-h") {
            std::cout << usage_text;
            return 0;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--dry-run") {
            dry_run = true;
        } else if (a == "--bans") {
            if (!value(database)) return usage_error("--bans needs fail2ban's database file");
        } else if (a == "--config") {
            if (!value(config_path)) return usage_error("--config needs a file");
        } else if (a == "--state-dir") {
            if (!value(state_dir)) return usage_error("--state-dir needs a directory");
        } else if (a == "--jail") {
            std::string map;
            if (!value(map)) return usage_error("--jail needs FAIL2BAN=BANJO");
            const auto eq = map.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == map.size())
                return usage_error("--jail takes FAIL2BAN=BANJO, not " + map);
            settings.jail_map[map.substr(0, eq)] = map.substr(eq + 1);
        } else {
            return usage_error(std::string(a).rfind('-', 0) == 0 ? "unknown option with --bans: " + std::string(a)
                                                                 : "with --bans, no fail2ban directory (got " + std::string(a) + ")");
        }
    }
    if (database.empty()) return usage_error("--bans needs fail2ban's database file");
    auto fail = [](const std::string& message) {
        std::cerr << "banjoctl import-fail2ban: " << message << "\n";
        return 1;
    };
    try {
        const Config config = load_config(config_path);
        const auto rows = read_fail2ban_bans(database);
        settings.now = RealtimeClock().now();
        const BanImportPlan plan = plan_ban_import(rows, config, settings);
        Written written;
        std::string target = state_dir;
        if (!dry_run) {
            StateStore store = StateStore::open(state_dir);
            target = store.path();
            const auto lock = StateDirLock::try_take(state_dir);
            if (!lock)
                return fail("banjod is running on " + state_dir + " (it holds the directory's lock): stop it first "
                            "(systemctl stop banjo), import, then start it again; nothing was written");
            written = write_plan(store, plan);
        }
        std::cout << (json ? report_json(database, target, plan, written, dry_run)
                           : report_text(database, target, plan, written, dry_run));
        std::cout.flush();
        return 0;
    } catch (const std::exception& e) {
        return fail(e.what());
    }
}

}  // namespace banjo
