// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban jails -> banjo jails (src/fail2ban/jail_conversion.cpp), and a whole import of a
// small fail2ban configuration (src/fail2ban/fail2ban_import.cpp) that banjo's loader accepts.
#include "config/config.hpp"
#include "fail2ban/fail2ban_import.hpp"
#include "fail2ban/ini_file.hpp"
#include "fail2ban/jail_conversion.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace banjo;
namespace fs = std::filesystem;

namespace {

struct TempDir : test::TempDir {
    TempDir() : test::TempDir("banjo-f2b-jail-test") {}
};

IniConfig jails(const std::string& text) {
    IniConfig cfg;
    cfg.merge(parse_ini(text, "jail.conf"));
    return cfg;
}

bool has_item(const std::vector<ReportItem>& items, ItemKind kind, const std::string& start) {
    for (const auto& i : items)
        if (i.kind == kind && i.text.rfind(start, 0) == 0) return true;
    return false;
}

std::vector<std::string> ports(const std::string& value, const std::string& protocol, const PortLookup& lookup,
                               std::vector<ReportItem>* items_out = nullptr) {
    std::vector<ReportItem> items;
    auto out = translate_ports(value, protocol, lookup, items, {});
    if (items_out) *items_out = items;
    return out;
}

}  // namespace

TEST_CASE("filter = NAME[key=value, ...] is read apart as fail2ban does, quotes and all") {
    auto r = parse_filter_reference("sshd[mode=aggressive]");
    REQUIRE(r);
    CHECK(r->first == "sshd");
    CHECK(r->second == FilterArgs{{"mode", "aggressive"}});
    auto q = parse_filter_reference("apache-pass[knocking_url=\"/knock, knock/\", x='a]b' ]");
    REQUIRE(q);
    CHECK(q->second == FilterArgs{{"knocking_url", "/knock, knock/"}, {"x", "a]b"}});
    CHECK(parse_filter_reference("postfix")->second.empty());
    CHECK_FALSE(parse_filter_reference("sshd[mode]"));
    CHECK_FALSE(parse_filter_reference("[mode=x]"));
}

TEST_CASE("ports: numbers and ranges as banjo writes them, and every port when the range is all") {
    PortLookup none{{}};
    CHECK(ports("1000:2000", "tcp", none) == std::vector<std::string>{"1000-2000"});
    CHECK(ports("80,443 8080", "tcp", none) == std::vector<std::string>{"80", "443", "8080"});
    CHECK(ports("500,4500", "udp", none) == std::vector<std::string>{"500/udp", "4500/udp"});
    CHECK(ports("0:65535", "tcp", none).empty());
}

TEST_CASE("ports: a name stays when firewalld has that service, else becomes its /etc/services number") {
    TempDir t;
    t.write("services/ssh.xml", "<service/>");
    PortLookup lookup{{(t.dir / "services").string()}};
    CHECK(ports("ssh", "tcp", lookup) == std::vector<std::string>{"ssh"});
    std::vector<ReportItem> items;
    auto out = ports("no-such-port-name", "tcp", lookup, &items);
    CHECK(out.empty());
    CHECK(has_item(items, ItemKind::skipped, "port \"no-such-port-name\""));
}

TEST_CASE("ignoreip keeps addresses and networks in canonical form and host names, and skips garbage") {
    IniConfig cfg = jails("[DEFAULT]\nignoreip = 127.0.0.1/8 ::1, 192.0.2.0/255.255.255.0 gateway.example bad!name\n");
    DefaultsConversion d = convert_defaults(cfg);
    CHECK(d.settings.values.at("ignore") == "['127.0.0.0/8', '::1', '192.0.2.0/24', 'gateway.example']");
    CHECK(has_item(d.items, ItemKind::skipped, "ignoreip entry \"bad!name\": not an address, a network or a host name"));
}

TEST_CASE("a jail writes what it sets itself and what differs from [DEFAULT]") {
    IniConfig cfg = jails("[DEFAULT]\nmaxretry = 5\nbantime = 10m\nport = 0:65535\nfilter = %(__name__)s[mode=%(mode)s]\n"
                          "mode = normal\nbanaction = iptables-multiport\nlogpath = /var/log/x.log\nbackend = auto\n"
                          "[web]\nenabled = true\nmaxretry = 5\nport = 8080\nbanaction = nftables\nknocking = x\n");
    DefaultsConversion d = convert_defaults(cfg);
    JailConversion j = convert_jail(cfg, "web", d);
    CHECK(j.enabled);
    CHECK(j.filter == "web");
    CHECK(j.filter_args == FilterArgs{{"mode", "normal"}});
    CHECK(j.settings.values.at("maxretry") == "5");          // set in the jail
    CHECK_FALSE(j.settings.values.count("bantime"));          // inherited and equal
    CHECK(j.settings.values.at("ports") == "['8080']");
    CHECK(has_item(j.report.items, ItemKind::skipped, "banaction = nftables: banjo bans through firewalld"));
    CHECK(has_item(j.report.items, ItemKind::skipped, "1 variable fail2ban uses only through %(name)s"));
    CHECK(has_item(d.items, ItemKind::skipped, "backend = auto: banjo always reads the journal"));
    CHECK(has_item(d.items, ItemKind::skipped, "logpath = /var/log/x.log: banjo reads the journal"));
}

TEST_CASE("an allports ban action means every port, whatever the port list") {
    IniConfig cfg = jails("[DEFAULT]\nfilter = x\n[all]\nport = ssh\nbanaction = iptables-allports\n");
    JailConversion j = convert_jail(cfg, "all", convert_defaults(cfg));
    CHECK_FALSE(j.settings.values.count("ports"));
}

TEST_CASE("bantime.increment becomes [increment]: doubling, capped at maxtime") {
    IniConfig cfg = jails("[DEFAULT]\nfilter = x\nbantime.increment = true\nbantime.maxtime = 5w\n"
                          "[strict]\nbantime.factor = 3\n");
    DefaultsConversion d = convert_defaults(cfg);
    CHECK(d.settings.increment.at("enabled") == "true");
    CHECK(d.settings.increment.at("factor") == "2");
    CHECK(d.settings.increment.at("max") == "'5w'");
    JailConversion j = convert_jail(cfg, "strict", d);
    // fail2ban: bantime * 2^n * 3 for n >= 1, the exponent capped at 20.
    CHECK(j.settings.increment.at("multipliers").rfind("[1, 6, 12, 24, 48,", 0) == 0);
    CHECK(j.settings.increment.at("multipliers").find(", 3145728]") != std::string::npos);
    IniConfig off = jails("[DEFAULT]\nfilter = x\n");
    CHECK(convert_defaults(off).settings.increment.at("enabled") == "false");
}

TEST_CASE("bantime.multipliers, rndtime and overalljails are converted, not dropped") {
    IniConfig cfg = jails("[DEFAULT]\nfilter = x\nbantime.increment = true\nbantime.multipliers = 1 5 30 60\n"
                          "bantime.rndtime = 5m\nbantime.overalljails = true\n"
                          "[scaled]\nbantime.factor = 2\nbantime.multipliers = 3 5 30\n");
    DefaultsConversion d = convert_defaults(cfg);
    CHECK(d.settings.increment.at("multipliers") == "[1, 5, 30, 60]");
    CHECK(d.settings.increment.at("rnd") == "'5min'");
    CHECK(d.settings.increment.at("overall-jails") == "true");
    CHECK_FALSE(d.settings.increment.count("factor"));
    JailConversion j = convert_jail(cfg, "scaled", d);
    // Times the factor; the first entry is a first ban, which fail2ban leaves at bantime.
    CHECK(j.settings.increment.at("multipliers") == "[1, 10, 60]");
    for (const auto& item : d.items) CHECK(item.kind != ItemKind::skipped);
}

TEST_CASE("the jail's own journalmatch and filter options travel with it") {
    IniConfig cfg = jails("[DEFAULT]\nfilter = x\n[app]\njournalmatch = _SYSTEMD_UNIT=app.service\nfailregex = ^bad <HOST>$\n");
    JailConversion j = convert_jail(cfg, "app", convert_defaults(cfg));
    CHECK(j.has_journal_match);
    CHECK(j.journal_match == std::vector<std::vector<std::string>>{{"_SYSTEMD_UNIT=app.service"}});
    CHECK(j.filter_args.at("failregex") == "^bad <HOST>$");
    std::string toml = jail_toml(j, "x.jail-app", "", true);
    CHECK(toml.find("[jail.app]\nenabled = true\nfilter = 'x.jail-app'\njournal-match = [['_SYSTEMD_UNIT=app.service']]\n") !=
          std::string::npos);
}

TEST_CASE("an import writes what banjo's loader accepts and reports the rest") {
    TempDir t;
    t.write("f2b/jail.conf", "[DEFAULT]\nbantime = 1h\nfindtime = 10m\nmaxretry = 5\nfilter = %(__name__)s[mode=%(mode)s]\n"
                             "mode = normal\nport = 0:65535\nbackend = auto\nenabled = false\n"
                             "[svc]\nport = 2222\nlogpath = /var/log/svc.log\n"
                             "[nomatch]\nfilter = plain\n"
                             "[off]\n"
                             "[bad.name]\nenabled = true\nfilter = svc\n");
    t.write("f2b/jail.local", "[svc]\nenabled = true\nmode = extra\n[nomatch]\nenabled = true\n");
    t.write("f2b/filter.d/common.conf", "[DEFAULT]\n__prefix_line = \\s*\\S+\\[\\d+\\]:\\s+\n");
    t.write("f2b/filter.d/svc.conf",
            "[INCLUDES]\nbefore = common.conf\n"
            "[Definition]\nprefregex = ^<F-MLFID>%(__prefix_line)s</F-MLFID><F-CONTENT>.+</F-CONTENT>$\n"
            "failregex = ^auth failed for .* from <HOST>$\n            <mdre-<mode>>\n"
            "mdre-normal =\nmdre-extra = ^probe from <HOST>\n"
            "            ^lines <HOST><SKIPLINES>more$\n"
            "mode = normal\njournalmatch = _SYSTEMD_UNIT=svc.service + _COMM=svc\n");
    t.write("f2b/filter.d/plain.conf", "[Definition]\nfailregex = ^bad <HOST>$\n");
    ImportOptions o;
    o.source = (t.dir / "f2b").string();
    o.output = (t.dir / "out").string();
    ImportResult r = convert_fail2ban_config(o);
    REQUIRE(r.fatal.empty());
    CHECK(r.wrote);
    const ImportReport& rep = r.report;
    CHECK(rep.not_enabled == std::vector<std::string>{"off"});
    REQUIRE(rep.jails.size() == 3);
    CHECK(rep.jails[0].name == "svc");
    CHECK(rep.jails[0].status == OutcomeStatus::converted);
    CHECK(rep.jails[0].mode == "extra");
    CHECK(rep.jails[1].name == "nomatch");
    CHECK(rep.jails[1].status == OutcomeStatus::disabled);   // no journal-match: never enabled blindly
    CHECK(rep.jails[2].status == OutcomeStatus::failed);     // "bad.name" is no banjo jail name

    std::string filter = t.read("out/filter.d/svc.toml");
    CHECK(filter.find("id-field = '_PID'") != std::string::npos);
    // Only the daemon is believed: every group also requires the sender's uid, root's when banjo
    // ships no filter of that name to say otherwise.
    CHECK(filter.find("journal-match = [\n    ['_SYSTEMD_UNIT=svc.service', '_UID=0'],\n    ['_COMM=svc', '_UID=0'],\n]") !=
          std::string::npos);
    CHECK(has_item(rep.filters[0].items, ItemKind::changed, "journal-match: every group also requires _UID=0"));
    CHECK(filter.find("failregex = [\n    'auth failed for .* from <HOST>',\n]") != std::string::npos);
    CHECK(filter.find("[modes.extra]\nfailregex = [\n    'probe from <HOST>.*',\n]") != std::string::npos);
    REQUIRE(rep.filters.size() == 2);
    CHECK(has_item(rep.filters[0].items, ItemKind::skipped, "failregex ^lines <HOST><SKIPLINES>more$"));
    CHECK(rep.filters[0].patterns == 3);
    CHECK(rep.filters[0].patterns_converted == 2);

    Config cfg = load_config((t.dir / "out" / "banjo.toml").string(), {(t.dir / "out" / "filter.d").string()});
    REQUIRE(cfg.jails.size() == 2);
    CHECK(cfg.jails[1].settings.name == "svc");
    CHECK(cfg.jails[1].settings.ports == std::vector<std::string>{"2222"});
    CHECK(cfg.jails[1].settings.ban.bantime == std::chrono::hours(1));
    CHECK_FALSE(cfg.jails[0].settings.enabled);
}

TEST_CASE("an unreadable fail2ban directory is fatal and writes nothing") {
    TempDir t;
    ImportOptions o;
    o.source = (t.dir / "missing").string();
    o.output = (t.dir / "out").string();
    ImportResult r = convert_fail2ban_config(o);
    CHECK(r.fatal.find("not a readable directory") != std::string::npos);
    CHECK_FALSE(fs::exists(t.dir / "out"));
    fs::create_directories(t.dir / "empty");
    o.source = (t.dir / "empty").string();
    CHECK(convert_fail2ban_config(o).fatal.find("no jail.conf or jail.local") != std::string::npos);
}

TEST_CASE("recidive uses banjo's own recidive filter, which reads banjo's ban log, not fail2ban's") {
    TempDir t;
    t.write("f2b/jail.conf", "[DEFAULT]\nfilter = %(__name__)s\nbanaction = iptables-multiport\n"
                             "[recidive]\nenabled = true\nbanaction = iptables-allports\nbantime = 1w\nfindtime = 1d\n");
    t.write("f2b/filter.d/recidive.conf", "[Definition]\nfailregex = ^NOTICE\\s+\\[\\S+\\]\\s+Ban\\s+<HOST>$\n");
    ImportOptions o;
    o.source = (t.dir / "f2b").string();
    o.output = (t.dir / "out").string();
    o.shipped_filter_dirs = {std::string(BANJO_SOURCE_ROOT) + "/conf/filter.d"};
    ImportResult r = convert_fail2ban_config(o);
    REQUIRE(r.report.jails.size() == 1);
    CHECK(r.report.jails[0].status == OutcomeStatus::converted);
    CHECK(r.report.jails[0].filter == "recidive");
    CHECK_FALSE(fs::exists(t.dir / "out" / "filter.d" / "recidive.toml"));
    CHECK(t.read("out/jail.d/recidive.toml").find("filter = 'recidive'\nfindtime = '1d'\nbantime = '1w'\n") != std::string::npos);

    o.shipped_filter_dirs = {(t.dir / "nowhere").string()};
    o.output = (t.dir / "out2").string();
    ImportResult missing = convert_fail2ban_config(o);
    CHECK(missing.report.jails[0].status == OutcomeStatus::failed);
}

TEST_CASE("a filter none of whose patterns converts is not written, and its jail fails") {
    TempDir t;
    t.write("f2b/jail.conf", "[DEFAULT]\nfilter = %(__name__)s\n[ldap]\nenabled = true\n");
    t.write("f2b/filter.d/ldap.conf", "[Definition]\nfailregex = ^ACCEPT from <HOST><SKIPLINES>err=49$\n"
                                      "journalmatch = _SYSTEMD_UNIT=slapd.service\n");
    ImportOptions o;
    o.source = (t.dir / "f2b").string();
    o.output = (t.dir / "out").string();
    ImportResult r = convert_fail2ban_config(o);
    REQUIRE(r.report.filters.size() == 1);
    CHECK(r.report.filters[0].status == OutcomeStatus::failed);
    CHECK(has_item(r.report.filters[0].items, ItemKind::error, "none of the filter's patterns could be converted"));
    CHECK(r.report.jails[0].status == OutcomeStatus::failed);
    CHECK_FALSE(fs::exists(t.dir / "out" / "filter.d" / "ldap.toml"));
    CHECK(r.wrote);   // banjo.toml all the same
}

TEST_CASE("an imported filter believes the users banjo's own filter of that name believes") {
    TempDir t;
    t.write("f2b/jail.conf", "[DEFAULT]\nbackend = auto\n[mail]\nenabled = true\nfilter = mail\n"
                             "journalmatch = _SYSTEMD_UNIT=mail.service\n");
    t.write("f2b/filter.d/mail.conf", "[Definition]\nfailregex = ^reject from <HOST>$\n"
                                      "journalmatch = _SYSTEMD_UNIT=mail.service + _COMM=smtpd\n");
    // banjo's shipped filter "mail" says the daemon logs as root or as mailer.
    t.write("shipped/mail.toml", "journal-match = [[\"_SYSTEMD_UNIT=mail.service\", \"_UID=0\", \"_UID=mailer\"]]\n"
                                 "failregex = ['x <HOST>']\n");
    ImportOptions o;
    o.source = (t.dir / "f2b").string();
    o.output = (t.dir / "out").string();
    o.shipped_filter_dirs = {(t.dir / "shipped").string()};
    ImportResult r = convert_fail2ban_config(o);
    REQUIRE(r.fatal.empty());
    std::string filter = t.read("out/filter.d/mail.toml");
    CHECK(filter.find("['_SYSTEMD_UNIT=mail.service', '_UID=0', '_UID=mailer'],\n    ['_COMM=smtpd', '_UID=0', '_UID=mailer']") !=
          std::string::npos);
    REQUIRE(r.report.filters.size() == 1);
    CHECK(has_item(r.report.filters[0].items, ItemKind::changed,
                   "journal-match: every group also requires _UID=0 or _UID=mailer"));
    // The jail's own journalmatch gets the same users.
    std::string jail = t.read("out/jail.d/mail.toml");
    CHECK(jail.find("journal-match = [['_SYSTEMD_UNIT=mail.service', '_UID=0', '_UID=mailer']]") != std::string::npos);
    REQUIRE(r.report.jails.size() == 1);
    CHECK(has_item(r.report.jails[0].items, ItemKind::changed, "the jail's journal-match: every group also requires"));
}

TEST_CASE("ignoreip host names and a file: entry become ignore and ignore-file") {
    IniConfig cfg = jails("[DEFAULT]\nignoreip = ::1 gateway.example file:/etc/fail2ban/ignore.list file:/etc/x.list\n");
    DefaultsConversion d = convert_defaults(cfg);
    CHECK(d.settings.values.at("ignore") == "['::1', 'gateway.example']");
    CHECK(d.settings.values.at("ignore-file") == "'/etc/fail2ban/ignore.list'");
    CHECK(has_item(d.items, ItemKind::skipped, "ignoreip entry \"file:/etc/x.list\": banjo reads one ignore-file per jail"));
}

TEST_CASE("ignorecommand becomes an argv with {address}; one that needs a shell is reported") {
    IniConfig cfg = jails("[DEFAULT]\nignorecommand = /usr/bin/check --ip=<ip> -q\nignorecache = key=\"<ip>\", max-time=90\n"
                          "[a]\nignorecommand = /usr/bin/check <ip> | grep yes\n[b]\nignorecommand = check <ip>\n");
    DefaultsConversion d = convert_defaults(cfg);
    CHECK(d.settings.values.at("ignore-command") == "['/usr/bin/check', '--ip={address}', '-q']");
    CHECK(d.settings.values.at("ignore-command-cache") == "'1min 30s'");
    JailConversion a = convert_jail(cfg, "a", d);
    CHECK(has_item(a.report.items, ItemKind::skipped, "ignorecommand = /usr/bin/check <ip> | grep yes: needs a shell"));
    JailConversion b = convert_jail(cfg, "b", d);
    CHECK(has_item(b.report.items, ItemKind::skipped, "ignorecommand = check <ip>: banjo needs the program by absolute path"));
}

TEST_CASE("a jail.local with every key issue 14 lists converts with nothing skipped") {
    TempDir t;
    fs::copy(std::string(BANJO_SOURCE_ROOT) + "/tests/data/fail2ban-every-key", t.dir / "f2b", fs::copy_options::recursive);
    ImportOptions o;
    o.source = (t.dir / "f2b").string();
    o.output = (t.dir / "out").string();
    ImportResult r = convert_fail2ban_config(o);
    REQUIRE(r.fatal.empty());
    const ImportReport& rep = r.report;
    std::vector<ReportItem> items = rep.defaults;
    for (const auto& j : rep.jails) items.insert(items.end(), j.items.begin(), j.items.end());
    for (const auto& i : items) CHECK_MESSAGE(i.kind != ItemKind::skipped, i.text);
    for (const auto& i : items) CHECK_MESSAGE(i.kind != ItemKind::error, i.text);
    REQUIRE(rep.jails.size() == 1);
    CHECK(rep.jails[0].status == OutcomeStatus::converted);

    Config cfg = load_config((t.dir / "out" / "banjo.toml").string(), {(t.dir / "out" / "filter.d").string()});
    CHECK(cfg.history_age == std::chrono::hours(48));
    REQUIRE(cfg.jails.size() == 1);
    const JailSettings& s = cfg.jails[0].settings;
    CHECK(s.maxretry == 3);
    CHECK(s.findtime == std::chrono::minutes(5));
    CHECK(s.ban.bantime == std::chrono::hours(2));
    CHECK(s.ports == std::vector<std::string>{"2222"});
    CHECK(s.ignore.contains(*Address::parse("203.0.113.7")));
    CHECK(s.ignore_hosts == std::vector<std::string>{"vpn.example.org"});
    CHECK(s.ignore_file == "/etc/fail2ban/ignore.list");   // inherited from [DEFAULT]
    CHECK(s.ignore_command == std::vector<std::string>{"/usr/local/bin/every-known", "{address}"});
    CHECK(s.ignore_command_cache == std::chrono::minutes(15));
    CHECK(s.ignore_self);
    CHECK(s.ban.increment.enabled);
    CHECK(s.ban.increment.overall_jails);
    CHECK(s.ban.increment.rnd == std::chrono::minutes(5));
    CHECK(s.ban.increment.max == std::chrono::hours(24 * 7));
    // fail2ban: bantime * multipliers[n] * factor (2), a first ban plain.
    CHECK(s.ban.increment.multipliers == std::vector<double>{1, 4, 8, 16, 32});
}

TEST_CASE("an empty ignorecommand writes nothing, unless it turns off the one of [DEFAULT]") {
    IniConfig cfg = jails("[DEFAULT]\nignorecommand =\n[a]\nenabled = true\n");
    DefaultsConversion d = convert_defaults(cfg);
    CHECK_FALSE(d.settings.values.count("ignore-command"));
    CHECK_FALSE(convert_jail(cfg, "a", d).settings.values.count("ignore-command"));
    IniConfig cfg2 = jails("[DEFAULT]\nignorecommand = /bin/known <ip>\n[a]\nignorecommand =\n");
    DefaultsConversion d2 = convert_defaults(cfg2);
    CHECK(convert_jail(cfg2, "a", d2).settings.values.at("ignore-command") == "[]");
}
