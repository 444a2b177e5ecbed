// SPDX-License-Identifier: GPL-2.0-or-later
// src/text/utf8.cpp: what counts as UTF-8 in text banjo writes out (RFC 3629, table 3-7 of
// the Unicode standard).
#include "text/utf8.hpp"

#include <doctest/doctest.h>

using namespace banjo;

TEST_CASE("well-formed sequences of every length are accepted whole") {
    CHECK(utf8_sequence_length("a", 0) == 1);
    CHECK(utf8_sequence_length("\xc3\xa9", 0) == 2);           // é
    CHECK(utf8_sequence_length("\xe2\x82\xac", 0) == 3);       // €
    CHECK(utf8_sequence_length("\xf0\x9f\x98\x80", 0) == 4);   // U+1F600
    CHECK(utf8_sequence_length("\xf4\x8f\xbf\xbf", 0) == 4);   // U+10FFFF, the last code point
    CHECK(utf8_sequence_length("x\xc3\xa9", 1) == 2);
    CHECK(is_valid_utf8("Failed password for r\xc3\xa9mi from 198.51.100.4"));
    CHECK(is_valid_utf8(""));
}

TEST_CASE("overlong forms are not UTF-8, so '/' cannot hide as C0 AF") {
    CHECK(utf8_sequence_length("\xc0\xaf", 0) == 0);
    CHECK(utf8_sequence_length("\xc1\xbf", 0) == 0);
    CHECK(utf8_sequence_length("\xe0\x80\xaf", 0) == 0);
    CHECK(utf8_sequence_length("\xe0\x9f\xbf", 0) == 0);
    CHECK(utf8_sequence_length("\xf0\x80\x80\xaf", 0) == 0);
    CHECK(utf8_sequence_length("\xf0\x8f\xbf\xbf", 0) == 0);
    CHECK_FALSE(is_valid_utf8("user \xc0\xaf"));
}

TEST_CASE("surrogates, code points past U+10FFFF and bytes F5..FF are not UTF-8") {
    CHECK(utf8_sequence_length("\xed\xa0\x80", 0) == 0);       // U+D800
    CHECK(utf8_sequence_length("\xed\xbf\xbf", 0) == 0);       // U+DFFF
    CHECK(utf8_sequence_length("\xed\x9f\xbf", 0) == 3);       // U+D7FF is fine
    CHECK(utf8_sequence_length("\xf4\x90\x80\x80", 0) == 0);   // U+110000
    for (unsigned char lead = 0xf5; lead != 0; ++lead) {
        const char s[] = {static_cast<char>(lead), '\x80', '\x80', '\x80', 0};
        CHECK(utf8_sequence_length(s, 0) == 0);
    }
}

TEST_CASE("stray continuation bytes and truncated sequences are not UTF-8") {
    CHECK(utf8_sequence_length("\x80", 0) == 0);
    CHECK(utf8_sequence_length("\xbf", 0) == 0);
    CHECK(utf8_sequence_length("\xc3", 0) == 0);
    CHECK(utf8_sequence_length("\xe2\x82", 0) == 0);
    CHECK(utf8_sequence_length("\xf0\x9f\x98", 0) == 0);
    CHECK(utf8_sequence_length("\xc3(", 0) == 0);
    CHECK(utf8_sequence_length("\xe2\x82(", 0) == 0);
    CHECK_FALSE(is_valid_utf8("abc\xc3"));
}
