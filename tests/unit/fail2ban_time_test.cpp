// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's time values (src/fail2ban/fail2ban_time.cpp), and what banjo's jails make of them.
#include "core/duration.hpp"
#include "fail2ban/fail2ban_time.hpp"
#include "fail2ban/ini_file.hpp"
#include "fail2ban/jail_conversion.hpp"

#include <doctest/doctest.h>

using namespace banjo;

TEST_CASE("a bare number is seconds, as fail2ban's own default bantime = 600") {
    CHECK(fail2ban_seconds("600") == 600);
    CHECK(fail2ban_seconds(" 86400 ") == 86400);
    CHECK(fail2ban_seconds("-1") == -1);
    CHECK(fail2ban_seconds("1.5") == 1.5);
}

TEST_CASE("units are fail2ban's abbreviations, in any case, with or without a space") {
    CHECK(fail2ban_seconds("10m") == 600);
    CHECK(fail2ban_seconds("10 minutes") == 600);
    CHECK(fail2ban_seconds("1h") == 3600);
    CHECK(fail2ban_seconds("1H") == 3600);
    CHECK(fail2ban_seconds("2d") == 2 * 86400);
    CHECK(fail2ban_seconds("1w") == 7 * 86400);
    CHECK(fail2ban_seconds("1mo") == 2629800);   // a twelfth of 365.25 days
    CHECK(fail2ban_seconds("1y") == 31557600);
    CHECK(fail2ban_seconds("30sec") == 30);
}

TEST_CASE("terms add up, and a minus subtracts") {
    CHECK(fail2ban_seconds("1h 30m") == 5400);
    CHECK(fail2ban_seconds("1d12h") == 1.5 * 86400);
    CHECK(fail2ban_seconds("1h+30m") == 5400);
    CHECK(fail2ban_seconds("1year-6mo") == 31557600 / 2);
}

TEST_CASE("anything else is not understood rather than guessed") {
    CHECK_FALSE(fail2ban_seconds(""));
    CHECK_FALSE(fail2ban_seconds("ten minutes"));
    CHECK_FALSE(fail2ban_seconds("10 fortnights"));
    CHECK_FALSE(fail2ban_seconds("2*60"));
}

TEST_CASE("fail2ban's times become systemd time spans; a negative bantime bans for ever") {
    IniConfig cfg;
    cfg.merge(parse_ini("[DEFAULT]\nbantime = -1\nfindtime = 1h 30m\nmaxretry = 3\n"
                        "[web]\nbantime = 1d\nfindtime = 0\n",
                        "jail.conf"));
    DefaultsConversion d = convert_defaults(cfg);
    CHECK(d.settings.values.at("bantime") == "'infinity'");
    CHECK(d.settings.values.at("findtime") == "'1h 30min'");
    CHECK(d.settings.values.at("maxretry") == "3");
    JailConversion j = convert_jail(cfg, "web", d);
    CHECK(j.settings.values.at("bantime") == "'1d'");
    CHECK_FALSE(j.settings.values.count("findtime"));
    bool reported = false;
    for (const auto& i : j.report.items)
        reported = reported || (i.kind == ItemKind::error && i.text.find("findtime = 0: banjo needs a time longer than 0") == 0);
    CHECK(reported);
}
