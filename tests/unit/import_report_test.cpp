// SPDX-License-Identifier: GPL-2.0-or-later
// src/fail2ban/import_report.cpp: the report of banjoctl import-fail2ban, as text and as JSON.
// fail2ban's files are not always UTF-8, and what the report quotes from them must still make
// valid JSON in valid UTF-8.
#include "fail2ban/import_report.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace banjo;

namespace {

// The JSON of a report whose one item has the text `text`, from jail.local line 3.
std::string json_quoting(const std::string& text) {
    ImportReport r;
    r.defaults.push_back({ItemKind::skipped, text, {"/etc/fail2ban/jail.local", 3}});
    return report_json(r);
}

}  // namespace

TEST_CASE("import-fail2ban --json replaces overlong forms, surrogates and stray bytes, never copies them") {
    // C0 AF is an overlong '/', ED A0 80 a surrogate, F4 90 80 80 past U+10FFFF: none is UTF-8.
    const std::string json = json_quoting("ignoreip: \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xff");
    CHECK(json.find("\xc0") == std::string::npos);
    CHECK(json.find("\xed") == std::string::npos);
    CHECK(json.find("\xf4") == std::string::npos);
    CHECK(json.find("\xff") == std::string::npos);
    CHECK(json.find(R"("text":"ignoreip: \ufffd\ufffd \ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd \ufffd")") !=
          std::string::npos);
}

TEST_CASE("import-fail2ban --json keeps UTF-8 and escapes control characters") {
    const std::string json = json_quoting("action: caf\xc3\xa9 \"quoted\"\n\x1b[2J");
    CHECK(json.find(R"("text":"action: caf)" "\xc3\xa9" R"( \"quoted\"\n\u001b[2J")") != std::string::npos);
    CHECK(json.find(R"("file":"/etc/fail2ban/jail.local","line":3)") != std::string::npos);
    CHECK(json.back() == '\n');
}
