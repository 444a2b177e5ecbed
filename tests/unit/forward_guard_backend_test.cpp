// SPDX-License-Identifier: GPL-2.0-or-later
#include "firewall/forward_guard_backend.hpp"

#include "recording_backend.hpp"

#include <doctest/doctest.h>

using namespace banjo;
using banjo::test::RecordingBackend;

namespace {

struct Guarded {
    RecordingBackend* firewall = new RecordingBackend;
    RecordingBackend* guard = new RecordingBackend;
    ForwardGuardBackend backend{std::unique_ptr<Backend>(firewall), std::unique_ptr<Backend>(guard)};
};

BanTarget target(const char* address, const char* jail) {
    BanTarget t;
    t.address = *Cidr::parse(address);
    t.jail = jail;
    return t;
}

}  // namespace

TEST_CASE("the forward guard gets every ban and unban the firewall gets") {
    Guarded g;
    JailBlocking web;
    web.ports = {"8080"};
    g.backend.prepare_jail("web", web);
    g.backend.add(target("203.0.113.5", "sshd"));
    g.backend.add(target("2001:db8::5", "web"));
    CHECK(g.firewall->holds("sshd", *Cidr::parse("203.0.113.5")));
    CHECK(g.guard->holds("sshd", *Cidr::parse("203.0.113.5")));
    CHECK(g.guard->holds("web", *Cidr::parse("2001:db8::5")));
    CHECK(g.guard->blocking_.at("web").ports == std::vector<std::string>{"8080"});
    g.backend.remove(target("203.0.113.5", "sshd"));
    CHECK_FALSE(g.firewall->holds("sshd", *Cidr::parse("203.0.113.5")));
    CHECK_FALSE(g.guard->holds("sshd", *Cidr::parse("203.0.113.5")));
    g.backend.forget_jail("web");
    CHECK(g.guard->forgot("web"));
    CHECK(g.backend.name() == "recording");
}

TEST_CASE("firewalld's state is reported; a guard that cannot write makes a ready firewall degraded") {
    Guarded g;
    std::vector<BackendState> reported;
    g.backend.on_state_changed = [&](BackendState s) { reported.push_back(s); };
    CHECK(g.backend.state() == BackendState::ready);
    g.guard->refuse("banjod lacks CAP_NET_ADMIN");
    CHECK(g.backend.state() == BackendState::degraded);
    CHECK(g.backend.state_detail() == "forward guard (table inet banjo): banjod lacks CAP_NET_ADMIN");
    g.firewall->go_unavailable("firewalld is not running");
    CHECK(g.backend.state() == BackendState::unavailable);
    CHECK(g.backend.state_detail() == "firewalld is not running");
    g.firewall->recover();
    g.guard->recover();
    CHECK(g.backend.state() == BackendState::ready);
    CHECK(g.backend.state_detail().empty());
    CHECK(reported == std::vector<BackendState>{BackendState::degraded, BackendState::unavailable,
                                                 BackendState::degraded, BackendState::ready});
}

TEST_CASE("only the firewall's held bans are adopted, and its trusted sources are passed on") {
    Guarded g;
    bool adopted = false;
    g.backend.adopt_held([&](const std::vector<HeldBan>&) { adopted = true; });
    CHECK(g.firewall->asked_for_held());
    CHECK_FALSE(g.guard->asked_for_held());
    g.firewall->hand_over_held({});
    CHECK(adopted);
    std::vector<Cidr> trusted;
    g.backend.on_trusted_changed = [&](const std::vector<Cidr>& t) { trusted = t; };
    g.firewall->on_trusted_changed({*Cidr::parse("198.51.100.0/24")});
    CHECK(trusted == std::vector<Cidr>{*Cidr::parse("198.51.100.0/24")});
}

TEST_CASE("a change counts as applied once, when both hold it") {
    Guarded g;
    int done = 0;
    g.backend.when_applied([&] { ++done; });
    CHECK(done == 1);   // both recording backends apply at once
}
