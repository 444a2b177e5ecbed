// SPDX-License-Identifier: GPL-2.0-or-later
// Runs ignore-commands for the Manager without blocking the loop: posix_spawn (no shell,
// stdin and stdout on /dev/null, stderr banjod's, so the command's complaints reach the
// journal), a pidfd in the loop for its exit, and a timer that kills it after the jail's
// ignore-command-timeout. At most max_running run at once; the rest wait their turn. A
// command that cannot start, is killed or dies of a signal answers `failed`.
#pragma once

#include "core/ignore_command.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace banjo {

namespace sd {
class Event;
}

class IgnoreCommandRunner {
public:
    // `detail`: why a command failed, or its exit status.
    using Done = std::function<void(IgnoreCommandVerdict verdict, const std::string& detail)>;
    virtual ~IgnoreCommandRunner() = default;
    // Runs ARGV, killed after `timeout`; `done` is called once, later, from the loop (never
    // from inside start()).
    virtual void start(std::vector<std::string> argv, std::chrono::microseconds timeout, Done done) = 0;
};

class SpawningIgnoreCommandRunner final : public IgnoreCommandRunner {
public:
    static constexpr std::size_t max_running = 16;

    explicit SpawningIgnoreCommandRunner(sd::Event& loop);
    ~SpawningIgnoreCommandRunner() override;   // kills and reaps what still runs; no callbacks
    void start(std::vector<std::string> argv, std::chrono::microseconds timeout, Done done) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace banjo
