// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/input_excerpt.hpp"

#include <doctest/doctest.h>

#include <string>

using banjo::input_excerpt;

TEST_CASE("a short input is quoted unchanged") {
    CHECK(input_excerpt("198.51.100.7") == "198.51.100.7");
    CHECK(input_excerpt("") == "");
}

TEST_CASE("a long input is cut to 64 characters and marked as cut") {
    const std::string huge(10'000, 'A');
    const std::string e = input_excerpt(huge);
    CHECK(e == std::string(64, 'A') + "...");
    CHECK(input_excerpt(std::string(64, 'B')) == std::string(64, 'B'));
}

TEST_CASE("control characters cannot start a second line in a log or a terminal") {
    CHECK(input_excerpt("a\nb") == "a\\x0ab");
    CHECK(input_excerpt(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(input_excerpt("\x1b[31m") == "\\x1b[31m");
    CHECK(input_excerpt("\x7f") == "\\x7f");
}

TEST_CASE("the cut never splits a UTF-8 character, so the message stays valid UTF-8") {
    std::string s;
    for (int i = 0; i < 100; ++i) s += "\xc3\xa9";   // é
    const std::string e = input_excerpt(s);
    std::string expected;
    for (int i = 0; i < 64; ++i) expected += "\xc3\xa9";
    CHECK(e == expected + "...");
}

TEST_CASE("bytes that are not UTF-8 are shown as escapes") {
    CHECK(input_excerpt("a\xff" "b") == "a\\xffb");
    CHECK(input_excerpt("\xc3") == "\\xc3");               // a sequence cut short
    CHECK(input_excerpt("\xc0\xaf") == "\\xc0\\xaf");      // overlong '/'
    CHECK(input_excerpt("\xed\xa0\x80") == "\\xed\\xa0\\x80");   // a surrogate
    CHECK(input_excerpt("\xf0\x9f\x98\x80") == "\xf0\x9f\x98\x80");
}
