// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/ban_service.hpp"
#include "state/state_store.hpp"

#include "fake_clock.hpp"
#include "recording_backend.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using namespace banjo::test;
using namespace std::chrono_literals;

namespace {

Address addr(const char* text) { return *Address::parse(text); }
Usec at(int seconds) { return Usec(std::chrono::seconds(1'700'000'000 + seconds)); }

StateWriter writer_for(const std::string& dir) { return StateWriter(open_state(dir, at(0)), {}, at(0)); }

struct Service {
    TempDir dir{"banjo-ban-service-test"};
    FakeClock clock{at(0)};
    StateWriter state = writer_for(dir.dir.string());
    RecordingBackend backend;
    BanService bans{state, backend, clock};
    StateStore on_disk() const { return StateStore::open(dir.dir.string()); }
};

}  // namespace

TEST_CASE("restoring drops the bans whose time has come, an expiry equal to now included, and keeps permanent ones") {
    Service s;
    s.bans.ban(Ban{"sshd", addr("198.51.100.1"), at(0), at(100), 3, BanOrigin::filter});
    s.bans.ban(Ban{"sshd", addr("198.51.100.2"), at(0), at(200), 3, BanOrigin::filter});
    s.bans.ban(Ban{"sshd", addr("198.51.100.3"), at(0), at(300), 3, BanOrigin::filter});
    s.bans.ban(Ban{"sshd", addr("2001:db8::9"), at(0), infinite_usec, 0, BanOrigin::manual});
    s.bans.flush();

    RecordingBackend fresh;
    StateWriter state = writer_for(s.dir.dir.string());
    BanService after_restart(state, fresh, s.clock);
    const auto restored = after_restart.restore(at(200));
    REQUIRE(restored.size() == 2);
    CHECK(restored[0].address == addr("198.51.100.3"));
    CHECK(restored[1].expires == infinite_usec);
    CHECK(fresh.held() == 2);
    CHECK(s.on_disk().active_bans().size() == 2);
    CHECK(s.on_disk().history("sshd").size() == 4);   // expiry is no pardon
}

TEST_CASE("new ports for a jail take each ban out under its old ports before adding it under the new") {
    Service s;
    s.bans.set_jail_ports("sshd", {"ssh"});
    s.bans.ban(Ban{"sshd", addr("198.51.100.1"), at(0), at(100), 3, BanOrigin::filter});
    s.backend.calls.clear();

    s.bans.set_jail_ports("sshd", {"ssh", "2222"});
    REQUIRE(s.backend.calls.size() == 2);
    CHECK(s.backend.calls[0].kind == RecordingBackend::Kind::remove);
    CHECK(s.backend.calls[0].ports == std::vector<std::string>{"ssh"});
    CHECK(s.backend.calls[1].kind == RecordingBackend::Kind::add);
    CHECK(s.backend.calls[1].ports == std::vector<std::string>{"ssh", "2222"});

    s.bans.set_jail_ports("sshd", {"ssh", "2222"});   // unchanged: the firewall is left alone
    CHECK(s.backend.calls.size() == 2);
}

TEST_CASE("the ban counts per jail keep every unban reason apart") {
    Service s;
    for (const char* a : {"198.51.100.1", "198.51.100.2", "198.51.100.3"})
        s.bans.ban(Ban{"sshd", addr(a), at(0), at(100), 3, BanOrigin::filter});
    s.bans.unban("sshd", addr("198.51.100.1"), UnbanReason::manual);
    s.bans.expire(at(100));

    const auto& counts = s.bans.counts().at("sshd");
    CHECK(counts.bans == 3);
    CHECK(counts.unbans.at(UnbanReason::manual) == 1);
    CHECK(counts.unbans.at(UnbanReason::expired) == 2);
    CHECK(counts.unbans.count(UnbanReason::flushed) == 0);
    CHECK(s.bans.total_bans() == 3);
}

TEST_CASE("a ban's lines are read from the state, held or written, not kept in the table") {
    Service s;
    auto lines = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"first\\line", "second\nline"});
    const Ban given = s.bans.ban(Ban{"sshd", addr("198.51.100.1"), at(0), at(100), 3, BanOrigin::filter, {}, lines});
    REQUIRE(given.lines);   // the ban as decided, for its actions
    CHECK_FALSE(s.bans.table().find("sshd", addr("198.51.100.1"))->lines);
    // Held, not written yet: from memory.
    REQUIRE(s.bans.lines("sshd", addr("198.51.100.1")));
    CHECK(*s.bans.lines("sshd", addr("198.51.100.1")) == *lines);
    // Written: from the store.
    s.bans.flush();
    CHECK(s.state.held_changes() == 0);
    REQUIRE(s.bans.lines("sshd", addr("198.51.100.1")));
    CHECK(*s.bans.lines("sshd", addr("198.51.100.1")) == *lines);
    CHECK_FALSE(s.bans.lines("web", addr("198.51.100.1")));
    CHECK_FALSE(s.bans.lines("sshd", addr("198.51.100.2")));
    // After a restart the restored ban's lines come from the store too.
    RecordingBackend fresh;
    StateWriter state = writer_for(s.dir.dir.string());
    BanService after_restart(state, fresh, s.clock);
    REQUIRE(after_restart.restore(at(10)).size() == 1);
    REQUIRE(after_restart.lines("sshd", addr("198.51.100.1")));
    CHECK(*after_restart.lines("sshd", addr("198.51.100.1")) == *lines);
}

TEST_CASE("an unban hands its lines to the listener only for a jail that wants them") {
    Service s;
    std::vector<std::pair<std::string, std::size_t>> unbanned;   // jail, lines handed
    s.bans.set_listener({{},
                         [&](const Ban& b, UnbanReason) { unbanned.emplace_back(b.jail, b.lines ? b.lines->size() : 0); },
                         [](std::string_view jail) { return jail == "mail"; }});
    auto lines = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"one", "two"});
    s.bans.ban(Ban{"mail", addr("198.51.100.1"), at(0), at(100), 3, BanOrigin::filter, {}, lines});
    s.bans.ban(Ban{"sshd", addr("198.51.100.1"), at(0), at(100), 3, BanOrigin::filter, {}, lines});
    s.bans.flush();
    s.bans.unban("mail", addr("198.51.100.1"), UnbanReason::manual);
    s.bans.expire(at(100));
    REQUIRE(unbanned.size() == 2);
    CHECK(unbanned[0] == std::pair<std::string, std::size_t>{"mail", 2});
    CHECK(unbanned[1] == std::pair<std::string, std::size_t>{"sshd", 0});
    // The row went with the unban.
    CHECK_FALSE(s.bans.lines("mail", addr("198.51.100.1")));
    s.bans.flush();
    CHECK_FALSE(s.bans.lines("mail", addr("198.51.100.1")));
}
