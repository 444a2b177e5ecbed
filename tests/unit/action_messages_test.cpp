// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/action_messages.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace banjo;

namespace {

ActionEvent sample(std::vector<std::string> lines) {
    ActionEvent e;
    e.jail = "sshd";
    e.address = *Address::parse("203.0.113.9");
    e.failures = 3;
    e.banned = Usec(std::chrono::seconds(1'700'000'000));
    e.expires = Usec(std::chrono::seconds(1'700'000'600));
    e.origin = "filter";
    e.lines = std::make_shared<std::vector<std::string>>(std::move(lines));
    return e;
}

ActionSpec exec_spec(std::vector<std::string> argv) {
    ActionSpec s;
    s.name = "script";
    s.argv = std::move(argv);
    return s;
}

}  // namespace

TEST_CASE("an exec argv keeps its element count whatever the values hold") {
    const ActionEvent e = sample({"Failed password for $(id); `reboot` from 203.0.113.9"});
    const auto argv = exec_argv(exec_spec({"/bin/echo", "{address}", "--jail={jail}", "{lines}"}), e);
    REQUIRE(argv.size() == 4);
    CHECK(argv[1] == "203.0.113.9");
    CHECK(argv[2] == "--jail=sshd");
    CHECK(argv[3] == "Failed password for $(id); `reboot` from 203.0.113.9");
}

TEST_CASE("an exec's environment has the BANJO_ variables and nothing of banjod's") {
    const auto env = exec_environment(exec_spec({"/bin/true"}), sample({}));
    auto has = [&](const std::string& v) { return std::find(env.begin(), env.end(), v) != env.end(); };
    CHECK(has("BANJO_ADDRESS=203.0.113.9"));
    CHECK(has("BANJO_JAIL=sshd"));
    CHECK(has("BANJO_FAILURES=3"));
    CHECK(has("BANJO_BANTIME=600"));
    CHECK(has("BANJO_EXPIRES=1700000600"));
    CHECK(has("BANJO_EVENT=ban"));
    CHECK(has("BANJO_ACTION=script"));
    CHECK(std::none_of(env.begin(), env.end(), [](const std::string& v) { return v.starts_with("HOME="); }));
}

TEST_CASE("a mail names the address and jail in its subject and carries the lines, headers from the config only") {
    ActionSpec s;
    s.name = "mail";
    s.kind = ActionKind::mail;
    s.to = "root@example.org";
    s.from = "banjo@example.org";
    const std::string m = mail_message(s, sample({"line one", "line\ttwo"}), "host1");
    CHECK(m.starts_with("From: banjo on host1 <banjo@example.org>\nTo: root@example.org\n"));
    CHECK(m.find("Subject: [banjo] 203.0.113.9 banned in jail sshd on host1\n") != std::string::npos);
    CHECK(m.find("\n\n") < m.find("line one"));   // in the body
    CHECK(m.find("    line one\n") != std::string::npos);
    CHECK(m.find("    line\\x09two\n") != std::string::npos);   // made printable
}

TEST_CASE("the default webhook body is the documented JSON document") {
    ActionSpec s;
    s.kind = ActionKind::webhook;
    CHECK(webhook_body(s, sample({"a \"b\""})) ==
          R"({"event":"ban","jail":"sshd","address":"203.0.113.9","failures":3,"bantime":600,"expires":1700000600,)"
          R"("time":1700000000,"origin":"filter","reason":"","lines":["a \"b\""]})");
}

TEST_CASE("an AbuseIPDB comment leaves out user names and the host's own addresses") {
    CidrSet self;
    self.insert(*Cidr::parse("198.51.100.1"));
    const std::string c = abuse_comment(sample({"Failed password for invalid user s3cret-admin from 203.0.113.9 port 22",
                                                "Failed password for root from 203.0.113.9 to 198.51.100.1",
                                                "auth failed, user=<mallory>, rip=203.0.113.9, lip=198.51.100.1"}),
                                        self);
    CHECK(c.find("s3cret-admin") == std::string::npos);
    CHECK(c.find("root") == std::string::npos);
    CHECK(c.find("mallory") == std::string::npos);
    CHECK(c.find("198.51.100.1") == std::string::npos);
    CHECK(c.find("203.0.113.9") != std::string::npos);
    CHECK(c.find("[user]") != std::string::npos);
    CHECK(c.find("[host]") != std::string::npos);
}

TEST_CASE("an AbuseIPDB report is a form with the address, the categories and the comment percent-encoded") {
    ActionSpec s;
    s.kind = ActionKind::abuseipdb;
    s.categories = {18, 22};
    const std::string form = abuseipdb_form(s, sample({"x&y=z"}), {});
    CHECK(form.starts_with("ip=203.0.113.9&categories=18%2C22&comment=banjo%3A%203%20failures"));
    CHECK(form.find("x%26y%3Dz") != std::string::npos);
}

TEST_CASE("a whois summary keeps the lines about the network and its owner, as inert printable text") {
    const std::string answer = "% This is the RIPE Database query service.\n"
                               "% comment $(id)\n"
                               "\n"
                               "inetnum:        203.0.113.0 - 203.0.113.255\r\n"
                               "netname:        $(touch /tmp/pwned)\n"
                               "descr:          `reboot`; rm -rf /\n"
                               "country:        ZZ\x1b[31m\n"
                               "remarks:        not kept\n"
                               "org-name:       " + std::string(500, 'A') + "\n"
                               "abuse-mailbox:  abuse@example.org\n";
    const auto s = whois_summary(answer);
    REQUIRE(s.size() == 6);
    CHECK(s[0] == "inetnum:        203.0.113.0 - 203.0.113.255");
    CHECK(s[1] == "netname:        $(touch /tmp/pwned)");
    CHECK(s[2] == "descr:          `reboot`; rm -rf /");
    CHECK(s[3] == "country:        ZZ\\x1b[31m");
    CHECK(s[4].size() == max_whois_line_chars + 3);   // cut, with "..."
    CHECK(s[4].ends_with("AAA..."));
    CHECK(s[5] == "abuse-mailbox:  abuse@example.org");
}

TEST_CASE("a whois answer without known keys gives its first lines, and never more than the limit") {
    CHECK(whois_summary("% only comments\n# here\n").empty());
    const auto free_form = whois_summary("Some registry\nNetwork 203.0.113.0/24\n% note\nOwner-less text\n");
    CHECK(free_form == std::vector<std::string>{"Some registry", "Network 203.0.113.0/24", "Owner-less text"});
    std::string many;
    for (int i = 0; i < 1000; ++i) many += "descr: line " + std::to_string(i) + "\n";
    CHECK(whois_summary(many).size() == max_whois_lines);
}

TEST_CASE("a mail with a whois summary carries it in the body, after the lines") {
    ActionSpec s;
    s.name = "mail";
    s.kind = ActionKind::mail;
    s.to = "root@example.org";
    s.from = "banjo@example.org";
    const std::string m = mail_message(s, sample({"line one"}), "host1", {"netname: EXAMPLE\nSubject: forged"});
    CHECK(m.find("\n\nwhois 203.0.113.9 (as its registry answered, unverified):\n\n    netname: EXAMPLE\\x0aSubject: forged\n") !=
          std::string::npos);
    CHECK(m.find("line one") < m.find("whois 203.0.113.9"));
    CHECK(m.find("\nSubject: forged") == std::string::npos);
}
