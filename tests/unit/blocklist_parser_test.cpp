// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/blocklist_parser.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

std::vector<std::string> texts(const ParsedBlocklist& p) {
    std::vector<std::string> out;
    for (const auto& c : p.networks) out.push_back(c.to_string());
    return out;
}

}  // namespace

TEST_CASE("a plain list gives its addresses and networks, skipping comments and blank lines") {
    auto p = parse_blocklist(BlocklistFormat::plain,
                             "# a list\n198.51.100.7\n\n203.0.113.0/24 ; SBL1\n2001:DB8::1  # note\n  198.51.100.8\r\n", true);
    CHECK(texts(p) == std::vector<std::string>{"198.51.100.7", "203.0.113.0/24", "2001:db8::1", "198.51.100.8"});
    CHECK(p.malformed == 0);
    CHECK(p.entry_lines == 4);
    CHECK(p.lines == 6);
    CHECK_FALSE(p.unterminated);
}

TEST_CASE("a malformed line is reported with its line number and skipped") {
    auto p = parse_blocklist(BlocklistFormat::plain, "198.51.100.7\nexample.com\n198.51.100.300\n203.0.113.9\n", true);
    CHECK(texts(p) == std::vector<std::string>{"198.51.100.7", "203.0.113.9"});
    REQUIRE(p.errors.size() == 2);
    CHECK(p.errors[0].line == 2);
    CHECK(p.errors[0].message.find("'example.com' is not an address or CIDR") != std::string::npos);
    CHECK(p.errors[1].line == 3);
    CHECK(p.malformed == 2);
}

TEST_CASE("only the first malformed lines are kept as errors, all are counted") {
    std::string text;
    for (int i = 0; i < 100; ++i) text += "junk\n";
    auto p = parse_blocklist(BlocklistFormat::plain, text, true);
    CHECK(p.malformed == 100);
    CHECK(p.errors.size() == max_reported_errors);
}

TEST_CASE("an unterminated last line of a file may be cut: it is left out") {
    auto p = parse_blocklist(BlocklistFormat::plain, "198.51.100.7\n198.51.100.1", true);
    CHECK(texts(p) == std::vector<std::string>{"198.51.100.7"});
    CHECK(p.unterminated);
    CHECK(p.cut_line_dropped);
    CHECK(p.malformed == 0);
}

TEST_CASE("an unterminated last line of a complete download is read") {
    auto p = parse_blocklist(BlocklistFormat::plain, "198.51.100.7\n198.51.100.1", false);
    CHECK(texts(p) == std::vector<std::string>{"198.51.100.7", "198.51.100.1"});
    CHECK(p.unterminated);
    CHECK_FALSE(p.cut_line_dropped);
}

TEST_CASE("AbuseIPDB's plaintext blacklist is one address a line") {
    auto p = parse_blocklist(BlocklistFormat::abuseipdb, "198.51.100.7\n2001:db8::5\n", true);
    CHECK(texts(p) == std::vector<std::string>{"198.51.100.7", "2001:db8::5"});
}

TEST_CASE("AbuseIPDB's JSON blacklist gives every ipAddress, bad ones with their line") {
    auto p = parse_blocklist(BlocklistFormat::abuseipdb,
                             "{\"meta\":{\"generatedAt\":\"2026-12-07T16:00:00+00:00\"},\n"
                             "\"data\":[{\"ipAddress\":\"198.51.100.7\",\"countryCode\":\"US\",\"abuseConfidenceScore\":100},\n"
                             "{\"ipAddress\": \"2001:db8::5\",\"abuseConfidenceScore\":100},\n"
                             "{\"ipAddress\":\"not-an-ip\",\"abuseConfidenceScore\":100}]}\n",
                             true);
    CHECK(texts(p) == std::vector<std::string>{"198.51.100.7", "2001:db8::5"});
    REQUIRE(p.errors.size() == 1);
    CHECK(p.errors[0].line == 4);
    CHECK(p.entry_lines == 3);
}

TEST_CASE("a MISP CSV export gives the ip-src and ip-dst values, ports cut, other types skipped") {
    auto p = parse_blocklist(BlocklistFormat::misp,
                             "uuid,event_id,category,type,value,comment,to_ids,date\n"
                             "5f1c,12,Network activity,ip-src,198.51.100.7,\"scanner, ssh\",1,1700000000\n"
                             "5f1d,12,Network activity,domain,evil.example,,1,1700000000\n"
                             "5f1e,12,Network activity,ip-dst|port,203.0.113.4|443,,1,1700000000\n"
                             "5f1f,12,Network activity,ip-dst,2001:db8::/48,,1,1700000000\n"
                             "5f20,12,Network activity,ip-src,bogus,,1,1700000000\n"
                             "5f21,12,Network activity,ip-src,\"unclosed\n",
                             true);
    CHECK(texts(p) == std::vector<std::string>{"198.51.100.7", "203.0.113.4", "2001:db8::/48"});
    REQUIRE(p.errors.size() == 2);
    CHECK(p.errors[0].line == 6);
    CHECK(p.errors[1].line == 7);
    CHECK(p.errors[1].message.find("quote") != std::string::npos);
}

TEST_CASE("a MISP CSV export without a value column is reported on its header line") {
    auto p = parse_blocklist(BlocklistFormat::misp, "a,b,c\n1,2,3\n", true);
    CHECK(p.networks.empty());
    REQUIRE(p.errors.size() == 1);
    CHECK(p.errors[0].line == 1);
}

TEST_CASE("a MISP text export is one value a line") {
    auto p = parse_blocklist(BlocklistFormat::misp, "198.51.100.7\n203.0.113.0/25\n", true);
    CHECK(texts(p) == std::vector<std::string>{"198.51.100.7", "203.0.113.0/25"});
}

TEST_CASE("format names") {
    CHECK(parse_blocklist_format("plain") == BlocklistFormat::plain);
    CHECK(parse_blocklist_format("abuseipdb") == BlocklistFormat::abuseipdb);
    CHECK(parse_blocklist_format("misp") == BlocklistFormat::misp);
    CHECK_FALSE(parse_blocklist_format("csv"));
    CHECK(to_string(BlocklistFormat::misp) == "misp");
}
