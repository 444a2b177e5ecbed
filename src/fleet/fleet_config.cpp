// SPDX-License-Identifier: GPL-2.0-or-later
#include "fleet/fleet_config.hpp"

#include "core/input_excerpt.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace banjo {

namespace {

bool is_redis_user(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

// "redis://HOST:PORT": hiredis 0.14 speaks no TLS, so an encrypted link is a local stunnel
// end named here, and a "rediss://" URL is refused rather than silently sent in clear.
void read_redis_url(const TomlSource& src, const toml::table& t, FleetSettings& f) {
    const std::string url = *src.get_string(t, "redis");
    const toml::node& n = *t.get("redis");
    const std::string scheme = "redis://";
    if (url.starts_with("rediss://"))
        src.fail(n, "'redis': TLS URLs are not supported (hiredis 0.14 has none): run stunnel on this host and name its "
                    "local end, \"redis://127.0.0.1:PORT\"");
    if (!url.starts_with(scheme)) src.fail(n, "'redis' must be \"redis://HOST:PORT\", not \"" + input_excerpt(url) + "\"");
    std::string rest = url.substr(scheme.size());
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    std::string host = rest;
    std::string port_text;
    if (rest.starts_with("[")) {   // an IPv6 address
        const auto close = rest.find(']');
        if (close == std::string::npos) src.fail(n, "'redis': \"" + input_excerpt(url) + "\": no ']' after the IPv6 address");
        host = rest.substr(1, close - 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') src.fail(n, "'redis': \"" + input_excerpt(url) + "\" is not redis://HOST:PORT");
            port_text = rest.substr(close + 2);
        }
    } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
        host = rest.substr(0, colon);
        port_text = rest.substr(colon + 1);
    }
    if (host.empty() || host.find_first_of("/@?# ") != std::string::npos)
        src.fail(n, "'redis': \"" + input_excerpt(url) + "\" names no host (the user and password have keys of their own)");
    unsigned port = 6379;
    if (!port_text.empty()) {
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535)
            src.fail(n, "'redis': \"" + input_excerpt(port_text) + "\" is not a port between 1 and 65535");
    }
    f.redis_host = host;
    f.redis_port = static_cast<std::uint16_t>(port);
}

std::string read_host_name(const TomlSource& src, const toml::table& t, std::string_view key) {
    std::string name = *src.get_string(t, key);
    if (!is_fleet_host_name(name))
        src.fail(*t.get(key), "'" + std::string(key) + "': \"" + input_excerpt(name) +
                                  "\" must be 1-63 letters, digits, '-', '_' or '.', starting with a letter or digit");
    return name;
}

}  // namespace

std::string machine_host_name() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

FleetSettings read_fleet(const TomlSource& src, const std::function<std::string()>& default_host_name) {
    FleetSettings f;
    const toml::table* t = src.get_table(src.root(), "fleet");
    if (!t) return f;
    f.enabled = true;
    f.where = src.where(*t);
    src.require_known_keys(*t, {"redis", "user", "password-file", "host-name", "peers", "peer-bans-per-minute", "stream-length"},
                           "[fleet]");
    if (!t->get("redis")) src.fail(*t, "[fleet] needs 'redis' = \"redis://HOST:PORT\"");
    read_redis_url(src, *t, f);
    if (auto v = src.get_string(*t, "user")) {
        if (!is_redis_user(*v)) src.fail(*t->get("user"), "'user': \"" + input_excerpt(*v) + "\" is not a Redis user name (letters, digits, '-', '_', '.')");
        f.user = *v;
    }
    if (auto v = src.get_string(*t, "password-file")) {
        if (v->empty() || (*v)[0] != '/') src.fail(*t->get("password-file"), "'password-file': \"" + input_excerpt(*v) + "\" is not an absolute path");
        f.password_file = *v;
    }
    if (t->get("host-name")) {
        f.host_name = read_host_name(src, *t, "host-name");
    } else {
        f.host_name = default_host_name();
        // A machine name with characters a key cannot carry (unusual) must be set by hand.
        if (!is_fleet_host_name(f.host_name))
            src.fail(*t, "[fleet]: this machine's name \"" + input_excerpt(f.host_name) + "\" cannot name it in the fleet: set 'host-name'");
    }
    if (const toml::node* n = t->get("peers")) {
        const std::vector<std::string> names = *src.get_strings(*t, "peers");
        for (const auto& name : names) {
            if (!is_fleet_host_name(name)) src.fail(*n, "'peers': \"" + input_excerpt(name) + "\" is not a host name");
            if (std::find(f.peers.begin(), f.peers.end(), name) == f.peers.end() && name != f.host_name) f.peers.push_back(name);
        }
    }
    if (auto v = src.get_integer(*t, "peer-bans-per-minute")) {
        if (*v < 1 || *v > 10'000'000) src.fail(*t->get("peer-bans-per-minute"), "'peer-bans-per-minute' must be between 1 and 10000000");
        f.peer_bans_per_minute = static_cast<std::uint32_t>(*v);
    }
    if (auto v = src.get_integer(*t, "stream-length")) {
        if (*v < 1000 || *v > 100'000'000) src.fail(*t->get("stream-length"), "'stream-length' must be between 1000 and 100000000");
        f.stream_length = static_cast<std::uint64_t>(*v);
    }
    return f;
}

std::string read_fleet_password(const FleetSettings& settings) {
    std::string path = settings.password_file;
    if (path.empty()) {
        const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
        if (!dir || !*dir) return "";
        path = std::string(dir) + "/banjo-fleet-password";
        std::ifstream probe(path);
        if (!probe) return "";
    }
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read the fleet password file " + path);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

FleetMode read_jail_fleet_mode(const TomlSource& src, const toml::table& jail) {
    const std::string text = *src.get_string(jail, "fleet");
    auto mode = parse_fleet_mode(text);
    if (!mode) src.fail(*jail.get("fleet"), "'fleet' must be \"off\", \"share\" or \"count\", not \"" + input_excerpt(text) + "\"");
    return *mode;
}

}  // namespace banjo
