// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal/ban_records.hpp"

#include "lib/sd/log.hpp"

#include <charconv>
#include <deque>
#include <optional>
#include <string_view>

namespace banjo {

namespace {

std::optional<std::uint64_t> number(std::optional<std::string_view> text) {
    if (!text) return std::nullopt;
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
    return v;
}

std::optional<BanRecord> record_at(const JournalReader& reader) {
    BanRecord r;
    auto id = reader.field("MESSAGE_ID");
    if (!id) return std::nullopt;
    if (*id == sd::message_id::ban)
        r.kind = BanRecord::Kind::ban;
    else if (*id == sd::message_id::unban)
        r.kind = BanRecord::Kind::unban;
    else
        return std::nullopt;
    auto jail = reader.field("BANJO_JAIL");
    if (!jail || jail->empty()) return std::nullopt;
    r.jail = std::string(*jail);
    auto address = reader.field("BANJO_ADDRESS");
    auto parsed = address ? Cidr::parse(*address) : std::nullopt;
    if (!parsed) return std::nullopt;
    r.address = *parsed;
    r.time = reader.realtime();
    if (r.kind == BanRecord::Kind::ban) {
        auto expires = number(reader.field("BANJO_EXPIRES_USEC"));
        if (!expires) return std::nullopt;   // a ban without an end cannot be put back
        r.expires = from_wire_usec(*expires);
        r.failures = static_cast<std::uint32_t>(std::min<std::uint64_t>(number(reader.field("BANJO_FAILURES")).value_or(0), UINT32_MAX));
        auto origin = reader.field("BANJO_ORIGIN");
        r.origin = origin ? parse_origin_text(*origin).value_or(OriginText{}).origin : BanOrigin::filter;
    }
    return r;
}

}  // namespace

std::vector<BanRecord> read_ban_records(JournalReader& reader, Usec since, uid_t uid, std::size_t limit) {
    const std::string from_uid = "_UID=" + std::to_string(uid);
    reader.set_matches({{std::string("MESSAGE_ID=") + sd::message_id::ban, from_uid},
                        {std::string("MESSAGE_ID=") + sd::message_id::unban, from_uid}});
    reader.seek_realtime(since);
    std::deque<BanRecord> kept;
    while (reader.next()) {
        auto r = record_at(reader);
        if (!r) continue;
        kept.push_back(std::move(*r));
        if (kept.size() > limit) kept.pop_front();
    }
    return {std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end())};
}

}  // namespace banjo
