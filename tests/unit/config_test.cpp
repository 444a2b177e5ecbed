// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/config.hpp"
#include "fake_services.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

using namespace banjo;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A config directory of its own per test, removed afterwards.
struct ConfigDir : test::TempDir {
    ConfigDir() : TempDir("banjo-config-test") {
        fs::create_directories(dir / "jail.d");
        write("filter.d/demo.toml",
              "journal-match = [[\"SYSLOG_IDENTIFIER=demo\"]]\n"
              "failregex = ['bad login from <HOST>']\n"
              "[modes.normal]\n"
              "failregex = []\n"
              "[modes.strict]\n"
              "failregex = ['odd request from <HOST>']\n");
    }
    std::string main() const { return (dir / "banjo.toml").string(); }
    Config load() const { return load_config(main(), {(dir / "filter.d").string()}); }
    Config load(const ServiceCatalog& services) const {
        return load_config(main(), services, {(dir / "filter.d").string()});
    }
};

std::string error_of(const ConfigDir& d) {
    try {
        d.load();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

std::string error_of(const ConfigDir& d, const ServiceCatalog& services) {
    try {
        d.load(services);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a jail inherits the defaults it does not set") {
    ConfigDir d;
    d.write("banjo.toml",
            "[defaults]\nbantime = \"1h\"\nfindtime = \"5m\"\nmaxretry = 7\n"
            "[jail.demo]\nmaxretry = 2\n");
    Config c = d.load();
    REQUIRE(c.jails.size() == 1);
    const JailSettings& s = c.jails[0].settings;
    CHECK(s.name == "demo");
    CHECK(s.filter == "demo");
    CHECK(s.maxretry == 2);
    CHECK(s.findtime == Usec(5min));
    CHECK(s.ban.bantime == Usec(1h));
}

TEST_CASE("a jail.d file overrides only the keys it sets") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\nenabled = false\nmaxretry = 3\n");
    d.write("jail.d/10-enable.toml", "[jail.demo]\nenabled = true\n");
    Config c = d.load();
    REQUIRE(c.jails.size() == 1);
    CHECK(c.jails[0].settings.enabled);
    CHECK(c.jails[0].settings.maxretry == 3);
    CHECK(c.files.size() == 2);
}

TEST_CASE("an unknown key is an error naming file and line") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nbantime = \"1h\"\n\n[jail.demo]\nmaxretries = 3\n");
    std::string err = error_of(d);
    CHECK(err.find(d.main() + ":5:") == 0);
    CHECK(err.find("maxretries") != std::string::npos);
}

TEST_CASE("a bad time span names its line and shows the syntax") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nbantime = \"ten minutes\"\n");
    std::string err = error_of(d);
    CHECK(err.find(d.main() + ":2:") == 0);
    CHECK(err.find("10m") != std::string::npos);
}

TEST_CASE("a TOML syntax error names its line") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nmaxretry = = 3\n");
    CHECK(error_of(d).find(d.main() + ":2:") == 0);
}

TEST_CASE("an error in a jail.d file names that file") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\n");
    d.write("jail.d/20-bad.toml", "[jail.demo]\n\nfindtime = -3\n");
    std::string err = error_of(d);
    CHECK(err.find((d.dir / "jail.d/20-bad.toml").string() + ":3:") == 0);
}

TEST_CASE("a jail naming a filter that does not exist is an error at its filter key") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.web]\nfilter = \"nosuch\"\n");
    std::string err = error_of(d);
    CHECK(err.find(d.main() + ":2:") == 0);
    CHECK(err.find("nosuch") != std::string::npos);
}

TEST_CASE("a jail naming a mode its filter lacks is an error listing the modes") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\nmode = \"paranoid\"\n");
    std::string err = error_of(d);
    CHECK(err.find(d.main() + ":2:") == 0);
    CHECK(err.find("strict") != std::string::npos);
}

TEST_CASE("an ignore entry that is neither an address, a CIDR nor a host name is an error at its line") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nignore = [\"127.0.0.1\", \"gate way!\"]\n[jail.demo]\n");
    const std::string err = error_of(d);
    CHECK(err.find(d.main() + ":2:") == 0);
    CHECK(err.find("gate way!") != std::string::npos);
}

TEST_CASE("host names in ignore go to the jail's names to resolve, addresses to its set") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nignore = [\"127.0.0.1\", \"Gateway.Example.\", \"gateway.example\"]\n[jail.demo]\n");
    const Config c = d.load();
    CHECK(c.jails[0].settings.ignore_hosts == std::vector<std::string>{"gateway.example"});
    CHECK(c.jails[0].settings.ignore.contains(*Address::parse("127.0.0.1")));
    CHECK(c.jails[0].settings.ignore.size() == 1);
}

TEST_CASE("ignore-file, ignore-command and ignore-command-cache are read in [defaults] and per jail") {
    ConfigDir d;
    d.write("banjo.toml",
            "[defaults]\nignore-file = \"/etc/banjo/ignore.txt\"\n"
            "ignore-command = [\"/usr/local/bin/known\", \"--ip={address}\"]\nignore-command-cache = \"1h\"\n"
            "[jail.demo]\n[jail.other]\nfilter = \"demo\"\nignore-file = \"\"\nignore-command = []\n");
    const Config c = d.load();
    const JailSettings& demo = c.jails[0].settings;
    CHECK(demo.ignore_file == "/etc/banjo/ignore.txt");
    CHECK(demo.ignore_command == std::vector<std::string>{"/usr/local/bin/known", "--ip={address}"});
    CHECK(demo.ignore_command_cache == 1h);
    const JailSettings& other = c.jails[1].settings;
    CHECK(other.ignore_file.empty());
    CHECK(other.ignore_command.empty());
}

TEST_CASE("ignore-command-timeout is read in [defaults] and per jail, between 0 and 10min") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nignore-command-timeout = \"30s\"\n[jail.demo]\n[jail.other]\nfilter = \"demo\"\n"
                          "ignore-command-timeout = \"2s\"\n");
    const Config c = d.load();
    CHECK(c.jails[0].settings.ignore_command_timeout == 30s);
    CHECK(c.jails[1].settings.ignore_command_timeout == 2s);
    d.write("banjo.toml", "[jail.demo]\n");
    CHECK(d.load().jails[0].settings.ignore_command_timeout == 10s);
    d.write("banjo.toml", "[jail.demo]\nignore-command-timeout = \"0\"\n");
    CHECK(error_of(d).find("'ignore-command-timeout' must be longer than 0 and at most 10min") != std::string::npos);
    d.write("banjo.toml", "[jail.demo]\nignore-command-timeout = \"1h\"\n");
    CHECK(error_of(d).find("at most 10min") != std::string::npos);
}

TEST_CASE("an ignore-command must be a list naming its program by absolute path") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\nignore-command = \"/bin/check {address}\"\n");
    CHECK(error_of(d).find("no shell") != std::string::npos);
    d.write("banjo.toml", "[jail.demo]\nignore-command = [\"check\", \"{address}\"]\n");
    CHECK(error_of(d).find(d.main() + ":2: 'ignore-command': the program \"check\" must be an absolute path") == 0);
    d.write("banjo.toml", "[jail.demo]\nignore-file = \"ignore.txt\"\n");
    CHECK(error_of(d).find("not an absolute path") != std::string::npos);
    d.write("banjo.toml", "[jail.demo]\nignore-command-cache = \"infinity\"\n");
    CHECK(error_of(d).find("finite") != std::string::npos);
}

TEST_CASE("ignore lists accept addresses and CIDRs of both families") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\nignore = [\"198.51.100.0/24\", \"2001:db8::/32\", \"203.0.113.7\"]\n");
    Config c = d.load();
    const CidrSet& ignore = c.jails[0].settings.ignore;
    CHECK(ignore.contains(*Address::parse("198.51.100.200")));
    CHECK(ignore.contains(*Address::parse("2001:db8:1::5")));
    CHECK(ignore.contains(*Address::parse("203.0.113.7")));
    CHECK_FALSE(ignore.contains(*Address::parse("203.0.113.8")));
}

TEST_CASE("the increment policy is read from defaults and can be changed per jail") {
    ConfigDir d;
    d.write("banjo.toml",
            "[defaults.increment]\nenabled = true\nfactor = 3\nmax = \"2d\"\n"
            "[jail.demo]\nincrement = { factor = 4 }\n");
    Config c = d.load();
    const IncrementPolicy& inc = c.jails[0].settings.ban.increment;
    CHECK(inc.enabled);
    CHECK(inc.factor == 4.0);
    CHECK(inc.max == Usec(48h));
}

TEST_CASE("every increment key is read, and a jail overrides one of them without losing the others") {
    ConfigDir d;
    d.write("banjo.toml",
            "[defaults]\nhistory-age = \"90d\"\n"
            "[defaults.increment]\nenabled = true\nmultipliers = [1, 5, 30.5]\nmax = \"1w\"\nrnd = \"10m\"\n"
            "overall-jails = true\n"
            "[jail.demo]\nincrement = { rnd = \"1m\" }\n");
    Config c = d.load();
    const IncrementPolicy& inc = c.jails[0].settings.ban.increment;
    CHECK(inc.enabled);
    CHECK(inc.multipliers == std::vector<double>{1, 5, 30.5});
    CHECK(inc.max == Usec(std::chrono::weeks(1)));
    CHECK(inc.rnd == Usec(1min));
    CHECK(inc.overall_jails);
    CHECK(c.history_age == Usec(std::chrono::days(90)));
}

TEST_CASE("history-age is 30 days unless set") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\n");
    CHECK(d.load().history_age == Usec(std::chrono::days(30)));
}

TEST_CASE("history-max-entries and history-memory bound every jail's ban history") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\n");
    const JailSettings plain = d.load().jails[0].settings;
    CHECK(plain.history_max_entries == default_history_max_entries);
    CHECK(plain.history_memory == default_history_memory_bytes);
    d.write("banjo.toml", "[defaults]\nhistory-max-entries = 5000\nhistory-memory = \"1M\"\n[jail.demo]\n");
    const JailSettings set = d.load().jails[0].settings;
    CHECK(set.history_max_entries == 5000);
    CHECK(set.history_memory == 1024 * 1024);
    d.write("banjo.toml", "[defaults]\nhistory-max-entries = 0\n");
    CHECK(error_of(d).find(d.main() + ":2: 'history-max-entries'") == 0);
    d.write("banjo.toml", "[defaults]\nhistory-memory = 100\n");
    CHECK(error_of(d).find(d.main() + ":2: 'history-memory'") == 0);
}

TEST_CASE("bad increment values are refused at their line") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults.increment]\nmultipliers = [1, 0]\n");
    CHECK(error_of(d).find(d.main() + ":2: 'multipliers'") == 0);
    d.write("banjo.toml", "[defaults.increment]\nmultipliers = []\n");
    CHECK(error_of(d).find(d.main() + ":2: 'multipliers'") == 0);
    d.write("banjo.toml", "[defaults.increment]\nrnd = \"infinity\"\n");
    CHECK(error_of(d).find(d.main() + ":2: 'rnd'") == 0);
    d.write("banjo.toml", "[defaults]\nhistory-age = \"0\"\n");
    CHECK(error_of(d).find(d.main() + ":2:") == 0);
}

TEST_CASE("an invalid jail name is refused") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.\"a b\"]\n");
    CHECK(error_of(d).find("jail name") != std::string::npos);
}

TEST_CASE("an unknown backend is refused") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nbackend = \"iptables\"\n");
    CHECK(error_of(d).find(d.main() + ":2:") == 0);
}

TEST_CASE("the shipped configuration is valid") {
    const std::string root = BANJO_SOURCE_ROOT;
    Config c = load_config(root + "/conf/banjo.toml", {root + "/conf/filter.d"});
    // jail.d adds the other shipped jails (disabled); jails come in name order.
    auto sshd = std::find_if(c.jails.begin(), c.jails.end(), [](const auto& j) { return j.settings.name == "sshd"; });
    REQUIRE(sshd != c.jails.end());
    CHECK(sshd->settings.enabled);
}

namespace {

std::optional<std::uint32_t> only_postfix(const std::string& name) {
    if (name == "postfix") return 107;
    return std::nullopt;
}

std::vector<std::string> warnings_of(const Config& c) {
    std::vector<std::string> out;
    for (const auto& w : c.warnings) out.push_back(w.text());
    return out;
}

}  // namespace

TEST_CASE("a filter whose journal-match others can satisfy is a warning at its journal-match line, once") {
    ConfigDir d;   // demo.toml matches SYSLOG_IDENTIFIER=demo only
    d.write("banjo.toml", "[jail.demo]\nenabled = false\n[jail.demo2]\nfilter = \"demo\"\n");
    auto w = warnings_of(d.load());
    REQUIRE(w.size() == 1);
    CHECK(w[0].find(d.dir.string() + "/filter.d/demo.toml:1: warning: filter 'demo': journal-match group "
                    "[\"SYSLOG_IDENTIFIER=demo\"] uses only fields the sending program chooses") == 0);
}

TEST_CASE("a jail's own journal-match is judged instead of its filter's") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\n\njournal-match = [[\"_SYSTEMD_UNIT=demo.service\"]]\n");
    auto w = warnings_of(d.load());
    REQUIRE(w.size() == 1);
    CHECK(w[0].find(d.main() + ":3: warning: jail 'demo': journal-match group [\"_SYSTEMD_UNIT=demo.service\"] "
                    "does not require _UID") == 0);

    d.write("banjo.toml", "[jail.demo]\njournal-match = [[\"_SYSTEMD_UNIT=demo.service\", \"_UID=0\"]]\n");
    CHECK(warnings_of(d.load()).empty());
}

TEST_CASE("user names in journal-match become uids; an enabled jail whose user is missing is a warning") {
    ConfigDir d;
    d.write("filter.d/mail.toml",
            "journal-match = [\n  [\"_EXE=/usr/lib/postfix/sbin/smtpd\", \"_UID=postfix\"],\n"
            "  [\"_SYSTEMD_UNIT=exim4.service\", \"_UID=Debian-exim\"],\n]\n"
            "failregex = ['reject from <HOST>']\n");
    d.write("banjo.toml", "[jail.mail]\n[jail.other]\nenabled = false\nfilter = \"mail\"\n"
                          "journal-match = [[\"_SYSTEMD_UNIT=x.service\", \"_UID=nobody-here\"]]\n");
    Config c = load_config(d.main(), {(d.dir / "filter.d").string()}, only_postfix);
    REQUIRE(c.jails.size() == 2);
    CHECK(c.jails[0].filter.journal_match[0] == std::vector<std::string>{"_EXE=/usr/lib/postfix/sbin/smtpd", "_UID=107"});
    CHECK(c.jails[0].filter.journal_match[1] == std::vector<std::string>{"_SYSTEMD_UNIT=exim4.service", "_UID=Debian-exim"});
    CHECK(effective_journal_match(c.jails[1]) ==
          std::vector<std::vector<std::string>>{{"_SYSTEMD_UNIT=x.service", "_UID=nobody-here"}});
    auto w = warnings_of(c);
    // The disabled jail's missing user is no warning; the enabled one's is.
    REQUIRE(w.size() == 1);
    CHECK(w[0] == d.dir.string() + "/filter.d/mail.toml:1: warning: jail 'mail': journal-match group "
                                   "[\"_SYSTEMD_UNIT=exim4.service\", \"_UID=Debian-exim\"] can never match: no user "
                                   "Debian-exim on this host");
}

TEST_CASE("the shipped configuration has no warnings, whatever system users the host lacks") {
    const std::string root = BANJO_SOURCE_ROOT;
    Config c = load_config(root + "/conf/banjo.toml", {root + "/conf/filter.d"},
                           [](const std::string&) { return std::optional<std::uint32_t>(); });
    CHECK(c.jails.size() >= 60);
    CHECK(warnings_of(c).empty());
}

TEST_CASE("a jail's ports are resolved as firewalld will read them") {
    ConfigDir d;
    test::FakeServices services;
    d.write("banjo.toml", "[jail.demo]\nports = [\"ssh\", \"domain\", \"8080\", \"6000-6010/udp\", \"22/tcp\", \"ssh/tcp\"]\n");
    Config c = d.load(services);
    REQUIRE(c.jails.size() == 1);
    CHECK(c.jails[0].settings.ports ==
          std::vector<std::string>{"ssh", "53/tcp", "53/udp", "8080", "6000-6010/udp", "22/tcp"});
}

TEST_CASE("a port firewalld would refuse is an error at the line of that entry") {
    ConfigDir d;
    test::FakeServices services;
    d.write("banjo.toml", "[jail.demo]\nports = [\n  \"ssh\",\n  \"99999\",\n]\n");
    std::string err = error_of(d, services);
    CHECK(err.find(d.main() + ":4:") == 0);
    CHECK(err.find("99999") != std::string::npos);
    CHECK(err.find("out of range") != std::string::npos);

    d.write("banjo.toml", "[jail.demo]\nports = [\"ssh\", \"no-such-service\"]\n");
    err = error_of(d, services);
    CHECK(err.find(d.main() + ":2:") == 0);
    CHECK(err.find("unknown service 'no-such-service'") != std::string::npos);

    d.write("banjo.toml", "[jail.demo]\nports = \"22/icmp\"\n");
    CHECK(error_of(d, services).find(d.main() + ":2: 'ports'") == 0);

    d.write("banjo.toml", "[jail.demo]\nports = [\"2000-1000\"]\n");
    CHECK(error_of(d, services).find("backwards") != std::string::npos);

    d.write("banjo.toml", "[jail.demo]\nports = [22]\n");
    CHECK(error_of(d, services).find("must be strings") != std::string::npos);
}

TEST_CASE("a jail.d file with a bad port is named, with its line") {
    ConfigDir d;
    test::FakeServices services;
    d.write("banjo.toml", "[jail.demo]\nports = [\"ssh\"]\n");
    const std::string dropin = d.write("jail.d/20-web.toml", "\n[jail.demo]\nports = [\"http\", \"0\"]\n");
    CHECK(error_of(d, services).find(dropin + ":3:") == 0);
}

TEST_CASE("an error echoes at most 64 characters of what the file says") {
    ConfigDir d;
    const std::string huge(5000, 'z');
    for (const std::string& text : {
             "[defaults]\nbackend = \"" + huge + "\"\n",
             "[defaults]\nignore = [\"" + huge + "\"]\n",
             "[firewalld]\nzone = \"" + huge + "\"\n",
             "[defaults]\nbantime = \"" + huge + "\"\n",
             "[defaults]\n" + huge + " = 1\n",
             "[jail." + huge + "]\n",
             "[jail.demo]\nports = [\"" + huge + "\"]\n",
             "[jail.demo]\nmode = \"" + huge + "\"\n",
             "[jail.demo]\nfilter = \"" + huge + "\"\n",
             "[jail.demo]\njournal-match = [[\"" + huge + "\"]]\n",
         }) {
        d.write("banjo.toml", text);
        const std::string err = error_of(d);
        CHECK_MESSAGE(!err.empty(), text.substr(0, 40));
        CHECK_MESSAGE(err.size() < 600, err.substr(0, 120));   // the unknown-key message lists the known keys too
        CHECK(err.find(std::string(65, 'z')) == std::string::npos);
    }
}

TEST_CASE("a jail's logpath and datepattern are read; a jail with logpath reads only its files") {
    ConfigDir d;
    d.write("banjo.toml",
            "[jail.demo]\nlogpath = [\"/var/log/app/error.log\", \"/var/log/app/*.log\"]\n"
            "datepattern = \"^%d.%m.%Y %H:%M:%S\"\n"
            "[jail.both]\nfilter = \"demo\"\nlogpath = [\"/var/log/other.log\"]\n"
            "journal-match = [[\"SYSLOG_IDENTIFIER=demo\"]]\n"
            "[jail.journal]\nfilter = \"demo\"\n");
    const Config c = d.load();
    REQUIRE(c.jails.size() == 3);
    const JailConfig& both = c.jails[0];
    const JailConfig& demo = c.jails[1];
    const JailConfig& journal = c.jails[2];
    CHECK(demo.logpath == std::vector<std::string>{"/var/log/app/error.log", "/var/log/app/*.log"});
    CHECK(demo.datepattern == "^%d.%m.%Y %H:%M:%S");
    CHECK(!reads_journal(demo));
    CHECK(reads_journal(both));
    CHECK(reads_journal(journal));
    CHECK(journal.logpath.empty());
    CHECK(jail_fingerprint(demo) != jail_fingerprint(journal));
}

TEST_CASE("a relative logpath, a wildcard in a directory and a bad datepattern are errors with their line") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\nlogpath = [\"var/log/x.log\"]\n");
    CHECK(error_of(d).find("banjo.toml:2: 'logpath': \"var/log/x.log\" is not an absolute path") != std::string::npos);
    d.write("banjo.toml", "[jail.demo]\n\nlogpath = [\"/var/log/*/x.log\"]\n");
    CHECK(error_of(d).find("banjo.toml:3: 'logpath': \"/var/log/*/x.log\": wildcards are allowed in the file name only") !=
          std::string::npos);
    d.write("banjo.toml", "[jail.demo]\nlogpath = \"/var/log/x.log\"\n");
    CHECK(error_of(d).find("'logpath' must be a list") != std::string::npos);
    d.write("banjo.toml", "[jail.demo]\nlogpath = [\"/var/log/x.log\"]\ndatepattern = \"%Y-%m-%d\"\n");
    CHECK(error_of(d).find("banjo.toml:3: 'datepattern': datepattern has no time of day") != std::string::npos);
}

TEST_CASE("a file jail whose filter relies on the journal's trusted fields gets a warning") {
    ConfigDir d;
    d.write("filter.d/trusting.toml",
            "journal-match = [[\"_SYSTEMD_UNIT=demo.service\", \"_UID=0\"]]\n"
            "failregex = ['bad login from <HOST>']\n");
    d.write("banjo.toml", "[jail.trusting]\nlogpath = [\"/var/log/demo.log\"]\n[jail.plain]\nfilter = \"demo\"\n"
                          "logpath = [\"/var/log/demo.log\"]\n[jail.off]\nenabled = false\nfilter = \"trusting\"\n"
                          "logpath = [\"/var/log/demo.log\"]\n");
    const Config c = d.load();
    std::vector<std::string> texts;
    for (const auto& w : c.warnings) texts.push_back(w.text());
    const auto trusting = std::find_if(texts.begin(), texts.end(), [](const std::string& t) {
        return t.find("jail 'trusting' reads log files, but its filter 'trusting' relies on the journal's trusted "
                      "fields (_SYSTEMD_UNIT, _UID)") != std::string::npos;
    });
    CHECK(trusting != texts.end());
    CHECK(trusting->find("/banjo.toml:2: warning:") != std::string::npos);
    CHECK(trusting->find("any local user with logger(1)") != std::string::npos);
    // SYSLOG_IDENTIFIER is no trusted field: a file jail with it is what it always was.
    CHECK(std::none_of(texts.begin(), texts.end(),
                       [](const std::string& t) { return t.find("jail 'plain'") != std::string::npos; }));
    // A disabled jail (the shipped file jails) says nothing until it is enabled.
    CHECK(std::none_of(texts.begin(), texts.end(),
                       [](const std::string& t) { return t.find("jail 'off'") != std::string::npos; }));
}

TEST_CASE("rule-zones in [firewalld] apply to every jail that names none of its own") {
    ConfigDir d;
    d.write("banjo.toml",
            "[firewalld]\nrule-zones = [\"public\", \"internal\", \"public\"]\ntrusted-zones = [\"trusted\", \"home\"]\n"
            "[jail.demo]\nrule-zones = [\"dmz\"]\n");
    Config c = d.load();
    CHECK(c.firewalld.rule_zones == std::vector<std::string>{"public", "internal"});
    CHECK(c.firewalld.trusted_zones == std::vector<std::string>{"trusted", "home"});
    REQUIRE(c.jails.size() == 1);
    CHECK(c.jails[0].settings.rule_zones == std::vector<std::string>{"dmz"});
}

TEST_CASE("without rule-zones, zones are found at runtime and trusted is the trusted zone") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\n");
    Config c = d.load();
    CHECK(c.firewalld.rule_zones.empty());
    CHECK(c.firewalld.trusted_zones == std::vector<std::string>{"trusted"});
    CHECK(c.jails[0].settings.rule_zones.empty());
    CHECK_FALSE(c.firewalld.forward_guard);
}

TEST_CASE("[firewalld] forward-guard is a boolean") {
    ConfigDir d;
    d.write("banjo.toml", "[firewalld]\nforward-guard = true\n");
    CHECK(d.load().firewalld.forward_guard);
    d.write("banjo.toml", "[firewalld]\nforward-guard = \"yes\"\n");
    CHECK(error_of(d).find(d.main() + ":2:") == 0);
}

TEST_CASE("a rule zone that is no zone name, or an empty list, names its line") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\nrule-zones = [\"pub lic\"]\n");
    std::string err = error_of(d);
    CHECK(err.find(d.main() + ":2:") == 0);
    CHECK(err.find("is not a firewalld zone name") != std::string::npos);
    d.write("banjo.toml", "[firewalld]\n\nrule-zones = []\n");
    err = error_of(d);
    CHECK(err.find(d.main() + ":3:") == 0);
    CHECK(err.find("at least one zone") != std::string::npos);
}

TEST_CASE("block is drop unless [defaults] or the jail says reject") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nblock = \"reject\"\n[jail.demo]\n[jail.quiet]\nfilter = \"demo\"\nblock = \"drop\"\n");
    Config c = d.load();
    REQUIRE(c.jails.size() == 2);
    CHECK(c.jails[0].settings.block == BlockAction::reject);
    CHECK(c.jails[1].settings.block == BlockAction::drop);
    d.write("banjo.toml", "[jail.demo]\n");
    CHECK(d.load().jails[0].settings.block == BlockAction::drop);
    d.write("banjo.toml", "[jail.demo]\nblock = \"deny\"\n");
    const std::string err = error_of(d);
    CHECK(err.find(d.main() + ":2:") == 0);
    CHECK(err.find("'block' must be \"drop\" or \"reject\"") != std::string::npos);
}

TEST_CASE("cut-connections is on unless [defaults] or the jail turns it off") {
    ConfigDir d;
    d.write("banjo.toml", "[jail.demo]\n");
    CHECK(d.load().jails[0].settings.cut_connections);
    d.write("banjo.toml", "[defaults]\ncut-connections = false\n[jail.demo]\n[jail.other]\nfilter = \"demo\"\ncut-connections = true\n");
    Config c = d.load();
    CHECK_FALSE(c.jails[0].settings.cut_connections);
    CHECK(c.jails[1].settings.cut_connections);
}

TEST_CASE("rule-zones with another backend than firewalld is a warning that says so") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nbackend = \"nftables\"\n[jail.demo]\nrule-zones = [\"public\"]\n");
    Config c = d.load();
    CHECK(std::count_if(c.warnings.begin(), c.warnings.end(), [](const ConfigWarning& w) {
              return w.text().find(":3: warning: jail 'demo': 'rule-zones' applies to the firewalld backend only") !=
                     std::string::npos;
          }) == 1);
}

TEST_CASE("a blocklist is read with its format, interval and ports") {
    ConfigDir d;
    test::FakeServices services;
    d.write("banjo.toml", "[defaults]\nignore = [\"198.51.100.7\"]\n"
                          "[blocklist.abuse]\npath = \"/var/lib/lists/abuse.txt\"\nformat = \"abuseipdb\"\n"
                          "interval = \"30min\"\nports = [\"ssh\"]\n"
                          "[blocklist.own]\npath = \"/etc/banjo/own.txt\"\n");
    Config c = d.load(services);
    REQUIRE(c.blocklists.size() == 2);
    CHECK(c.blocklists[0].name == "abuse");
    CHECK(c.blocklists[0].format == BlocklistFormat::abuseipdb);
    CHECK(c.blocklists[0].interval == std::chrono::minutes(30));
    CHECK(c.blocklists[0].ports == std::vector<std::string>{"ssh"});
    CHECK(c.blocklists[1].format == BlocklistFormat::plain);
    CHECK(c.blocklists[1].interval == default_blocklist_interval);
    CHECK(c.default_ignore.contains(*Address::parse("198.51.100.7")));
}

TEST_CASE("a blocklist from a URL is read with its timeout and size limit") {
    ConfigDir d;
    d.write("banjo.toml", "[blocklist.feed]\nurl = \"https://lists.example/x.txt?key=1\"\ninterval = \"15min\"\n"
                          "timeout = \"20s\"\nmax-size = \"8M\"\n"
                          "[blocklist.local]\nurl = \"http://127.0.0.1:8080/list\"\n");
    Config c = d.load();
    REQUIRE(c.blocklists.size() == 2);
    CHECK(c.blocklists[0].url == "https://lists.example/x.txt?key=1");
    CHECK(c.blocklists[0].path.empty());
    CHECK(c.blocklists[0].timeout == std::chrono::seconds(20));
    CHECK(c.blocklists[0].max_bytes == 8u << 20);
    CHECK(c.blocklists[1].timeout == default_blocklist_timeout);
    CHECK(c.blocklists[1].max_bytes == default_blocklist_max_bytes);
}

TEST_CASE("[defaults] ignore-command beside blocklists is a warning: it is not asked for their entries") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nignore-command = [\"/bin/true\", \"{address}\"]\n"
                          "[blocklist.feed]\nurl = \"https://lists.example/x.txt\"\n");
    auto w = warnings_of(d.load());
    CHECK(std::count_if(w.begin(), w.end(), [](const std::string& t) {
              return t.find("warning: [defaults] ignore-command is not asked for blocklist entries") != std::string::npos;
          }) == 1);
    d.write("banjo.toml", "[blocklist.feed]\nurl = \"https://lists.example/x.txt\"\n");
    auto none = warnings_of(d.load());
    CHECK(std::none_of(none.begin(), none.end(), [](const std::string& t) { return t.find("ignore-command") != std::string::npos; }));
}

TEST_CASE("[defaults] host names and ignore-file reach the blocklists") {
    ConfigDir d;
    d.write("banjo.toml", "[defaults]\nignore = [\"198.51.100.7\", \"admin.example\"]\nignore-file = \"/etc/banjo/ignore.txt\"\n"
                          "[blocklist.feed]\nurl = \"https://lists.example/x.txt\"\n");
    Config c = d.load();
    CHECK(c.default_ignore_hosts == std::vector<std::string>{"admin.example"});
    CHECK(c.default_ignore_file == "/etc/banjo/ignore.txt");
}

TEST_CASE("a blocklist URL that is not http or https, or beside a path, is an error at its line") {
    ConfigDir d;
    d.write("banjo.toml", "[blocklist.x]\nurl = \"file:///etc/passwd\"\n");
    CHECK(error_of(d).find(d.main() + ":2: 'url' must be an http:// or https:// URL") == 0);
    d.write("banjo.toml", "[blocklist.x]\nurl = \"ftp://lists.example/x\"\n");
    CHECK(error_of(d).find(d.main() + ":2: 'url' must be an http://") == 0);
    d.write("banjo.toml", "[blocklist.x]\nurl = \"https://\"\n");
    CHECK(error_of(d).find(d.main() + ":2: 'url' must be an http://") == 0);
    d.write("banjo.toml", "[blocklist.x]\npath = \"/a\"\nurl = \"https://lists.example/x\"\n");
    CHECK(error_of(d).find(d.main() + ":3: 'url' and 'path' exclude each other") == 0);
    d.write("banjo.toml", "[blocklist.x]\npath = \"/a\"\ntimeout = \"10s\"\n");
    CHECK(error_of(d).find(d.main() + ":3: 'timeout' applies to 'url' blocklists only") == 0);
    d.write("banjo.toml", "[blocklist.x]\nurl = \"https://lists.example/x\"\nmax-size = \"1G\"\n");
    CHECK(error_of(d).find(d.main() + ":3: 'max-size' must be between 1K and 256M") == 0);
    d.write("banjo.toml", "[blocklist.x]\nurl = \"https://lists.example/x\"\ntimeout = \"0\"\n");
    CHECK(error_of(d).find(d.main() + ":3: 'timeout' must be between 1s and 1h") == 0);
}

TEST_CASE("a blocklist's mistakes are errors at their line") {
    ConfigDir d;
    d.write("banjo.toml", "[blocklist.x]\npath = \"relative.txt\"\n");
    CHECK(error_of(d).find(d.main() + ":2: 'path' must be an absolute file name") == 0);
    d.write("banjo.toml", "[blocklist.x]\npath = \"/a\"\nformat = \"csv\"\n");
    CHECK(error_of(d).find(d.main() + ":3: 'format' must be") == 0);
    d.write("banjo.toml", "[blocklist.x]\npath = \"/a\"\ninterval = \"1s\"\n");
    CHECK(error_of(d).find(d.main() + ":3: 'interval' must be at least 10s") == 0);
    d.write("banjo.toml", "[blocklist.x]\nformat = \"plain\"\n");
    CHECK(error_of(d).find("needs 'path' or 'url'") != std::string::npos);
    d.write("banjo.toml", "[blocklist.\"a.b\"]\npath = \"/a\"\n");
    CHECK(error_of(d).find("blocklist name 'a.b' must be") != std::string::npos);
    d.write("banjo.toml", "[blocklist.x]\npath = \"/a\"\nwhat = 1\n");
    CHECK(error_of(d).find(d.main() + ":3:") == 0);
}
