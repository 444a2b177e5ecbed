// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/host_addresses.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

namespace banjo {

CidrSet host_addresses() {
    CidrSet set;
    set.insert(*Cidr::parse("127.0.0.0/8"));
    set.insert(*Cidr::parse("::1"));
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return set;
    for (ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        if (i->ifa_addr->sa_family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
            set.insert(Cidr::host(Address::ipv4(ntohl(sin->sin_addr.s_addr))));
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
            std::array<std::uint8_t, 16> bytes{};
            std::memcpy(bytes.data(), sin6->sin6_addr.s6_addr, 16);
            set.insert(Cidr::host(Address::ipv6(bytes)));
        }
    }
    freeifaddrs(list);
    return set;
}

}  // namespace banjo
