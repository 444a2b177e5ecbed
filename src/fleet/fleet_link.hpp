// SPDX-License-Identifier: GPL-2.0-or-later
// banjod's link to the fleet's Redis, on the daemon's sd-event loop. Two connections: one
// appends this host's decisions to its stream (XADD, pipelined, in order), the other follows
// the peers' streams (XREAD BLOCK) from the last entry applied. Redis down or unreachable:
// decisions wait in a bounded backlog and go out in order once it is back; reading resumes
// where it stopped. What comes in passes the PeerGate first; refusals go to the journal.
// One thread.
#pragma once

#include "core/duration.hpp"
#include "fleet/fleet_decision.hpp"
#include "fleet/fleet_settings.hpp"
#include "fleet/fleet_status.hpp"
#include "fleet/peer_gate.hpp"
#include "lib/hiredis/async_connection.hpp"
#include "lib/sd/event.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace banjo {

class FleetLink {
public:
    // What comes in, accepted: apply it. Then, once per read, the new positions to persist.
    struct Sink {
        std::function<void(const FleetDecision&)> apply;
        std::function<void(const std::map<std::string, std::string>&)> read_done;
        std::function<void()> status_changed;
        // Redis answered one of this host's decisions (stored, or refused for good): the
        // decisions before it are answered too, in order.
        std::function<void(const FleetDecision&)> published;
    };
    // A backlog past this drops its oldest decision (counted): a Redis away for long cannot
    // exhaust memory; what is dropped is still in force here.
    static constexpr std::size_t max_backlog = 100'000;

    FleetLink(sd::Event& loop, FleetSettings settings, std::string password, std::map<std::string, std::string> positions,
              std::function<Usec()> clock, Sink sink);
    ~FleetLink();

    // Appends a decision of this host to its stream (now, or once Redis is back).
    void publish(const FleetDecision& decision);
    // A failure in a jail that counts across the fleet: added to the fleet's window of
    // (jail, address) in Redis (banjo:count:<jail>:<address>, a sorted set that lives findtime),
    // trimmed and counted by one script; `reached(n)` runs when this failure brought the
    // fleet's count to maxretry (the window then starts afresh, so one host crosses). Without
    // a link the failure counts here only.
    void count_failure(const std::string& jail, const Address& address, Usec time, Usec findtime, unsigned maxretry,
                       std::function<void(unsigned)> reached);
    const FleetStatus& status() const noexcept { return status_; }
    const FleetSettings& settings() const noexcept { return settings_; }

private:
    struct Channel;
    void connect();
    void closed(const std::string& why);
    void authenticated();
    void send_backlog();
    void read_streams();
    void take_entries(const redis::Reply& reply);
    void set_problem(const std::string& problem);

    sd::Event& loop_;
    FleetSettings settings_;
    std::string password_;
    std::function<Usec()> clock_;
    Sink sink_;
    PeerGate gate_;
    std::map<std::string, std::string> positions_;
    std::unique_ptr<redis::AsyncConnection> writer_, reader_;
    bool writer_ready_ = false;      // authenticated
    bool reader_ready_ = false;
    std::deque<FleetDecision> backlog_;
    std::size_t in_flight_ = 0;      // the first in_flight_ of backlog_ were sent, unanswered
    sd::EventSource reconnect_timer_;
    // A blocking read unanswered well past its BLOCK time: the server or the path to it is gone
    // without a word (hiredis 0.14's async API has no timeouts).
    sd::EventSource read_deadline_;
    std::chrono::seconds retry_delay_{1};
    FleetStatus status_;
    std::string count_script_sha_;   // once SCRIPT LOAD answered; EVAL until then
    std::uint64_t failure_serial_ = 0;
    std::string count_error_;        // the last error counting a failure, logged once
    std::map<std::string, std::uint64_t> refusals_logged_;   // per origin, to rate-limit the log
    Usec refusal_log_window_{0};
};

}  // namespace banjo
