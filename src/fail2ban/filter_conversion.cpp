// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/filter_conversion.hpp"

#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "fail2ban/journal_match.hpp"
#include "fail2ban/regex_translation.hpp"
#include "fail2ban/toml_text.hpp"
#include "fail2ban/value_text.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace banjo {
namespace {

struct ConvertedPattern {
    std::string text;       // banjo's
    std::string original;   // fail2ban's, prefix variables removed
    SourceLocation where;
};

struct ModeResult {
    std::string mode;
    std::optional<ConvertedPattern> prefregex;
    std::vector<ConvertedPattern> fail, ignore;
    std::vector<std::vector<std::string>> journal_match;
    std::string id_field;
    std::string key() const {
        return (prefregex ? prefregex->text : "") + '\0' + id_field + '\0' + journal_match_text(journal_match);
    }
};

std::vector<std::string> lines_of(const std::optional<FilterValue>& v) {
    std::vector<std::string> out;
    if (!v) return out;
    std::size_t pos = 0;
    while (pos <= v->text.size()) {
        std::size_t end = v->text.find('\n', pos);
        if (end == std::string::npos) end = v->text.size();
        std::string line = v->text.substr(pos, end - pos);
        if (!trim_space(unmark(line)).empty()) out.push_back(line);
        pos = end + 1;
    }
    return out;
}

std::string args_text(const FilterArgs& args) {
    std::string out;
    for (const auto& [k, v] : args) out += (out.empty() ? "" : ", ") + k + "=" + v;
    return out;
}

// Collects report items once each: the same pattern comes back in every mode.
class Items {
public:
    void add(ItemKind kind, std::string text, SourceLocation where = {}) {
        if (seen_.insert(std::to_string(static_cast<int>(kind)) + text).second)
            items_.push_back({kind, std::move(text), std::move(where)});
    }
    std::vector<ReportItem> take() { return std::move(items_); }

private:
    std::set<std::string> seen_;
    std::vector<ReportItem> items_;
};

class Converter {
public:
    Converter(const Fail2banFilter& f, const FilterArgs& args, std::string banjo_name, std::string dir, DaemonUsers users)
        : f_(f), args_(args), name_(std::move(banjo_name)), dir_(std::move(dir)), users_(std::move(users)) {}

    FilterConversion run() {
        FilterConversion c;
        c.report.name = f_.name() + (args_.empty() ? "" : "[" + args_text(args_) + "]");
        std::vector<std::string> modes = f_.modes();
        std::string def = f_.default_mode();
        c.moded = !modes.empty();
        std::vector<std::string> runs;
        if (c.moded) {
            if (std::find(modes.begin(), modes.end(), def) != modes.end()) runs.push_back(def);
            for (const auto& m : modes)
                if (m != def) runs.push_back(m);
        } else {
            runs.push_back("");
        }
        std::vector<ModeResult> results;
        for (const auto& m : runs)
            if (auto r = resolve_mode(m, c.moded)) results.push_back(std::move(*r));
        summarize();
        if (!originals_.empty() && converted_.empty()) {
            // A filter that kept none of its patterns would match nothing: no use writing it.
            items_.add(ItemKind::error, "none of the filter's patterns could be converted");
            results.clear();
        }

        // Modes that share prefregex, session id and journal-match share a file.
        std::vector<std::vector<const ModeResult*>> groups;
        for (const auto& r : results) {
            auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& grp) { return grp.front()->key() == r.key(); });
            if (g == groups.end()) groups.push_back({&r});
            else g->push_back(&r);
        }
        for (std::size_t g = 0; g < groups.size(); ++g) {
            std::string file = g == 0 || !c.moded ? name_ : name_ + "." + groups[g].front()->mode;
            if (g > 0) {
                std::vector<std::string> ms;
                for (const auto* r : groups[g]) ms.push_back(r->mode);
                std::string list;
                for (const auto& m : ms) list += (list.empty() ? "" : ", ") + m;
                items_.add(ItemKind::changed, "mode" + std::string(ms.size() > 1 ? "s " : " ") + list +
                                                  (ms.size() > 1 ? " use" : " uses") + " another prefregex or journal-match than mode " +
                                                  groups[0].front()->mode + ": written as filter " + file);
            }
            if (auto out = write_file(file, groups[g], c.moded, def)) {
                for (const auto& m : out->modes) c.file_of_mode[m] = c.files.size();
                if (!c.moded) c.file_of_mode[""] = c.files.size();
                c.report.files.push_back("filter.d/" + out->name + ".toml");
                c.files.push_back(std::move(*out));
            }
        }
        for (const auto& r : results)
            if (c.moded && c.file_of_mode.count(r.mode)) c.report.modes.push_back(r.mode);
        std::sort(c.report.modes.begin(), c.report.modes.end());
        c.report.status = c.files.empty() ? OutcomeStatus::failed : OutcomeStatus::converted;
        c.report.patterns = static_cast<int>(originals_.size());
        c.report.patterns_converted = static_cast<int>(converted_.size());
        c.report.items = items_.take();
        return c;
    }

private:
    std::optional<ModeResult> resolve_mode(const std::string& mode, bool moded) {
        const std::string in_mode = moded ? " (mode " + mode + ")" : "";
        FilterArgs a = args_;
        if (moded) a["mode"] = mode;
        ResolvedFilter r;
        try {
            r = f_.resolve(a);
        } catch (const ConfigError& e) {
            items_.add(ItemKind::error, "cannot resolve the filter" + in_mode + ": " + e.message(), e.where());
            return std::nullopt;
        }
        ModeResult m;
        m.mode = mode;
        bool multiline = false;
        if (r.maxlines) {
            std::string v = trim_space(unmark(r.maxlines->text));
            multiline = !v.empty() && v != "1" && v != "0";
            items_.add(multiline ? ItemKind::warning : ItemKind::skipped,
                       "maxlines = " + v + ": ignored; banjo matches one journal entry at a time and correlates a "
                       "session's entries by its id (id-field or <F-ID>) instead of a multi-line buffer",
                       r.maxlines->where);
        }
        if (r.datepattern)
            items_.add(ItemKind::skipped, "datepattern = " + one_line(trim_space(unmark(r.datepattern->text))) +
                                              ": ignored; the journal gives every entry its time", r.datepattern->where);
        bool session = false;
        if (r.prefregex && !trim_space(unmark(r.prefregex->text)).empty()) {
            TranslatedRegex t = translate_fail2ban_regex(trim_space(r.prefregex->text), multiline);
            note(t, "prefregex", trim_space(unmark(r.prefregex->text)), r.prefregex->where);
            if (!t.pattern) {
                items_.add(ItemKind::error, "prefregex " + trim_space(unmark(r.prefregex->text)) + in_mode +
                                                " cannot be translated: " + t.reason, r.prefregex->where);
                return std::nullopt;
            }
            session = t.session_from_prefix;
            m.prefregex = ConvertedPattern{*t.pattern, trim_space(unmark(r.prefregex->text)), r.prefregex->where};
        }
        std::vector<std::pair<std::string, TranslatedRegex>> fail, ignore;
        for (const auto& line : lines_of(r.failregex)) fail.emplace_back(line, translate_fail2ban_regex(line, multiline));
        for (const auto& line : lines_of(r.ignoreregex)) ignore.emplace_back(line, translate_fail2ban_regex(line, multiline));
        for (const auto& [line, t] : fail) session = session || t.session_from_prefix;
        m.id_field = session ? "_PID" : "";
        if (session)
            items_.add(ItemKind::changed, "fail2ban's session id <F-MLFID> was the syslog prefix (host, daemon[pid]): "
                                          "id-field = \"_PID\", the journal's process id");

        if (r.journalmatch) {
            TranslatedJournalMatch jm = translate_journalmatch(trim_space(unmark(r.journalmatch->text)));
            if (!jm.error.empty()) {
                items_.add(ItemKind::error, jm.error, r.journalmatch->where);
                return std::nullopt;
            }
            m.journal_match = jm.groups;
            const bool uid_added = require_daemon_users(m.journal_match, users_.users);
            if (!jm.groups.empty())
                items_.add(ItemKind::converted, "journalmatch = " + trim_space(unmark(r.journalmatch->text)) + " -> journal-match = " +
                                                    journal_match_text(m.journal_match), r.journalmatch->where);
            if (uid_added) items_.add(ItemKind::changed, uid_note(), r.journalmatch->where);
            for (const auto& w : jm.warnings) items_.add(ItemKind::warning, w, r.journalmatch->where);
        }
        if (m.journal_match.empty())
            items_.add(ItemKind::warning, "no journalmatch: a jail using this filter would read every journal entry "
                                          "(add journal-match to the filter, e.g. [[\"_SYSTEMD_UNIT=NAME.service\"]])");

        FilterSpec base;
        base.name = name_;
        base.where = {name_ + ".toml", 0};
        base.id_field = m.id_field;
        if (m.prefregex) base.prefregex = Pattern{m.prefregex->text, m.prefregex->where};
        try {
            (void)Filter::compile(base, "");
        } catch (const ConfigError& e) {
            items_.add(ItemKind::error, "prefregex " + m.prefregex->original + in_mode +
                                            ": banjo's engine refuses it: " + e.message(), m.prefregex->where);
            return std::nullopt;
        }
        m.fail = check(fail, base, "failregex", r.failregex ? r.failregex->where : SourceLocation{}, false);
        m.ignore = check(ignore, base, "ignoreregex", r.ignoreregex ? r.ignoreregex->where : SourceLocation{}, true);
        return m;
    }

    // Compiles each translated pattern alone with banjo's engine; keeps those it accepts.
    std::vector<ConvertedPattern> check(const std::vector<std::pair<std::string, TranslatedRegex>>& list,
                                        const FilterSpec& base, const std::string& what, const SourceLocation& where,
                                        bool ignore) {
        std::vector<ConvertedPattern> out;
        for (const auto& [line, t] : list) {
            std::string original = trim_space(unmark(line));
            originals_.insert(what + original);
            note(t, what, original, where);
            if (!t.pattern) {
                items_.add(ItemKind::skipped, what + " " + original + ": " + t.reason, where);
                continue;
            }
            FilterSpec one = base;
            (ignore ? one.ignoreregex : one.failregex).push_back(Pattern{*t.pattern, where});
            try {
                (void)Filter::compile(one, "");
            } catch (const ConfigError& e) {
                items_.add(ItemKind::skipped, what + " " + original + ": banjo's engine refuses it: " + e.message(), where);
                continue;
            }
            converted_.insert(what + original);
            if (t.tail_appended) tails_.insert(original);
            out.push_back({*t.pattern, original, where});
        }
        return out;
    }

    void note(const TranslatedRegex& t, const std::string& what, const std::string& original, const SourceLocation& where) {
        dropped_.insert(t.dropped_prefix.begin(), t.dropped_prefix.end());
        for (const auto& k : t.kept_prefix)
            items_.add(ItemKind::warning, "%(" + k + ")s kept in " + what + " " + original +
                                              ": it does not start the pattern, so it is taken as message text", where);
        for (const auto& c : t.changes) items_.add(ItemKind::changed, what + " " + original + ": " + c, where);
        for (const auto& w : t.warnings) items_.add(ItemKind::warning, what + " " + original + ": " + w, where);
    }

    void summarize() {
        if (!dropped_.empty()) {
            std::string names;
            for (const auto& d : dropped_) names += (names.empty() ? "%(" : ", %(") + d + ")s";
            items_.add(ItemKind::changed, "dropped " + names + ": the syslog line prefix (time, host, daemon[pid]) is "
                                          "not part of a journal MESSAGE; what may follow it there, Solaris's message "
                                          "id \"[ID 800047 auth.info]\", is: kept as (?:\\[ID \\d+ \\S+\\]\\s+)?");
        }
        if (!tails_.empty())
            items_.add(ItemKind::changed, std::to_string(tails_.size()) + " pattern" + (tails_.size() > 1 ? "s" : "") +
                                              " without a final '$' got \".*\" appended: fail2ban lets any text follow "
                                              "a match, banjo anchors both ends");
    }

    std::optional<BanjoFilterFile> write_file(const std::string& file, const std::vector<const ModeResult*>& group,
                                              bool moded, const std::string& def) {
        BanjoFilterFile out;
        out.name = file;
        const ModeResult& first = *group.front();
        out.journal_match = first.journal_match;
        auto texts = [](const std::vector<ConvertedPattern>& v) {
            std::vector<std::string> t;
            for (const auto& p : v) t.push_back(p.text);
            return t;
        };
        // The patterns every mode of the group has at the same place form the common list.
        auto common_prefix = [&](auto member) {
            std::vector<std::string> common = texts(first.*member);
            for (const auto* r : group) {
                std::vector<std::string> t = texts(r->*member);
                std::size_t n = 0;
                while (n < common.size() && n < t.size() && common[n] == t[n]) ++n;
                common.resize(n);
            }
            return common;
        };
        std::vector<std::string> common_fail = common_prefix(&ModeResult::fail);
        std::vector<std::string> common_ignore = common_prefix(&ModeResult::ignore);

        std::string t = "# Converted from fail2ban's filter " + f_.name() + " by banjoctl import-fail2ban.\n";
        t += "# fail2ban files:";
        for (const auto& p : f_.config().files()) t += " " + relative_path(p, dir_);
        t += "\n";
        if (!args_.empty()) t += "# With the arguments " + args_text(args_) + ".\n";
        t += "# The format is described at the top of banjo's filter.d/sshd.toml.\n\n";
        t += "description = " + toml_string("fail2ban filter " + f_.name() + " (imported)") + "\n";
        if (!first.journal_match.empty()) {
            t += "journal-match = [\n";
            for (const auto& g : first.journal_match) t += "    " + toml_inline_list(g) + ",\n";
            t += "]\n";
        }
        if (!first.id_field.empty()) t += "id-field = " + toml_string(first.id_field) + "\n";
        if (moded) {
            out.default_mode = def;
            if (std::none_of(group.begin(), group.end(), [&](const ModeResult* r) { return r->mode == def; }))
                out.default_mode = first.mode;
            t += "default-mode = " + toml_string(out.default_mode) + "\n";
        }
        if (first.prefregex) t += "prefregex = " + toml_string(first.prefregex->text) + "\n";
        t += "\n" + toml_list("failregex", common_fail) + "\n" + toml_list("ignoreregex", common_ignore);
        if (moded) {
            std::vector<const ModeResult*> sorted = group;
            std::sort(sorted.begin(), sorted.end(), [](const ModeResult* a, const ModeResult* b) { return a->mode < b->mode; });
            for (const auto* r : sorted) {
                out.modes.push_back(r->mode);
                std::vector<std::string> fail = texts(r->fail), ignore = texts(r->ignore);
                fail.erase(fail.begin(), fail.begin() + static_cast<std::ptrdiff_t>(common_fail.size()));
                ignore.erase(ignore.begin(), ignore.begin() + static_cast<std::ptrdiff_t>(common_ignore.size()));
                t += "\n[modes." + toml_key(r->mode) + "]\n" + toml_list("failregex", fail);
                if (!ignore.empty()) t += toml_list("ignoreregex", ignore);
            }
        }
        out.toml = std::move(t);
        try {
            FilterSpec spec = parse_filter_toml(out.toml, file + ".toml");
            Filter::check(spec);
        } catch (const ConfigError& e) {
            items_.add(ItemKind::error, "filter " + file + " as written is refused by banjo: " + e.what());
            return std::nullopt;
        }
        return out;
    }

    // Why every group now requires _UID, and what the administrator may have to add.
    std::string uid_note() const {
        std::string list;
        for (std::size_t i = 0; i < users_.users.size(); ++i)
            list += (i == 0 ? "" : i + 1 == users_.users.size() ? " or " : ", ") + ("_UID=" + users_.users[i]);
        std::string note = "journal-match: every group also requires " + list +
                           ", the sender's uid, which journald records and no other user can choose (fail2ban believes "
                           "any process in the unit or running the binary): ";
        if (!users_.from.empty())
            return note + "the users banjo's own filter " + users_.from + " names for this daemon";
        return note + "root's processes only; if " + f_.name() +
               " logs as its own user, add \"_UID=NAME\" to each group, or the jail never counts anything";
    }

    const Fail2banFilter& f_;
    FilterArgs args_;
    std::string name_, dir_;
    DaemonUsers users_;
    Items items_;
    std::set<std::string> originals_, converted_, tails_, dropped_;
};

}  // namespace

FilterConversion convert_filter(const Fail2banFilter& filter, const FilterArgs& args, const std::string& banjo_name,
                                const std::string& fail2ban_dir, const DaemonUsers& users) {
    return Converter(filter, args, banjo_name, fail2ban_dir, users).run();
}

}  // namespace banjo
