// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/filter_tags.hpp"
#include "core/input_excerpt.hpp"

#include <cctype>

namespace banjo {
namespace {

// Address shapes. They only delimit a candidate; Address::parse decides what it is, so they can
// stay loose (leading zeros, out-of-range octets) without ever letting text with a space in.
constexpr std::string_view ipv4_re = R"(\d{1,3}(?:\.\d{1,3}){3})";
constexpr std::string_view ipv6_re =
    R"((?:[0-9A-Fa-f]{0,4}:){2,8}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4})(?:%[0-9A-Za-z_.-]+)?)";
// A host name's last label is never all digits: that keeps a port number ("... 192.0.2.1 port
// 22") or a truncated address from reading as a name when a greedy user capture backtracks.
constexpr std::string_view dns_re = R"((?:[A-Za-z0-9_-]+\.)*[0-9]*[A-Za-z_-][A-Za-z0-9_-]*)";

std::string group(std::string_view name, std::string_view body) {
    return "(?<" + std::string(name) + ">" + std::string(body) + ")";
}

std::string bracketed_ipv6() { return R"(\[)" + std::string(ipv6_re) + R"(\])"; }

// The expansion of an address tag, or "" when `name` is not one.
std::string address_tag(std::string_view name) {
    const std::string v4(ipv4_re), v6(ipv6_re), b6 = bracketed_ipv6();
    if (name == "HOST") return group(tag_group::host, b6 + "|" + v4 + "|" + v6 + "|" + std::string(dns_re));
    if (name == "ADDR") return group(tag_group::host, b6 + "|" + v4 + "|" + v6);
    if (name == "IP4") return group(tag_group::host, v4);
    if (name == "IP6") return group(tag_group::host, b6 + "|" + v6);
    if (name == "CIDR") return group(tag_group::cidr, R"(\d{1,3})");
    return {};
}

bool is_marker(std::string_view group_name) {
    return group_name == tag_group::nofail || group_name == tag_group::forget || group_name == tag_group::gained;
}

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

class Translator {
public:
    Translator(const Pattern& p, std::string_view what) : p_(p), s_(p.text), what_(what) {}

    TranslatedPattern run() {
        while (i_ < s_.size()) {
            char c = s_[i_];
            if (c == '\\') escape();
            else if (c == '[') char_class();
            else if (c == '(' && s_.substr(i_, 2) == "(?") group_open();
            else if (c == '<') tag();
            else copy(1);
        }
        if (!open_.empty()) fail("<F-" + open_.back().first + "> is never closed");
        return std::move(out_);
    }

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw ConfigError(p_.where, std::string(what_) + ": " + message);
    }

    void emit(std::string_view text, std::size_t source) {
        out_.regex += text;
        out_.source_offset.insert(out_.source_offset.end(), text.size(), source);
    }
    void copy(std::size_t n) {
        n = std::min(n, s_.size() - i_);
        for (std::size_t k = 0; k < n; ++k) emit(s_.substr(i_ + k, 1), i_ + k);
        i_ += n;
    }
    void copy_through(char end) {
        std::size_t stop = s_.find(end, i_);
        copy(stop == std::string_view::npos ? s_.size() - i_ : stop - i_ + 1);
    }

    // "\<" stays a literal '<'; \Q..\E is verbatim; \k<name> and \g<name> are back-references.
    void escape() {
        if (s_.substr(i_, 2) == "\\Q") {
            std::size_t stop = s_.find("\\E", i_ + 2);
            copy(stop == std::string_view::npos ? s_.size() - i_ : stop - i_ + 2);
            return;
        }
        char next = i_ + 1 < s_.size() ? s_[i_ + 1] : '\0';
        copy(2);
        if ((next == 'k' || next == 'g') && i_ < s_.size() && s_[i_] == '<') copy_through('>');
    }

    // Inside [...] a '<' is just a byte: "[<>]" must not start a tag.
    void char_class() {
        copy(1);
        if (i_ < s_.size() && s_[i_] == '^') copy(1);
        if (i_ < s_.size() && s_[i_] == ']') copy(1);
        while (i_ < s_.size() && s_[i_] != ']') {
            if (s_[i_] == '\\') copy(2);
            else if (s_.substr(i_, 2) == "[:") {
                std::size_t stop = s_.find(":]", i_ + 2);
                copy(stop == std::string_view::npos ? 1 : stop - i_ + 2);
            } else copy(1);
        }
        copy(1);
    }

    // "(?<name>", "(?P<name>", "(?<=", "(?<!": PCRE2's own uses of '<'; "(?#...)": a comment.
    void group_open() {
        if (s_.substr(i_, 3) == "(?#") return copy_through(')');
        copy(2);
        if (i_ < s_.size() && s_[i_] == 'P') copy(1);
        if (i_ < s_.size() && s_[i_] == '<') copy(1);
    }

    void tag() {
        std::size_t start = i_;
        bool closing = s_.substr(i_, 2) == "</";
        std::size_t j = i_ + (closing ? 2 : 1);
        if (j >= s_.size() || !ident_start(s_[j])) return copy(1);
        std::size_t k = j;
        while (k < s_.size() && ident_char(s_[k])) ++k;
        if (k >= s_.size() || s_[k] != '>') return copy(1);
        std::string_view name = s_.substr(j, k - j);
        std::string_view whole = s_.substr(start, k + 1 - start);
        i_ = k + 1;

        if (name.substr(0, 2) == "F-") return field_tag(name.substr(2), whole, closing, start);
        std::string expansion = closing ? std::string() : address_tag(name);
        if (expansion.empty())
            fail("unknown tag " + input_excerpt(whole) +
                 " (known: <HOST>, <ADDR>, <IP4>, <IP6>, <CIDR>, <F-NAME>..</F-NAME>; write \\< for a literal '<')");
        emit(expansion, start);
    }

    void field_tag(std::string_view name, std::string_view whole, bool closing, std::size_t start) {
        std::string group_name = to_group_name(name, whole);
        if (closing) {
            if (open_.empty() || open_.back().first != name)
                fail(input_excerpt(whole) + " does not close the innermost open <F-...> tag");
            open_.pop_back();
            return emit(")", start);
        }
        // A marker (<F-NOFAIL>) may stand alone: then it is an empty group, set when the branch
        // holding it matched. Any other field needs its closing tag.
        bool has_close = s_.find("</F-" + std::string(name) + ">", i_) != std::string_view::npos;
        if (!has_close) {
            if (!is_marker(group_name)) fail(input_excerpt(whole) + " needs a closing </F-" + std::string(name) + ">");
            return emit("(?<" + group_name + ">)", start);
        }
        open_.emplace_back(std::string(name), start);
        emit("(?<" + group_name + ">", start);
    }

    std::string to_group_name(std::string_view name, std::string_view whole) const {
        if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
            fail(input_excerpt(whole) + ": a field name must start with a letter");
        std::string g;
        for (char ch : name) {
            if (ch == '-') fail(input_excerpt(whole) + ": a field name holds letters, digits and '_' only");
            g += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        if (g == "id") return std::string(tag_group::id);
        if (g.size() > 32) fail(input_excerpt(whole) + ": a field name has at most 32 characters");
        return g;
    }

    const Pattern& p_;
    std::string_view s_;
    std::string_view what_;
    std::size_t i_ = 0;
    std::vector<std::pair<std::string, std::size_t>> open_;   // <F-NAME> tags awaiting their close
    TranslatedPattern out_;
};

}  // namespace

TranslatedPattern translate_tags(const Pattern& pattern, std::string_view what) {
    return Translator(pattern, what).run();
}

}  // namespace banjo
