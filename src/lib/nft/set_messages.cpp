// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/nft/set_messages.hpp"

// glibc's netinet/in.h before the kernel's linux/in.h (pulled in by linux/netfilter.h).
#include <arpa/inet.h>
#include <endian.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdexcept>

namespace banjo::nft {

static_assert(family_inet == NFPROTO_INET);

namespace {

// An attribute's length is 16 bits, nested lists included: a message's element list must stay
// below 64 KiB. 48 KiB leaves room for the largest element (IPv6 key, timeout, flags).
constexpr std::size_t element_list_limit = 48 * 1024;
constexpr std::size_t message_room = 64 * 1024;

nlmsghdr* put_header(std::vector<char>& buffer, std::uint16_t type, std::uint16_t flags, std::uint32_t seq,
                     int family, std::uint16_t res_id) {
    std::size_t at = buffer.size();
    buffer.resize(at + message_room);
    nlmsghdr* nlh = mnl_nlmsg_put_header(buffer.data() + at);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = flags;
    nlh->nlmsg_seq = seq;
    auto* nfg = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
    nfg->nfgen_family = static_cast<std::uint8_t>(family);
    nfg->version = NFNETLINK_V0;
    nfg->res_id = htons(res_id);
    return nlh;
}

void shrink_to(std::vector<char>& buffer, const nlmsghdr* nlh) {
    const char* start = reinterpret_cast<const char*>(nlh);
    buffer.resize(static_cast<std::size_t>(start - buffer.data()) + MNL_ALIGN(nlh->nlmsg_len));
}

std::uint16_t nft_type(int msg) { return static_cast<std::uint16_t>((NFNL_SUBSYS_NFTABLES << 8) | msg); }

void put_element(nlmsghdr* nlh, const SetElement& e) {
    nlattr* elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
    nlattr* key = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_KEY);
    mnl_attr_put(nlh, NFTA_DATA_VALUE, e.key.size(), e.key.data());
    mnl_attr_nest_end(nlh, key);
    if (e.interval_end) mnl_attr_put_u32(nlh, NFTA_SET_ELEM_FLAGS, htonl(NFT_SET_ELEM_INTERVAL_END));
    if (e.timeout_ms && !e.interval_end) mnl_attr_put_u64(nlh, NFTA_SET_ELEM_TIMEOUT, htobe64(*e.timeout_ms));
    mnl_attr_nest_end(nlh, elem);
}

// Collects the attributes of one nesting level, by type (unknown types ignored).
template <std::size_t N>
struct Attributes {
    const nlattr* at[N + 1] = {};
    static int collect(const nlattr* attr, void* data) {
        auto* self = static_cast<Attributes*>(data);
        const unsigned type = mnl_attr_get_type(attr);
        if (type <= N) self->at[type] = attr;
        return MNL_CB_OK;
    }
    void parse_nested(const nlattr* nest) { mnl_attr_parse_nested(nest, collect, this); }
    void parse_message(const nlmsghdr* nlh) { mnl_attr_parse(nlh, sizeof(nfgenmsg), collect, this); }
};

std::optional<SetElement> parse_element(const nlattr* list_elem) {
    Attributes<NFTA_SET_ELEM_MAX> a;
    a.parse_nested(list_elem);
    if (!a.at[NFTA_SET_ELEM_KEY]) return std::nullopt;
    Attributes<NFTA_DATA_MAX> key;
    key.parse_nested(a.at[NFTA_SET_ELEM_KEY]);
    if (!key.at[NFTA_DATA_VALUE]) return std::nullopt;
    SetElement e;
    const auto* bytes = static_cast<const std::uint8_t*>(mnl_attr_get_payload(key.at[NFTA_DATA_VALUE]));
    e.key.assign(bytes, bytes + mnl_attr_get_payload_len(key.at[NFTA_DATA_VALUE]));
    if (a.at[NFTA_SET_ELEM_FLAGS])
        e.interval_end = (ntohl(mnl_attr_get_u32(a.at[NFTA_SET_ELEM_FLAGS])) & NFT_SET_ELEM_INTERVAL_END) != 0;
    if (a.at[NFTA_SET_ELEM_TIMEOUT]) e.timeout_ms = be64toh(mnl_attr_get_u64(a.at[NFTA_SET_ELEM_TIMEOUT]));
    if (a.at[NFTA_SET_ELEM_EXPIRATION]) e.expires_ms = be64toh(mnl_attr_get_u64(a.at[NFTA_SET_ELEM_EXPIRATION]));
    return e;
}

}  // namespace

Batch::Batch(std::uint32_t first_seq) : seq_(first_seq) {
    nlmsghdr* begin = begin_message(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
    end_message(begin);
    messages_ = 0;
}

nlmsghdr* Batch::begin_message(std::uint16_t type, std::uint16_t flags, int family, std::uint16_t res_id) {
    if (finished_) throw std::logic_error("nft::Batch: message after finish()");
    return put_header(buffer_, type, flags, seq_++, family, res_id);
}

void Batch::end_message(nlmsghdr* message) {
    shrink_to(buffer_, message);
    ++messages_;
}

void Batch::elements(std::uint16_t type, std::uint16_t flags, int family, const std::string& table,
                     const std::string& set, const std::vector<SetElement>& list) {
    std::size_t i = 0;
    while (i < list.size()) {
        nlmsghdr* nlh = begin_message(nft_type(type), flags, family, 0);
        mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, table.c_str());
        mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set.c_str());
        nlattr* nest = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
        const std::size_t nest_start = nlh->nlmsg_len;
        // An interval's two elements stay in one message: neither half is meaningful alone.
        while (i < list.size() && nlh->nlmsg_len - nest_start < element_list_limit) {
            put_element(nlh, list[i++]);
            if (list[i - 1].interval_end == false && i < list.size() && list[i].interval_end) put_element(nlh, list[i++]);
        }
        mnl_attr_nest_end(nlh, nest);
        end_message(nlh);
    }
}

void Batch::add_elements(int family, const std::string& table, const std::string& set,
                         const std::vector<SetElement>& list) {
    elements(NFT_MSG_NEWSETELEM, NLM_F_REQUEST | NLM_F_CREATE, family, table, set, list);
}

void Batch::delete_elements(int family, const std::string& table, const std::string& set,
                            const std::vector<SetElement>& list) {
    elements(NFT_MSG_DELSETELEM, NLM_F_REQUEST, family, table, set, list);
}

const std::vector<char>& Batch::finish() {
    if (!finished_) {
        const std::size_t count = messages_;
        nlmsghdr* end = begin_message(NFNL_MSG_BATCH_END, NLM_F_REQUEST, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
        end_message(end);
        messages_ = count;
        finished_ = true;
    }
    return buffer_;
}

std::vector<char> get_set_elements_request(int family, const std::string& table, const std::string& set,
                                           std::uint32_t seq) {
    std::vector<char> buffer;
    nlmsghdr* nlh = put_header(buffer, nft_type(NFT_MSG_GETSETELEM), NLM_F_REQUEST | NLM_F_DUMP, seq, family, 0);
    mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, table.c_str());
    mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set.c_str());
    shrink_to(buffer, nlh);
    return buffer;
}

std::vector<char> get_sets_request(int family, const std::string& table, std::uint32_t seq) {
    std::vector<char> buffer;
    nlmsghdr* nlh = put_header(buffer, nft_type(NFT_MSG_GETSET), NLM_F_REQUEST | NLM_F_DUMP, seq, family, 0);
    mnl_attr_put_strz(nlh, NFTA_SET_TABLE, table.c_str());
    shrink_to(buffer, nlh);
    return buffer;
}

std::vector<char> get_elements_request(int family, const std::string& table, const std::string& set,
                                       const std::vector<SetElement>& elements, std::uint32_t seq) {
    std::vector<char> buffer;
    nlmsghdr* nlh = put_header(buffer, nft_type(NFT_MSG_GETSETELEM), NLM_F_REQUEST | NLM_F_ACK, seq, family, 0);
    mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, table.c_str());
    mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set.c_str());
    nlattr* nest = mnl_attr_nest_start(nlh, NFTA_SET_ELEM_LIST_ELEMENTS);
    const std::size_t nest_start = nlh->nlmsg_len;
    for (const SetElement& e : elements) {
        if (nlh->nlmsg_len - nest_start >= element_list_limit)
            throw std::length_error("nft: too many elements for one get request");
        SetElement key_only{e.key, e.interval_end, std::nullopt, std::nullopt};
        put_element(nlh, key_only);
    }
    mnl_attr_nest_end(nlh, nest);
    shrink_to(buffer, nlh);
    return buffer;
}

void parse_set_elements(const nlmsghdr* message, std::vector<SetElement>& out) {
    Attributes<NFTA_SET_ELEM_LIST_MAX> a;
    a.parse_message(message);
    if (!a.at[NFTA_SET_ELEM_LIST_ELEMENTS]) return;
    mnl_attr_parse_nested(
        a.at[NFTA_SET_ELEM_LIST_ELEMENTS],
        [](const nlattr* elem, void* data) {
            if (mnl_attr_get_type(elem) == NFTA_LIST_ELEM)
                if (auto e = parse_element(elem)) static_cast<std::vector<SetElement>*>(data)->push_back(std::move(*e));
            return MNL_CB_OK;
        },
        &out);
}

std::optional<SetInfo> parse_set(const nlmsghdr* message) {
    Attributes<NFTA_SET_MAX> a;
    a.parse_message(message);
    if (!a.at[NFTA_SET_NAME]) return std::nullopt;
    SetInfo info;
    info.name = mnl_attr_get_str(a.at[NFTA_SET_NAME]);
    if (a.at[NFTA_SET_HANDLE]) info.handle = be64toh(mnl_attr_get_u64(a.at[NFTA_SET_HANDLE]));
    if (a.at[NFTA_SET_FLAGS]) info.anonymous = (ntohl(mnl_attr_get_u32(a.at[NFTA_SET_FLAGS])) & NFT_SET_ANONYMOUS) != 0;
    return info;
}

}  // namespace banjo::nft
