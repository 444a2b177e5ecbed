// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/refusal_report.hpp"

#include "lib/sd/log.hpp"

#include <syslog.h>

namespace banjo {

void RefusalReport::report(JailSet& jails, Usec now) {
    for (std::size_t i = 0; i < jails.size(); ++i) {
        JailPipeline& p = jails[i];
        std::uint64_t not_kept = 0;
        const std::vector<Refusal> refusals = p.take_refusals(not_kept);
        limit_.hold_back(not_kept);
        for (const Refusal& r : refusals) {
            std::uint64_t held_back = 0;
            if (!limit_.allow(now, held_back)) continue;
            const std::string address = r.address.to_string();
            std::string message = "Jail " + p.jail().name() + " read a failure from " + address + ", " +
                                  std::string(describe(r.kind)) +
                                  ", which banjo never bans: not counted (a forged or misread log line?)";
            if (held_back > 0)
                message += "; " + std::to_string(held_back) + " more such failures were not logged";
            sd::log(LOG_WARNING, message,
                    {{"MESSAGE_ID", sd::message_id::refused_address},
                     {"BANJO_JAIL", p.jail().name()},
                     {"BANJO_ADDRESS", address},
                     {"BANJO_ADDRESS_KIND", std::string(to_string(r.kind))},
                     {"BANJO_NOT_LOGGED", std::to_string(held_back)}});
        }
    }
}

void RefusalReport::discard(JailSet& jails) {
    std::uint64_t not_kept = 0;
    for (std::size_t i = 0; i < jails.size(); ++i) jails[i].take_refusals(not_kept);
}

}  // namespace banjo
