// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/config.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace banjo;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct ActionDir : test::TempDir {
    ActionDir() : TempDir("banjo-action-config-test") {
        write("filter.d/demo.toml", "journal-match = [[\"SYSLOG_IDENTIFIER=demo\"]]\nfailregex = ['bad login from <HOST>']\n");
    }
    Config load() const { return load_config((dir / "banjo.toml").string(), {(dir / "filter.d").string()}); }
    std::string error() const {
        try {
            load();
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    }
};

const JailConfig& jail(const Config& c, const std::string& name) {
    for (const auto& j : c.jails)
        if (j.settings.name == name) return j;
    throw std::runtime_error("no jail " + name);
}

}  // namespace

TEST_CASE("jails inherit [defaults] actions, set their own, or none with []") {
    ActionDir d;
    d.write("banjo.toml",
            "[defaults]\nactions = [\"hook\"]\nmax-lines = 7\nlines-memory = \"2M\"\n"
            "[action.hook]\ntype = \"webhook\"\nurl = \"https://hooks.example.org/x\"\n"
            "[action.run]\ntype = \"exec\"\nargv = [\"/bin/echo\", \"{address}\"]\non = [\"ban\", \"unban\"]\ntimeout = \"5s\"\n"
            "[jail.demo]\n"
            "[jail.own]\nfilter = \"demo\"\nactions = [\"run\", \"hook\"]\nmax-lines = 0\n"
            "[jail.none]\nfilter = \"demo\"\nactions = []\n");
    const Config c = d.load();
    REQUIRE(c.actions.size() == 2);
    CHECK(c.actions[1].name == "run");
    CHECK(c.actions[1].on_unban);
    CHECK(c.actions[1].timeout == 5s);
    CHECK(jail(c, "demo").settings.actions == std::vector<std::string>{"hook"});
    CHECK(jail(c, "own").settings.actions == std::vector<std::string>{"run", "hook"});
    CHECK(jail(c, "none").settings.actions.empty());
    CHECK(jail(c, "demo").settings.max_lines == 7);
    CHECK(jail(c, "own").settings.max_lines == 0);
    CHECK(c.lines_memory == 2u << 20);
}

TEST_CASE("a jail naming an undeclared action is an error at its line") {
    ActionDir d;
    d.write("banjo.toml", "[jail.demo]\n\nactions = [\"mial-admin\"]\n");
    CHECK(d.error().find("banjo.toml:3: 'actions': no [action.mial-admin]") != std::string::npos);
}

TEST_CASE("an exec argv is a list starting with an absolute path, with known placeholders only") {
    ActionDir d;
    d.write("banjo.toml", "[action.a]\ntype = \"exec\"\nargv = \"/bin/echo {address}\"\n");
    CHECK(d.error().find("'argv' must be a list") != std::string::npos);
    d.write("banjo.toml", "[action.a]\ntype = \"exec\"\nargv = [\"echo\", \"{address}\"]\n");
    CHECK(d.error().find("absolute path") != std::string::npos);
    d.write("banjo.toml", "[action.a]\ntype = \"exec\"\nargv = [\"/bin/echo\", \"{adress}\"]\n");
    CHECK(d.error().find("{adress} is no placeholder") != std::string::npos);
    d.write("banjo.toml", "[action.a]\ntype = \"exec\"\nargv = [\"/bin/echo\"]\nuser = \"no-such-user-here\"\n");
    CHECK(d.error().find("no user \"no-such-user-here\"") != std::string::npos);
}

TEST_CASE("each kind has its own keys, and its required ones") {
    ActionDir d;
    d.write("banjo.toml", "[action.m]\ntype = \"mail\"\nto = \"root@example.org\"\n");
    CHECK(d.error().find("needs 'to' and 'from'") != std::string::npos);
    d.write("banjo.toml", "[action.m]\ntype = \"mail\"\nto = \"root@example.org\\nBcc: x@y\"\nfrom = \"a@b\"\n");
    CHECK(d.error().find("is not a mail address") != std::string::npos);
    d.write("banjo.toml", "[action.w]\ntype = \"webhook\"\nurl = \"ftp://example.org/\"\n");
    CHECK(d.error().find("not an http:// or https:// URL") != std::string::npos);
    d.write("banjo.toml", "[action.w]\ntype = \"webhook\"\nurl = \"https://example.org/\"\nargv = [\"/bin/true\"]\n");
    CHECK(d.error().find("argv") != std::string::npos);
    d.write("banjo.toml", "[action.r]\ntype = \"abuseipdb\"\nkey-file = \"/etc/key\"\ncategories = [\"ssh\"]\n");
    CHECK(d.error().find("category numbers") != std::string::npos);
    d.write("banjo.toml", "[action.x]\ntype = \"shell\"\n");
    CHECK(d.error().find("'type' must be") != std::string::npos);
    d.write("banjo.toml", "[action.x]\ntype = \"exec\"\nargv = [\"/bin/true\"]\non = [\"start\"]\n");
    CHECK(d.error().find("'on'") != std::string::npos);
}

TEST_CASE("an abuseipdb action defaults to AbuseIPDB's report URL and takes a credential name") {
    ActionDir d;
    d.write("banjo.toml", "[action.r]\ntype = \"abuseipdb\"\nkey-file = \"abuseipdb-key\"\ncategories = [18, 22]\n");
    const Config c = d.load();
    REQUIRE(c.actions.size() == 1);
    CHECK(c.actions[0].url == abuseipdb_report_url);
    CHECK(c.actions[0].secret_file == "abuseipdb-key");
    CHECK(c.actions[0].categories == std::vector<unsigned>{18, 22});
}

TEST_CASE("a mail action's whois is off, on (found on PATH) or an absolute path") {
    ActionDir d;
    const std::string mail = "[action.m]\ntype = \"mail\"\nto = \"root@example.org\"\nfrom = \"banjo@example.org\"\n";
    d.write("banjo.toml", mail);
    CHECK(d.load().actions[0].whois.empty());
    d.write("banjo.toml", mail + "whois = true\n");
    CHECK(d.load().actions[0].whois == "whois");
    d.write("banjo.toml", mail + "whois = false\n");
    CHECK(d.load().actions[0].whois.empty());
    d.write("banjo.toml", mail + "whois = \"/usr/local/bin/whois\"\n");
    CHECK(d.load().actions[0].whois == "/usr/local/bin/whois");
    d.write("banjo.toml", mail + "whois = \"whois -h evil\"\n");
    CHECK(d.error().find(":5: 'whois': \"whois -h evil\" is not an absolute path") != std::string::npos);
    d.write("banjo.toml", mail + "whois = 1\n");
    CHECK(d.error().find(":5: 'whois' must be true, false or the absolute path") != std::string::npos);
    d.write("banjo.toml", "[action.x]\ntype = \"exec\"\nargv = [\"/bin/true\"]\nwhois = true\n");
    CHECK(d.error().find("whois") != std::string::npos);
}
