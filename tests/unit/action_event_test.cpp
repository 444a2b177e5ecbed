// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/action_event.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

Usec at(long seconds) { return Usec(std::chrono::seconds(seconds)); }

ActionEvent sample() {
    ActionEvent e;
    e.jail = "sshd";
    e.address = *Address::parse("2001:db8::7");
    e.failures = 5;
    e.banned = at(1'700'000'000);
    e.expires = at(1'700'003'600);
    e.origin = "filter";
    e.lines = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"one \"quoted\"", "two\\"});
    return e;
}

}  // namespace

TEST_CASE("placeholders give the address, jail, counts and times of the event") {
    const ActionEvent e = sample();
    CHECK(substitute_placeholders("{address} {jail} {failures} {bantime} {expires} {time} {event} {origin}", e) ==
          "2001:db8::7 sshd 5 3600 1700003600 1700000000 ban filter");
}

TEST_CASE("a permanent ban has bantime and expires 0") {
    ActionEvent e = sample();
    e.expires = infinite_usec;
    CHECK(substitute_placeholders("{bantime}/{expires}", e) == "0/0");
}

TEST_CASE("a value never leaves the text it was put into: shell syntax and newlines stay data") {
    ActionEvent e = sample();
    e.jail = "x";
    e.lines = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"$(id); `id`", "b"});
    CHECK(substitute_placeholders("--lines={lines}", e) == "--lines=$(id); `id`\nb");
    // Substituted text is not read again: a value that looks like a placeholder stays as it is.
    e.lines = std::make_shared<std::vector<std::string>>(std::vector<std::string>{"{address}"});
    CHECK(substitute_placeholders("{lines}", e) == "{address}");
}

TEST_CASE("in a JSON template every value is escaped as a JSON string's content") {
    const ActionEvent e = sample();
    CHECK(substitute_placeholders(R"({"ip": "{address}", "log": "{lines}"})", e, PlaceholderEscape::json_string) ==
          R"({"ip": "2001:db8::7", "log": "one \"quoted\"\ntwo\\"})");
}

TEST_CASE("doubled braces are literal braces; other braces stay") {
    const ActionEvent e = sample();
    CHECK(substitute_placeholders("{{address}} {} {x y} {", e) == "{address} {} {x y} {");
    CHECK(substitute_placeholders("{{{jail}}}", e) == "{sshd}");
}

TEST_CASE("an unknown placeholder is found for the config's error, literal braces are not") {
    CHECK(unknown_placeholder("{adress}") == std::string("adress"));
    CHECK_FALSE(unknown_placeholder("{address} {{nothing}} {\"a\": 1}"));
    CHECK_FALSE(unknown_placeholder("{lines}{reason}"));
}
