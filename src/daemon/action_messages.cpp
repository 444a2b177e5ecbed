// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/action_messages.hpp"

#include "core/duration.hpp"
#include "text/json_writer.hpp"
#include "text/printable.hpp"

#include <ctime>
#include <regex>

namespace banjo {

namespace {

std::string value(std::string_view name, const ActionEvent& e) { return *placeholder_value(name, e); }

std::int64_t to_int(const std::string& s) { return std::stoll(s); }

std::string utc_text(Usec t) {
    const std::time_t seconds = static_cast<std::time_t>(std::chrono::duration_cast<std::chrono::seconds>(t).count());
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

// A user name follows these words in the log lines of sshd, PAM, dovecot, postfix and most
// others ("invalid user NAME", "for NAME from", "user=<NAME>", "login=NAME").
const std::regex& user_pattern() {
    static const std::regex pattern(
        R"(\b((?:invalid user|illegal user|user|for|login|ruser|rhost-user|account|username|sasl_username)(?:=|: ?| ))<?([^\s>,;]+))",
        std::regex::icase | std::regex::optimize);
    return pattern;
}

}  // namespace

std::vector<std::string> exec_argv(const ActionSpec& spec, const ActionEvent& event) {
    std::vector<std::string> out;
    out.reserve(spec.argv.size());
    for (const auto& arg : spec.argv) out.push_back(substitute_placeholders(arg, event));
    return out;
}

std::vector<std::string> exec_environment(const ActionSpec& spec, const ActionEvent& event) {
    std::vector<std::string> env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
                                    "BANJO_ACTION=" + spec.name};
    for (auto name : {"event", "jail", "address", "failures", "bantime", "expires", "time", "origin", "reason"}) {
        std::string var = "BANJO_";
        for (const char* c = name; *c; ++c) var += static_cast<char>(*c - 'a' + 'A');
        env.push_back(var + "=" + value(name, event));
    }
    return env;
}

std::string lines_text(const ActionEvent& event) {
    std::string out;
    if (event.lines)
        for (const auto& line : *event.lines) out += line + "\n";
    return out;
}

std::string mail_message(const ActionSpec& spec, const ActionEvent& event, const std::string& host_name,
                         const std::vector<std::string>& whois) {
    const bool ban = event.trigger == ActionTrigger::ban;
    const std::string address = event.address.to_string();
    const std::string host = printable(host_name, 64);
    std::string m;
    m += "From: banjo on " + host + " <" + spec.from + ">\n";
    m += "To: " + spec.to + "\n";
    m += "Subject: [banjo] " + address + (ban ? " banned" : " unbanned") + " in jail " + event.jail + " on " + host + "\n";
    m += "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n";
    m += "Auto-Submitted: auto-generated\n\n";
    if (ban) {
        m += "banjo banned " + address + " in jail " + event.jail + " on " + host + " after " +
             std::to_string(event.failures) + " failures (origin: " + event.origin + ").\n";
        m += event.expires == infinite_usec ? std::string("The ban is permanent.\n")
                                            : "The ban lasts " + value("bantime", event) + " seconds, until " +
                                                  utc_text(event.expires) + ".\n";
    } else {
        m += "banjo lifted the ban of " + address + " in jail " + event.jail + " on " + host + " (" + event.reason + ").\n";
    }
    if (event.lines && !event.lines->empty()) {
        m += "\nThe log lines behind the ban (the last " + std::to_string(event.lines->size()) + "):\n\n";
        // Made printable again: a mail body is read by people and their mail programs.
        for (const auto& line : *event.lines) m += "    " + printable(line) + "\n";
    }
    if (!whois.empty()) {
        m += "\nwhois " + address + " (as its registry answered, unverified):\n\n";
        for (const auto& line : whois) m += "    " + printable(line) + "\n";
    }
    m += "\n-- \nbanjod(8), banjo.toml(5)\n";
    return m;
}

std::vector<std::string> whois_summary(std::string_view output) {
    static const std::regex key(
        "(inetnum|inet6num|netrange|cidr|netname|descr|country|org-name|orgname|organization|owner|route|route6|origin|"
        "abuse-mailbox|orgabuseemail|orgabusephone|abuse-c|e-mail):.*",
        std::regex::icase | std::regex::optimize);
    std::vector<std::string> keyed, plain;
    std::size_t start = 0;
    while (start < output.size() && keyed.size() < max_whois_lines) {
        std::size_t end = output.find('\n', start);
        if (end == std::string_view::npos) end = output.size();
        std::string_view raw = output.substr(start, end - start);
        start = end + 1;
        while (!raw.empty() && (raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
        if (raw.empty() || raw.front() == '%' || raw.front() == '#') continue;
        std::string line = printable(raw.substr(0, 4 * max_whois_line_chars), max_whois_line_chars);
        if (std::regex_match(line, key)) keyed.push_back(std::move(line));
        else if (plain.size() < max_whois_lines / 2) plain.push_back(std::move(line));
    }
    return keyed.empty() ? plain : keyed;
}

std::string webhook_body(const ActionSpec& spec, const ActionEvent& event) {
    if (!spec.body.empty()) return substitute_placeholders(spec.body, event, PlaceholderEscape::json_string);
    JsonWriter json;
    json.begin_object();
    json.field("event", std::string(to_string(event.trigger)));
    json.field("jail", event.jail);
    json.field("address", event.address.to_string());
    json.field("failures", static_cast<std::uint64_t>(event.failures));
    json.field("bantime", to_int(value("bantime", event)));
    json.field("expires", to_int(value("expires", event)));
    json.field("time", to_int(value("time", event)));
    json.field("origin", event.origin);
    json.field("reason", event.reason);
    json.key("lines");
    json.begin_array();
    if (event.lines)
        for (const auto& line : *event.lines) json.value(line);
    json.end_array();
    json.end_object();
    std::string body = json.finish();
    if (!body.empty() && body.back() == '\n') body.pop_back();
    return body;
}

std::string abuse_comment(const ActionEvent& event, const CidrSet& host_addresses) {
    std::string comment = "banjo: " + std::to_string(event.failures) + " failures in jail " + event.jail;
    if (event.lines)
        for (const auto& line : *event.lines) {
            std::string redacted = std::regex_replace(line, user_pattern(), "$1[user]");
            // The host's own addresses stay private: every word that parses as one goes.
            std::string out, word;
            auto flush = [&] {
                auto a = Address::parse(word);
                out += a && host_addresses.contains(*a) ? std::string("[host]") : word;
                word.clear();
            };
            for (char c : redacted) {
                if (c == ' ' || c == ',' || c == ';' || c == '(' || c == ')' || c == '[' || c == ']' || c == '=' ||
                    c == '<' || c == '>') {
                    flush();
                    out += c;
                } else {
                    word += c;
                }
            }
            flush();
            comment += "\n" + out;
        }
    if (comment.size() > 1024) {
        std::size_t n = 1024;
        while (n > 0 && (static_cast<unsigned char>(comment[n]) & 0xC0) == 0x80) --n;
        comment.resize(n);
    }
    return comment;
}

std::string percent_encode(std::string_view text) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string abuseipdb_form(const ActionSpec& spec, const ActionEvent& event, const CidrSet& host_addresses) {
    std::string categories;
    for (unsigned c : spec.categories) categories += (categories.empty() ? "" : ",") + std::to_string(c);
    return "ip=" + percent_encode(event.address.to_string()) + "&categories=" + percent_encode(categories) +
           "&comment=" + percent_encode(abuse_comment(event, host_addresses));
}

}  // namespace banjo
