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
// would have stored what the daemon wrote:
// - A syslog line ("Mon DD HH:MM:SS [host] ident[pid]: MESSAGE", the same after an ISO 8601 time
//   stamp or syslog-ng's "YYYY-MM-DD HH:MM:SS", or journalctl's "host ident[pid]: MESSAGE"
//   without a time): the time and host are the syslog daemon's, and the identifier is split off
//   by journald's own rule (the first word, when it ends in ':', is "ident" or "ident[pid]";
//   after a BSD time stamp, relays' "[ident]" too).
//   Without a host, only a plain identifier counts ("dropbear[1252]:", "cyrus/imap:"): a line
//   like dovecot's "Jan 29 13:54:06 auth-worker(22401): Info: ..." is dovecot's own log file.
//   After a BSD time stamp and host, a first word without that ':' (proftpd's
//   "proftpd[12345] host (...)") stays in MESSAGE, as journald keeps it.
// - RFC 5424 ("<PRI>1 TIME HOST APP PROCID MSGID SD MESSAGE"): APP and PROCID, MESSAGE after SD.
// - A block whose options set "test.prefix-line" (fail2ban's marker for lines given without
//   their journal prefix): the line is MESSAGE, the prefix gives ident and pid.
// - A kernel audit record as auditd writes it ("type=USER_AUTH msg=audit(T:ID): BODY"): journald
//   reads these from the kernel itself and stores MESSAGE "USER_AUTH BODY", _PID from pid=.
// - daemontools' multilog lines ("@4000... text"): the TAI64N label is multilog's, the rest is
//   what the daemon wrote to stderr, which journald would store as MESSAGE.
// - Anything else (web server access and error logs, exim's mainlog, mysqld's and mongod's own
//   formats, ...) is a line the daemon writes itself: to stderr under systemd, or through syslog
//   after the identifier. Either way the daemon's own time stamp and level stay part of it, so
//   the whole line is MESSAGE, with no identifier and no pid. Filters for such services accept
//   their own time stamp at the start of MESSAGE.
// The session id is the match's <F-ID>, else the filter's id-field (_PID or SYSLOG_IDENTIFIER,
// from the syslog prefix); a line without one has no session.
#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "core/session_table.hpp"

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

// Filters fail2ban has no samples for: their samples are banjo's own, in tests/data/banjo-samples/.
const std::map<std::string, std::string> banjo_samples_only{};

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

struct JournalView {
    std::string message, ident, pid;
};

struct Word {
    std::string text;
    std::size_t end;   // offset just past it in the line
};

std::vector<Word> first_words(const std::string& line, std::size_t count) {
    std::vector<Word> words;
    for (std::size_t i = 0; i < line.size() && words.size() < count;) {
        while (i < line.size() && line[i] == ' ') ++i;
        std::size_t b = i;
        while (i < line.size() && line[i] != ' ') ++i;
        if (i > b) words.push_back({line.substr(b, i - b), i});
    }
    return words;
}

bool is_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// journald's syslog_parse_identifier: "ident:" or "ident[pid]:"; and "[ident]", "[ident]:",
// which some BSD syslog relays write after the time stamp.
std::optional<std::pair<std::string, std::string>> syslog_identifier(const std::string& w, bool after_bsd_time = false) {
    std::string_view bare(w);
    if (!bare.empty() && bare.back() == ':') bare.remove_suffix(1);
    if (after_bsd_time && bare.size() > 2 && bare.front() == '[' && bare.back() == ']' && bare.find_first_of("[]", 1) == bare.size() - 1)
        return std::make_pair(std::string(bare.substr(1, bare.size() - 2)), std::string());
    if (w.size() < 2 || w.back() != ':') return std::nullopt;
    std::string s = w.substr(0, w.size() - 1);
    if (s.back() == ']') {
        auto open = s.rfind('[');
        if (open != std::string::npos && open > 0) return std::make_pair(s.substr(0, open), s.substr(open + 1, s.size() - open - 2));
    }
    return std::make_pair(s, std::string());
}

// "Mon DD HH:MM:SS" (a BSD syslog time stamp) at words[0..2].
bool bsd_time(const std::vector<Word>& w) {
    return w.size() >= 3 && w[0].text.size() == 3 && std::isupper(static_cast<unsigned char>(w[0].text[0])) &&
           std::islower(static_cast<unsigned char>(w[0].text[1])) && is_digits(w[1].text) && w[1].text.size() <= 2 &&
           w[2].text.size() == 8 && w[2].text[2] == ':' && w[2].text[5] == ':';
}

// "2005-06-21T16:47:48..." (an ISO 8601 syslog time stamp; "...Z:" is a daemon's own).
bool iso_time(const std::string& w) {
    return w.size() >= 19 && w.back() != ':' && is_digits(w.substr(0, 4)) && w[4] == '-' && w[7] == '-' && w[10] == 'T' && w[13] == ':';
}

bool host_word(const std::string& w) {
    return !w.empty() && w.find_first_of("[]:=\"'()") == std::string::npos;
}

// A word right after a time stamp names a syslog identifier only in the forms syslog(3)
// callers use ("ident:", "ident[pid]:", "cyrus/imap[5]:"); anything else there ("auth-worker(5):",
// "auth(user,ip)<id>:") is a daemon's own log-file prefix, kept in MESSAGE.
bool plain_identifier(const std::string& w) {
    std::string_view s(w);
    if (s.back() == ':') s.remove_suffix(1);
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') return true;
    if (auto open = s.find('['); open != std::string_view::npos && s.back() == ']') {
        if (!is_digits(s.substr(open + 1, s.size() - open - 2))) return false;
        s = s.substr(0, open);
    }
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '/';
    });
}

JournalView message_after(const std::string& line, const Word& ident_word, bool after_bsd_time) {
    auto id = syslog_identifier(ident_word.text, after_bsd_time);
    std::size_t at = ident_word.end + (ident_word.end < line.size() ? 1 : 0);
    return {line.substr(at), id->first, id->second};
}

JournalView journal_view(const std::string& line, const Options& opts) {
    if (opts.prefix_line) {
        auto w = first_words(*opts.prefix_line, 3);
        REQUIRE_MESSAGE((!w.empty() && syslog_identifier(w.back().text)), "bad test.prefix-line " << *opts.prefix_line);
        auto id = syslog_identifier(w.back().text);
        return {line, id->first, id->second};
    }
    // RFC 5424: <PRI>1 TIME HOST APP PROCID MSGID SD MSG, SD being "-" or [..][..] with quoted values.
    if (line.size() > 3 && line[0] == '<' && std::isdigit(static_cast<unsigned char>(line[1]))) {
        JournalView v;
        std::istringstream in(line);
        std::string pri, time, host, msgid;
        in >> pri >> time >> host >> v.ident >> v.pid >> msgid;
        std::size_t i = static_cast<std::size_t>(in.tellg()) + 1;
        if (line[i] == '-') {
            i += 2;
        } else {
            bool quoted = false;
            for (; i < line.size(); ++i) {
                if (line[i] == '"' && line[i - 1] != '\\') quoted = !quoted;
                if (!quoted && line[i] == ']' && (i + 1 >= line.size() || line[i + 1] != '[')) break;
            }
            i += 2;
        }
        v.message = i < line.size() ? line.substr(i) : std::string();
        if (v.pid == "-") v.pid.clear();
        return v;
    }
    // The kernel's audit records as auditd writes them ("type=NAME msg=audit(TIME:ID): BODY"):
    // journald reads them from the audit netlink socket itself and stores "NAME BODY" (its
    // process_audit_string), with _PID from the record. What auditd appends after a 0x1d byte
    // (log_format = ENRICHED) is auditd's, not the kernel's.
    if (line.rfind("type=", 0) == 0) {
        auto head_end = line.find("): ");
        auto space = line.find(' ');
        if (head_end != std::string::npos && space != std::string::npos && line.compare(space, 11, " msg=audit(") == 0) {
            std::string body = line.substr(head_end + 3);
            body = body.substr(0, body.find('\x1d'));
            std::string pid;
            if (auto at = body.find("pid="); at != std::string::npos && (at == 0 || body[at - 1] == ' '))
                pid = body.substr(at + 4, body.find(' ', at) - at - 4);
            return {line.substr(5, space - 5) + " " + body, "audit", pid};
        }
    }
    // multilog: "@" and 24 hex digits of TAI64N.
    if (line.size() > 26 && line[0] == '@' && line[25] == ' ' &&
        std::all_of(line.begin() + 1, line.begin() + 25, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
        return {line.substr(26), "", ""};

    std::vector<Word> w = first_words(line, 6);
    // syslog-ng's "YYYY-MM-DD HH:MM:SS host ident[pid]:". Daemons' own lines share the date
    // format, so only the full form with a pid counts.
    if (w.size() > 4 && w[0].text.size() == 10 && is_digits(w[0].text.substr(0, 4)) && w[0].text[4] == '-' &&
        w[1].text.size() >= 8 && w[1].text[2] == ':' && host_word(w[2].text) && syslog_identifier(w[3].text) &&
        w[3].text.find('[') != std::string::npos)
        return message_after(line, w[3], false);
    std::size_t first = 0;
    if (bsd_time(w)) first = 3;
    else if (!w.empty() && iso_time(w[0].text)) first = 1;
    // [host] ident[pid]: after a time stamp; host ident[pid]: without one.
    const bool bsd = first == 3;
    if (first > 0 && first < w.size() && syslog_identifier(w[first].text, bsd) && plain_identifier(w[first].text))
        return message_after(line, w[first], bsd);
    if (first + 1 < w.size() && host_word(w[first].text) && syslog_identifier(w[first + 1].text, bsd) &&
        (first > 0 || w[first + 1].text.find('[') != std::string::npos))
        return message_after(line, w[first + 1], bsd);
    // A BSD time and host, then no identifier journald would recognise: the rest is MESSAGE.
    if (first == 3 && w.size() > 4 && host_word(w[3].text)) return {line.substr(w[3].end + 1), "", ""};
    return {line, "", ""};
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

        JournalView j = journal_view(s.text, *opts);
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
    MESSAGE(table.str());
}
