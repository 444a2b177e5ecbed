// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ignore_file.hpp"
#include "core/ignore_sources.hpp"
#include "core/jail.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

Address addr(std::string_view text) { return *Address::parse(text); }

std::string source_of(const Jail& jail, std::string_view address) {
    auto hit = jail.ignore_hit(addr(address));
    return hit ? hit->entry.to_string() + " <- " + hit->source : "<none>";
}

}  // namespace

TEST_CASE("an ignore entry is an address, a network or a host name, and nothing else") {
    CHECK(std::get<Cidr>(*parse_ignore_entry("198.51.100.0/24")).to_string() == "198.51.100.0/24");
    CHECK(std::get<HostName>(*parse_ignore_entry("Admin.Example.ORG.")).name == "admin.example.org");
    CHECK(std::get<HostName>(*parse_ignore_entry("localhost")).name == "localhost");
    CHECK_FALSE(parse_ignore_entry("198.51.100.300"));     // a mistyped address is no name
    CHECK_FALSE(parse_ignore_entry("host name"));
    CHECK_FALSE(parse_ignore_entry("-bad.example"));
    CHECK_FALSE(parse_ignore_entry("a..example"));
    CHECK_FALSE(parse_ignore_entry(std::string(64, 'a') + ".example"));
    CHECK_FALSE(parse_ignore_entry(""));
    CHECK_FALSE(parse_ignore_entry("x;rm -rf /"));
}

TEST_CASE("an ignore-file takes one entry a line, skips comments and reports bad lines by number") {
    const auto f = parse_ignore_file("# office\n198.51.100.0/24   # the LAN\n\n  2001:db8::7\nvpn.example\n"
                                     "not an entry\n203.0.113.300\r\n");
    REQUIRE(f.entries.size() == 3);
    CHECK(f.entries[0].line == 2);
    CHECK(std::get<Cidr>(f.entries[0].entry).to_string() == "198.51.100.0/24");
    CHECK(f.entries[1].line == 4);
    CHECK(std::get<Cidr>(f.entries[1].entry).to_string() == "2001:db8::7");
    CHECK(f.entries[2].line == 5);
    CHECK(std::get<HostName>(f.entries[2].entry).name == "vpn.example");
    REQUIRE(f.errors.size() == 2);
    CHECK(f.errors[0].line == 6);
    CHECK(f.errors[0].message.find("\"not an entry\"") != std::string::npos);
    CHECK(f.errors[1].line == 7);
}

TEST_CASE("each jail gets the entries of its own names and file, each with its source") {
    IgnoreSources s;
    s.configure({{"sshd", {"admin.example"}, "/etc/banjo/ignore.txt"}, {"web", {}, ""}});
    CHECK(s.files() == std::vector<std::string>{"/etc/banjo/ignore.txt"});
    s.set_file("/etc/banjo/ignore.txt", parse_ignore_file("198.51.100.0/24\nvpn.example\n"));
    CHECK(s.host_names() == std::vector<std::string>{"admin.example", "vpn.example"});
    CHECK(s.set_host("admin.example", {addr("203.0.113.9")}));
    CHECK(s.set_host("vpn.example", {addr("2001:db8::5"), addr("2001:db8::5")}));
    CHECK_FALSE(s.set_host("vpn.example", {addr("2001:db8::5")}));   // the same answer changes nothing

    const auto entries = s.entries_for("sshd");
    REQUIRE(entries.size() == 3);
    CHECK(entries[0] == IgnoreHit{Cidr::host(addr("203.0.113.9")), "host name admin.example"});
    CHECK(entries[1] == IgnoreHit{*Cidr::parse("198.51.100.0/24"), "ignore-file /etc/banjo/ignore.txt:1"});
    CHECK(entries[2] == IgnoreHit{Cidr::host(addr("2001:db8::5")), "ignore-file /etc/banjo/ignore.txt:2 (host name vpn.example)"});
    CHECK(s.entries_for("web").empty());
    CHECK(s.jails_using_host("vpn.example") == std::vector<std::string>{"sshd"});
    CHECK(s.jails_using_file("/etc/banjo/ignore.txt") == std::vector<std::string>{"sshd"});
}

TEST_CASE("a name that has not resolved yet ignores nothing; a reload forgets names no jail uses") {
    IgnoreSources s;
    s.configure({{"sshd", {"admin.example", "old.example"}, ""}});
    CHECK(s.entries_for("sshd").empty());
    s.set_host("old.example", {addr("203.0.113.1")});
    s.set_host("admin.example", {addr("203.0.113.2")});
    s.configure({{"sshd", {"admin.example"}, ""}});
    CHECK_FALSE(s.has_answer("old.example"));
    CHECK(s.has_answer("admin.example"));   // kept: no new lookup needed for an unchanged name
    REQUIRE(s.entries_for("sshd").size() == 1);
}

TEST_CASE("a jail ignores its dynamic entries and tells which source holds an address") {
    JailSettings settings;
    settings.name = "sshd";
    settings.maxretry = 1;
    settings.ignore.insert(*Cidr::parse("127.0.0.0/8"));
    Jail jail(settings);
    jail.set_dynamic_ignore({{*Cidr::parse("198.51.100.0/24"), "ignore-file /etc/banjo/ignore.txt:3"},
                             {Cidr::host(addr("203.0.113.9")), "host name admin.example"}});
    CHECK(source_of(jail, "127.0.0.1") == "127.0.0.0/8 <- ignore");
    CHECK(source_of(jail, "198.51.100.77") == "198.51.100.0/24 <- ignore-file /etc/banjo/ignore.txt:3");
    CHECK(source_of(jail, "203.0.113.9") == "203.0.113.9 <- host name admin.example");
    CHECK(source_of(jail, "203.0.113.10") == "<none>");

    FailureOutcome outcome{};
    CHECK_FALSE(jail.add_failure(addr("198.51.100.77"), Usec(1'000'000), &outcome));
    CHECK(outcome == FailureOutcome::ignored);
    CHECK(jail.add_failure(addr("203.0.113.10"), Usec(1'000'000), &outcome));

    // The file changed: its entries are replaced, not added to.
    jail.set_dynamic_ignore({});
    CHECK(jail.add_failure(addr("198.51.100.77"), Usec(2'000'000), &outcome));
}

TEST_CASE("a withdrawn ban counts as neither a ban in force nor an offence") {
    JailSettings settings;
    settings.name = "sshd";
    settings.maxretry = 1;
    Jail jail(settings);
    REQUIRE(jail.add_failure(addr("203.0.113.10"), Usec(1'000'000)));
    CHECK(jail.previous_bans(addr("203.0.113.10")) == 1);
    jail.withdraw_ban(addr("203.0.113.10"));
    CHECK(jail.previous_bans(addr("203.0.113.10")) == 0);
    CHECK(jail.total_bans() == 0);
    FailureOutcome outcome{};
    CHECK(jail.add_failure(addr("203.0.113.10"), Usec(2'000'000), &outcome));
    CHECK(outcome == FailureOutcome::banned);
}
