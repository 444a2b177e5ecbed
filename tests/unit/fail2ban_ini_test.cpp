// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's INI dialect (src/fail2ban/ini_file.cpp) and its merged, interpolated view
// (src/fail2ban/ini_config.cpp): what Python's configparser and fail2ban's includes do.
#include "fail2ban/ini_config.hpp"
#include "fail2ban/ini_file.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

using namespace banjo;
namespace fs = std::filesystem;

namespace {

struct TempDir : test::TempDir {
    TempDir() : test::TempDir("banjo-f2b-ini-test") {}
};

IniConfig config_of(const std::string& text) {
    IniConfig cfg;
    cfg.merge(parse_ini(text, "test.conf"));
    return cfg;
}

std::string error_of(const IniConfig& cfg, const std::string& section, const std::string& key) {
    try {
        (void)cfg.get(section, key);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a value continues on the lines indented deeper than its key, each line stripped") {
    IniFile f = parse_ini("[Definition]\n"
                          "failregex = ^one$\n"
                          "            ^two$\n"
                          "\t^three$\n"
                          "ignoreregex =\n",
                          "f.conf");
    const IniSection* d = f.section("Definition");
    REQUIRE(d);
    CHECK(d->options.at("failregex").text == "^one$\n^two$\n^three$");
    CHECK(d->options.at("ignoreregex").text == "");
    CHECK(d->options.at("failregex").where.line == 2);
}

TEST_CASE("comment lines are skipped even inside a continued value, and inline comments need a ';' after a blank") {
    IniFile f = parse_ini("# a comment\n"
                          "[DEFAULT]\n"
                          "; another\n"
                          "a = first\n"
                          "    # not part of the value\n"
                          "    second\n"
                          "b = x ; an inline comment\n"
                          "c = x;y\n"
                          "d = x # no inline comment\n",
                          "f.conf");
    CHECK(f.defaults.at("a").text == "first\nsecond");
    CHECK(f.defaults.at("b").text == "x");
    CHECK(f.defaults.at("c").text == "x;y");
    CHECK(f.defaults.at("d").text == "x # no inline comment");
}

TEST_CASE("blank lines inside a value are kept, trailing ones dropped; keys are lower-cased") {
    IniFile f = parse_ini("[s]\nMixedCase = a\n\n    b\n\n\nnext: c\n", "f.conf");
    const IniSection* s = f.section("s");
    CHECK(s->options.at("mixedcase").text == "a\n\nb");
    CHECK(s->options.at("next").text == "c");
}

TEST_CASE("what configparser refuses is an error naming the line") {
    auto error = [](const std::string& text) {
        try {
            parse_ini(text, "bad.conf");
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error("key = before any section\n").find("bad.conf:1:") == 0);
    CHECK(error("[s]\nno delimiter here\n").find("bad.conf:2:") == 0);
    CHECK(error("[s]\na = 1\na = 2\n").find("bad.conf:3: 'a' is set twice") == 0);
    CHECK(error("[s]\n[s]\n").find("bad.conf:2: section [s] appears twice") == 0);
}

TEST_CASE("%(name)s is looked up in the section, then in [DEFAULT]; %% is a percent sign") {
    IniConfig cfg = config_of("[DEFAULT]\nport = 22\nhost = all\n"
                              "[sshd]\nhost = one\nline = %(host)s:%(port)s 100%%\n");
    CHECK(cfg.get("sshd", "line") == "one:22 100%");
    CHECK(cfg.get("sshd", "port") == "22");
    CHECK_FALSE(cfg.get("sshd", "nothing"));
}

TEST_CASE("%(__name__)s is the section's name, the way jail.conf names each jail's filter") {
    IniConfig cfg = config_of("[DEFAULT]\nmode = normal\nfilter = %(__name__)s[mode=%(mode)s]\n[sshd]\n[postfix]\nmode = more\n");
    CHECK(cfg.get("sshd", "filter") == "sshd[mode=normal]");
    CHECK(cfg.get("postfix", "filter") == "postfix[mode=more]");
}

TEST_CASE("nesting deeper than configparser's ten levels is an error, not a hang") {
    IniConfig cfg = config_of("[s]\na = %(b)s\nb = %(a)s\nok = %(c)s\nc = %(d)s\nd = fine\n");
    CHECK(cfg.get("s", "ok") == "fine");
    std::string e = error_of(cfg, "s", "a");
    CHECK(e.find("test.conf:2: [s] a:") == 0);
    CHECK(e.find("nested deeper than 10 levels") != std::string::npos);
}

TEST_CASE("a reference to a variable nobody sets names the variable, the section and the line") {
    IniConfig cfg = config_of("[DEFAULT]\n\n[jail]\nlogpath = %(apache_error_log)s\n");
    CHECK(error_of(cfg, "jail", "logpath") ==
          "test.conf:4: [jail] logpath: %(apache_error_log)s refers to 'apache_error_log', which is set neither in [jail] "
          "nor in [DEFAULT]");
    IniConfig bad = config_of("[s]\na = 5%\nb = %(x\n");
    CHECK(error_of(bad, "s", "a").find("'%' must be followed by") != std::string::npos);
    CHECK(error_of(bad, "s", "b").find("'%' must be followed by") != std::string::npos);
}

TEST_CASE("vars come before the section: a filter's arguments override its values") {
    IniConfig cfg = config_of("[Definition]\nmode = normal\nre = <mdre-%(mode)s>\n");
    CHECK(cfg.get("Definition", "re", {{"mode", "aggressive"}}) == "<mdre-aggressive>");
    CHECK(cfg.get("Definition", "re") == "<mdre-normal>");
}

TEST_CASE("known/ is the value a later file overrode, else [DEFAULT]'s") {
    IniConfig cfg;
    cfg.merge(parse_ini("[DEFAULT]\nignoreip = 127.0.0.1/8\n[sshd]\nport = ssh\n", "jail.conf"));
    cfg.merge(parse_ini("[sshd]\nport = %(known/port)s,2222\nignoreip = %(known/ignoreip)s 198.51.100.7\n", "jail.local"));
    CHECK(cfg.get("sshd", "port") == "ssh,2222");
    // [sshd] had no ignoreip before: known/ falls back to [DEFAULT].
    CHECK(cfg.get("sshd", "ignoreip") == "127.0.0.1/8 198.51.100.7");
    const IniValue* k = cfg.known("sshd", "port");
    REQUIRE(k);
    CHECK(k->where.file == "jail.conf");
}

TEST_CASE("default/ and other/ name [DEFAULT] and another section explicitly") {
    IniConfig cfg = config_of("[DEFAULT]\nbackend = auto\ndefault_backend = %(default/backend)s\n"
                              "[lt_file]\ndatepattern = {^LN-BEG}\n"
                              "[sshd]\nbackend = %(default_backend)s\ndp = %(lt_file/datepattern)s\n");
    CHECK(cfg.get("sshd", "backend") == "auto");
    CHECK(cfg.get("sshd", "dp") == "{^LN-BEG}");
}

TEST_CASE("a marked variable comes back wrapped in marks; an always-empty one is not even looked up") {
    IniConfig cfg = config_of("[Definition]\n__pid_re = (?:\\[\\d+\\])\nre = ^%(__prefix_line)sx%(__pid_re)s\n");
    cfg.set_marked({{"__prefix_line", MarkKind::empty}, {"__pid_re", MarkKind::value}});
    std::string v = *cfg.get("Definition", "re");
    CHECK(v == "^" + mark_variable("__prefix_line", "") + "x" + mark_variable("__pid_re", "(?:\\[\\d+\\])"));
    CHECK(unmark(v) == "^x(?:\\[\\d+\\])");
}

TEST_CASE("a file's [INCLUDES] before= comes first and after= last, each .conf followed by its .local") {
    TempDir t;
    t.write("filter.d/common.conf", "[INCLUDES]\nafter = common.local\n[DEFAULT]\nx = common\ny = common\n");
    t.write("filter.d/common.local", "[DEFAULT]\ny = common-local\n");
    t.write("filter.d/extra.conf", "[DEFAULT]\nz = extra\n");
    std::string f = t.write("filter.d/f.conf", "[INCLUDES]\nbefore = common.conf\nafter = extra.conf\n"
                                               "[DEFAULT]\nx = f\nz = f\n[Definition]\nv = %(x)s %(y)s %(z)s\n");
    t.write("filter.d/f.local", "[Definition]\nlocal = yes\n");
    IniFileCache cache;
    IniConfig cfg = IniConfig::read({f}, cache);
    std::vector<std::string> names;
    for (const auto& p : cfg.files()) names.push_back(fs::path(p).filename().string());
    // common.local twice: as common.conf's after= and as common.conf's .local, as fail2ban reads it.
    CHECK(names == std::vector<std::string>{"common.conf", "common.local", "common.local", "f.conf", "extra.conf", "f.local"});
    // f overrides common; extra, read after f, overrides f.
    CHECK(cfg.get("Definition", "v") == "f common-local extra");
    CHECK(cfg.get("Definition", "local") == "yes");
}

TEST_CASE("an include loop is cut, and a missing include is skipped as fail2ban does") {
    TempDir t;
    std::string a = t.write("a.conf", "[INCLUDES]\nbefore = b.conf\n         missing.conf\n[DEFAULT]\na = 1\n");
    t.write("b.conf", "[INCLUDES]\nbefore = a.conf\n[DEFAULT]\nb = 2\n");
    IniFileCache cache;
    IniConfig cfg = IniConfig::read({a}, cache);
    CHECK(cfg.files().size() == 2);
    CHECK(cfg.get("DEFAULT", "a") == "1");
    CHECK(cfg.get("DEFAULT", "b") == "2");
}

TEST_CASE("fail2ban reads NAME.conf, NAME.d/*.conf, NAME.local, NAME.d/*.local in that order") {
    TempDir t;
    t.write("jail.conf", "[DEFAULT]\n");
    t.write("jail.local", "[DEFAULT]\n");
    t.write("jail.d/b.conf", "[DEFAULT]\n");
    t.write("jail.d/a.conf", "[DEFAULT]\n");
    t.write("jail.d/a.local", "[DEFAULT]\n");
    t.write("jail.d/ignored.txt", "");
    std::vector<std::string> names;
    for (const auto& p : fail2ban_config_files((t.dir / "jail").string()))
        names.push_back(fs::relative(p, t.dir).string());
    CHECK(names == std::vector<std::string>{"jail.conf", "jail.d/a.conf", "jail.d/b.conf", "jail.local", "jail.d/a.local"});
}
