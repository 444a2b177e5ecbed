// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target for the parsers that read attacker-written text: Address, Cidr, time spans.
// Beyond not crashing, every accepted input must reach a canonical form that parses back to
// itself, since that form is the key in ban tables and the text firewalld receives.
#include "core/address.hpp"
#include "core/cidr.hpp"
#include "core/cidr_set.hpp"
#include "core/duration.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

void check_address(std::string_view text) {
    auto a = banjo::Address::parse(text);
    if (!a) return;
    std::string canon = a->to_string();
    require(canon.size() <= 39);
    require((a->family() == banjo::Family::ipv4) == (canon.find(':') == std::string::npos));
    auto again = banjo::Address::parse(canon);
    require(again && *again == *a && again->to_string() == canon);
    require(banjo::Address::from_bytes(a->family(), a->bytes()) == *a);
    require(banjo::AddressHash{}(*a) == banjo::AddressHash{}(*again));
}

void check_cidr(std::string_view text) {
    auto c = banjo::Cidr::parse(text);
    if (!c) return;
    require(c->prefix_len <= c->network.bit_length());
    require(c->contains(c->network));
    auto again = banjo::Cidr::parse(c->to_string());
    require(again && *again == *c);
    banjo::CidrSet set;
    require(set.insert(*c));
    auto m = set.longest_match(c->network);
    require(m && *m == *c);
    require(set.erase(*c) && set.empty());
}

void check_timespan(std::string_view text) {
    auto d = banjo::parse_timespan(text);
    if (!d) return;
    require(d->count() >= 0);
    auto again = banjo::parse_timespan(banjo::format_timespan(*d));
    require(again && *again == *d);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    check_address(text);
    check_cidr(text);
    check_timespan(text);
    return 0;
}
