// SPDX-License-Identifier: GPL-2.0-or-later
// The PCRE2 wrapper's shortcut (rejecting on the first byte and on length before entering the
// matcher) must never turn a match into a miss.
#include "lib/pcre/regex.hpp"

#include <doctest/doctest.h>

using banjo::pcre::CompileOptions;
using banjo::pcre::Regex;

namespace {
const CompileOptions anchored{true, true, true, false, false};
}  // namespace

TEST_CASE("an inline caseless pattern still matches either case of its first letter") {
    Regex re = Regex::compile("(?i)failed password", anchored);
    CHECK(re.match("FAILED PASSWORD"));
    CHECK(re.match("failed password"));
}

TEST_CASE("a caseless compile option still matches either case of its first letter") {
    Regex re = Regex::compile("failed", {true, true, true, false, true});
    CHECK(re.match("Failed"));
}

TEST_CASE("a pattern with several possible first bytes matches each of them") {
    Regex re = Regex::compile("(?:[aA]uth|User|\\d+) x", anchored);
    CHECK(re.match("auth x"));
    CHECK(re.match("Auth x"));
    CHECK(re.match("User x"));
    CHECK(re.match("42 x"));
    CHECK_FALSE(re.match("Bob x"));
}

TEST_CASE("a pattern that can match the empty string matches it") {
    Regex re = Regex::compile("(?:abc)?", anchored);
    CHECK(re.match(""));
    CHECK(re.match("abc"));
}

TEST_CASE("a subject shorter than any match is rejected and a long enough one is not") {
    Regex re = Regex::compile("abc\\d{3}", anchored);
    CHECK_FALSE(re.match("abc12"));
    CHECK(re.match("abc123"));
}

TEST_CASE("an unanchored pattern finds its text anywhere") {
    Regex re = Regex::compile("from \\S+", {});
    CHECK(re.match("Failed password for x from 198.51.100.4"));
}
