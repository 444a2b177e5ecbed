// SPDX-License-Identifier: GPL-2.0-or-later
// What each kind of action sends, built from an ActionEvent: an exec's argv, environment and
// stdin, a mail for sendmail -t, a webhook's JSON body, an AbuseIPDB report. The lines in an
// event are an attacker's text: they only ever become data (an argv element of their own, stdin,
// a JSON string, a mail body made printable, a form field percent-encoded). No I/O.
#pragma once

#include "config/action_config.hpp"
#include "core/action_event.hpp"
#include "core/cidr_set.hpp"

#include <string>
#include <vector>

namespace banjo {

// argv with the placeholders substituted inside each element; never more or fewer elements.
std::vector<std::string> exec_argv(const ActionSpec& spec, const ActionEvent& event);
// PATH, LANG and the BANJO_* variables (banjo.toml(5)): nothing of banjod's own environment.
std::vector<std::string> exec_environment(const ActionSpec& spec, const ActionEvent& event);
// The lines, one per line, each ending in "\n" (stdin of exec actions).
std::string lines_text(const ActionEvent& event);

// A complete message for `sendmail -t -i`: headers (From, To, Subject, MIME), a blank line, the
// body. `whois`: the summary lines of whois_summary (or why there is none), for the body.
std::string mail_message(const ActionSpec& spec, const ActionEvent& event, const std::string& host_name,
                         const std::vector<std::string>& whois = {});

// What a mail shows of a whois answer (the text of a registry, or of whoever answers: data,
// never instructions): the lines naming the network, its owner, country and abuse contact
// (inetnum, netname, descr, country, org-name, OrgName, CIDR, route, origin, abuse-mailbox,
// OrgAbuseEmail ...), else the first lines that are not comments; each made printable and cut
// to max_whois_line_chars, at most max_whois_lines of them.
inline constexpr std::size_t max_whois_lines = 20;
inline constexpr std::size_t max_whois_line_chars = 160;
std::vector<std::string> whois_summary(std::string_view output);

// The webhook's body: the spec's template with JSON-escaped values, or the default document
// {"event","jail","address","failures","bantime","expires","time","origin","reason","lines":[...]}.
std::string webhook_body(const ActionSpec& spec, const ActionEvent& event);

// AbuseIPDB's comment: the lines with user names and the host's own addresses taken out, at
// most 1024 characters.
std::string abuse_comment(const ActionEvent& event, const CidrSet& host_addresses);
// The application/x-www-form-urlencoded body of a report: ip, categories, comment.
std::string abuseipdb_form(const ActionSpec& spec, const ActionEvent& event, const CidrSet& host_addresses);

std::string percent_encode(std::string_view text);

}  // namespace banjo
