// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager's dynamic ignore sources (ignore-file, host names) and ignore-command: held
// decisions, answers, the cache, and what banjoctl why says about each.
#include "manager_harness.hpp"

using namespace banjo;
using namespace banjo::test;

namespace {

// Records what would run; the test answers when it wants.
struct FakeRunner final : IgnoreCommandRunner {
    struct Call {
        std::vector<std::string> argv;
        Usec timeout;
        Done done;
    };
    std::vector<Call> calls;
    void start(std::vector<std::string> argv, Usec timeout, Done done) override {
        calls.push_back({std::move(argv), timeout, std::move(done)});
    }
};

const char* with_command =
    "[jail.sshd]\nfilter = \"demo\"\nmaxretry = 2\nbantime = \"1h\"\n"
    "ignore-command = [\"/usr/local/bin/known\", \"--ip={address}\"]\nignore-command-cache = \"10m\"\n";

std::string why_source(ManagerHarness& h, const char* address) {
    for (const auto& v : h.manager->why(address).jails)
        if (v.jail == "sshd") return v.ignored_by ? v.ignored_by->to_string() + " <- " + v.ignore_source : "<none>";
    return "<no jail>";
}

}  // namespace

TEST_CASE("a decision waits for the ignore-command; exit status 0 withdraws it") {
    ManagerHarness h(with_command);
    FakeRunner runner;
    h.manager->set_ignore_command_runner(&runner);
    h.attack("sshd", "203.0.113.5");
    REQUIRE(runner.calls.size() == 1);
    CHECK(runner.calls[0].argv == std::vector<std::string>{"/usr/local/bin/known", "--ip=203.0.113.5"});
    CHECK(runner.calls[0].timeout == std::chrono::seconds(10));   // the default ignore-command-timeout
    CHECK_FALSE(h.banned("sshd", "203.0.113.5"));
    CHECK(h.manager->held_decisions() == 1);
    // Failures while it waits are the held ban's: no second command.
    h.fail("sshd", "203.0.113.5");
    h.fail("sshd", "203.0.113.5");
    CHECK(runner.calls.size() == 1);

    runner.calls[0].done(IgnoreCommandVerdict::ignore, "exit status 0");
    CHECK_FALSE(h.banned("sshd", "203.0.113.5"));
    CHECK(h.manager->held_decisions() == 0);
    CHECK(std::none_of(h.backend->calls.begin(), h.backend->calls.end(), [](const auto& c) { return c.kind == RecordingBackend::Kind::add; }));
    CHECK(why_source(h, "203.0.113.5") == "203.0.113.5 <- ignore-command (answer cached)");
    // The answer is cached: the next decision asks nobody and bans nobody.
    h.attack("sshd", "203.0.113.5");
    CHECK(runner.calls.size() == 1);
    CHECK_FALSE(h.banned("sshd", "203.0.113.5"));
    // Past ignore-command-cache the command is asked again.
    h.clock.advance(11min);
    h.attack("sshd", "203.0.113.5");
    CHECK(runner.calls.size() == 2);
}

TEST_CASE("any other exit status bans, from the answer on, and is cached") {
    ManagerHarness h(with_command);
    FakeRunner runner;
    h.manager->set_ignore_command_runner(&runner);
    h.attack("sshd", "203.0.113.6");
    REQUIRE(runner.calls.size() == 1);
    h.clock.advance(3s);
    runner.calls[0].done(IgnoreCommandVerdict::ban, "exit status 1");
    REQUIRE(h.banned("sshd", "203.0.113.6"));
    const auto ban = h.manager->ban_service().table().find("sshd", address("203.0.113.6"));
    CHECK(ban->banned == t0 + 3s);
    CHECK(ban->expires == t0 + 3s + 1h);
    CHECK(h.stored_bans().size() == 1);   // committed without waiting for the next chunk
    CHECK(why_source(h, "203.0.113.6") == "<none>");
}

TEST_CASE("a command that fails or times out bans and is not cached") {
    ManagerHarness h(with_command);
    FakeRunner runner;
    h.manager->set_ignore_command_runner(&runner);
    h.attack("sshd", "203.0.113.7");
    runner.calls[0].done(IgnoreCommandVerdict::failed, "timed out after 10 s");
    CHECK(h.banned("sshd", "203.0.113.7"));
    h.manager->unban("sshd", "203.0.113.7");
    h.attack("sshd", "203.0.113.7");
    CHECK(runner.calls.size() == 2);
}

TEST_CASE("jails without ignore-command ban at once") {
    ManagerHarness h("[jail.sshd]\nfilter = \"demo\"\nmaxretry = 2\n");
    FakeRunner runner;
    h.manager->set_ignore_command_runner(&runner);
    h.attack("sshd", "203.0.113.8");
    CHECK(runner.calls.empty());
    CHECK(h.banned("sshd", "203.0.113.8"));
}

TEST_CASE("ignore-file entries and resolved names reach the jails that use them, and why names them") {
    ManagerHarness h("[defaults]\nignore-file = \"/etc/banjo/ignore.txt\"\n"
                     "[jail.sshd]\nfilter = \"demo\"\nmaxretry = 1\nignore = [\"admin.example\"]\n"
                     "[jail.web]\nfilter = \"demo\"\nmaxretry = 1\nignore-file = \"\"\n");
    CHECK(h.manager->ignore_sources().files() == std::vector<std::string>{"/etc/banjo/ignore.txt"});
    h.manager->set_ignore_file("/etc/banjo/ignore.txt", parse_ignore_file("# office\n198.51.100.0/24\n"));
    h.manager->set_ignore_host("admin.example", {address("203.0.113.9")});
    CHECK(why_source(h, "198.51.100.20") == "198.51.100.0/24 <- ignore-file /etc/banjo/ignore.txt:2");
    CHECK(why_source(h, "203.0.113.9") == "203.0.113.9 <- host name admin.example");
    CHECK_FALSE(h.fail("sshd", "198.51.100.20"));
    CHECK_FALSE(h.fail("sshd", "203.0.113.9"));
    CHECK(h.fail("web", "198.51.100.20"));   // web turned the file off
    // A reload keeps what was read and resolved for the jails that still use it.
    h.manager->reload();
    CHECK_FALSE(h.fail("sshd", "198.51.100.21"));
    CHECK_FALSE(h.fail("sshd", "203.0.113.9"));
    // The file changed: the old entries are gone.
    h.manager->set_ignore_file("/etc/banjo/ignore.txt", parse_ignore_file("2001:db8::/32\n"));
    CHECK(h.fail("sshd", "198.51.100.22"));
}

TEST_CASE("the address goes into every {address} of an argument and never splits it") {
    const auto argv = ignore_command_argv({"/bin/x", "{address}", "a={address},b={address}", "{addr}"}, address("2001:db8::1"));
    CHECK(argv == std::vector<std::string>{"/bin/x", "2001:db8::1", "a=2001:db8::1,b=2001:db8::1", "{addr}"});
}

TEST_CASE("the cache answers until its expiry and forgets a jail's answers") {
    IgnoreCommandCache c;
    c.remember("sshd", address("203.0.113.1"), true, t0 + 1min);
    CHECK(c.ignores("sshd", address("203.0.113.1"), t0) == std::optional<bool>(true));
    CHECK_FALSE(c.ignores("web", address("203.0.113.1"), t0));
    CHECK_FALSE(c.ignores("sshd", address("203.0.113.1"), t0 + 1min));
    c.forget_jail("sshd");
    CHECK(c.size() == 0);
}

TEST_CASE("the ignore-command runs with the jail's ignore-command-timeout") {
    ManagerHarness h(std::string(with_command) + "ignore-command-timeout = \"2s 500ms\"\n");
    FakeRunner runner;
    h.manager->set_ignore_command_runner(&runner);
    h.attack("sshd", "203.0.113.6");
    REQUIRE(runner.calls.size() == 1);
    CHECK(runner.calls[0].timeout == std::chrono::milliseconds(2500));
}
