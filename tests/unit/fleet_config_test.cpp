// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/config.hpp"
#include "fleet/fleet_config.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace banjo;
namespace fs = std::filesystem;

namespace {

FleetSettings fleet_of(const std::string& text) {
    return read_fleet(TomlSource::parse_text(text, "banjo.toml"), [] { return std::string("machine-1"); });
}

std::string fleet_error(const std::string& text) {
    try {
        fleet_of(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

struct FleetConfigDir : test::TempDir {
    FleetConfigDir() : TempDir("banjo-fleet-config-test") {
        write("filter.d/demo.toml", "journal-match = [[\"SYSLOG_IDENTIFIER=demo\"]]\nfailregex = ['bad login from <HOST>']\n");
    }
    Config load() const { return load_config((dir / "banjo.toml").string(), {(dir / "filter.d").string()}); }
    std::string error() const {
        try {
            load();
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "";
    }
};

}  // namespace

TEST_CASE("without a [fleet] table the host is alone") {
    CHECK_FALSE(fleet_of("[defaults]\nmaxretry = 3\n").enabled);
}

TEST_CASE("[fleet] gives the Redis endpoint, the ACL user, the password file, the host and its peers") {
    FleetSettings f = fleet_of("[fleet]\nredis = \"redis://127.0.0.1:6380\"\nuser = \"host-a\"\n"
                               "password-file = \"/etc/banjo/fleet-password\"\nhost-name = \"web-1\"\n"
                               "peers = [\"web-2\", \"web-3\", \"web-1\"]\npeer-bans-per-minute = 100\n");
    CHECK(f.enabled);
    CHECK(f.redis_host == "127.0.0.1");
    CHECK(f.redis_port == 6380);
    CHECK(f.user == "host-a");
    CHECK(f.password_file == "/etc/banjo/fleet-password");
    CHECK(f.host_name == "web-1");
    // The host itself is no peer of its own.
    CHECK(f.peers == std::vector<std::string>{"web-2", "web-3"});
    CHECK(f.peer_bans_per_minute == 100);
    CHECK(FleetSettings::stream_key(f.host_name) == "banjo:decisions:web-1");
}

TEST_CASE("the host name defaults to the machine's and the port to Redis's") {
    FleetSettings f = fleet_of("[fleet]\nredis = \"redis://[2001:db8::5]\"\n");
    CHECK(f.host_name == "machine-1");
    CHECK(f.redis_host == "2001:db8::5");
    CHECK(f.redis_port == 6379);
}

TEST_CASE("a bad [fleet] names the file and line of the bad key") {
    CHECK(fleet_error("[fleet]\nhost-name = \"a\"\n") == "banjo.toml:1: [fleet] needs 'redis' = \"redis://HOST:PORT\"");
    CHECK(fleet_error("[fleet]\n\nredis = \"http://h:1\"\n").starts_with("banjo.toml:3: 'redis' must be"));
    CHECK(fleet_error("[fleet]\nredis = \"rediss://h:1\"\n").starts_with("banjo.toml:2: 'redis': TLS URLs are not supported"));
    CHECK(fleet_error("[fleet]\nredis = \"redis://h:70000\"\n").starts_with("banjo.toml:2: 'redis': \"70000\" is not a port"));
    CHECK(fleet_error("[fleet]\nredis = \"redis://u:pw@h:1\"\n").starts_with("banjo.toml:2: 'redis': "));
    CHECK(fleet_error("[fleet]\nredis = \"redis://h:1\"\nhost-name = \"a b\"\n").starts_with("banjo.toml:3: 'host-name'"));
    CHECK(fleet_error("[fleet]\nredis = \"redis://h:1\"\npassword-file = \"pw\"\n").starts_with("banjo.toml:3: 'password-file'"));
    CHECK(fleet_error("[fleet]\nredis = \"redis://h:1\"\npassword = \"x\"\n").starts_with("banjo.toml:3: "));
    CHECK(fleet_error("[fleet]\nredis = \"redis://h:1\"\npeers = [\"ok\", \"no/slash\"]\n").starts_with("banjo.toml:3: 'peers'"));
}

TEST_CASE("a jail says whether it shares decisions or counts failures with the fleet") {
    FleetConfigDir d;
    d.write("banjo.toml", "[fleet]\nredis = \"redis://127.0.0.1:6379\"\nhost-name = \"a\"\n"
                          "[jail.demo]\nfleet = \"count\"\n[jail.other]\nfilter = \"demo\"\n");
    Config c = d.load();
    REQUIRE(c.jails.size() == 2);
    CHECK(c.jails[0].fleet == FleetMode::count);
    CHECK(c.jails[1].fleet == FleetMode::off);
}

TEST_CASE("a jail's bad fleet mode, or one without [fleet], names its line") {
    FleetConfigDir d;
    d.write("banjo.toml", "[fleet]\nredis = \"redis://127.0.0.1:6379\"\n[jail.demo]\nfleet = \"all\"\n");
    CHECK(d.error() == (d.dir / "banjo.toml").string() + ":4: 'fleet' must be \"off\", \"share\" or \"count\", not \"all\"");
    d.write("banjo.toml", "[jail.demo]\n\nfleet = \"share\"\n");
    CHECK(d.error().starts_with((d.dir / "banjo.toml").string() + ":3: jail 'demo': 'fleet' = \"share\" needs a [fleet] table"));
}
