// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/regex_translation.hpp"

#include "fail2ban/fail2ban_filter.hpp"
#include "fail2ban/ini_marks.hpp"

#include <cctype>
#include <map>

namespace banjo {
namespace {

// The index just past the mark that opens at s[i] (nested marks included).
std::size_t mark_end(std::string_view s, std::size_t i) {
    int depth = 0;
    for (; i < s.size(); ++i) {
        if (s[i] == mark_open) ++depth;
        else if (s[i] == mark_close && --depth == 0) return i + 1;
    }
    return s.size();
}

std::string mark_name(std::string_view s, std::size_t i) {
    std::size_t v = s.find(mark_value, i);
    return std::string(s.substr(i + 1, v == std::string_view::npos ? 0 : v - i - 1));
}

bool always_dropped(const std::string& name) {
    auto it = syslog_prefix_variables().find(name);
    return it != syslog_prefix_variables().end() && it->second == MarkKind::empty;
}

// What of fail2ban's file-format prefix (common.conf's lt_file __prefix_line) a journal MESSAGE
// still holds: everything up to "daemon[pid]: " is split off by journald, but Solaris's message
// id that syslog writes after it ("[ID 800047 auth.info]") is message text.
constexpr std::string_view prefix_remainder = "(?:\\[ID \\d+ \\S+\\]\\s+)?";

// Drops the syslog prefix: at the start (after '^' and <F-MLFID>) every prefix variable, after
// that only those that are always dropped; the others are message text there and stay. Where
// __prefix_line was, its remainder stays.
std::string drop_prefix(std::string_view s, TranslatedRegex& t) {
    std::string out;
    std::size_t i = 0;
    if (i < s.size() && s[i] == '^') out += s[i++];
    const std::string_view mlfid_open = "<F-MLFID>", mlfid_close = "</F-MLFID>";
    bool mlfid_first = false, dropped_any = false, dropped_line = false;
    if (s.substr(i, mlfid_open.size()) == mlfid_open) {
        out += mlfid_open;
        i += mlfid_open.size();
        mlfid_first = true;
    }
    while (i < s.size() && s[i] == mark_open) {
        std::string name = mark_name(s, i);
        t.dropped_prefix.insert(name);
        dropped_line = dropped_line || always_dropped(name);
        i = mark_end(s, i);
        dropped_any = true;
    }
    if (mlfid_first && dropped_any && s.substr(i, mlfid_close.size()) == mlfid_close) {
        out.resize(out.size() - mlfid_open.size());
        i += mlfid_close.size();
        t.session_from_prefix = true;
    }
    if (dropped_line) out += prefix_remainder;
    while (i < s.size()) {
        char c = s[i];
        if (c == mark_open) {
            std::string name = mark_name(s, i);
            if (always_dropped(name)) {
                t.dropped_prefix.insert(name);
                out += prefix_remainder;
                i = mark_end(s, i);
                continue;
            }
            t.kept_prefix.insert(name);
            std::size_t v = s.find(mark_value, i);
            i = v == std::string_view::npos ? s.size() : v + 1;
            continue;
        }
        if (c != mark_close) out += c;
        ++i;
    }
    return out;
}

// The end of a character class that opens at s[i] ('['), just past its ']'.
std::size_t class_end(std::string_view s, std::size_t i) {
    ++i;
    if (i < s.size() && s[i] == '^') ++i;
    if (i < s.size() && s[i] == ']') ++i;
    while (i < s.size() && s[i] != ']') {
        if (s[i] == '\\') i += 2;
        else if (s.substr(i, 2) == "[:") {
            std::size_t stop = s.find(":]", i + 2);
            i = stop == std::string_view::npos ? i + 1 : stop + 2;
        } else ++i;
    }
    return std::min(i + 1, s.size());
}

// The length of the escape at s[i] ('\'): \Q..\E verbatim, \k<name> and \g<name> whole.
std::size_t escape_length(std::string_view s, std::size_t i) {
    if (s.substr(i, 2) == "\\Q") {
        std::size_t stop = s.find("\\E", i + 2);
        return stop == std::string_view::npos ? s.size() - i : stop + 2 - i;
    }
    std::size_t n = std::min<std::size_t>(2, s.size() - i);
    char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if ((next == 'k' || next == 'g') && i + 2 < s.size() && s[i + 2] == '<') {
        std::size_t stop = s.find('>', i + 2);
        if (stop != std::string_view::npos) n = stop + 1 - i;
    }
    return n;
}

// The name of a field tag at s[i] ('<'): "F-USER" for <F-USER>, "/F-USER" for </F-USER>; "" if none.
std::string field_tag_at(std::string_view s, std::size_t i) {
    std::size_t j = i + 1;
    if (j < s.size() && s[j] == '/') ++j;
    if (s.substr(j, 2) != "F-") return {};
    std::size_t k = j + 2;
    while (k < s.size() && (std::isalnum(static_cast<unsigned char>(s[k])) || s[k] == '_' || s[k] == '-')) ++k;
    if (k >= s.size() || s[k] != '>' || k == j + 2) return {};
    return std::string(s.substr(i + 1, k - i - 1));
}

// Top-level alternatives of a pattern, as [begin, end) ranges. <F-NAME>..</F-NAME> is a group
// like (...): "<F-USER>\S+|.*?</F-USER>" has no top-level '|'.
std::vector<std::pair<std::size_t, std::size_t>> branches(std::string_view s) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::size_t begin = 0;
    int depth = 0;
    for (std::size_t i = 0; i < s.size();) {
        char c = s[i];
        if (c == '\\') { i += escape_length(s, i); continue; }
        if (c == '[') { i = class_end(s, i); continue; }
        if (c == '<') {
            std::string tag = field_tag_at(s, i);
            if (!tag.empty()) {
                if (tag[0] == '/') depth = std::max(0, depth - 1);
                else if (s.find("</" + tag + ">", i) != std::string_view::npos) ++depth;
                i += tag.size() + 2;
                continue;
            }
        }
        if (c == '(') ++depth;
        else if (c == ')') depth = std::max(0, depth - 1);
        else if (c == '|' && depth == 0) {
            out.emplace_back(begin, i);
            begin = i + 1;
        }
        ++i;
    }
    out.emplace_back(begin, s.size());
    return out;
}

bool ends_with_anchor(std::string_view s) {
    if (s.empty() || s.back() != '$') return false;
    std::size_t slashes = 0;
    for (std::size_t i = s.size() - 1; i > 0 && s[i - 1] == '\\'; --i) ++slashes;
    return slashes % 2 == 0;
}

bool ends_with_any(std::string_view s) {
    if (s.size() < 2 || s[s.size() - 2] != '.' || (s.back() != '*' && s.back() != '+')) return false;
    return s.size() < 3 || s[s.size() - 3] != '\\';
}

const std::map<std::string, std::string>& spelled_out_tags() {
    static const std::map<std::string, std::string> tags = {
        {"F-ID/", "<F-ID>\\S+</F-ID>"}, {"F-PORT/", "<F-PORT>\\w+</F-PORT>"}, {"F-IP4/", "<IP4>"},
        {"F-IP6/", "<IP6>"},            {"F-ADDR/", "<ADDR>"},               {"F-CIDR/", "<CIDR>"},
    };
    return tags;
}

bool field_tag_name(std::string_view name) {
    if (name.substr(0, 2) != "F-" || name.size() == 2) return false;
    for (char c : name.substr(2))
        if (!(std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
            return false;
    return true;
}

class TagRewriter {
public:
    TagRewriter(std::string_view s, bool multiline, TranslatedRegex& t) : s_(s), multiline_(multiline), t_(t) {}

    // false: the pattern cannot be translated (t_.reason says why).
    bool run() {
        while (i_ < s_.size()) {
            char c = s_[i_];
            if (c == '\\') {
                if (s_.substr(i_, 2) == "\\n" && multiline_)
                    return fail("'\\n' joins several log lines (the filter buffers maxlines); banjo matches one journal "
                                "entry at a time and correlates entries by session id instead");
                copy(escape_length(s_, i_));
            } else if (c == '[') {
                copy(class_end(s_, i_) - i_);
            } else if (s_.substr(i_, 3) == "(?#") {
                std::size_t stop = s_.find(')', i_);
                copy(stop == std::string_view::npos ? s_.size() - i_ : stop + 1 - i_);
            } else if (s_.substr(i_, 3) == "(?P" || s_.substr(i_, 3) == "(?<") {
                copy(s_.substr(i_, 3) == "(?P" ? 4 : 3);   // PCRE2's own '<' (named group, lookbehind)
            } else if (c == '{' && i_ + 1 < s_.size() && s_[i_ + 1] == ',') {
                std::size_t j = i_ + 2;
                while (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) ++j;
                if (j > i_ + 2 && j < s_.size() && s_[j] == '}') {
                    out_ += "{0";
                    ++i_;
                    change("Python's \"{,n}\" written \"{0,n}\"");
                } else {
                    copy(1);
                }
            } else if (c == '<') {
                if (!tag()) return false;
            } else {
                copy(1);
            }
        }
        return true;
    }

    std::string take() { return std::move(out_); }

private:
    bool fail(std::string reason) {
        t_.reason = std::move(reason);
        return false;
    }
    void copy(std::size_t n) {
        n = std::min(n, s_.size() - i_);
        out_ += s_.substr(i_, n);
        i_ += n;
    }
    void change(const std::string& what) {
        for (const auto& c : t_.changes)
            if (c == what) return;
        t_.changes.push_back(what);
    }

    // fail2ban's tag shape: '<', an optional '/', word characters and '-', an optional '/', '>'.
    bool tag() {
        std::size_t j = i_ + 1;
        if (j < s_.size() && s_[j] == '/') ++j;
        std::size_t k = j;
        while (k < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[k])) || s_[k] == '_' || s_[k] == '-')) ++k;
        if (k == j) return copy(1), true;
        if (k < s_.size() && s_[k] == '/') ++k;
        if (k >= s_.size() || s_[k] != '>') return copy(1), true;
        std::string whole(s_.substr(i_, k + 1 - i_));
        std::string name(s_.substr(i_ + 1, k - i_ - 1));
        if (name == "HOST" || name == "ADDR" || name == "IP4" || name == "IP6" || name == "CIDR" ||
            field_tag_name(name) || (name[0] == '/' && field_tag_name(name.substr(1)))) {
            copy(whole.size());
            return true;
        }
        i_ += whole.size();
        if (auto it = spelled_out_tags().find(name); it != spelled_out_tags().end()) {
            out_ += it->second;
            change(whole + " written " + it->second);
            return true;
        }
        if (name == "SUBNET" || name == "F-SUBNET/") {
            out_ += "<ADDR>(?:/<CIDR>)?";
            t_.warnings.push_back(whole + " written <ADDR>(?:/<CIDR>)?: banjo bans the address, not the network");
            return true;
        }
        if (name == "DNS" || name == "F-DNS/")
            return fail(whole + " matches host names only; banjo bans addresses and never resolves names");
        if (name == "SKIPLINES")
            return fail("<SKIPLINES> matches across several log lines; banjo matches one journal entry at a time "
                        "and correlates entries by session id instead");
        // What is left is no tag of fail2ban's regex language: a variable nothing defines, or
        // literal text. fail2ban matches it literally; so does banjo once the '<' is escaped.
        out_ += "\\" + whole;
        t_.warnings.push_back(whole + " is neither a fail2ban regex tag nor a variable of the filter: matched "
                              "literally, as fail2ban does (it may be a typo or a missing filter argument)");
        return true;
    }

    std::string_view s_;
    bool multiline_;
    TranslatedRegex& t_;
    std::size_t i_ = 0;
    std::string out_;
};

}  // namespace

TranslatedRegex translate_fail2ban_regex(std::string_view text, bool multiline) {
    TranslatedRegex t;
    std::string s = drop_prefix(text, t);

    TagRewriter rewriter(s, multiline, t);
    if (!rewriter.run()) return t;
    std::string p = rewriter.take();

    auto parts = branches(p);
    bool all_anchored_end = true;
    bool warned_start = false;
    std::string joined;
    for (std::size_t b = 0; b < parts.size(); ++b) {
        std::string branch = p.substr(parts[b].first, parts[b].second - parts[b].first);
        if (!branch.empty() && branch.front() == '^') {
            branch.erase(0, 1);
        } else if (!warned_start) {
            t.warnings.push_back("fail2ban found this pattern anywhere in the line (it has no '^'); banjo anchors it "
                                 "at the start of the message: a message with other text before it no longer matches");
            warned_start = true;
        }
        if (branch.rfind(".*", 0) == 0 || branch.rfind(".+", 0) == 0)
            t.warnings.push_back("starts with \"" + branch.substr(0, 2) + "\": any text, also text an attacker "
                                 "controls, may come before what follows; check it cannot supply the address");
        if (!ends_with_anchor(branch)) all_anchored_end = false;
        joined += (b ? "|" : "") + branch;
    }
    if (parts.size() == 1) {
        if (ends_with_anchor(joined)) joined.pop_back();
        else if (!ends_with_any(joined)) {
            joined += ".*";
            t.tail_appended = true;
        }
    } else if (!all_anchored_end) {
        joined = "(?:" + joined + ").*";
        t.tail_appended = true;
    }
    if (joined.empty() || joined == prefix_remainder) {
        t.reason = "nothing but the syslog prefix";
        return t;
    }
    t.pattern = std::move(joined);
    return t;
}

}  // namespace banjo
