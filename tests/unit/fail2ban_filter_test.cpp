// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's <tag> substitution (src/fail2ban/tag_substitution.cpp) and a filter resolved for
// a jail's arguments (src/fail2ban/fail2ban_filter.cpp): [Init], arguments, modes, known/.
#include "fail2ban/fail2ban_filter.hpp"
#include "fail2ban/tag_substitution.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

using namespace banjo;
namespace fs = std::filesystem;

namespace {

struct FilterDir : test::TempDir {
    FilterDir() : TempDir("banjo-f2b-filter-test") {
        write("common.conf", "[DEFAULT]\n_daemon = \\S*\n__pid_re = (?:\\[\\d+\\])\n"
                             "__prefix_line = \\s*(?:\\S+ )?<_daemon><__pid_re>?:\\s+\n__hostname = \\S+\n");
    }
    Fail2banFilter read(const std::string& name) {
        return Fail2banFilter::read(dir.string(), name, cache);
    }
    IniFileCache cache;
};

// A tag lookup that answers from `table` alone.
TagLookup lookup_in(std::map<std::string, std::string> table) {
    return [table = std::move(table)](const std::string& name) -> std::optional<std::string> {
        auto it = table.find(name);
        if (it == table.end()) return std::nullopt;
        return it->second;
    };
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("tags are substituted innermost first until nothing changes; unknown tags stay") {
    const TagLookup table = lookup_in({{"mode", "ddos"}, {"mdre-ddos", "^Did not receive identification string from <HOST>"}});
    CHECK(substitute_tags("<mdre-<mode>>", "failregex", table, {}) ==
          "^Did not receive identification string from <HOST>");
    CHECK(substitute_tags("user=<<F-USER>[^>]*</F-USER>> <mode>", "x", table, {}) ==
          "user=<<F-USER>[^>]*</F-USER>> ddos");
}

TEST_CASE("a tag that refers to itself, directly or through others, is an error") {
    const TagLookup table = lookup_in({{"a", "<b>"}, {"b", "<a>"}});
    CHECK(error_of([&] { substitute_tags("<failregex>", "failregex", table, {"f.conf", 3}); }) ==
          "f.conf:3: 'failregex' refers to itself through <failregex>");
    CHECK(error_of([&] { substitute_tags("<a>", "x", table, {"f.conf", 4}); }).find("substituted more than 25 times") !=
          std::string::npos);
}

TEST_CASE("a filter's [Init] values are defaults its jail's arguments override") {
    FilterDir d;
    d.write("svc.conf", "[INCLUDES]\nbefore = common.conf\n"
                        "[Definition]\nfailregex = ^%(__prefix_line)sfailed <what> from <HOST>$\njournalmatch = <match>\n"
                        "[Init]\nwhat = login\nmatch = _SYSTEMD_UNIT=svc.service\n");
    Fail2banFilter f = d.read("svc");
    ResolvedFilter r = f.resolve({});
    REQUIRE(r.failregex);
    CHECK(unmark(r.failregex->text) == "^failed login from <HOST>$");
    CHECK(unmark(r.journalmatch->text) == "_SYSTEMD_UNIT=svc.service");
    CHECK(unmark(f.resolve({{"what", "password"}}).failregex->text) == "^failed password from <HOST>$");
    CHECK(r.failregex->where.line == 4);
}

TEST_CASE("the syslog prefix comes back marked, for the translation to drop") {
    FilterDir d;
    d.write("svc.conf", "[INCLUDES]\nbefore = common.conf\n[Definition]\nfailregex = ^%(__prefix_line)sbad <HOST>\n");
    ResolvedFilter r = d.read("svc").resolve({});
    CHECK(r.failregex->text == "^" + mark_variable("__prefix_line", "") + "bad <HOST>");
}

TEST_CASE("modes are the values for which every <PREFIX<mode>SUFFIX> template has an option") {
    FilterDir d;
    d.write("ssh.conf", "[Definition]\n"
                        "failregex = ^common <HOST>$\n            <mdre-<mode>-other>\n            <mdre-<mode>>\n"
                        "mdre-normal =\nmdre-normal-other = ^normal <HOST>$\n"
                        "mdre-ddos = ^ddos <HOST>$\nmdre-ddos-other =\n"
                        "mdre-broken = ^only half a mode <HOST>$\n"
                        "mode = normal\n");
    Fail2banFilter f = d.read("ssh");
    CHECK(f.default_mode() == "normal");
    CHECK(f.modes() == std::vector<std::string>{"ddos", "normal"});
    CHECK(unmark(f.resolve({{"mode", "ddos"}}).failregex->text) == "^common <HOST>$\n\n^ddos <HOST>$");
    CHECK(unmark(f.resolve({}).failregex->text) == "^common <HOST>$\n^normal <HOST>$\n");
}

TEST_CASE("a filter without mode templates has no modes") {
    FilterDir d;
    d.write("plain.conf", "[Definition]\nfailregex = ^bad <HOST>$\nmode = normal\n");
    CHECK(d.read("plain").modes().empty());
}

TEST_CASE("known/NAME is the filter's own [Init] value: for a jail's argument and for a .local") {
    FilterDir d;
    d.write("svc.conf", "[DEFAULT]\nsuffix = (?: port \\d+)?\n"
                        "[Definition]\nfailregex = ^bad <HOST><default/suffix> <what>$\n[Init]\nwhat = login\n");
    Fail2banFilter f = d.read("svc");
    CHECK(unmark(f.resolve({{"what", "<known/what> or password"}}).failregex->text) ==
          "^bad <HOST>(?: port \\d+)? login or password$");
    d.write("svc.local", "[Init]\nwhat = %(known/what)s or key\n");
    IniFileCache fresh;
    Fail2banFilter g = Fail2banFilter::read(d.dir.string(), "svc", fresh);
    CHECK(unmark(g.resolve({}).failregex->text) == "^bad <HOST>(?: port \\d+)? login or key$");
}

TEST_CASE("a filter that exists neither as .conf nor as .local is an error naming it") {
    FilterDir d;
    CHECK(error_of([&] { (void)d.read("nothing"); }).find("nothing.conf:0: no such filter") != std::string::npos);
}
