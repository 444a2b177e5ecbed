// SPDX-License-Identifier: GPL-2.0-or-later
#include "fleet/fleet_link.hpp"

#include "core/input_excerpt.hpp"
#include "lib/sd/log.hpp"

#include <syslog.h>

namespace banjo {

namespace {

using namespace std::chrono_literals;

constexpr std::string_view stream_prefix = "banjo:decisions:";
// XREAD BLOCK: long enough to cost nothing while idle, short enough that a dead server
// without a FIN is noticed within seconds (hiredis 0.14 async has no timeouts of its own).
constexpr auto read_block = 5s;
constexpr int read_count = 1000;
constexpr std::chrono::seconds max_retry_delay{10};
constexpr std::uint64_t refusals_logged_per_minute = 10;

// KEYS[1]: banjo:count:<jail>:<address>; ARGV: the failure's time (ms), findtime (ms), a
// member unique to the failure, maxretry. Adds, trims what fell out of findtime, counts;
// at maxretry the window is emptied so that exactly one host crosses it.
constexpr const char* count_script = R"lua(
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[4]) then
  redis.call('DEL', KEYS[1])
  return n
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return n
)lua";

bool lost(const redis::Reply& r) { return r.is_error() && r.text.starts_with("connection lost"); }

}  // namespace

FleetLink::FleetLink(sd::Event& loop, FleetSettings settings, std::string password,
                     std::map<std::string, std::string> positions, std::function<Usec()> clock, Sink sink)
    : loop_(loop),
      settings_(std::move(settings)),
      password_(std::move(password)),
      clock_(std::move(clock)),
      sink_(std::move(sink)),
      gate_(settings_.peers, settings_.peer_bans_per_minute),
      positions_(std::move(positions)) {
    for (const auto& peer : settings_.peers) {
        if (!positions_.count(peer)) positions_[peer] = "0-0";   // its whole stream; what expired is skipped
    }
    status_.last_ids = positions_;
    reconnect_timer_ = loop_.add_timer([this] { connect(); });
    read_deadline_ = loop_.add_timer([this] { closed("no answer from Redis to a blocking read"); });
    status_.problem = "connecting";
    connect();
}

FleetLink::~FleetLink() = default;

void FleetLink::set_problem(const std::string& problem) {
    const bool was_connected = status_.connected;
    status_.connected = problem.empty();
    if (problem == status_.problem && was_connected == status_.connected) return;
    const std::string where = settings_.redis_host + ":" + std::to_string(settings_.redis_port);
    if (status_.connected)
        sd::log(LOG_INFO, "Fleet: connected to Redis at " + where + " as host " + settings_.host_name + ", following " +
                              std::to_string(settings_.peers.size()) + " peers",
                {{"MESSAGE_ID", sd::message_id::fleet_link}, {"BANJO_FLEET_STATE", "connected"}});
    else if (status_.problem.empty() || status_.problem == "connecting" || problem != status_.problem)
        sd::log(LOG_WARNING, "Fleet: no link to Redis at " + where + ": " + problem + "; local decisions go on (" +
                                 std::to_string(backlog_.size()) + " waiting to be shared)",
                {{"MESSAGE_ID", sd::message_id::fleet_link}, {"BANJO_FLEET_STATE", "disconnected"}});
    status_.problem = problem;
    if (sink_.status_changed) sink_.status_changed();
}

void FleetLink::connect() {
    writer_.reset();
    reader_.reset();
    writer_ready_ = reader_ready_ = false;
    in_flight_ = 0;
    read_deadline_.disarm();
    try {
        auto make = [this] {
            auto conn = std::make_unique<redis::AsyncConnection>(loop_, settings_.redis_host, settings_.redis_port, nullptr,
                                                                 [this](const std::string& why) { closed(why); });
            return conn;
        };
        writer_ = make();
        reader_ = make();
    } catch (const std::exception& e) {
        closed(e.what());
        return;
    }
    // AUTH is queued at once: hiredis sends it as soon as the connection is up, before anything else.
    for (auto* conn : {writer_.get(), reader_.get()}) {
        const bool is_writer = conn == writer_.get();
        std::vector<std::string> auth;
        if (!settings_.user.empty() || !password_.empty()) {
            auth = {"AUTH"};
            if (!settings_.user.empty()) auth.push_back(settings_.user);
            auth.push_back(password_.empty() ? std::string("nopass") : password_);
        } else {
            auth = {"PING"};
        }
        conn->command(auth, [this, is_writer](const redis::Reply& r) {
            if (lost(r)) return;
            if (r.is_error()) {
                closed("Redis refused user '" + (settings_.user.empty() ? std::string("default") : settings_.user) +
                       "': " + input_excerpt(r.text));
                return;
            }
            (is_writer ? writer_ready_ : reader_ready_) = true;
            if (is_writer) {
                writer_->command({"SCRIPT", "LOAD", count_script}, [this](const redis::Reply& s) {
                    if (s.type == redis::Reply::Type::string) count_script_sha_ = s.text;   // else EVAL each time
                });
                send_backlog();
            } else {
                read_streams();
            }
            if (writer_ready_ && reader_ready_) {
                retry_delay_ = 1s;
                set_problem("");
            }
        });
    }
}

void FleetLink::closed(const std::string& why) {
    writer_ready_ = reader_ready_ = false;
    in_flight_ = 0;
    read_deadline_.disarm();
    set_problem(why);
    // Connections are dropped and made again from the timer, never inside their own callbacks.
    if (reconnect_timer_.armed()) return;
    reconnect_timer_.arm_in(retry_delay_);
    retry_delay_ = std::min(retry_delay_ * 2, max_retry_delay);
}

void FleetLink::publish(const FleetDecision& decision) {
    if (backlog_.size() >= max_backlog) {
        if (in_flight_ < backlog_.size()) {
            backlog_.erase(backlog_.begin() + static_cast<std::ptrdiff_t>(in_flight_));
        } else {
            ++status_.dropped;
            return;
        }
        ++status_.dropped;
    }
    backlog_.push_back(decision);
    status_.backlog = backlog_.size();
    if (writer_ready_) send_backlog();
}

void FleetLink::send_backlog() {
    if (!writer_ready_ || !writer_ || !writer_->connected()) return;
    const std::string key = FleetSettings::stream_key(settings_.host_name);
    while (in_flight_ < backlog_.size()) {
        const FleetDecision& d = backlog_[in_flight_];
        std::vector<std::string> argv = {"XADD", key, "MAXLEN", "~", std::to_string(settings_.stream_length), "*"};
        for (auto& [field, value] : d.to_fields()) {
            argv.push_back(field);
            argv.push_back(value);
        }
        if (!writer_->command(argv, [this](const redis::Reply& r) {
                if (lost(r)) return;
                // Replies come in order: this one answers the oldest decision in flight.
                if (in_flight_ == 0 || backlog_.empty()) return;
                if (r.is_error()) {
                    ++status_.dropped;
                    sd::log(LOG_ERR, "Fleet: Redis refused this host's decision on " + backlog_.front().address.to_string() +
                                         ": " + input_excerpt(r.text) + " (check the ACL of user '" + settings_.user + "')",
                            {{"MESSAGE_ID", sd::message_id::fleet_refused}, {"BANJO_FLEET_HOST", settings_.host_name}});
                } else {
                    ++status_.published;
                }
                const FleetDecision answered = std::move(backlog_.front());
                backlog_.pop_front();
                --in_flight_;
                if (sink_.published) sink_.published(answered);
                status_.backlog = backlog_.size();
            }))
            return;
        ++in_flight_;
    }
}

void FleetLink::count_failure(const std::string& jail, const Address& address, Usec time, Usec findtime,
                              unsigned maxretry, std::function<void(unsigned)> reached) {
    if (!writer_ready_ || !writer_ || !writer_->connected()) return;
    const auto ms = [](Usec t) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t).count()); };
    const std::string key = "banjo:count:" + jail + ":" + address.to_string();
    const std::string member = settings_.host_name + ":" + std::to_string(time.count()) + ":" + std::to_string(++failure_serial_);
    std::vector<std::string> argv;
    if (count_script_sha_.empty())
        argv = {"EVAL", count_script, "1", key, ms(time), ms(findtime), member, std::to_string(maxretry)};
    else
        argv = {"EVALSHA", count_script_sha_, "1", key, ms(time), ms(findtime), member, std::to_string(maxretry)};
    writer_->command(argv, [this, maxretry, reached = std::move(reached)](const redis::Reply& r) {
        if (r.is_error()) {
            if (lost(r)) return;
            if (r.text.starts_with("NOSCRIPT")) {
                count_script_sha_.clear();   // the script cache was flushed: EVAL next time
            } else if (r.text != count_error_) {
                // Once per distinct error: every failure would say the same (an ACL without the
                // script's commands, most likely).
                count_error_ = r.text;
                sd::log(LOG_ERR, "Fleet: Redis refused to count a failure: " + input_excerpt(r.text) +
                                     "; failures count on this host only",
                        {{"MESSAGE_ID", sd::message_id::fleet_refused}, {"BANJO_FLEET_HOST", settings_.host_name}});
            }
            return;
        }
        ++status_.failures_shared;
        if (r.type == redis::Reply::Type::integer && r.integer >= static_cast<long long>(maxretry) && reached)
            reached(static_cast<unsigned>(r.integer));
    });
}

void FleetLink::read_streams() {
    if (!reader_ready_ || !reader_ || settings_.peers.empty()) return;
    std::vector<std::string> argv = {"XREAD", "COUNT", std::to_string(read_count), "BLOCK",
                                     std::to_string(std::chrono::milliseconds(read_block).count()), "STREAMS"};
    for (const auto& peer : settings_.peers) argv.push_back(FleetSettings::stream_key(peer));
    for (const auto& peer : settings_.peers) argv.push_back(positions_[peer]);
    read_deadline_.arm_in(read_block + 10s);
    reader_->command(argv, [this](const redis::Reply& r) {
        if (lost(r)) return;
        read_deadline_.disarm();
        if (r.is_error()) {
            closed("reading the peers' streams: " + input_excerpt(r.text));
            return;
        }
        if (r.type == redis::Reply::Type::array) take_entries(r);
        read_streams();
    });
}

void FleetLink::take_entries(const redis::Reply& reply) {
    const Usec now = clock_();
    if (now - refusal_log_window_ >= std::chrono::duration_cast<Usec>(1min)) {
        refusal_log_window_ = now;
        refusals_logged_.clear();
    }
    bool any = false;
    for (const auto& stream : reply.elements) {
        if (stream.elements.size() != 2 || !stream.elements[0].text.starts_with(stream_prefix)) continue;
        const std::string host = stream.elements[0].text.substr(stream_prefix.size());
        if (!positions_.count(host)) continue;   // never asked for
        for (const auto& entry : stream.elements[1].elements) {
            if (entry.elements.size() != 2) continue;
            const std::string& id_text = entry.elements[0].text;
            auto id = StreamId::parse(id_text);
            if (!id) continue;
            positions_[host] = id_text;
            any = true;
            ++status_.received;
            FleetDecision::Fields fields;
            const auto& kv = entry.elements[1].elements;
            for (std::size_t i = 0; i + 1 < kv.size(); i += 2) fields.emplace_back(kv[i].text, kv[i + 1].text);
            const Usec made = std::chrono::duration_cast<Usec>(std::chrono::milliseconds(id->ms));
            std::string error;
            auto d = FleetDecision::parse(fields, &error);
            std::string refusal;
            if (!d) {
                refusal = "not a decision (" + error + ")";
            } else if (auto v = gate_.admit(host, *d, made, now); v != PeerVerdict::accepted) {
                refusal = std::string(to_string(v));
            }
            if (!refusal.empty()) {
                ++status_.refused;
                if (++refusals_logged_[host] <= refusals_logged_per_minute) {
                    const std::string what = d ? std::string(d->kind == FleetDecision::Kind::ban ? "ban" : "unban") + " of " +
                                                     d->address.to_string() + " in jail " + d->jail + " by host " + d->host
                                               : "entry " + id_text;
                    sd::log(LOG_WARNING, "Fleet: refused the " + what + " from stream " + FleetSettings::stream_key(host) + ": " + refusal,
                            {{"MESSAGE_ID", sd::message_id::fleet_refused},
                             {"BANJO_FLEET_HOST", host},
                             {"BANJO_FLEET_REASON", refusal}});
                }
                continue;
            }
            status_.peers_seen[host] = made;
            status_.lag = now > made ? now - made : Usec(0);
            if (sink_.apply) sink_.apply(*d);
        }
    }
    if (!any) return;
    status_.last_ids = positions_;
    if (sink_.read_done) sink_.read_done(positions_);
}

}  // namespace banjo
