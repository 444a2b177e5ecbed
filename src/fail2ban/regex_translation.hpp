// SPDX-License-Identifier: GPL-2.0-or-later
// One fail2ban pattern, as the filter resolved it (fail2ban_filter.hpp), turned into banjo's
// dialect; what changed and what behaves differently is said, never silently done:
// - The syslog prefix: %(__prefix_line)s is dropped wherever it is, the other prefix parts
//   (__daemon_re, __pid_re, __hostname, ...) where they start the pattern: a journal MESSAGE is
//   the text after "host daemon[pid]: ". Only the optional Solaris message id that syslog puts
//   after that ("[ID 800047 auth.info]") stays where __prefix_line was. An <F-MLFID> that held
//   nothing but the prefix (sshd's session) is removed: the journal's _PID is the session then.
// - Anchors: fail2ban searches a pattern anywhere in the line; banjo anchors both ends. A
//   leading '^' goes (banjo anchors); a pattern without one keeps banjo's anchor and is
//   reported, as is one starting with ".*", since guessing either way could let text an
//   attacker controls supply the address. A trailing '$' goes; a pattern without one gets ".*"
//   appended, which is exactly fail2ban's "any text may follow".
// - Tags: <HOST> <ADDR> <IP4> <IP6> <CIDR> and <F-NAME>..</F-NAME> stay (banjo's engine knows
//   them); <F-ID/>, <F-IP4/> and the other self-closing forms are spelled out; <SUBNET> becomes
//   <ADDR>(?:/<CIDR>)? (banjo bans the address). <DNS> (a name only; banjo never resolves) and
//   <SKIPLINES> (several log lines in one match) cannot be translated. Any other <name> is a
//   variable the filter does not define: matched literally, as fail2ban does, and reported.
// - Python's "{,n}" becomes "{0,n}" (PCRE2 reads the former as literal text).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

struct TranslatedRegex {
    std::optional<std::string> pattern;    // nullopt: not translatable, see `reason`
    std::string reason;
    std::vector<std::string> changes;      // rewritten, same meaning
    std::vector<std::string> warnings;     // behaves differently from fail2ban, or worth a look
    std::set<std::string> dropped_prefix;  // syslog prefix variables dropped
    std::set<std::string> kept_prefix;     // prefix variables kept: they are message text here
    bool session_from_prefix = false;      // an empty <F-MLFID></F-MLFID> was removed
    bool tail_appended = false;            // ".*" appended (fail2ban let any text follow)
};

// `multiline`: the filter buffers several lines (maxlines > 1), so a '\n' in a pattern joins
// lines, which banjo cannot do (it correlates entries by session instead).
TranslatedRegex translate_fail2ban_regex(std::string_view text, bool multiline);

}  // namespace banjo
