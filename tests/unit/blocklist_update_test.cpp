// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/blocklist_update.hpp"

#include <doctest/doctest.h>

using namespace banjo;

namespace {

Cidr cidr(std::string_view text) { return *Cidr::parse(text); }

std::vector<Cidr> cidrs(std::initializer_list<const char*> list) {
    std::vector<Cidr> out;
    for (const char* t : list) out.push_back(cidr(t));
    return out;
}

std::vector<std::string> texts(const std::vector<Cidr>& list) {
    std::vector<std::string> out;
    for (const auto& c : list) out.push_back(c.to_string());
    return out;
}

ParsedBlocklist parsed(std::string_view text) { return parse_blocklist(BlocklistFormat::plain, text, true); }

std::vector<Cidr> numbered(int from, int count) {
    std::vector<Cidr> out;
    for (int i = from; i < from + count; ++i)
        out.push_back(Cidr::host(Address::ipv4(0xC6336400u + static_cast<std::uint32_t>(i))));   // 198.51.100.x
    std::sort(out.begin(), out.end());
    return out;
}

std::string lines(const std::vector<Cidr>& list) {
    std::string out;
    for (const auto& c : list) out += c.to_string() + "\n";
    return out;
}

}  // namespace

TEST_CASE("normalising sorts, drops duplicates and networks inside a wider entry") {
    auto n = normalise_blocklist(cidrs({"203.0.113.9", "198.51.100.0/24", "198.51.100.7", "203.0.113.9",
                                        "198.51.100.128/25", "2001:db8::/32", "2001:db8:1::1"}),
                                 CidrSet());
    CHECK(texts(n.networks) == std::vector<std::string>{"198.51.100.0/24", "203.0.113.9", "2001:db8::/32"});
    CHECK(n.duplicates == 4);
}

TEST_CASE("the ignore list wins: an entry that holds or lies in an ignored network is left out") {
    CidrSet ignore;
    ignore.insert(cidr("198.51.100.7"));
    ignore.insert(cidr("203.0.113.0/24"));
    auto n = normalise_blocklist(cidrs({"198.51.100.0/24", "198.51.100.7", "203.0.113.9", "198.51.101.1"}), ignore);
    CHECK(texts(n.networks) == std::vector<std::string>{"198.51.101.1"});
    CHECK(texts(n.ignored) == std::vector<std::string>{"198.51.100.0/24", "198.51.100.7", "203.0.113.9"});
}

TEST_CASE("the diff names only what changed") {
    auto d = diff_blocklist(cidrs({"198.51.100.1", "198.51.100.2", "198.51.100.3"}),
                            cidrs({"198.51.100.2", "198.51.100.3", "198.51.100.4"}));
    CHECK(texts(d.add) == std::vector<std::string>{"198.51.100.4"});
    CHECK(texts(d.remove) == std::vector<std::string>{"198.51.100.1"});
}

TEST_CASE("an unchanged list plans no change") {
    auto in_force = numbered(0, 200);
    auto plan = plan_blocklist_update(in_force, parsed(lines(in_force)), CidrSet(), false);
    CHECK(plan.verdict == BlocklistPlan::Verdict::apply);
    CHECK(plan.diff.add.empty());
    CHECK(plan.diff.remove.empty());
}

TEST_CASE("a first reading applies whole") {
    auto plan = plan_blocklist_update({}, parsed("198.51.100.1\n198.51.100.2\n"), CidrSet(), false);
    CHECK(plan.verdict == BlocklistPlan::Verdict::apply);
    CHECK(plan.diff.add.size() == 2);
}

TEST_CASE("a reading with too many malformed lines is refused and changes nothing") {
    auto plan = plan_blocklist_update(numbered(0, 10), parsed("<html>\n<body>502 Bad Gateway</body>\n</html>\n"),
                                      CidrSet(), true);
    CHECK(plan.verdict == BlocklistPlan::Verdict::refused);
    CHECK(plan.diff.remove.empty());
    CHECK(plan.reason.find("malformed") != std::string::npos);
}

TEST_CASE("a few malformed lines are skipped, the rest applies") {
    auto in_force = numbered(0, 50);
    auto plan = plan_blocklist_update(in_force, parsed(lines(numbered(0, 50)) + "junk\n"), CidrSet(), false);
    CHECK(plan.verdict == BlocklistPlan::Verdict::apply);
    CHECK(plan.diff.remove.empty());
}

TEST_CASE("a reading that removes more than half is held back until it is seen again") {
    auto in_force = numbered(0, 1000);
    auto cut = parsed(lines(numbered(0, 300)) + "198.51.100.");   // cut in mid-write
    auto plan = plan_blocklist_update(in_force, cut, CidrSet(), false);
    CHECK(plan.verdict == BlocklistPlan::Verdict::held);
    CHECK(plan.diff.remove.empty());
    auto again = plan_blocklist_update(in_force, cut, CidrSet(), true);
    CHECK(again.verdict == BlocklistPlan::Verdict::apply);
    CHECK(again.diff.remove.size() == 700);
}

TEST_CASE("an empty reading never empties the set at once") {
    auto plan = plan_blocklist_update(numbered(0, 3), parsed(""), CidrSet(), false);
    CHECK(plan.verdict == BlocklistPlan::Verdict::held);
}

TEST_CASE("removing up to half applies at once") {
    auto in_force = numbered(0, 100);
    auto plan = plan_blocklist_update(in_force, parsed(lines(numbered(50, 100))), CidrSet(), false);
    CHECK(plan.verdict == BlocklistPlan::Verdict::apply);
    CHECK(plan.diff.remove.size() == 50);
    CHECK(plan.diff.add.size() == 50);
}
