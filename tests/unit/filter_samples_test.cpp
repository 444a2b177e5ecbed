// SPDX-License-Identifier: GPL-2.0-or-later
// Every filter in conf/filter.d against its annotated samples: fail2ban's
// (tests/data/fail2ban-logs/NAME and NAME-journal, see SOURCE.md there) or, for a filter fail2ban
// has no samples for, banjo's own (tests/data/banjo-samples/NAME, same format, each file naming
// where its log format comes from). Every annotated line, in every mode its block lists, must
// come out as annotated: no skip lists. Lines run in file order through one Filter and one
// SessionTable per (file, mode), as banjod runs journal entries.
//
// What a sample line becomes in the journal. banjod never sees a log file: it sees MESSAGE,
// SYSLOG_IDENTIFIER and _PID of an entry. A sample line is turned into those as journald itself
// would have stored what the daemon wrote, by split_syslog_line (src/journal/syslog_line.hpp),
// the same function banjoctl test-filter uses, so the two cannot disagree about a line.
// The session id is the match's <F-ID>, else the filter's id-field (_PID or SYSLOG_IDENTIFIER,
// from the syslog prefix); a line without one has no session.
#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "core/session_table.hpp"
#include "journal/syslog_line.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace banjo;
namespace fs = std::filesystem;

namespace {

// ---- a JSON reader just big enough for the annotations -----------------------------------------
struct Json {
    enum class Type { null, boolean, number, string, array, object } type = Type::null;
    bool boolean = false;
    std::string text;   // string value, or a number's text
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> members;

    const Json* get(std::string_view key) const {
        for (const auto& [k, v] : members)
            if (k == key) return &v;
        return nullptr;
    }
    std::optional<std::string> string_at(std::string_view key) const {
        const Json* v = get(key);
        if (!v || v->type != Type::string) return std::nullopt;
        return v->text;
    }
};

class JsonReader {
public:
    explicit JsonReader(std::string_view s) : s_(s) {}
    Json read() {
        Json v = value();
        skip();
        if (i_ != s_.size()) throw std::runtime_error("trailing text in JSON");
        return v;
    }

private:
    void skip() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    char peek() {
        skip();
        if (i_ >= s_.size()) throw std::runtime_error("JSON ends early");
        return s_[i_];
    }
    void expect(char c) {
        if (peek() != c) throw std::runtime_error(std::string("JSON: expected ") + c);
        ++i_;
    }
    std::string string() {
        expect('"');
        std::string out;
        while (i_ < s_.size() && s_[i_] != '"') {
            char c = s_[i_++];
            if (c == '\\' && i_ < s_.size()) {
                char e = s_[i_++];
                out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
            } else {
                out += c;
            }
        }
        expect('"');
        return out;
    }
    Json value() {
        Json v;
        char c = peek();
        if (c == '{') {
            v.type = Json::Type::object;
            ++i_;
            if (peek() == '}') return ++i_, v;
            for (;;) {
                std::string key = string();
                expect(':');
                v.members.emplace_back(key, value());
                if (peek() == ',') ++i_;
                else break;
            }
            expect('}');
        } else if (c == '[') {
            v.type = Json::Type::array;
            ++i_;
            if (peek() == ']') return ++i_, v;
            for (;;) {
                v.items.push_back(value());
                if (peek() == ',') ++i_;
                else break;
            }
            expect(']');
        } else if (c == '"') {
            v.type = Json::Type::string;
            v.text = string();
        } else if (s_.substr(i_, 4) == "true" || s_.substr(i_, 5) == "false") {
            v.type = Json::Type::boolean;
            v.boolean = s_[i_] == 't';
            i_ += v.boolean ? 4 : 5;
        } else if (s_.substr(i_, 4) == "null") {
            i_ += 4;
        } else {
            v.type = Json::Type::number;
            while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '.'))
                v.text += s_[i_++];
            if (v.text.empty()) throw std::runtime_error("JSON: unexpected character");
        }
        return v;
    }
    std::string_view s_;
    std::size_t i_ = 0;
};

// ---- the annotated sample files ---------------------------------------------------------------

const std::string source_root = BANJO_SOURCE_ROOT;

// Filters that read no service's log (recidive reads banjo's own ban messages), so no
// fail2ban sample can apply.
const std::set<std::string> without_samples{"recidive"};

// Filters fail2ban has no samples for (no fail2ban filter of that name, or none with samples):
// their samples are banjo's own, in tests/data/banjo-samples/, each naming the source of its
// log format.
const std::map<std::string, std::string> banjo_samples_only{
    {"cockpit", "PAM's pam_unix wording in cockpit-session"},
    {"gitea", "routers/web/auth/auth.go, modules/log/event_format.go"},
    {"nextcloud", "lib/private/Log/LogDetails.php, LoggedInCheckCommand.php, Throttler.php"},
    {"opensmtpd", "usr.sbin/smtpd/smtp_session.c"},
    {"owncloud", "lib/private/User/Session.php, ownCloud's JSON log format"},
};

// banjo ships at least this many filters (issue 14): a filter file lost on the way fails here.
constexpr std::size_t minimum_shipped_filters = 60;

// One option set of a "# filterOptions:" line. Keys other than these describe how fail2ban
// reads the file ("logtype", "logging"); the line reader below recognises every such form.
struct Options {
    std::optional<std::string> mode;         // absent: the filter's default mode
    std::optional<std::string> prefix_line;  // "test.prefix-line"
};

struct Sample {
    std::string file;
    int line = 0;
    Json annotation;
    std::string text;
    std::vector<Options> options;   // the block's option sets
};

// fail2ban's "name=='X'" conditions on the filter's name.
bool name_condition_holds(const std::string& expr, const std::string& filter, const std::string& where) {
    std::string s;
    for (char c : expr)
        if (c != ' ') s += c;
    if (s.rfind("name=='", 0) != 0 || s.size() < 9 || s.back() != '\'') FAIL(where << ": unknown test.condition " << expr);
    return s.substr(7, s.size() - 8) == filter;
}

std::vector<Options> read_options(const Json& j, const std::string& filter, const std::string& where) {
    std::vector<Json> list = j.type == Json::Type::array ? j.items : std::vector<Json>{j};
    std::vector<Options> out;
    for (const auto& o : list) {
        Options opt;
        bool applies = true;
        for (const auto& [k, v] : o.members) {
            if (k == "mode") opt.mode = v.text;
            else if (k == "test.prefix-line") opt.prefix_line = v.text;
            else if (k == "test.condition") applies = name_condition_holds(v.text, filter, where);
            else if (k == "logtype" || k == "logging") continue;
            else FAIL(where << ": unknown filter option " << k);
        }
        if (applies) out.push_back(opt);
    }
    return out;
}

// Returns nothing when a "# fileOptions:" condition excludes the file for this filter.
std::vector<Sample> read_samples(const std::string& path, const std::string& label, const std::string& filter) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::vector<Sample> out;
    std::vector<Options> options{Options{}};
    std::optional<Json> pending;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::string where = label + ":" + std::to_string(n);
        auto directive = [&](std::string_view tag) -> std::optional<std::string> {
            auto at = line.find(tag);
            if (line.rfind("#", 0) != 0 || at == std::string::npos || line.find_first_not_of("# ") != at)
                return std::nullopt;
            return line.substr(at + tag.size());
        };
        if (auto j = directive("fileOptions:")) {
            if (read_options(JsonReader(*j).read(), filter, where).empty()) return {};
        } else if (auto j = directive("filterOptions:")) {
            options = read_options(JsonReader(*j).read(), filter, where);
        } else if (auto j = directive("failJSON:")) {
            pending = JsonReader(*j).read();
        } else if (line.empty() || line[0] == '#') {
            continue;
        } else {
            REQUIRE_MESSAGE(pending.has_value(), where << ": a log line without # failJSON");
            out.push_back(Sample{label, n, *pending, line, options});
            pending.reset();
        }
    }
    return out;
}

// ---- a sample line as a journal entry ----------------------------------------------------------

// What journald would have stored for the line (src/journal/syslog_line.hpp); in a block whose
// options set "test.prefix-line" (fail2ban's marker for lines given without their journal
// prefix) the line is MESSAGE and the prefix gives ident and pid.
SyslogLine journal_view(const std::string& line, const Options& opts) {
    if (!opts.prefix_line) return split_syslog_line(line);
    std::string_view prefix = *opts.prefix_line;   // "server asterisk[123]: "
    prefix = prefix.substr(0, prefix.find_last_not_of(' ') + 1);
    auto id = parse_syslog_identifier(prefix.substr(prefix.find_last_of(' ') + 1));
    REQUIRE_MESSAGE(id.has_value(), "bad test.prefix-line " << *opts.prefix_line);
    return {line, std::string(id->ident), std::string(id->pid)};
}

// fail2ban's "constraint": a Python expression; the samples use only these forms.
bool constraint_holds(const std::string& expr, const std::string& filter, const std::optional<std::string>& mode) {
    std::string s;
    for (char c : expr)
        if (c != ' ') s += c;
    for (std::string op : {"==", "!="}) {
        auto at = s.find(op);
        if (at == std::string::npos) continue;
        std::string lhs = s.substr(0, at), rhs = s.substr(at + 2);
        REQUIRE_MESSAGE((rhs.size() >= 2 && rhs.front() == '\'' && rhs.back() == '\''), "constraint: " << expr);
        rhs = rhs.substr(1, rhs.size() - 2);
        std::optional<std::string> value;
        if (lhs == "name") value = filter;
        else if (lhs == "opts.get('mode')") value = mode;
        else FAIL("unsupported constraint: " << expr);
        bool equal = value && *value == rhs;
        return op == "==" ? equal : !equal;
    }
    FAIL("unsupported constraint: " << expr);
    return false;
}

bool same_host(const std::string& expected, std::string_view got) {
    auto a = Address::parse(expected);
    auto b = Address::parse(got);
    if (a && b) return *a == *b;
    return expected == got;   // DNS names, and forms Address refuses such as 192.030.0.6
}

struct Tally {
    int lines = 0, right = 0;
};

std::string mode_label(const std::string& mode) { return mode.empty() ? "-" : mode; }

// The sample files of filter `name`, with their labels.
std::vector<std::pair<std::string, std::string>> sample_files(const std::string& name) {
    std::vector<std::pair<std::string, std::string>> out;
    for (std::string file : {name, name + "-journal"}) {
        std::string path = source_root + "/tests/data/fail2ban-logs/" + file;
        if (fs::is_regular_file(path)) out.emplace_back(path, "fail2ban-logs/" + file);
    }
    std::string own = source_root + "/tests/data/banjo-samples/" + name;
    if (fs::is_regular_file(own)) out.emplace_back(own, "banjo-samples/" + name);
    return out;
}

// Runs one file's samples for one mode; adds to `tally`.
void run_samples(const FilterSpec& spec, const std::vector<Sample>& samples, const std::string& mode, Tally& tally) {
    std::optional<Filter> filter;
    try {
        filter.emplace(Filter::compile(spec, mode));
    } catch (const ConfigError& e) {
        FAIL_CHECK(spec.name << " [" << mode_label(mode) << "]: " << std::string(e.what()));
    }
    SessionTable sessions(default_max_sessions, default_session_max_age_usec);
    Usec now = std::chrono::seconds(1'000'000'000);
    for (const Sample& s : samples) {
        const Options* opts = nullptr;
        for (const auto& o : s.options)
            if (o.mode.value_or(spec.default_mode) == mode) opts = opts ? opts : &o;
        if (!opts) continue;
        if (auto c = s.annotation.string_at("constraint"); c && !constraint_holds(*c, spec.name, opts->mode)) continue;
        now += std::chrono::seconds(1);
        ++tally.lines;

        const SyslogLine j = journal_view(s.text, *opts);
        std::optional<FilterMatch> m = filter ? filter->match(j.message) : std::nullopt;
        std::string_view id = m ? m->id : std::string_view{};
        if (m && id.empty()) {
            if (filter->id_field() == "_PID") id = j.pid;
            else if (filter->id_field() == "SYSLOG_IDENTIFIER") id = j.ident;
        }
        std::optional<Address> counted = m ? sessions.feed(*m, id, now) : std::nullopt;
        bool own_host = m && m->kind == MatchKind::failure && !m->host.empty();
        bool failure = counted.has_value() || own_host;
        std::string host = own_host ? std::string(m->host) : counted ? counted->to_string() : "";

        const Json* match = s.annotation.get("match");
        bool expected = match && match->boolean;
        std::optional<std::string> want_host = s.annotation.string_at("host");
        if (!want_host) want_host = s.annotation.string_at("ip4");
        if (!want_host) want_host = s.annotation.string_at("ip6");
        std::optional<std::string> want_user = s.annotation.string_at("user");

        bool right = failure == expected;
        if (right && expected && want_host) right = same_host(*want_host, host);
        if (right && expected && want_user) right = m && m->user == *want_user;
        if (own_host && m->address) right = right && counted == m->address;
        tally.right += right;

        INFO(s.file << ":" << s.line << " [" << spec.name << " " << mode_label(mode) << "] MESSAGE=" << j.message
                    << " SYSLOG_IDENTIFIER=" << j.ident << " _PID=" << j.pid);
        INFO("expected " << (expected ? "failure from " + want_host.value_or("?") : "no failure") << ", got "
                         << (failure ? "failure from " + host : "no failure")
                         << (m ? " (pattern " + std::to_string(m->pattern_index) + ", user '" + std::string(m->user) +
                                     "', id '" + std::string(id) + "')"
                               : ""));
        CHECK(right);
    }
}

std::vector<std::string> shipped_filters() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(source_root + "/conf/filter.d"))
        if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("every shipped filter has annotated samples") {
    CHECK(shipped_filters().size() >= minimum_shipped_filters);
    for (const std::string& name : shipped_filters()) {
        if (without_samples.count(name)) continue;
        bool fail2ban = fs::is_regular_file(source_root + "/tests/data/fail2ban-logs/" + name);
        bool own = fs::is_regular_file(source_root + "/tests/data/banjo-samples/" + name);
        INFO("filter " << name);
        if (banjo_samples_only.count(name)) {
            CHECK_MESSAGE(own, "tests/data/banjo-samples/" << name << " is missing");
            CHECK_MESSAGE(!fail2ban, "fail2ban has samples for " << name << " now: drop it from banjo_samples_only");
        } else {
            CHECK_MESSAGE(fail2ban, "tests/data/fail2ban-logs/" << name << " is missing (copy it from fail2ban's "
                                    "tests/files/logs, or write banjo-samples/" << name << " and list it)");
        }
    }
}

TEST_CASE("every filter finds exactly what its annotated samples expect, in every mode they list") {
    std::map<std::pair<std::string, std::string>, Tally> tally;
    for (const std::string& name : shipped_filters()) {
        FilterSpec spec = load_filter_file(source_root + "/conf/filter.d/" + name + ".toml");
        for (const auto& [path, label] : sample_files(name)) {
            std::vector<Sample> samples = read_samples(path, label, name);
            std::vector<std::string> modes;
            for (const Sample& s : samples)
                for (const Options& o : s.options) {
                    std::string mode = o.mode.value_or(spec.default_mode);
                    if (std::find(modes.begin(), modes.end(), mode) == modes.end()) modes.push_back(mode);
                }
            for (const std::string& mode : modes) run_samples(spec, samples, mode, tally[{name, mode}]);
        }
    }

    std::ostringstream table;
    table << "filter samples:\n" << std::left << std::setw(22) << "filter" << std::setw(12) << "mode" << std::setw(8)
          << "lines" << std::setw(8) << "right" << "wrong\n";
    int lines = 0, right = 0;
    for (const auto& [key, t] : tally) {
        table << std::setw(22) << key.first << std::setw(12) << mode_label(key.second) << std::setw(8) << t.lines
              << std::setw(8) << t.right << t.lines - t.right << "\n";
        lines += t.lines;
        right += t.right;
        CHECK_MESSAGE(t.lines > 0, key.first << " [" << mode_label(key.second) << "] ran no line");
    }
    table << std::setw(34) << "total" << std::setw(8) << lines << std::setw(8) << right << lines - right << "\n";
    std::set<std::string> filters;
    for (const auto& [key, t] : tally) filters.insert(key.first);
    table << filters.size() << " filters with samples\n";
    CHECK(filters.size() + without_samples.size() >= minimum_shipped_filters);
    MESSAGE(table.str());
}
