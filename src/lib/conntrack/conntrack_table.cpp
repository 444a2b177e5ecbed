// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/conntrack/conntrack_table.hpp"

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace banjo::conntrack {

namespace {

struct Dump {
    const Cidr* source;
    const std::vector<PortMatch>* ports;
    std::vector<std::unique_ptr<nf_conntrack, void (*)(nf_conntrack*)>> found;
};

bool from_source(const nf_conntrack* ct, const Cidr& source) {
    const bool v4 = source.family() == Family::ipv4;
    if (nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) != (v4 ? AF_INET : AF_INET6)) return false;
    const void* src = nfct_get_attr(ct, v4 ? ATTR_ORIG_IPV4_SRC : ATTR_ORIG_IPV6_SRC);
    if (!src) return false;
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), src, v4 ? 4 : 16);
    return source.contains(Address::from_bytes(source.family(), bytes));
}

bool to_ports(const nf_conntrack* ct, const std::vector<PortMatch>& ports) {
    if (ports.empty()) return true;
    if (!nfct_attr_is_set(ct, ATTR_ORIG_PORT_DST)) return false;
    const std::uint8_t protocol = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
    const std::uint16_t port = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
    for (const PortMatch& m : ports)
        if (m.protocol == protocol && port >= m.first && port <= m.last) return true;
    return false;
}

int on_entry(enum nf_conntrack_msg_type, nf_conntrack* ct, void* data) {
    auto& dump = *static_cast<Dump*>(data);
    if (from_source(ct, *dump.source) && to_ports(ct, *dump.ports)) {
        // Deleting from inside the dump's callback would re-enter the handle: collect first.
        if (nf_conntrack* copy = nfct_clone(ct)) dump.found.emplace_back(copy, nfct_destroy);
    }
    return NFCT_CB_CONTINUE;
}

[[noreturn]] void fail(const char* call) { throw std::system_error(errno, std::generic_category(), call); }

}  // namespace

ConntrackTable::ConntrackTable() : handle_(nfct_open(CONNTRACK, 0), nfct_close) {
    if (!handle_) fail("nfct_open");
}

ConntrackTable::~ConntrackTable() = default;

std::size_t ConntrackTable::delete_flows_from(const Cidr& source, const std::vector<PortMatch>& ports) {
    Dump dump{&source, &ports, {}};
    if (nfct_callback_register(handle_.get(), NFCT_T_ALL, on_entry, &dump) < 0) fail("nfct_callback_register");
    std::uint32_t family = source.family() == Family::ipv4 ? AF_INET : AF_INET6;
    const int dumped = nfct_query(handle_.get(), NFCT_Q_DUMP, &family);
    nfct_callback_unregister(handle_.get());
    if (dumped < 0) fail("nfct_query(NFCT_Q_DUMP)");
    std::size_t deleted = 0;
    for (const auto& ct : dump.found) {
        if (nfct_query(handle_.get(), NFCT_Q_DESTROY, ct.get()) == 0)
            ++deleted;
        else if (errno != ENOENT)   // (ended by itself meanwhile)
            fail("nfct_query(NFCT_Q_DESTROY)");
    }
    return deleted;
}

}  // namespace banjo::conntrack
