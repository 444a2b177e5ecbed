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
    const ConntrackTable::Pick* pick;
    std::vector<std::pair<std::unique_ptr<nf_conntrack, void (*)(nf_conntrack*)>, std::size_t>> found;
};

std::optional<FlowOrigin> origin_of(const nf_conntrack* ct) {
    const std::uint8_t l3 = nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO);
    if (l3 != AF_INET && l3 != AF_INET6) return std::nullopt;
    const bool v4 = l3 == AF_INET;
    const void* src = nfct_get_attr(ct, v4 ? ATTR_ORIG_IPV4_SRC : ATTR_ORIG_IPV6_SRC);
    if (!src) return std::nullopt;
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), src, v4 ? 4 : 16);
    FlowOrigin flow;
    flow.source = Address::from_bytes(v4 ? Family::ipv4 : Family::ipv6, bytes);
    flow.protocol = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
    if (nfct_attr_is_set(ct, ATTR_ORIG_PORT_DST)) flow.destination_port = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
    return flow;
}

int on_entry(enum nf_conntrack_msg_type, nf_conntrack* ct, void* data) {
    auto& dump = *static_cast<Dump*>(data);
    const auto flow = origin_of(ct);
    if (!flow) return NFCT_CB_CONTINUE;
    if (const auto tag = (*dump.pick)(*flow)) {
        // Deleting from inside the dump's callback would re-enter the handle: collect first.
        if (nf_conntrack* copy = nfct_clone(ct)) dump.found.emplace_back(std::unique_ptr<nf_conntrack, void (*)(nf_conntrack*)>(copy, nfct_destroy), *tag);
    }
    return NFCT_CB_CONTINUE;
}

[[noreturn]] void fail(const char* call) { throw std::system_error(errno, std::generic_category(), call); }

}  // namespace

ConntrackTable::ConntrackTable() : handle_(nfct_open(CONNTRACK, 0), nfct_close) {
    if (!handle_) fail("nfct_open");
}

ConntrackTable::~ConntrackTable() = default;

std::vector<std::size_t> ConntrackTable::delete_flows(std::optional<Family> family, const Pick& pick) {
    Dump dump{&pick, {}};
    if (nfct_callback_register(handle_.get(), NFCT_T_ALL, on_entry, &dump) < 0) fail("nfct_callback_register");
    // The kernel skips other families' flows itself (AF_UNSPEC: both in one walk).
    std::uint32_t l3 = !family ? AF_UNSPEC : *family == Family::ipv4 ? AF_INET : AF_INET6;
    const int dumped = nfct_query(handle_.get(), NFCT_Q_DUMP, &l3);
    nfct_callback_unregister(handle_.get());
    if (dumped < 0) fail("nfct_query(NFCT_Q_DUMP)");
    std::vector<std::size_t> deleted;
    for (const auto& [ct, tag] : dump.found) {
        if (nfct_query(handle_.get(), NFCT_Q_DESTROY, ct.get()) == 0)
            deleted.push_back(tag);
        else if (errno != ENOENT)   // (ended by itself meanwhile)
            fail("nfct_query(NFCT_Q_DESTROY)");
    }
    return deleted;
}

}  // namespace banjo::conntrack
