// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal/syslog_line.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace banjo {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

struct Word {
    std::string_view text;
    std::size_t end = 0;   // offset just past it in the line
};

// The first words of the line (at most N), separated by runs of spaces.
template <std::size_t N>
std::size_t first_words(std::string_view line, std::array<Word, N>& out) {
    std::size_t n = 0, i = 0;
    while (n < N) {
        while (i < line.size() && line[i] == ' ') ++i;
        if (i >= line.size()) break;
        const std::size_t begin = i;
        while (i < line.size() && line[i] != ' ') ++i;
        out[n++] = {line.substr(begin, i - begin), i};
    }
    return n;
}

bool is_month(std::string_view w) {
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return std::find(std::begin(months), std::end(months), w) != std::end(months);
}

bool is_clock(std::string_view w) {   // HH:MM:SS, then a fraction or a zone perhaps
    return w.size() >= 8 && is_digit(w[0]) && is_digit(w[1]) && w[2] == ':' && is_digit(w[3]) && is_digit(w[4]) &&
           w[5] == ':' && is_digit(w[6]) && is_digit(w[7]);
}

bool is_date(std::string_view w) {   // YYYY-MM-DD...
    return w.size() >= 10 && is_digits(w.substr(0, 4)) && w[4] == '-' && is_digits(w.substr(5, 2)) && w[7] == '-' &&
           is_digits(w.substr(8, 2));
}

// "Mon DD HH:MM:SS" in the first three words.
bool bsd_time(const Word* w, std::size_t n) {
    return n >= 3 && is_month(w[0].text) && is_digits(w[1].text) && w[1].text.size() <= 2 && is_clock(w[2].text);
}

// "2005-06-21T16:47:48..." as one word; "...Z:" ends a daemon's own prefix, not a syslog time.
bool iso_time(std::string_view w) {
    return w.size() >= 19 && w.back() != ':' && is_date(w) && w[10] == 'T' && is_clock(w.substr(11));
}

bool host_word(std::string_view w) {
    return !w.empty() && w.find_first_of("[]:=\"'()") == std::string_view::npos;
}

// A word right after a time stamp names a syslog identifier only in the forms syslog(3)
// callers use ("ident:", "ident[pid]:", "cyrus/imap[5]:", "[ident]"); anything else there
// ("auth-worker(5):", "auth(user,ip)<id>:") is a daemon's own log-file prefix.
bool plain_identifier(std::string_view s) {
    if (!s.empty() && s.back() == ':') s.remove_suffix(1);
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') return true;
    if (auto open = s.find('['); open != std::string_view::npos && !s.empty() && s.back() == ']') {
        if (!is_digits(s.substr(open + 1, s.size() - open - 2))) return false;
        s = s.substr(0, open);
    }
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return is_alnum(c) || c == '_' || c == '-' || c == '.' || c == '/';
    });
}

SyslogLine message_after(std::string_view line, const Word& ident_word, bool after_bsd_time) {
    const auto id = parse_syslog_identifier(ident_word.text, after_bsd_time);
    const std::size_t at = ident_word.end + (ident_word.end < line.size() ? 1 : 0);
    return {std::string(line.substr(at)), std::string(id->ident), std::string(id->pid)};
}

// "<PRI>1 TIME HOST APP PROCID MSGID SD MSG", SD being "-" or [..][..] with quoted values.
std::optional<SyslogLine> rfc5424(std::string_view line) {
    const std::size_t close = line.find('>');
    if (line.size() < 4 || line[0] != '<' || close == std::string_view::npos || close > 4 || close + 2 >= line.size() ||
        line[close + 1] != '1' || line[close + 2] != ' ')
        return std::nullopt;
    std::array<Word, 7> w{};
    if (first_words(line, w) < 7) return std::nullopt;
    std::size_t i = w[6].end - w[6].text.size();
    if (line[i] == '-') {
        i += 1;
    } else if (line[i] == '[') {
        bool quoted = false;
        for (; i < line.size(); ++i) {
            if (line[i] == '\\' && quoted) {
                ++i;
                continue;
            }
            if (line[i] == '"') quoted = !quoted;
            if (!quoted && line[i] == ']' && (i + 1 >= line.size() || line[i + 1] != '[')) break;
        }
        i += 1;
    } else {
        return std::nullopt;
    }
    if (i < line.size() && line[i] == ' ') ++i;
    const std::string_view app = w[3].text == "-" ? std::string_view() : w[3].text;
    const std::string_view procid = w[4].text == "-" ? std::string_view() : w[4].text;
    return SyslogLine{std::string(i < line.size() ? line.substr(i) : std::string_view()), std::string(app),
                      std::string(procid)};
}

// journald reads audit records from the kernel itself and stores "NAME BODY" (its
// process_audit_string), with _PID from the record. What auditd appends after a 0x1d byte
// (log_format = ENRICHED) is auditd's, not the kernel's.
std::optional<SyslogLine> audit_record(std::string_view line) {
    if (!line.starts_with("type=")) return std::nullopt;
    const std::size_t head_end = line.find("): ");
    const std::size_t space = line.find(' ');
    if (head_end == std::string_view::npos || space == std::string_view::npos ||
        line.compare(space, 11, " msg=audit(") != 0)
        return std::nullopt;
    std::string_view body = line.substr(head_end + 3);
    body = body.substr(0, body.find('\x1d'));
    std::string_view pid;
    if (auto at = body.find("pid="); at != std::string_view::npos && (at == 0 || body[at - 1] == ' ')) {
        pid = body.substr(at + 4);
        pid = pid.substr(0, pid.find(' '));
    }
    return SyslogLine{std::string(line.substr(5, space - 5)) + " " + std::string(body), "audit", std::string(pid)};
}

// multilog: "@" and the 24 hex digits of a TAI64N label; the rest is what the daemon wrote.
std::optional<SyslogLine> multilog(std::string_view line) {
    auto hex = [](char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
    if (line.size() <= 26 || line[0] != '@' || line[25] != ' ' || !std::all_of(line.begin() + 1, line.begin() + 25, hex))
        return std::nullopt;
    return SyslogLine{std::string(line.substr(26)), {}, {}};
}

}  // namespace

std::optional<SyslogIdentifier> parse_syslog_identifier(std::string_view w, bool after_bsd_time) {
    std::string_view bare = w;
    if (!bare.empty() && bare.back() == ':') bare.remove_suffix(1);
    if (after_bsd_time && bare.size() > 2 && bare.front() == '[' && bare.back() == ']' &&
        bare.find_first_of("[]", 1) == bare.size() - 1)
        return SyslogIdentifier{bare.substr(1, bare.size() - 2), {}};
    if (w.size() < 2 || w.back() != ':') return std::nullopt;
    if (bare.back() == ']') {
        const std::size_t open = bare.rfind('[');
        if (open != std::string_view::npos && open > 0)
            return SyslogIdentifier{bare.substr(0, open), bare.substr(open + 1, bare.size() - open - 2)};
    }
    return SyslogIdentifier{bare, {}};
}

SyslogLine split_syslog_line(std::string_view line) {
    if (auto s = rfc5424(line)) return *s;
    if (auto s = audit_record(line)) return *s;
    if (auto s = multilog(line)) return *s;

    std::array<Word, 6> w{};
    const std::size_t n = first_words(line, w);
    // syslog-ng's "YYYY-MM-DD HH:MM:SS host ident[pid]:". Daemons' own lines share the date
    // format, so only the full form with a pid counts.
    if (n > 4 && w[0].text.size() == 10 && is_date(w[0].text) && is_clock(w[1].text) && host_word(w[2].text) &&
        parse_syslog_identifier(w[3].text) && w[3].text.find('[') != std::string_view::npos)
        return message_after(line, w[3], false);

    std::size_t first = 0;
    if (bsd_time(w.data(), n)) first = 3;
    else if (n > 0 && iso_time(w[0].text)) first = 1;
    const bool bsd = first == 3;
    // [host] ident[pid]: after a time stamp; host ident[pid]: without one.
    if (first > 0 && first < n && parse_syslog_identifier(w[first].text, bsd) && plain_identifier(w[first].text))
        return message_after(line, w[first], bsd);
    if (first + 1 < n && host_word(w[first].text) && parse_syslog_identifier(w[first + 1].text, bsd) &&
        (first > 0 || w[first + 1].text.find('[') != std::string_view::npos))
        return message_after(line, w[first + 1], bsd);
    // A BSD time and host, then no identifier journald would recognise: the rest is MESSAGE.
    if (bsd && n > 4 && host_word(w[3].text)) return {std::string(line.substr(w[3].end + 1)), {}, {}};
    return {std::string(line), {}, {}};
}

}  // namespace banjo
