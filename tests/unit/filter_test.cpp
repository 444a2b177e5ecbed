// SPDX-License-Identifier: GPL-2.0-or-later
// The filter engine (src/core/filter.cpp, filter_tags.cpp) and the filter file reader
// (src/config/filter_file.cpp): tags, anchoring, markers, modes, and the errors a filter
// author sees.
#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using namespace banjo;

namespace {

FilterSpec spec_of(const std::string& toml) { return parse_filter_toml(toml, "/etc/banjo/filter.d/test.toml"); }

Filter filter_of(const std::string& toml, const std::string& mode = "") { return Filter::compile(spec_of(toml), mode); }

// A one-pattern filter: `pattern` is a TOML literal string's content.
Filter one(const std::string& pattern) { return filter_of("failregex = ['" + pattern + "']\nid-field = \"_PID\"\n"); }

std::string error_of(const std::string& toml, const std::string& mode = "") {
    try {
        Filter::compile(spec_of(toml), mode);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("<HOST> takes an address in every written form and gives it parsed") {
    Filter f = one("Failed for <HOST>");
    for (auto [text, canonical] : {std::pair{"198.51.100.4", "198.51.100.4"},
                                   {"2001:db8::1", "2001:db8::1"},
                                   {"[2001:db8::1]", "2001:db8::1"},
                                   {"fe80::1%eth0", "fe80::1"},
                                   {"::ffff:198.51.100.4", "198.51.100.4"},
                                   {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"}}) {
        CAPTURE(text);
        std::string message = std::string("Failed for ") + text;   // the match views into it
        auto m = f.match(message);
        REQUIRE(m);
        CHECK(m->host == text);
        REQUIRE(m->address);
        CHECK(m->address->to_string() == canonical);
        CHECK(m->kind == MatchKind::failure);
    }
}

TEST_CASE("<HOST> takes a DNS name as text but never gives it as an address") {
    auto m = one("Failed for <HOST>").match("Failed for mail.example.com");
    REQUIRE(m);
    CHECK(m->host == "mail.example.com");
    CHECK_FALSE(m->address);
}

TEST_CASE("<HOST> does not read a bare number as a host name") {
    // Otherwise a greedy user capture could end at "port" and leave the port as the "host".
    auto m = one("closed by user <F-USER>.*</F-USER> <HOST>(?: port \\d+)?").match("closed by user x 198.51.100.4 port 22");
    REQUIRE(m);
    CHECK(m->host == "198.51.100.4");
    CHECK(m->user == "x");
}

TEST_CASE("<ADDR>, <IP4> and <IP6> accept only their kinds of address") {
    CHECK_FALSE(one("from <ADDR>").match("from example.com"));
    CHECK(one("from <ADDR>").match("from 2001:db8::7"));
    CHECK(one("from <IP4>").match("from 198.51.100.7"));
    CHECK_FALSE(one("from <IP4>").match("from 2001:db8::7"));
    CHECK(one("from <IP6>").match("from [2001:db8::7]"));
    CHECK_FALSE(one("from <IP6>").match("from 198.51.100.7"));
}

TEST_CASE("a pattern matches the whole message or nothing") {
    Filter f = one("Failed for <HOST>");
    CHECK_FALSE(f.match("Oh: Failed for 198.51.100.4"));
    CHECK_FALSE(f.match("Failed for 198.51.100.4 and more"));
    CHECK_FALSE(f.match("Failed for 198.51.100.4\n"));
    // An alternation at the top level is anchored as a whole, not just its last branch.
    Filter alt = one("a <HOST>|b <HOST>");
    CHECK_FALSE(alt.match("a 198.51.100.4 tail"));
    CHECK(alt.match("b 198.51.100.4"));
}

TEST_CASE("<F-USER>, <F-ALT_USER> and <F-ID> are read from the match") {
    Filter f = one("u=<F-USER>\\S*</F-USER> alt=<F-ALT_USER>\\S*</F-ALT_USER> id=<F-ID>\\d+</F-ID> <HOST>");
    auto m = f.match("u=root alt=other id=42 198.51.100.4");
    REQUIRE(m);
    CHECK(m->user == "root");
    CHECK(m->id == "42");
    m = f.match("u= alt=other id=7 198.51.100.4");
    REQUIRE(m);
    CHECK(m->user == "other");   // the alternative stands in for an empty user
}

TEST_CASE("markers decide the kind of a match, by the branch that matched") {
    Filter f = one("Failed (?:<F-NOFAIL>publickey</F-NOFAIL>|\\S+) for <HOST>");
    CHECK(f.match("Failed password for 198.51.100.4")->kind == MatchKind::failure);
    CHECK(f.match("Failed publickey for 198.51.100.4")->kind == MatchKind::info);

    auto forget = one("<F-NOFAIL><F-MLFFORGET>closed <HOST>").match("closed 198.51.100.4");
    CHECK(forget->kind == MatchKind::forget);
    CHECK(forget->ends_session);

    auto failing_forget = one("<F-MLFFORGET>reset <HOST>").match("reset 198.51.100.4");
    CHECK(failing_forget->kind == MatchKind::failure);
    CHECK(failing_forget->ends_session);

    auto login = one("<F-MLFGAINED><F-MLFFORGET>Accepted <HOST>").match("Accepted 198.51.100.4");
    CHECK(login->gained);
    CHECK(login->kind == MatchKind::forget);   // a login is never a failure by itself
}

TEST_CASE("prefregex hands only its F-CONTENT part to failregex") {
    Filter f = filter_of(R"(
prefregex = '(?:error: )?<F-CONTENT>.+</F-CONTENT>'
failregex = ['Failed for <HOST>']
)");
    CHECK(f.match("error: Failed for 198.51.100.4"));
    CHECK(f.match("Failed for 198.51.100.4"));
    CHECK_FALSE(f.match("warning: Failed for 198.51.100.4"));

    Filter picky = filter_of(R"(
prefregex = 'sshd: <F-CONTENT>.+</F-CONTENT>'
failregex = ['Failed for <HOST>']
)");
    CHECK_FALSE(picky.match("Failed for 198.51.100.4"));   // prefregex must match first
    auto m = picky.match("sshd: Failed for 198.51.100.4");
    REQUIRE(m);
    CHECK(m->host == "198.51.100.4");
}

TEST_CASE("a prefregex may supply the session id the failregex lacks") {
    Filter f = filter_of(R"(
prefregex = '<F-ID>[0-9A-F]+</F-ID>: <F-CONTENT>.+</F-CONTENT>'
failregex = ['reject: <HOST>', 'too many errors']
)");
    auto m = f.match("4F2A1B: too many errors");
    REQUIRE(m);
    CHECK(m->id == "4F2A1B");
    CHECK(m->host.empty());
}

TEST_CASE("ignoreregex vetoes a failure, anchored like failregex") {
    Filter f = filter_of(R"(
failregex = ['Failed for <F-USER>\S+</F-USER> from <HOST>']
ignoreregex = ['Failed for backup from .*']
)");
    CHECK_FALSE(f.match("Failed for backup from 198.51.100.4"));
    CHECK(f.match("Failed for root from 198.51.100.4"));
}

TEST_CASE("the first failregex that matches decides, and pattern_index names it") {
    Filter f = filter_of(R"(
failregex = ['Failed for <HOST>', '<F-NOFAIL>Failed for <HOST>', 'Invalid <HOST>']
)");
    CHECK(f.match("Failed for 198.51.100.4")->pattern_index == 0);
    CHECK(f.match("Invalid 198.51.100.4")->pattern_index == 2);
    REQUIRE(f.failregex_texts().size() == 3);
    CHECK(f.failregex_texts()[2] == "Invalid <HOST>");
}

TEST_CASE("patterns are tried by the content's first byte, in list order, whatever case or class they start with") {
    // Filter::match only tries the patterns that can start with the content's first byte: a
    // pattern starting with a class, a caseless letter or no fixed byte at all must still be
    // tried, and before the later patterns that share its first byte.
    Filter f = filter_of(R"(
failregex = ['[aA]uth failure from <HOST>', '(?i)login refused from <HOST>', 'Failed for <HOST>',
             '<F-NOFAIL>Failed for <HOST>', '\w+ rejected <HOST>', '(?:x|y)? *empty', 'Failed twice <HOST>']
id-field = "_PID"
)");
    auto index = [&](const char* message) -> std::optional<std::size_t> {
        if (auto m = f.match(message)) return m->pattern_index;
        return std::nullopt;
    };
    CHECK(index("auth failure from 198.51.100.4") == 0);
    CHECK(index("Auth failure from 198.51.100.4") == 0);
    CHECK(index("LOGIN REFUSED from 198.51.100.4") == 1);
    CHECK(index("Login refused from 198.51.100.4") == 1);
    CHECK(index("Failed for 198.51.100.4") == 2);
    CHECK(index("Failed twice 198.51.100.4") == 6);
    CHECK(index("Failed rejected 198.51.100.4") == 4);
    CHECK(index("sshd rejected 198.51.100.4") == 4);
    CHECK(index(" empty") == 5);
    CHECK(index("y empty") == 5);
    CHECK_FALSE(index("Nothing from 198.51.100.4").has_value());
    CHECK_FALSE(index("").has_value());
    Filter empty = filter_of("failregex = ['(?:<HOST>)?']\nid-field = \"_PID\"\n");
    REQUIRE(empty.match("").has_value());
    CHECK(empty.match("")->host.empty());
}

TEST_CASE("a mode adds its patterns after the common ones, then those of the modes it includes") {
    const std::string toml = R"(
default-mode = "normal"
failregex = ['common <HOST>']
[modes.normal]
failregex = ['normal <HOST>']
[modes.more]
failregex = ['more <HOST>']
include = ["normal"]
)";
    Filter normal = filter_of(toml);   // "" = default-mode
    CHECK(normal.mode() == "normal");
    CHECK(normal.match("normal 198.51.100.4"));
    CHECK_FALSE(normal.match("more 198.51.100.4"));
    Filter more = filter_of(toml, "more");
    CHECK(more.failregex_texts() == std::vector<std::string>{"common <HOST>", "more <HOST>", "normal <HOST>"});
    CHECK(more.match("normal 198.51.100.4"));
}

TEST_CASE("an unknown mode is an error naming the modes there are") {
    std::string e = error_of("failregex = ['x <HOST>']\n[modes.normal]\n", "agressive");
    CHECK(e.find("no mode 'agressive'") != std::string::npos);
    CHECK(e.find("normal") != std::string::npos);
}

TEST_CASE("a literal '<' still works where it cannot be a tag") {
    CHECK(one("Failed for <invalid username> from <HOST>").match("Failed for <invalid username> from 198.51.100.4"));
    CHECK(one("a \\<HOST> b <HOST>").match("a <HOST> b 198.51.100.4"));
    CHECK(one("[<>]+ <HOST>").match("<> 198.51.100.4"));
    CHECK(one("x <= y <HOST>").match("x <= y 198.51.100.4"));
    CHECK(one("(?<word>\\w+) (?<=\\w )<HOST>").match("abc 198.51.100.4"));
    CHECK(one("\\Q<FOO>\\E <HOST>").match("<FOO> 198.51.100.4"));
}

TEST_CASE("an unknown tag is an error naming it, at the pattern's line") {
    std::string e = error_of("# a comment\nid-field = \"_PID\"\nfailregex = [\n  'ok <HOST>',\n  'bad <SUBNET> here',\n]\n");
    CHECK(e.find("/etc/banjo/filter.d/test.toml:5:") == 0);
    CHECK(e.find("<SUBNET>") != std::string::npos);
    // An unexpanded fail2ban variable is caught the same way.
    CHECK(error_of("failregex = ['<mdre-normal> <HOST>']").find("<mdre-normal>") != std::string::npos);
}

TEST_CASE("badly formed <F-...> tags are errors") {
    CHECK(error_of("failregex = ['<F-USER>x <HOST>']").find("needs a closing </F-USER>") != std::string::npos);
    CHECK(error_of("failregex = ['x</F-USER> <HOST>']").find("does not close") != std::string::npos);
    CHECK(error_of("failregex = ['<F-A><F-B>x</F-A></F-B> <HOST>']").find("does not close") != std::string::npos);
}

TEST_CASE("a bad regex is reported with PCRE2's message, at the pattern's line and column") {
    std::string e = error_of("failregex = [\n  'from <HOST> [z-a] port',\n]\n");
    // The column is the author's, not one inside <HOST>'s long expansion.
    CHECK(e.find("/etc/banjo/filter.d/test.toml:2: failregex: range out of order in character class at character 16") == 0);
}

TEST_CASE("a failregex without a host needs a session id to find one") {
    CHECK(error_of("failregex = ['Too many failures']").find("has no <HOST>") != std::string::npos);
    CHECK_NOTHROW(filter_of("id-field = \"_PID\"\nfailregex = ['Too many failures']"));
    CHECK_NOTHROW(filter_of("failregex = ['<F-ID>\\d+</F-ID>: Too many failures']"));
}

TEST_CASE("prefregex without <F-CONTENT> is an error") {
    CHECK(error_of("prefregex = 'sshd: .+'\nfailregex = ['x <HOST>']").find("needs <F-CONTENT>") != std::string::npos);
}

TEST_CASE("match works on bytes that are not UTF-8") {
    auto m = one("Invalid user <F-USER>.*</F-USER> from <HOST>").match("Invalid user \xff\xfe\xc3( from 198.51.100.4");
    REQUIRE(m);
    CHECK(m->host == "198.51.100.4");
    CHECK(m->user == "\xff\xfe\xc3(");
}

TEST_CASE("a filter file names its filter after the file and keeps every pattern's line") {
    FilterSpec s = spec_of(R"(description = "Test"
journal-match = [["_SYSTEMD_UNIT=ssh.service", "_SYSTEMD_UNIT=sshd.service"], ["_EXE=/usr/sbin/sshd"]]
id-field = "_PID"
failregex = [
  'one <HOST>',
  'two <HOST>',
]
[modes.normal]
failregex = 'three <HOST>'
)");
    CHECK(s.name == "test");
    CHECK(s.description == "Test");
    CHECK(s.journal_match.size() == 2);
    CHECK(s.journal_match[0].size() == 2);
    CHECK(s.id_field == "_PID");
    REQUIRE(s.failregex.size() == 2);
    CHECK(s.failregex[1].where.line == 6);
    CHECK(s.failregex[1].where.file == "/etc/banjo/filter.d/test.toml");
    CHECK(s.modes.at("normal").failregex.at(0).where.line == 9);
}

TEST_CASE("filter file mistakes are errors at their line") {
    auto error = [](const std::string& toml) {
        try {
            spec_of(toml);
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    CHECK(error("failregex = []\nfailregx = []\n").find("/etc/banjo/filter.d/" "test.toml:2: unknown key 'failregx'") == 0);
    CHECK(error("journal-match = [\"_PID=1\"]\n").find("list of groups") != std::string::npos);
    CHECK(error("journal-match = [[\"unit=ssh\"]]\n").find("is not FIELD=value") != std::string::npos);
    CHECK(error("id-field = \"pid\"\n").find("not a journal field name") != std::string::npos);
    CHECK(error("default-mode = \"x\"\n").find("/etc/banjo/filter.d/" "test.toml:1: 'default-mode': no mode 'x'") == 0);
    CHECK(error("[modes.a]\ninclude = [\"b\"]\n").find("/etc/banjo/filter.d/" "test.toml:2: mode 'a' includes 'b'") == 0);
    CHECK(error("[modes.a]\ninclude = [\"b\"]\n[modes.b]\ninclude = [\"a\"]\n").find("includes itself") != std::string::npos);
    CHECK(error("[modes.a]\nfailregex = []\nmaxlines = 3\n").find("unknown key 'maxlines' in mode 'a'") != std::string::npos);
    CHECK(error("failregex = [1]\n").find("only strings") != std::string::npos);
}

TEST_CASE("Filter::check compiles every mode, so a bad pattern in an unused mode is found") {
    FilterSpec s = spec_of("failregex = ['ok <HOST>']\n[modes.rare]\nfailregex = ['(bad <HOST>']\n");
    CHECK_NOTHROW(Filter::compile(s, ""));
    CHECK_THROWS_AS(Filter::check(s), ConfigError);
}

TEST_CASE("find_filter_file takes the first directory holding NAME.toml and stays inside the directories") {
    test::TempDir tmp("banjo-filter-test");
    const auto& root = tmp.dir;
    tmp.write("etc/sshd.toml", "");
    tmp.write("share/sshd.toml", "");
    tmp.write("share/nginx.toml", "");
    std::vector<std::string> dirs{(root / "etc").string(), (root / "share").string()};
    CHECK(find_filter_file("sshd", dirs) == (root / "etc" / "sshd.toml").string());
    CHECK(find_filter_file("nginx", dirs) == (root / "share" / "nginx.toml").string());
    CHECK_FALSE(find_filter_file("postfix", dirs));
    CHECK_FALSE(find_filter_file("../share/nginx", dirs));
    CHECK_FALSE(find_filter_file(".hidden", dirs));
}

TEST_CASE("the shipped sshd filter compiles in every mode") {
    FilterSpec s = load_filter_file(std::string(BANJO_SOURCE_ROOT) + "/conf/filter.d/sshd.toml");
    CHECK(s.name == "sshd");
    CHECK(s.default_mode == "normal");
    CHECK_NOTHROW(Filter::check(s));
    for (const char* mode : {"normal", "ddos", "extra", "aggressive"}) CHECK(s.modes.count(mode));
}

TEST_CASE("a pattern that repeats a group still matches a 64 KiB line, and a 1 MiB one fails cleanly") {
    // fail2ban filters often write "anything but ' from '" as a repeated lookahead group, which
    // needs more JIT stack than PCRE2's default on long lines.
    Filter f = one("Invalid user <F-USER>(?:(?! from ).)*</F-USER> from <HOST>");
    std::string line = "Invalid user " + std::string(64 * 1024, 'a') + " from 198.51.100.4";
    auto m = f.match(line);
    REQUIRE(m);
    CHECK(m->host == "198.51.100.4");
    std::string huge = "Invalid user " + std::string(1024 * 1024, 'a') + " from 198.51.100.4";
    // Past the JIT stack limit: no match (match() is noexcept), and the filter goes on working.
    CHECK_FALSE(f.match(huge).has_value());
    CHECK(f.match(line).has_value());
}

TEST_CASE("a ported pattern's raw (?P<host>...) group is read like <HOST>") {
    auto m = one("from (?P<host>\\S+) as (?P<user>\\w+)").match("from 198.51.100.4 as root");
    REQUIRE(m);
    CHECK(m->address == Address::parse("198.51.100.4"));
    CHECK(m->user == "root");
}

TEST_CASE("<CIDR> matches a prefix length after an address") {
    CHECK(one("block <ADDR>/<CIDR>").match("block 198.51.100.0/24"));
    CHECK_FALSE(one("block <ADDR>/<CIDR>").match("block 198.51.100.0/x"));
}
