// SPDX-License-Identifier: GPL-2.0-or-later
// The nf_tables netlink messages banjo writes and reads itself (libmnl attributes), for the
// one thing libnftables does badly at scale: set elements. nft 1.0.6 fetches every element
// of an interval set before it adds one (5.9 s for one add into a 100k set, measured here),
// while the kernel needs only the elements that change. Pure message building and parsing:
// no socket, no errno.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct nlmsghdr;

namespace banjo::nft {

inline constexpr int family_inet = 1;   // NFPROTO_INET: tables that hold IPv4 and IPv6

// One element as the kernel stores it. An interval set holds a range as two elements: its
// first key, and the first key past its end flagged interval_end (absent when the range runs
// to the family's last address). Only the first carries a timeout: the kernel refuses an end
// element with one (EINVAL) and expires the pair by its start.
struct SetElement {
    std::vector<std::uint8_t> key;   // network byte order
    bool interval_end = false;
    std::optional<std::uint64_t> timeout_ms;   // write: lifetime; read: the lifetime it was given
    std::optional<std::uint64_t> expires_ms;   // read only: time left
    std::int64_t read_at_us = 0;               // read only: when expires_ms held (wall clock), 0 unknown
};

// Builds one nfnetlink batch (BEGIN ... END): the kernel applies all of it or none of it.
class Batch {
public:
    explicit Batch(std::uint32_t first_seq);

    void add_elements(int family, const std::string& table, const std::string& set,
                      const std::vector<SetElement>& elements);
    void delete_elements(int family, const std::string& table, const std::string& set,
                         const std::vector<SetElement>& elements);
    // Closes the batch; the bytes to send in one sendmsg.
    const std::vector<char>& finish();

    bool empty() const noexcept { return messages_ == 0; }
    std::size_t size() const noexcept { return buffer_.size(); }
    std::uint32_t next_seq() const noexcept { return seq_; }

private:
    void elements(std::uint16_t type, std::uint16_t flags, int family, const std::string& table,
                  const std::string& set, const std::vector<SetElement>& elements);
    nlmsghdr* begin_message(std::uint16_t type, std::uint16_t flags, int family, std::uint16_t res_id);
    void end_message(nlmsghdr* message);

    std::vector<char> buffer_;
    std::uint32_t seq_;
    std::size_t messages_ = 0;
    bool finished_ = false;
};

// Requests answered by a dump (NLM_F_DUMP).
std::vector<char> get_set_elements_request(int family, const std::string& table, const std::string& set,
                                           std::uint32_t seq);
std::vector<char> get_sets_request(int family, const std::string& table, std::uint32_t seq);
// Asks for these elements by key (not a dump): the kernel answers one NEWSETELEM per element
// it holds, in order, and stops at the first it lacks with ENOENT; then the acknowledgement.
std::vector<char> get_elements_request(int family, const std::string& table, const std::string& set,
                                       const std::vector<SetElement>& elements, std::uint32_t seq);

// The elements carried by one NEWSETELEM message of a dump, appended to `out`.
void parse_set_elements(const nlmsghdr* message, std::vector<SetElement>& out);

struct SetInfo {
    std::string name;
    std::uint64_t handle = 0;
    bool anonymous = false;   // a rule's inline set ("{ 80, 443 }"), owned by that rule
};
// The set described by one NEWSET message of a dump.
std::optional<SetInfo> parse_set(const nlmsghdr* message);

}  // namespace banjo::nft
