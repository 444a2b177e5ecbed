// SPDX-License-Identifier: GPL-2.0-or-later
// src/text/quoted_string.cpp: any bytes as a string JSON and TOML readers both take back.
#include "text/quoted_string.hpp"

#include <doctest/doctest.h>

#include <toml++/toml.h>

#include <string>

using namespace banjo;

namespace {

// What a TOML reader makes of `quoted` as the value of a key.
std::string toml_value(const std::string& quoted) {
    toml::table t = toml::parse("v = " + quoted);
    return std::string(*t["v"].value<std::string>());
}

}  // namespace

TEST_CASE("plain text and UTF-8 stay as they are") {
    CHECK(quoted_string("sshd") == "\"sshd\"");
    CHECK(quoted_string("r\xc3\xa9mi \xe2\x82\xac") == "\"r\xc3\xa9mi \xe2\x82\xac\"");
    CHECK(quoted_string("") == "\"\"");
}

TEST_CASE("quotes, backslashes and control characters are escaped") {
    CHECK(quoted_string("a\"b\\c") == R"("a\"b\\c")");
    CHECK(quoted_string("\b\f\n\r\t") == R"("\b\f\n\r\t")");
    CHECK(quoted_string(std::string("\x00\x1b[2J\x7f", 6)) == R"("\u0000\u001b[2J\u007f")");
}

TEST_CASE("each byte that is not part of valid UTF-8 becomes U+FFFD") {
    CHECK(quoted_string("a\xff" "b") == R"("a\ufffdb")");
    CHECK(quoted_string("\xc0\xaf") == R"("\ufffd\ufffd")");               // overlong '/'
    CHECK(quoted_string("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");     // a surrogate
    CHECK(quoted_string("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");
    CHECK(quoted_string("\xc3") == R"("\ufffd")");                         // cut short
}

TEST_CASE("a TOML reader reads the text back") {
    const std::string text = "user's \"name\"\\ with\ttab\nand \x1b[31m colour, caf\xc3\xa9";
    CHECK(toml_value(quoted_string(text)) == text);
    CHECK(toml_value(quoted_string("bad \xc0\xaf byte")) == "bad \xef\xbf\xbd\xef\xbf\xbd byte");
}
