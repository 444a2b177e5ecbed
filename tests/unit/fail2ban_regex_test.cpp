// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's patterns in banjo's dialect (src/fail2ban/regex_translation.cpp).
#include "fail2ban/ini_marks.hpp"
#include "fail2ban/regex_translation.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

std::string prefix_line() { return mark_variable("__prefix_line", ""); }

// What stays of the prefix in a journal MESSAGE: Solaris's optional message id.
const std::string remainder = "(?:\\[ID \\d+ \\S+\\]\\s+)?";

std::string translated(std::string_view text) {
    TranslatedRegex t = translate_fail2ban_regex(text, false);
    return t.pattern.value_or("<none: " + t.reason + ">");
}

}  // namespace

TEST_CASE("the syslog prefix is dropped: a journal MESSAGE starts after 'daemon[pid]: '") {
    TranslatedRegex t = translate_fail2ban_regex("^" + prefix_line() + "Failed password for .* from <HOST>$", false);
    CHECK(t.pattern == remainder + "Failed password for .* from <HOST>");
    CHECK(t.dropped_prefix == std::set<std::string>{"__prefix_line"});
}

TEST_CASE("prefix parts are dropped where they start a pattern and kept where they are message text") {
    std::string pid = mark_variable("__pid_re", "(?:\\[\\d+\\])");
    TranslatedRegex start = translate_fail2ban_regex("^" + prefix_line() + mark_variable("__hostname", "\\S+") + " x <HOST>$", false);
    CHECK(start.pattern == remainder + " x <HOST>");
    CHECK(start.dropped_prefix == std::set<std::string>{"__hostname", "__prefix_line"});
    TranslatedRegex inside = translate_fail2ban_regex("^NOTICE" + pid + ": Registration from <HOST>$", false);
    CHECK(inside.pattern == "NOTICE(?:\\[\\d+\\]): Registration from <HOST>");
    CHECK(inside.kept_prefix == std::set<std::string>{"__pid_re"});
}

TEST_CASE("an <F-MLFID> that only held the prefix is removed: the journal's _PID is the session") {
    TranslatedRegex t = translate_fail2ban_regex(
        "^<F-MLFID>" + prefix_line() + "</F-MLFID>(?:error: )?<F-CONTENT>.+</F-CONTENT>$", false);
    CHECK(t.pattern == remainder + "(?:error: )?<F-CONTENT>.+</F-CONTENT>");
    CHECK(t.session_from_prefix);
    CHECK_FALSE(translate_fail2ban_regex("^<F-MLFID>\\S+</F-MLFID> x <HOST>$", false).session_from_prefix);
}

TEST_CASE("a leading '^' and a trailing '$' go, since banjo anchors both ends") {
    CHECK(translated("^refused connect from \\S+ \\(<HOST>\\)$") == "refused connect from \\S+ \\(<HOST>\\)");
    CHECK(translated("^price \\$") == "price \\$.*");   // an escaped '$' is text
}

TEST_CASE("a pattern without '$' gets '.*': fail2ban lets any text follow a match") {
    TranslatedRegex t = translate_fail2ban_regex("^<F-USER>ROOT</F-USER> LOGIN REFUSED FROM <HOST>", false);
    CHECK(t.pattern == "<F-USER>ROOT</F-USER> LOGIN REFUSED FROM <HOST>.*");
    CHECK(t.tail_appended);
    CHECK(translated("^x <HOST>.*") == "x <HOST>.*");
    CHECK(translated("^a <HOST>$|^b <HOST>") == "(?:a <HOST>$|b <HOST>).*");
}

TEST_CASE("a pattern fail2ban searched anywhere keeps banjo's start anchor and is reported") {
    TranslatedRegex t = translate_fail2ban_regex("client <HOST> denied$", false);
    CHECK(t.pattern == "client <HOST> denied");
    REQUIRE(t.warnings.size() == 1);
    CHECK(t.warnings[0].find("fail2ban found this pattern anywhere in the line") == 0);
    TranslatedRegex any = translate_fail2ban_regex("^.*from <HOST>$", false);
    REQUIRE(any.warnings.size() == 1);
    CHECK(any.warnings[0].find("starts with \".*\"") == 0);
}

TEST_CASE("tags banjo's engine knows pass through; fail2ban's self-closing forms are spelled out") {
    CHECK(translated("^<F-NOFAIL>Connection from</F-NOFAIL> <HOST>$") == "<F-NOFAIL>Connection from</F-NOFAIL> <HOST>");
    CHECK(translated("^session <F-ID/> from <ADDR>$") == "session <F-ID>\\S+</F-ID> from <ADDR>");
    CHECK(translated("^from <F-IP4/>$") == "from <IP4>");
    CHECK(translated("^net <SUBNET>$") == "net <ADDR>(?:/<CIDR>)?");
}

TEST_CASE("<DNS> and <SKIPLINES> cannot be translated, and say why") {
    CHECK(translated("^host <DNS>$").find("<none: <DNS> matches host names only") == 0);
    CHECK(translated("^a <HOST><SKIPLINES>b$").find("<none: <SKIPLINES> matches across several log lines") == 0);
    CHECK(translate_fail2ban_regex("^a <HOST>\\nb$", true).reason.find("'\\n' joins several log lines") == 0);
    CHECK(translate_fail2ban_regex("^a [^\\n]+ <HOST>$", true).pattern == "a [^\\n]+ <HOST>");
}

TEST_CASE("a <name> that is no tag is matched literally, as fail2ban does, and reported") {
    TranslatedRegex t = translate_fail2ban_regex("^<html> from <HOST>$", false);
    CHECK(t.pattern == "\\<html> from <HOST>");
    REQUIRE(t.warnings.size() == 1);
    CHECK(t.warnings[0].find("<html> is neither a fail2ban regex tag nor a variable") == 0);
}

TEST_CASE("PCRE2's own uses of '<' and literal '<' are left alone") {
    CHECK(translated("^(?P<cond>x)?(?(cond)y|z) <HOST>$") == "(?P<cond>x)?(?(cond)y|z) <HOST>");
    CHECK(translated("^(?<=a)b \\k<n> <HOST>$") == "(?<=a)b \\k<n> <HOST>");
    CHECK(translated("^user=<<F-USER>[^>]*</F-USER>>, rip=<HOST>$") == "user=<<F-USER>[^>]*</F-USER>>, rip=<HOST>");
    CHECK(translated("^[<>] <HOST>$") == "[<>] <HOST>");
}

TEST_CASE("Python's {,n} is written {0,n}, which PCRE2 reads as a repetition") {
    TranslatedRegex t = translate_fail2ban_regex("^a{,3} <HOST>$", false);
    CHECK(t.pattern == "a{0,3} <HOST>");
    CHECK(t.changes.size() == 1);
}

TEST_CASE("a pattern that was nothing but the prefix cannot be translated") {
    CHECK(translate_fail2ban_regex("^" + prefix_line() + "$", false).reason == "nothing but the syslog prefix");
}
