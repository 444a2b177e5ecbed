// SPDX-License-Identifier: GPL-2.0-or-later
// conf/filter.d/sshd.toml against fail2ban's annotated sshd samples (tests/data/fail2ban-logs,
// see SOURCE.md there): every annotated line, in every mode its block lists, must come out as
// annotated. Lines run in file order through one Filter and one SessionTable per mode, with the
// syslog PID as the session id, as banjod runs journal entries with _PID.
#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "core/session_table.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <iomanip>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace banjo;

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

// One filter option set of a "# filterOptions:" line: fail2ban's mode (absent = its default).
struct Options {
    std::optional<std::string> mode;
    std::string run_mode() const { return mode.value_or("normal"); }
};

struct Sample {
    std::string file;
    int line = 0;
    Json annotation;
    std::string text;
    std::vector<Options> options;   // the block's option sets
};

std::vector<Options> read_options(const Json& j, const std::string& where) {
    std::vector<Json> list = j.type == Json::Type::array ? j.items : std::vector<Json>{j};
    std::vector<Options> out;
    for (const auto& o : list) {
        Options opt;
        for (const auto& [k, v] : o.members) {
            if (k == "mode") opt.mode = v.text;
            else if (k == "logtype") continue;   // the prefix reader below recognises every form
            else if (k == "test.condition") {
                if (v.text != "name=='sshd'") FAIL(where << ": unknown test.condition " << v.text);
            } else FAIL(where << ": unknown filter option " << k);
        }
        out.push_back(opt);
    }
    return out;
}

std::vector<Sample> read_samples(const std::string& name) {
    std::string path = std::string(BANJO_SOURCE_ROOT) + "/tests/data/fail2ban-logs/" + name;
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::vector<Sample> out;
    std::vector<Options> options{Options{}};
    std::optional<Json> pending;
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::string where = name + ":" + std::to_string(n);
        auto directive = [&](std::string_view tag) -> std::optional<std::string> {
            auto at = line.find(tag);
            if (line.rfind("#", 0) != 0 || at == std::string::npos || line.find_first_not_of("# ") != at)
                return std::nullopt;
            return line.substr(at + tag.size());
        };
        if (auto j = directive("filterOptions:")) {
            options = read_options(JsonReader(*j).read(), where);
        } else if (auto j = directive("failJSON:")) {
            pending = JsonReader(*j).read();
        } else if (line.empty() || line[0] == '#') {
            continue;
        } else {
            REQUIRE_MESSAGE(pending.has_value(), where << ": a log line without # failJSON");
            out.push_back(Sample{name, n, *pending, line, options});
            pending.reset();
        }
    }
    return out;
}

// What journald would store for a syslog line: MESSAGE, SYSLOG_IDENTIFIER and _PID.
struct JournalView {
    std::string message, ident, pid;
};

bool is_month_day_time(const std::vector<std::string>& w, std::size_t i) {
    return i + 2 < w.size() && w[i].size() == 3 && std::isupper(static_cast<unsigned char>(w[i][0])) &&
           std::isdigit(static_cast<unsigned char>(w[i + 1][0])) && w[i + 2].size() == 8 && w[i + 2][2] == ':';
}

// "ident[pid]:", "[ident]:", "[ident]" or "ident:" -> ident and pid.
std::optional<std::pair<std::string, std::string>> ident_token(const std::string& t) {
    std::string s = t;
    if (!s.empty() && s.back() == ':') s.pop_back();
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') return std::make_pair(s.substr(1, s.size() - 2), std::string());
    auto open = s.find('[');
    if (open != std::string::npos && s.back() == ']') return std::make_pair(s.substr(0, open), s.substr(open + 1, s.size() - open - 2));
    if (t.back() == ':' && !s.empty()) return std::make_pair(s, std::string());
    return std::nullopt;
}

JournalView to_journal(const std::string& line) {
    JournalView v;
    // RFC 5424: <PRI>1 TIME HOST APP PROCID MSGID SD MSG, SD being "-" or [..][..] with quoted values.
    if (line.rfind("<", 0) == 0) {
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
        v.message = line.substr(i);
        if (v.pid == "-") v.pid.clear();
        return v;
    }
    // BSD syslog "Mon DD HH:MM:SS [host] ident[pid]: MSG", an ISO time stamp instead, or
    // journal form "host ident[pid]: MSG" without a time.
    std::vector<std::string> words;
    std::vector<std::size_t> ends;
    for (std::size_t i = 0; i < line.size();) {
        while (i < line.size() && line[i] == ' ') ++i;
        std::size_t b = i;
        while (i < line.size() && line[i] != ' ') ++i;
        if (i > b) {
            words.push_back(line.substr(b, i - b));
            ends.push_back(i);
        }
        if (words.size() >= 6) break;
    }
    std::size_t w = 0;
    if (is_month_day_time(words, 0)) w = 3;
    else if (!words.empty() && words[0].size() > 10 && words[0][4] == '-' && words[0][10] == 'T') w = 1;
    if (w < words.size() && !ident_token(words[w])) ++w;   // a host name
    auto id = w < words.size() ? ident_token(words[w]) : std::nullopt;
    REQUIRE_MESSAGE(id.has_value(), "no syslog ident in: " << line);
    v.ident = id->first;
    v.pid = id->second;
    v.message = ends[w] + 1 <= line.size() ? line.substr(ends[w] + 1) : std::string();
    return v;
}

// fail2ban's "constraint": a Python expression; these samples use only these forms.
bool constraint_holds(const std::string& expr, const Options& opts) {
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
        if (lhs == "name") value = "sshd";
        else if (lhs == "opts.get('mode')") value = opts.mode;
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

}  // namespace

TEST_CASE("the sshd filter finds exactly what fail2ban's annotated sshd samples expect, in every mode") {
    FilterSpec spec = load_filter_file(std::string(BANJO_SOURCE_ROOT) + "/conf/filter.d/sshd.toml");
    std::map<std::string, Tally> tally;

    for (std::string file : {"sshd", "sshd-journal"}) {
        std::vector<Sample> samples = read_samples(file);
        REQUIRE(samples.size() > 50);
        for (std::string mode : {"normal", "ddos", "extra", "aggressive"}) {
            Filter filter = Filter::compile(spec, mode);
            SessionTable sessions(default_max_sessions, default_session_max_age_usec);
            Usec now = std::chrono::seconds(1'000'000'000);
            for (const Sample& s : samples) {
                const Options* opts = nullptr;
                for (const auto& o : s.options)
                    if (o.run_mode() == mode) opts = &o;
                if (!opts) continue;
                if (auto c = s.annotation.string_at("constraint"); c && !constraint_holds(*c, *opts)) continue;
                now += std::chrono::seconds(1);

                JournalView j = to_journal(s.text);
                auto m = filter.match(j.message);
                std::optional<Address> counted = m ? sessions.feed(*m, j.pid, now) : std::nullopt;
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

                ++tally[mode].lines;
                tally[mode].right += right;
                INFO(s.file << ":" << s.line << " [" << mode << "] " << j.message);
                INFO("expected " << (expected ? "failure from " + want_host.value_or("?") : "no failure") << ", got "
                                 << (failure ? "failure from " + host : "no failure")
                                 << (m ? " (pattern " + std::to_string(m->pattern_index) + ", user '" +
                                             std::string(m->user) + "')"
                                       : ""));
                CHECK(right);
            }
        }
    }

    std::ostringstream table;
    table << "sshd samples per mode:\n" << std::left << std::setw(12) << "mode" << std::setw(8) << "lines"
          << std::setw(8) << "right" << "wrong\n";
    for (const auto& [mode, t] : tally)
        table << std::setw(12) << mode << std::setw(8) << t.lines << std::setw(8) << t.right << t.lines - t.right << "\n";
    MESSAGE(table.str());
    for (std::string mode : {"normal", "ddos", "extra", "aggressive"}) CHECK(tally[mode].lines > 0);
}
