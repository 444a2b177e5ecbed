// SPDX-License-Identifier: GPL-2.0-or-later
// src/text/printable.cpp: outside text made safe for a terminal, a log line and a D-Bus string.
// (input_excerpt_test.cpp checks the same function through the cut to 64 characters.)
#include "text/printable.hpp"

#include <doctest/doctest.h>

#include <string>

using banjo::printable;

TEST_CASE("UTF-8 text, backslashes included, is printed as it is") {
    CHECK(printable("Invalid user r\xc3\xa9mi from 198.51.100.4") == "Invalid user r\xc3\xa9mi from 198.51.100.4");
    CHECK(printable("^\\s*from <HOST>$") == "^\\s*from <HOST>$");
}

TEST_CASE("C0 and C1 controls and DEL become escapes, so no escape sequence reaches a terminal") {
    CHECK(printable("a\x1b[2Jb") == "a\\x1b[2Jb");
    CHECK(printable("a\xc2\x9b" "2Jb") == "a\\xc2\\x9b2Jb");   // U+009B, a CSI on some terminals
    CHECK(printable("\xc2\xa0") == "\xc2\xa0");                 // U+00A0 is no control
    CHECK(printable("\x7f\t") == "\\x7f\\x09");
}

TEST_CASE("without a limit nothing is cut, however long") {
    const std::string long_line(100'000, 'a');
    CHECK(printable(long_line) == long_line);
    CHECK(printable("abc", 2) == "ab...");
    CHECK(printable("\xff\xfe", 1) == "\\xff...");
}
