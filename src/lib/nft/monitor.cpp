// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/nft/monitor.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cerrno>
#include <optional>
#include <system_error>

namespace banjo::nft {

namespace {

// Tables, chains, sets, rules and element lists all carry their table's name as attribute 1
// (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_SET_TABLE, NFTA_RULE_TABLE, NFTA_SET_ELEM_LIST_TABLE).
constexpr unsigned table_attribute = 1;
static_assert(NFTA_TABLE_NAME == table_attribute && NFTA_CHAIN_TABLE == table_attribute &&
              NFTA_SET_TABLE == table_attribute && NFTA_RULE_TABLE == table_attribute &&
              NFTA_SET_ELEM_LIST_TABLE == table_attribute && NFTA_OBJ_TABLE == table_attribute &&
              NFTA_FLOWTABLE_TABLE == table_attribute);

struct Found {
    const nlattr* table = nullptr;
    const nlattr* pid = nullptr;
    const nlattr* name = nullptr;
};

std::optional<Event> parse(const nlmsghdr* nlh) {
    if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES) return std::nullopt;
    const int type = NFNL_MSG_TYPE(nlh->nlmsg_type);
    Event e;
    switch (type) {
    case NFT_MSG_NEWGEN:
        e.kind = Event::Kind::generation;
        break;
    case NFT_MSG_DELTABLE:
    case NFT_MSG_DELCHAIN:
    case NFT_MSG_DELSET:
    case NFT_MSG_DELRULE:
    case NFT_MSG_DELSETELEM:
    case NFT_MSG_DELOBJ:
    case NFT_MSG_DELFLOWTABLE:
        e.kind = Event::Kind::deleted;
        break;
    case NFT_MSG_NEWTABLE:
    case NFT_MSG_NEWCHAIN:
    case NFT_MSG_NEWSET:
    case NFT_MSG_NEWRULE:
    case NFT_MSG_NEWSETELEM:
    case NFT_MSG_NEWOBJ:
    case NFT_MSG_NEWFLOWTABLE:
        e.kind = Event::Kind::added;
        break;
    default:
        return std::nullopt;
    }
    const auto* nfg = static_cast<const nfgenmsg*>(mnl_nlmsg_get_payload(nlh));
    e.family = nfg->nfgen_family;
    e.port_id = nlh->nlmsg_pid;
    Found found;
    mnl_attr_parse(
        nlh, sizeof(nfgenmsg),
        [](const nlattr* attr, void* data) {
            auto* f = static_cast<Found*>(data);
            const unsigned t = mnl_attr_get_type(attr);
            if (t == table_attribute) f->table = attr;   // NFTA_GEN_ID for NEWGEN: not read as text
            if (t == NFTA_GEN_PROC_PID) f->pid = attr;
            if (t == NFTA_GEN_PROC_NAME) f->name = attr;
            return MNL_CB_OK;
        },
        &found);
    if (e.kind == Event::Kind::generation) {
        if (found.pid && mnl_attr_get_payload_len(found.pid) >= 4) e.process_id = ntohl(mnl_attr_get_u32(found.pid));
        if (found.name) e.process_name.assign(static_cast<const char*>(mnl_attr_get_payload(found.name)),
                                              strnlen(static_cast<const char*>(mnl_attr_get_payload(found.name)),
                                                      mnl_attr_get_payload_len(found.name)));
    } else if (found.table) {
        const auto* text = static_cast<const char*>(mnl_attr_get_payload(found.table));
        e.table.assign(text, strnlen(text, mnl_attr_get_payload_len(found.table)));
    }
    return e;
}

}  // namespace

Monitor::Monitor() : socket_(NETLINK_NETFILTER) {
    socket_.join_group(NFNLGRP_NFTABLES);
    socket_.set_nonblocking();
    // Our own bursts notify one message per element: room for a few thousand before overflow.
    socket_.grow_receive_buffer(4u << 20);
}

void Monitor::pause() { socket_.leave_group(NFNLGRP_NFTABLES); }

void Monitor::resume() { socket_.join_group(NFNLGRP_NFTABLES); }

bool Monitor::read(const std::function<void(const Event&)>& each) {
    for (;;) {
        try {
            if (!socket_.receive(buffer_, false)) return true;
        } catch (const std::system_error& e) {
            if (e.code().value() == ENOBUFS) return false;
            throw;
        }
        const auto* nlh = reinterpret_cast<const nlmsghdr*>(buffer_.data());
        int remaining = static_cast<int>(buffer_.size());
        for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining))
            if (auto e = parse(nlh)) each(*e);
    }
}

}  // namespace banjo::nft
