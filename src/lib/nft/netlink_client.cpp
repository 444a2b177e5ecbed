// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/nft/netlink_client.hpp"

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <cerrno>
#include <ctime>
#include <system_error>

namespace banjo::nft {

std::vector<std::uint32_t> own_port_ids() { return mnl::own_port_ids(NETLINK_NETFILTER); }

NetlinkClient::NetlinkClient()
    : socket_(NETLINK_NETFILTER), seq_(static_cast<std::uint32_t>(std::time(nullptr))) {
    socket_.cap_acknowledgements();
    socket_.grow_receive_buffer(1u << 20);
}

std::uint32_t NetlinkClient::take_seq(std::uint32_t count) noexcept {
    std::uint32_t first = seq_;
    seq_ += count;
    return first;
}

int NetlinkClient::apply(Batch& batch) {
    const std::vector<char>& bytes = batch.finish();
    seq_ = batch.next_seq();
    socket_.grow_send_buffer(bytes.size());
    socket_.send(bytes.data(), bytes.size());
    // No message asked for an acknowledgement: whatever is queued now is an error report.
    int first_error = 0;
    while (socket_.receive(receive_buffer_, false)) {
        const auto* nlh = reinterpret_cast<const nlmsghdr*>(receive_buffer_.data());
        int remaining = static_cast<int>(receive_buffer_.size());
        for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
            if (nlh->nlmsg_type != NLMSG_ERROR) continue;
            const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
            if (err->error != 0 && first_error == 0) first_error = -err->error;
        }
    }
    return first_error;
}

std::optional<bool> NetlinkClient::dump(const std::vector<char>& request, std::uint32_t seq,
                                        const std::function<void(const nlmsghdr*)>& each) {
    socket_.send(request.data(), request.size());
    for (;;) {
        socket_.receive(receive_buffer_, true);
        const auto* nlh = reinterpret_cast<const nlmsghdr*>(receive_buffer_.data());
        int remaining = static_cast<int>(receive_buffer_.size());
        for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
            if (nlh->nlmsg_seq != seq) continue;   // a late answer to something earlier
            if (nlh->nlmsg_type == NLMSG_DONE) return true;
            if (nlh->nlmsg_type == NLMSG_ERROR) {
                const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
                if (err->error == 0) return true;
                if (err->error == -ENOENT) return std::nullopt;
                throw std::system_error(-err->error, std::generic_category(), "nf_tables dump");
            }
            each(nlh);
        }
    }
}

std::optional<std::vector<SetElement>> NetlinkClient::set_elements(int family, const std::string& table,
                                                                   const std::string& set) {
    const std::uint32_t seq = take_seq();
    std::vector<SetElement> out;
    if (!dump(get_set_elements_request(family, table, set, seq), seq,
              [&](const nlmsghdr* nlh) { parse_set_elements(nlh, out); }))
        return std::nullopt;
    return out;
}

std::optional<std::vector<SetInfo>> NetlinkClient::sets(int family, const std::string& table) {
    const std::uint32_t seq = take_seq();
    std::vector<SetInfo> out;
    if (!dump(get_sets_request(family, table, seq), seq, [&](const nlmsghdr* nlh) {
            if (auto s = parse_set(nlh)) out.push_back(std::move(*s));
        }))
        return std::nullopt;
    return out;
}

}  // namespace banjo::nft
