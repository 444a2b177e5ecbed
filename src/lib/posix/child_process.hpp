// SPDX-License-Identifier: GPL-2.0-or-later
// A program run without a shell: fork, then execve of an argv, so no byte of an argument is ever
// read as syntax. The child gets a clean start: its own session (a timeout kills the whole
// group), every signal unblocked and at its default, only stdin (a pipe holding `input`),
// stdout (/dev/null, or a pipe banjod reads: capture_output) and stderr (banjod's: the journal
// under systemd) open, the environment
// given and nothing else, umask 077, cwd /, no_new_privs, the user given (its groups too), and
// SIGTERM when banjod goes. The exit is watched through a pidfd, so it fits an event loop and
// no SIGCHLD handler is needed. One thread (fork in a multi-threaded process is not safe).
#pragma once

#include "lib/posix/unique_fd.hpp"

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace banjo::posix {

struct ChildSpec {
    std::vector<std::string> argv;   // argv[0]: an absolute path
    std::vector<std::string> env;    // NAME=value each
    std::string input;               // on stdin, then end of file; cut at max_input_bytes
    std::string user;                // for its supplementary groups; empty: keep banjod's
    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
    bool capture_output = false;     // stdout into a pipe: output_fd()
};

class ChildProcess {
public:
    // What fits into a pipe at once: the input is written before the child runs, never waited for.
    static constexpr std::size_t max_input_bytes = 65536;

    // Throws std::system_error when it cannot start (fork, pipe, pidfd). A program that cannot
    // be executed (missing, not executable) exits with status 127.
    static ChildProcess spawn(const ChildSpec& spec);

    ChildProcess(ChildProcess&& o) noexcept
        : pid_(std::exchange(o.pid_, -1)), pidfd_(std::move(o.pidfd_)), output_(std::move(o.output_)), reaped_(o.reaped_) {}
    ChildProcess& operator=(ChildProcess&&) = delete;
    // A child still running is killed (SIGKILL to its group) and reaped.
    ~ChildProcess();

    pid_t pid() const noexcept { return pid_; }
    // Readable once the child has exited.
    int pidfd() const noexcept { return pidfd_.get(); }
    // With capture_output: the read end of the child's stdout, non-blocking; -1 otherwise.
    int output_fd() const noexcept { return output_.get(); }
    // Reads what the output pipe holds now, appending to `out` until it holds `limit` bytes.
    // Returns false once there is nothing more to wait for: the pipe is at its end (the child
    // closed it) or `out` is full (the rest is the caller's to cut off).
    bool read_output(std::string& out, std::size_t limit);
    // Its wait status (as waitpid gives it) once it has exited; nullopt while it runs.
    std::optional<int> try_wait();
    // SIGKILL to the child's process group (what it started too).
    void kill_group() noexcept;

private:
    ChildProcess(pid_t pid, UniqueFd pidfd, UniqueFd output)
        : pid_(pid), pidfd_(std::move(pidfd)), output_(std::move(output)) {}
    pid_t pid_ = -1;
    UniqueFd pidfd_;
    UniqueFd output_;
    bool reaped_ = false;
};

// "exited with status 3", "killed by signal 9 (Killed)".
std::string describe_wait_status(int status);

}  // namespace banjo::posix
