// SPDX-License-Identifier: GPL-2.0-or-later
// Carries out one run of an action on the event loop, never blocking it: exec and mail as a
// child process (lib/posix/child_process.hpp: fork and execve, no shell), watched through its
// pidfd and killed at its timeout; webhook and abuseipdb as HTTP POSTs through libcurl's multi
// interface, retried with a doubling backoff (1 s, 2 s, 4 s ...) after a transport error, a 5xx,
// 408 or 429. A mail with `whois` first runs the whois program (argv, no shell, its output
// read through a pipe on the loop, at most max_whois_bytes, at most whois_timeout), and sends
// the mail with a summary of that answer, or with why there is none.
// `done` runs once per run, always from the loop, never from inside run().
// One thread.
#pragma once

#include "config/action_config.hpp"
#include "core/action_event.hpp"
#include "core/cidr_set.hpp"
#include "lib/curl/http_client.hpp"
#include "lib/posix/child_process.hpp"
#include "lib/sd/event.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace banjo {

struct ActionOutcome {
    bool ok = false;
    std::string detail;   // "exited with status 2", "HTTP 500", "timed out after 30s", ...
    unsigned attempts = 1;
};

class ActionRunner {
public:
    using Done = std::function<void(const ActionOutcome&)>;

    static constexpr std::size_t max_whois_bytes = 65536;
    static constexpr std::chrono::seconds whois_timeout{10};   // at most half the action's timeout

    explicit ActionRunner(sd::Event& loop);
    ~ActionRunner();

    // The host's own addresses, kept out of AbuseIPDB comments.
    void set_host_addresses(CidrSet self) { self_ = std::move(self); }
    void run(const ActionSpec& spec, const ActionEvent& event, Done done);
    std::size_t running() const noexcept { return runs_.size(); }
    std::uint64_t retries() const noexcept { return retries_; }

private:
    struct Run;
    void start_child(Run& run, posix::ChildSpec child);
    void start_mail(Run& run, const std::vector<std::string>& whois);
    void start_whois(Run& run);
    void whois_done(std::uint64_t id, const std::string& why_not);
    void start_http(Run& run);
    void attempt_http(std::uint64_t id);
    void finish(std::uint64_t id, ActionOutcome outcome);

    sd::Event& loop_;
    curl::HttpClient http_;
    CidrSet self_;
    std::string host_name_;
    std::uint64_t next_id_ = 0;
    std::uint64_t retries_ = 0;
    std::map<std::uint64_t, std::unique_ptr<Run>> runs_;
};

}  // namespace banjo
