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
