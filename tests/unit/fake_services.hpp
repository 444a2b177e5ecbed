// SPDX-License-Identifier: GPL-2.0-or-later
// A ServiceCatalog the tests fill by hand: the seam where the config loader would read
// firewalld's service definitions and /etc/services.
#pragma once

#include "core/port_spec.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace banjo::test {

struct FakeServices : ServiceCatalog {
    std::set<std::string, std::less<>> firewalld{"ssh", "http"};
    std::multimap<std::string, ServicePort, std::less<>> etc{
        {"ssh", {22, "tcp"}},       {"http", {80, "tcp"}},        {"domain", {53, "tcp"}},
        {"domain", {53, "udp"}},    {"submission", {587, "tcp"}}, {"netbios-ns", {137, "udp"}},
        {"odd", {7, "ddp"}},
    };
    bool is_firewalld_service(std::string_view name) const override { return firewalld.count(name) != 0; }
    std::vector<ServicePort> ports_of(std::string_view name) const override {
        std::vector<ServicePort> out;
        auto [a, b] = etc.equal_range(name);
        for (auto it = a; it != b; ++it) out.push_back(it->second);
        return out;
    }
};

}  // namespace banjo::test
