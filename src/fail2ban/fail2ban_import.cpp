// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/fail2ban_import.hpp"

#include "config/config.hpp"
#include "config/filter_file.hpp"
#include "fail2ban/filter_conversion.hpp"
#include "fail2ban/journal_match.hpp"
#include "fail2ban/toml_text.hpp"
#include "fail2ban/fail2ban_time.hpp"
#include "fail2ban/value_text.hpp"
#include "core/duration.hpp"

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>

namespace banjo {
namespace {

namespace fs = std::filesystem;

// A private directory where a candidate config is assembled for banjo's loader to judge.
class StagingDir {
public:
    StagingDir() {
        std::string tmpl = (fs::temp_directory_path() / "banjo-import-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::system_error(errno, std::generic_category(), "mkdtemp");
        path_ = tmpl;
    }
    ~StagingDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    StagingDir(const StagingDir&) = delete;
    StagingDir& operator=(const StagingDir&) = delete;
    const fs::path& path() const noexcept { return path_; }

private:
    fs::path path_;
};

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::system_error(errno, std::generic_category(), "cannot write " + path.string());
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
    return s;
}

// The file without its comment lines: two conversions that differ only there are the same filter.
std::string without_comments(const std::string& toml) {
    std::string out;
    std::size_t pos = 0;
    while (pos < toml.size()) {
        std::size_t end = toml.find('\n', pos);
        if (end == std::string::npos) end = toml.size();
        if (toml[pos] != '#') out += toml.substr(pos, end - pos) + "\n";
        pos = end + 1;
    }
    return out;
}

bool same_filter(const FilterConversion& a, const FilterConversion& b) {
    if (a.files.size() != b.files.size() || a.file_of_mode != b.file_of_mode) return false;
    for (std::size_t i = 0; i < a.files.size(); ++i)
        if (without_comments(a.files[i].toml) != without_comments(b.files[i].toml)) return false;
    return true;
}

bool valid_jail_name(const std::string& name) {
    static const std::regex jail_name("[A-Za-z0-9][A-Za-z0-9_-]{0,23}");
    return std::regex_match(name, jail_name);
}

class Importer {
public:
    explicit Importer(const ImportOptions& o) : o_(o) {}

    ImportResult run() {
        ImportResult result;
        ImportReport& r = result.report;
        r.source = o_.source;
        r.output = o_.output;
        std::error_code ec;
        fs::directory_iterator probe(o_.source, ec);
        if (ec || !fs::is_directory(o_.source, ec)) {
            result.fatal = o_.source + ": not a readable directory";
            return result;
        }
        auto jail_files = fail2ban_config_files((fs::path(o_.source) / "jail").string());
        if (jail_files.empty()) {
            result.fatal = o_.source + ": no jail.conf or jail.local (is this a fail2ban configuration directory?)";
            return result;
        }
        try {
            jails_ = IniConfig::read(jail_files, cache_);
        } catch (const ConfigError& e) {
            result.fatal = e.what();
            return result;
        }
        jails_.set_default("fail2ban_version", "1.0");
        jails_.set_default("fail2ban_confpath", o_.source);
        r.files_read = jails_.files();

        DefaultsConversion defaults = convert_defaults(jails_);
        r.defaults = defaults.items;
        convert_dbpurgeage(defaults);
        defaults_toml_ = banjo_toml(defaults);

        for (const auto& name : jails_.section_names()) {
            if (name == "INCLUDES") continue;
            JailConversion j = convert_jail(jails_, name, defaults, o_.ports);
            if (!j.enabled && !o_.all) {
                r.not_enabled.push_back(name);
                continue;
            }
            r.jails.push_back(assemble(std::move(j)));
        }
        if (o_.all) convert_every_filter();

        try {
            write_output(r);
            result.wrote = true;
        } catch (const std::exception& e) {
            result.fatal = e.what();
            return result;
        }
        for (const auto& name : filter_order_) r.filters.push_back(filter_report(name));
        final_check(r);
        return result;
    }

private:
    // fail2ban.conf/.local [DEFINITION] dbpurgeage: how long its database keeps bans, which is
    // what history-age is to banjo's ban history.
    void convert_dbpurgeage(DefaultsConversion& d) {
        auto files = fail2ban_config_files((fs::path(o_.source) / "fail2ban").string());
        if (files.empty()) return;
        try {
            IniConfig daemon = IniConfig::read(files, cache_);
            auto text = daemon.get("DEFINITION", "dbpurgeage");
            if (!text) return;
            const IniValue* raw = daemon.raw("DEFINITION", "dbpurgeage");
            const SourceLocation where = raw ? raw->where : SourceLocation{};
            auto seconds = fail2ban_seconds(trim_space(*text));
            if (!seconds || *seconds <= 0 || *seconds > 1e12) {
                d.items.push_back({ItemKind::error, "dbpurgeage = " + *text + ": not a fail2ban time longer than 0", where});
                return;
            }
            const std::string out = format_timespan(Usec(std::llround(*seconds * 1e6)));
            d.settings.values["history-age"] = toml_string(out);
            d.items.push_back({ItemKind::converted, "dbpurgeage = " + trim_space(*text) + " -> history-age = \"" + out + "\"", where});
        } catch (const ConfigError& e) {
            d.items.push_back({ItemKind::error, e.message(), e.where()});
        }
    }

    struct Conversion {
        FilterConversion c;
        bool used = false;
    };

    std::string banjo_toml(const DefaultsConversion& d) const {
        std::string t = "# Converted from the fail2ban configuration in " + o_.source + " by banjoctl import-fail2ban.\n";
        t += "# The jails are in jail.d/, their filters in filter.d/; see the import report before\n";
        t += "# copying them to /etc/banjo/.\n\n[defaults]\n";
        for (const char* key : {"bantime", "findtime", "maxretry", "ignore", "ignore-self", "ignore-file", "ignore-command",
                                "ignore-command-cache", "history-age"})
            if (auto it = d.settings.values.find(key); it != d.settings.values.end()) t += std::string(key) + " = " + it->second + "\n";
        if (!d.settings.increment.empty()) {
            t += "\n[defaults.increment]\n";
            for (const char* key : {"enabled", "factor", "multipliers", "max", "rnd", "overall-jails"})
                if (auto it = d.settings.increment.find(key); it != d.settings.increment.end())
                    t += std::string(key) + " = " + it->second + "\n";
        }
        return t;
    }

    // The fail2ban filter NAME, read once; nullptr (and `error`) when it cannot be read.
    const Fail2banFilter* filter(const std::string& name, std::string& error) {
        auto it = filters_.find(name);
        if (it == filters_.end()) {
            std::unique_ptr<Fail2banFilter> f;
            std::string e;
            try {
                f = std::make_unique<Fail2banFilter>(Fail2banFilter::read((fs::path(o_.source) / "filter.d").string(), name, cache_));
            } catch (const ConfigError& x) {
                e = x.what();
            }
            it = filters_.emplace(name, std::pair{std::move(f), e}).first;
        }
        error = it->second.second;
        return it->second.first.get();
    }

    // The users banjo's own filter of this name believes (its _UID terms as written), else root.
    DaemonUsers daemon_users(const std::string& filter_name) const {
        DaemonUsers d;
        auto path = find_filter_file(filter_name, o_.shipped_filter_dirs);
        if (!path) return d;
        std::vector<std::string> users;
        try {
            for (const auto& group : load_filter_file(*path).journal_match)
                for (const auto& term : group)
                    if (term.rfind("_UID=", 0) == 0 && std::find(users.begin(), users.end(), term.substr(5)) == users.end())
                        users.push_back(term.substr(5));
        } catch (const ConfigError&) {
            return d;
        }
        if (users.empty()) return d;
        d.users = std::move(users);
        d.from = *path;
        return d;
    }

    Conversion& conversion(const Fail2banFilter& f, const FilterArgs& args, const std::string& banjo_name) {
        std::string key = banjo_name;
        auto it = conversions_.find(key);
        if (it == conversions_.end())
            it = conversions_.emplace(key, Conversion{convert_filter(f, args, banjo_name, o_.source, daemon_users(f.name())),
                                                      false})
                     .first;
        return it->second;
    }

    void use(const std::string& key) {
        Conversion& c = conversions_.at(key);
        if (!c.used) filter_order_.push_back(key);
        c.used = true;
    }

    JailReport assemble(JailConversion j) {
        JailReport& jr = j.report;
        auto fail = [&](const std::string& why) {
            jr.items.push_back({ItemKind::error, why, jr.where});
            jr.status = OutcomeStatus::failed;
            return jr;
        };
        if (!valid_jail_name(jr.name))
            return fail("banjo jail names are 1-24 letters, digits, '-' or '_', starting with a letter or digit: rename the "
                        "jail in fail2ban's configuration (or by hand in the output)");
        if (j.failed) return fail("not converted: see the errors above");
        if (j.filter == "recidive") return recidive(std::move(j));
        std::string error;
        const Fail2banFilter* f = filter(j.filter, error);
        if (!f) return fail("filter " + j.filter + ": " + error);

        bool moded = !f->modes().empty();
        FilterArgs args = j.filter_args;
        std::string mode;
        if (moded) {
            mode = args.count("mode") ? args["mode"] : f->default_mode();
            args.erase("mode");
        }
        std::string key = j.filter;
        Conversion* conv = &conversion(*f, {}, j.filter);
        if (!args.empty()) {
            Conversion& variant = conversion(*f, args, j.filter + ".jail-" + jr.name);
            if (!same_filter(variant.c, conv->c)) {
                conv = &variant;
                key = j.filter + ".jail-" + jr.name;
            }
        }
        use(key);
        auto idx = conv->c.file_of_mode.find(mode);
        if (idx == conv->c.file_of_mode.end()) {
            if (moded && std::find(conv->c.report.modes.begin(), conv->c.report.modes.end(), mode) == conv->c.report.modes.end())
                return fail("filter " + conv->c.report.name + " has no usable mode " + mode + " (see the filter's report)");
            return fail("filter " + conv->c.report.name + " could not be converted (see its report)");
        }
        const BanjoFilterFile& file = conv->c.files[idx->second];
        jr.filter = file.name;
        jr.mode = moded ? mode : "";
        jr.file = "jail.d/" + jr.name + ".toml";

        if (j.has_journal_match && require_daemon_users(j.journal_match, daemon_users(f->name()).users))
            jr.items.push_back({ItemKind::changed, "the jail's journal-match: every group also requires the uid of the "
                                                   "daemon's user or root, as the filter's does (see the filter's report)",
                                jr.where});
        const auto& jm = j.has_journal_match ? j.journal_match : file.journal_match;
        bool enabled = j.enabled;
        std::string logpath = jails_.raw(jr.name, "logpath") ? jails_.get(jr.name, "logpath").value_or("") : "";
        std::replace(logpath.begin(), logpath.end(), '\n', ' ');
        if (jm.empty()) {
            enabled = false;
            jr.items.push_back({ItemKind::warning, "written with enabled = false: neither the jail nor its filter has a "
                                                 "journalmatch, and a jail reading every journal entry would let any local user "
                                                 "log a line that bans an address of their choice; add journal-match to " +
                                                     jr.file + " and enable it", jr.where});
        } else {
            jr.items.push_back({ItemKind::changed, "reads the journal entries matching journal-match " + journal_match_text(jm) +
                                                       (j.has_journal_match ? " (the jail's)" : " (the filter's)") +
                                                       (logpath.empty() ? "" : " instead of logpath " + logpath +
                                                                            " (a service that does not log to the journal: set logpath "
                                                                            "in " + jr.file + ", see banjo.toml(5))"),
                                jr.where});
        }
        if (!j.enabled) jr.items.push_back({ItemKind::skipped, "not enabled in fail2ban: written with enabled = false", jr.where});
        jr.status = enabled ? OutcomeStatus::converted : OutcomeStatus::disabled;
        std::string toml = jail_toml(j, file.name, jr.mode, enabled);
        if (auto why = validate(jr.name, toml, file)) return fail("banjo refuses the converted jail: " + *why);
        jail_files_[jr.name] = toml;
        to_write_[file.name] = file.toml;
        return jr;
    }

    // fail2ban's recidive filter reads fail2ban's own log, which banjo does not write; banjo
    // ships a recidive filter that reads banjo's ban log, and the jail is pointed at that one.
    JailReport recidive(JailConversion j) {
        JailReport& jr = j.report;
        std::optional<std::string> shipped = find_filter_file("recidive", o_.shipped_filter_dirs);
        std::string dirs;
        for (const auto& d : o_.shipped_filter_dirs) dirs += (dirs.empty() ? "" : ", ") + d;
        if (!shipped) {
            jr.items.push_back({ItemKind::error, "fail2ban's recidive filter reads fail2ban's own log; banjo's recidive "
                                                 "filter, which reads banjo's ban log, is not installed here (looked in " +
                                                     dirs + ")", jr.where});
            jr.status = OutcomeStatus::failed;
            return jr;
        }
        jr.filter = "recidive";
        jr.file = "jail.d/" + jr.name + ".toml";
        jr.items.push_back({ItemKind::changed, "filter recidive: fail2ban's reads fail2ban's own log; the jail uses banjo's "
                                               "shipped filter recidive (" + *shipped + "), which reads banjo's ban log, "
                                               "and no filter is written for it", jr.where});
        j.filter_args.clear();
        if (!j.enabled) jr.items.push_back({ItemKind::skipped, "not enabled in fail2ban: written with enabled = false", jr.where});
        jr.status = j.enabled ? OutcomeStatus::converted : OutcomeStatus::disabled;
        std::string toml = jail_toml(j, "recidive", "", j.enabled);
        if (auto why = validate(jr.name, toml, std::nullopt, fs::path(*shipped).parent_path().string())) {
            jr.items.push_back({ItemKind::error, "banjo refuses the converted jail: " + *why, jr.where});
            jr.status = OutcomeStatus::failed;
            return jr;
        }
        jail_files_[jr.name] = toml;
        return jr;
    }

    // The loader's complaint about banjo.toml + this jail + its filter (written, or found in
    // `filter_dir`), or nullopt.
    std::optional<std::string> validate(const std::string& jail, const std::string& toml,
                                        const std::optional<BanjoFilterFile>& file, const std::string& filter_dir = {}) {
        StagingDir dir;
        write_file(dir.path() / "banjo.toml", defaults_toml_);
        write_file(dir.path() / "jail.d" / (jail + ".toml"), toml);
        if (file) write_file(dir.path() / "filter.d" / (file->name + ".toml"), file->toml);
        std::vector<std::string> dirs{(dir.path() / "filter.d").string()};
        if (!filter_dir.empty()) dirs.push_back(filter_dir);
        try {
            (void)load_config((dir.path() / "banjo.toml").string(), dirs);
        } catch (const ConfigError& e) {
            return replace_all(e.what(), dir.path().string(), o_.output);
        }
        return std::nullopt;
    }

    void convert_every_filter() {
        std::vector<std::string> names;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(fs::path(o_.source) / "filter.d", ec))
            if (e.path().extension() == ".conf") names.push_back(e.path().stem().string());
        std::sort(names.begin(), names.end());
        for (const auto& name : names) {
            if (name == "common") continue;
            std::string error;
            const Fail2banFilter* f = filter(name, error);
            if (!f) {
                failed_filters_.push_back({name, error});
                continue;
            }
            Conversion& c = conversion(*f, {}, name);
            if (c.c.report.patterns == 0) continue;   // an include file (apache-common.conf, ...)
            use(name);
            for (const auto& file : c.c.files) to_write_[file.name] = file.toml;
        }
    }

    void write_output(ImportReport& r) {
        fs::path out(o_.output);
        fs::create_directories(out / "jail.d");
        fs::create_directories(out / "filter.d");
        write_file(out / "banjo.toml", defaults_toml_);
        r.files_written.push_back("banjo.toml");
        for (const auto& [name, toml] : jail_files_) {
            write_file(out / "jail.d" / (name + ".toml"), toml);
            r.files_written.push_back("jail.d/" + name + ".toml");
        }
        for (const auto& [name, toml] : to_write_) {
            write_file(out / "filter.d" / (name + ".toml"), toml);
            r.files_written.push_back("filter.d/" + name + ".toml");
        }
    }

    FilterReport filter_report(const std::string& key) {
        FilterConversion& c = conversions_.at(key).c;
        FilterReport fr = c.report;
        fr.files.clear();
        std::vector<std::string> unwritten;
        for (const auto& file : c.files) {
            if (to_write_.count(file.name)) fr.files.push_back("filter.d/" + file.name + ".toml");
            else unwritten.push_back(file.name);
            for (const auto& dir : o_.shipped_filter_dirs) {
                std::error_code ec;
                if (to_write_.count(file.name) && fs::is_regular_file(fs::path(dir) / (file.name + ".toml"), ec))
                    fr.items.push_back({ItemKind::warning, "banjo ships its own filter " + file.name + " (" + dir +
                                                               "): this one, copied to /etc/banjo/filter.d, takes its place; "
                                                               "delete it to keep banjo's", {}});
            }
        }
        if (!unwritten.empty()) {
            std::string list;
            for (const auto& u : unwritten) list += (list.empty() ? "" : ", ") + u;
            fr.items.push_back({ItemKind::skipped, "not written, no jail uses them (--all writes them): " + list, {}});
        }
        return fr;
    }

    void final_check(ImportReport& r) {
        for (const auto& f : cache_.unreadable())
            r.general.push_back({ItemKind::error, "cannot read " + f + ": skipped, as fail2ban skips it", {f, 0}});
        for (const auto& [name, error] : failed_filters_) {
            FilterReport fr;
            fr.name = name;
            fr.status = OutcomeStatus::failed;
            fr.items.push_back({ItemKind::error, error, {}});
            r.filters.push_back(fr);
        }
        try {
            fs::path out(o_.output);
            std::vector<std::string> dirs{(out / "filter.d").string()};
            dirs.insert(dirs.end(), o_.shipped_filter_dirs.begin(), o_.shipped_filter_dirs.end());
            Config cfg = load_config((out / "banjo.toml").string(), dirs);
            r.general.push_back({ItemKind::converted, "banjo's config loader accepts " + (out / "banjo.toml").string() + " (" +
                                                          std::to_string(cfg.jails.size()) + " jails)", {}});
        } catch (const ConfigError& e) {
            r.general.push_back({ItemKind::error, std::string("banjo's config loader refuses the output as a whole: ") + e.what() +
                                                      " (are there older files in " + o_.output + "?)", {}});
        }
    }

    const ImportOptions& o_;
    IniFileCache cache_;
    IniConfig jails_;
    std::string defaults_toml_;
    std::map<std::string, std::pair<std::unique_ptr<Fail2banFilter>, std::string>> filters_;
    std::map<std::string, Conversion> conversions_;
    std::vector<std::string> filter_order_;
    std::vector<std::pair<std::string, std::string>> failed_filters_;
    std::map<std::string, std::string> jail_files_;   // jail name -> TOML
    std::map<std::string, std::string> to_write_;     // filter file name -> TOML
};

}  // namespace

ImportResult convert_fail2ban_config(const ImportOptions& options) { return Importer(options).run(); }

}  // namespace banjo
