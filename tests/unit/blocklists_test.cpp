// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/blocklists.hpp"

#include "fake_clock.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace banjo;

namespace {

// Keeps each list's sets as a firewall would and counts the calls that change them.
class ListBackend final : public Backend {
public:
    std::string_view name() const override { return "lists"; }
    BackendState state() const override { return BackendState::ready; }
    std::string state_detail() const override { return {}; }
    void add(const BanTarget&) override {}
    void remove(const BanTarget&) override {}
    void prepare_blocklist(const std::string& list, const std::vector<std::string>& p) override { ports[list] = p; }
    void blocklist_add(const std::string& list, const Cidr& c) override {
        ++adds;
        CHECK(sets[list].insert(c.to_string()).second);   // never written twice
    }
    void blocklist_remove(const std::string& list, const Cidr& c) override {
        ++removes;
        CHECK(sets[list].erase(c.to_string()) == 1);
    }
    void forget_blocklist(const std::string& list) override { forgotten.insert(list); }

    std::map<std::string, std::set<std::string>> sets;
    std::map<std::string, std::vector<std::string>> ports;
    std::set<std::string> forgotten;
    std::size_t adds = 0, removes = 0;
};

struct Fixture {
    ListBackend backend;
    test::FakeClock clock{Usec(1'700'000'000'000'000)};
    std::vector<std::string> messages;
    Blocklists lists{backend, clock, [this](int, const std::string& m, const std::string&) { messages.push_back(m); }};

    void configure(CidrSet ignore = {}) {
        BlocklistConfig c;
        c.name = "bad";
        c.path = "/etc/banjo/bad.txt";
        c.ports = {"ssh"};
        lists.configure({c}, std::move(ignore));
    }
    bool said(std::string_view text) const {
        for (const auto& m : messages)
            if (m.find(text) != std::string::npos) return true;
        return false;
    }
};

std::string numbered(int from, int count) {
    std::string out;
    for (int i = from; i < from + count; ++i) out += "2001:db8::" + std::to_string(i) + "\n";
    return out;
}

}  // namespace

TEST_CASE("a blocklist's first reading fills its sets with its ports") {
    Fixture f;
    f.configure();
    f.lists.read("bad", "198.51.100.7\n203.0.113.0/24\n", true);
    CHECK(f.backend.sets["bad"] == std::set<std::string>{"198.51.100.7", "203.0.113.0/24"});
    CHECK(f.backend.ports["bad"] == std::vector<std::string>{"ssh"});
    CHECK(f.said("blocklist bad: 2 entries in force: 2 added, 0 removed, 0 unchanged"));
    REQUIRE(f.lists.status().size() == 1);
    CHECK(f.lists.status()[0].entries == 2);
    CHECK(f.lists.status()[0].result == "applied");
}

TEST_CASE("a changed reading sends only the difference") {
    Fixture f;
    f.configure();
    f.lists.read("bad", numbered(1, 100), true);
    f.backend.adds = 0;
    f.lists.read("bad", numbered(3, 100), true);   // 1 and 2 gone, 101 and 102 new
    CHECK(f.backend.adds == 2);
    CHECK(f.backend.removes == 2);
    CHECK(f.backend.sets["bad"].size() == 100);
    CHECK(f.said("100 entries in force: 2 added, 2 removed, 98 unchanged"));
}

TEST_CASE("malformed lines are reported as FILE:LINE") {
    Fixture f;
    f.configure();
    f.lists.read("bad", numbered(1, 20) + "bogus\n", true);
    CHECK(f.said("/etc/banjo/bad.txt:21: 'bogus' is not an address or CIDR (skipped)"));
    CHECK(f.backend.sets["bad"].size() == 20);
}

TEST_CASE("a cut file is held back and applied when read the same again") {
    Fixture f;
    f.configure();
    f.lists.read("bad", numbered(1, 100), true);
    const std::string cut = numbered(1, 10) + "2001:db8::1";
    f.lists.read("bad", cut, true);
    CHECK(f.backend.sets["bad"].size() == 100);
    CHECK(f.said("held back, the 100 entries in force stay"));
    CHECK(f.said("the last line has no newline: left out"));
    f.lists.read("bad", cut, true);
    CHECK(f.backend.sets["bad"].size() == 10);
}

TEST_CASE("a held reading followed by a different one is not confirmed by it") {
    Fixture f;
    f.configure();
    f.lists.read("bad", numbered(1, 100), true);
    f.lists.read("bad", numbered(1, 10), true);
    f.lists.read("bad", numbered(1, 20), true);
    CHECK(f.backend.sets["bad"].size() == 100);
}

TEST_CASE("a refused or unreadable source leaves the entries in force") {
    Fixture f;
    f.configure();
    f.lists.read("bad", numbered(1, 10), true);
    f.lists.read("bad", "<html>\n</html>\n", true);
    f.lists.unreadable("bad", "No such file or directory");
    CHECK(f.backend.sets["bad"].size() == 10);
    CHECK(f.backend.removes == 0);
    CHECK(f.lists.status()[0].refused == 1);
    CHECK(f.lists.status()[0].unreadable == 1);
}

TEST_CASE("the ignore list wins, also when it changes later") {
    Fixture f;
    CidrSet ignore;
    ignore.insert(*Cidr::parse("198.51.100.7"));
    f.configure(ignore);
    f.lists.read("bad", "198.51.100.7\n198.51.100.8\n", true);
    CHECK(f.backend.sets["bad"] == std::set<std::string>{"198.51.100.8"});
    CHECK(f.said("198.51.100.7 is (or holds) an address of the ignore list: not banned"));
    CidrSet more = ignore;
    more.insert(*Cidr::parse("198.51.100.8"));
    f.lists.set_ignore(more);
    CHECK(f.backend.sets["bad"].empty());
    f.lists.set_ignore(CidrSet());
    CHECK(f.backend.sets["bad"] == std::set<std::string>{"198.51.100.7", "198.51.100.8"});
}

TEST_CASE("a list removed from the config has its entries lifted") {
    Fixture f;
    f.configure();
    f.lists.read("bad", "198.51.100.7\n", true);
    f.lists.configure({}, CidrSet());
    CHECK(f.backend.sets["bad"].empty());
    CHECK(f.backend.forgotten.count("bad") == 1);
    CHECK(f.lists.status().empty());
}

TEST_CASE("a reading says whether it was applied, so only an applied download is kept") {
    Fixture f;
    f.configure();
    CHECK(f.lists.read("bad", numbered(1, 100), false));
    CHECK_FALSE(f.lists.read("bad", numbered(1, 10), false));   // held back
    CHECK_FALSE(f.lists.read("bad", "<html>\n</html>\n", false));   // refused
    CHECK(f.lists.read("bad", numbered(2, 100), false));
}

TEST_CASE("a 'not modified' answer confirms the entries in force as they stand") {
    Fixture f;
    f.configure();
    f.lists.read("bad", numbered(1, 3), false);
    f.clock.advance(std::chrono::minutes(10));
    f.backend.adds = 0;
    f.lists.not_modified("bad");
    CHECK(f.backend.adds == 0);
    CHECK(f.backend.removes == 0);
    CHECK(f.lists.status()[0].result == "not modified");
    CHECK(f.lists.status()[0].updated == f.clock.now());
    CHECK(f.lists.status()[0].entries == 3);
    CHECK(f.said("blocklist bad: /etc/banjo/bad.txt not modified: the 3 entries in force stay"));
}

TEST_CASE("a reading from a cached copy is reported with where it came from") {
    Fixture f;
    f.configure();
    f.lists.read("bad", "198.51.100.7\nbogus\n" + numbered(1, 20), false, "/var/lib/banjo/blocklists/bad.cache (the last copy)");
    CHECK(f.said("/var/lib/banjo/blocklists/bad.cache (the last copy):2: 'bogus' is not an address or CIDR (skipped)"));
    CHECK(f.said("(/var/lib/banjo/blocklists/bad.cache (the last copy): 22 entry lines"));
}
