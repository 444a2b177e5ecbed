// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/nft/netlink_client.hpp"

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <sys/socket.h>
#include <system_error>

namespace banjo::nft {

std::vector<std::uint32_t> own_port_ids() { return mnl::own_port_ids(NETLINK_NETFILTER); }

NetlinkClient::NetlinkClient()
    : socket_(NETLINK_NETFILTER), seq_(static_cast<std::uint32_t>(std::time(nullptr))) {
    socket_.cap_acknowledgements();
    // Element lookups answer with a message per element, each taking up to 16 KiB of the
    // receive buffer (a page-sized skb): a request asks for no more than half the buffer
    // holds. Without CAP_NET_ADMIN in the host's user namespace the buffer stays at
    // net.core.rmem_max (~200 KiB): a few elements per request then.
    socket_.grow_receive_buffer(8u << 20);
    int buffer = 0;
    socklen_t length = sizeof buffer;
    if (getsockopt(socket_.fd(), SOL_SOCKET, SO_RCVBUF, &buffer, &length) == 0 && buffer > 0)
        elements_per_get_ = std::clamp<std::size_t>(static_cast<std::size_t>(buffer) / (2 * 16384), 1, 256);
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
                                        const std::function<void(const nlmsghdr*, std::int64_t)>& each,
                                        const std::function<std::int64_t()>& clock) {
    socket_.send(request.data(), request.size());
    for (;;) {
        const std::int64_t read_at = clock ? clock() : 0;
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
            each(nlh, read_at);
        }
    }
}

std::optional<std::vector<SetElement>> NetlinkClient::set_elements(int family, const std::string& table,
                                                                   const std::string& set,
                                                                   const std::function<std::int64_t()>& clock) {
    const std::uint32_t seq = take_seq();
    std::vector<SetElement> out;
    if (!dump(
            get_set_elements_request(family, table, set, seq), seq,
            [&](const nlmsghdr* nlh, std::int64_t read_at) {
                const std::size_t first = out.size();
                parse_set_elements(nlh, out);
                for (std::size_t i = first; i < out.size(); ++i) out[i].read_at_us = read_at;
            },
            clock))
        return std::nullopt;
    return out;
}

std::optional<std::vector<std::optional<SetElement>>> NetlinkClient::get_elements(
    int family, const std::string& table, const std::string& set, const std::vector<SetElement>& keys,
    const std::function<std::int64_t()>& clock) {
    std::vector<std::optional<SetElement>> out(keys.size());
    std::size_t next = 0;
    bool set_seen = false;
    while (next < keys.size()) {
        const std::size_t end = std::min(keys.size(), next + elements_per_get_);
        const std::vector<SetElement> part(keys.begin() + static_cast<std::ptrdiff_t>(next),
                                           keys.begin() + static_cast<std::ptrdiff_t>(end));
        const std::uint32_t seq = take_seq();
        const std::vector<char> request = get_elements_request(family, table, set, part, seq);
        socket_.send(request.data(), request.size());
        std::size_t answered = 0;
        std::optional<int> error;   // the acknowledgement's
        while (!error) {
            const std::int64_t read_at = clock ? clock() : 0;
            socket_.receive(receive_buffer_, true);
            const auto* nlh = reinterpret_cast<const nlmsghdr*>(receive_buffer_.data());
            int remaining = static_cast<int>(receive_buffer_.size());
            for (; mnl_nlmsg_ok(nlh, remaining); nlh = mnl_nlmsg_next(nlh, &remaining)) {
                if (nlh->nlmsg_seq != seq) continue;
                if (nlh->nlmsg_type == NLMSG_ERROR) {
                    error = -static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh))->error;
                    break;
                }
                std::vector<SetElement> found;
                parse_set_elements(nlh, found);
                if (found.size() != 1 || answered >= part.size())
                    throw std::system_error(EPROTO, std::generic_category(), "nf_tables element lookup");
                found[0].read_at_us = read_at;
                out[next + answered++] = std::move(found[0]);
            }
        }
        if (*error == 0) {
            set_seen = true;
            next = end;
            continue;
        }
        if (*error != ENOENT) throw std::system_error(*error, std::generic_category(), "nf_tables element lookup");
        // The element after the last answered is missing, or the set is: ENOENT says either.
        if (answered > 0) set_seen = true;
        if (!set_seen) {
            if (!has_set(family, table, set)) return std::nullopt;
            set_seen = true;
        }
        next += answered + 1;
    }
    return out;
}

bool NetlinkClient::has_set(int family, const std::string& table, const std::string& set) {
    const auto all = sets(family, table);
    return all && std::any_of(all->begin(), all->end(), [&](const SetInfo& s) { return s.name == set; });
}

std::optional<std::vector<SetInfo>> NetlinkClient::sets(int family, const std::string& table) {
    const std::uint32_t seq = take_seq();
    std::vector<SetInfo> out;
    if (!dump(get_sets_request(family, table, seq), seq, [&](const nlmsghdr* nlh, std::int64_t) {
            if (auto s = parse_set(nlh)) out.push_back(std::move(*s));
        }))
        return std::nullopt;
    return out;
}

}  // namespace banjo::nft
