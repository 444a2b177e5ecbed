// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/ignore_command_runner.hpp"

#include "core/duration.hpp"
#include "lib/posix/unique_fd.hpp"
#include "lib/sd/event.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <list>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

extern char** environ;

namespace banjo {

struct SpawningIgnoreCommandRunner::Impl {
    struct Child {
        pid_t pid = -1;
        posix::UniqueFd pidfd;
        Done done;
        sd::EventSource exit_source, timeout;
        bool timed_out = false;
        std::chrono::microseconds timeout_after{};
    };
    struct Waiting {
        std::vector<std::string> argv;
        std::chrono::microseconds timeout{};
        Done done;
    };

    sd::Event& loop;
    std::list<Child> running;
    std::deque<Waiting> waiting;
    sd::EventSource start_next;   // answers go out from the loop, never from inside start()

    explicit Impl(sd::Event& l) : loop(l) {
        start_next = loop.add_timer([this] { pump(); });
    }

    ~Impl() {
        for (Child& c : running) {
            c.exit_source = {};
            c.timeout = {};
            kill(c.pid, SIGKILL);
            waitpid(c.pid, nullptr, 0);
        }
    }

    // A failure to start is answered on the next loop iteration, like any other answer.
    void answer_later(Done done, IgnoreCommandVerdict v, std::string detail) {
        running.emplace_back();
        Child& c = running.back();
        c.done = [done = std::move(done), v, detail = std::move(detail)](IgnoreCommandVerdict, const std::string&) {
            done(v, detail);
        };
        auto it = std::prev(running.end());
        c.timeout = loop.add_timer([this, it] {
            Done d = std::move(it->done);
            running.erase(it);
            d(IgnoreCommandVerdict::failed, "");
            pump();
        });
        c.timeout.arm_in(std::chrono::microseconds(0));
    }

    void spawn(Waiting w) {
        std::vector<char*> args;
        for (auto& a : w.argv) args.push_back(a.data());
        args.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addclosefrom_np(&actions, 3);
        // The loop blocks the signals it handles; the command starts with none blocked.
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attr, &none);
        sigset_t defaults;
        sigfillset(&defaults);
        posix_spawnattr_setsigdefault(&attr, &defaults);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        pid_t pid = -1;
        const int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        if (rc != 0) {
            answer_later(std::move(w.done), IgnoreCommandVerdict::failed, std::string("cannot start: ") + std::strerror(rc));
            return;
        }
        // glibc 2.36 declares pidfd_open without C linkage in C++: the system call itself.
        posix::UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
        if (!pidfd) {
            const int err = errno;
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
            answer_later(std::move(w.done), IgnoreCommandVerdict::failed, std::string("pidfd_open: ") + std::strerror(err));
            return;
        }
        running.emplace_back();
        auto it = std::prev(running.end());
        it->pid = pid;
        it->pidfd = std::move(pidfd);
        it->done = std::move(w.done);
        it->timeout_after = w.timeout;
        it->exit_source = loop.add_io(it->pidfd.get(), EPOLLIN, [this, it](std::uint32_t) { reap(it); });
        it->timeout = loop.add_timer([it] {
            it->timed_out = true;
            kill(it->pid, SIGKILL);   // not reaped yet: the pid is still this child's
        });
        it->timeout.arm_in(w.timeout);
    }

    void reap(std::list<Child>::iterator it) {
        int status = 0;
        if (waitpid(it->pid, &status, WNOHANG) == 0) return;
        Done done = std::move(it->done);
        const bool timed_out = it->timed_out;
        const auto after = it->timeout_after;
        running.erase(it);
        if (timed_out)
            done(IgnoreCommandVerdict::failed, "timed out after " + format_timespan(after));
        else if (WIFEXITED(status))
            done(WEXITSTATUS(status) == 0 ? IgnoreCommandVerdict::ignore : IgnoreCommandVerdict::ban,
                 "exit status " + std::to_string(WEXITSTATUS(status)));
        else
            done(IgnoreCommandVerdict::failed, "killed by signal " + std::to_string(WTERMSIG(status)));
        pump();
    }

    void pump() {
        while (!waiting.empty() && running.size() < max_running) {
            Waiting w = std::move(waiting.front());
            waiting.pop_front();
            spawn(std::move(w));
        }
    }
};

SpawningIgnoreCommandRunner::SpawningIgnoreCommandRunner(sd::Event& loop) : impl_(std::make_unique<Impl>(loop)) {}
SpawningIgnoreCommandRunner::~SpawningIgnoreCommandRunner() = default;

void SpawningIgnoreCommandRunner::start(std::vector<std::string> argv, std::chrono::microseconds timeout, Done done) {
    impl_->waiting.push_back({std::move(argv), timeout, std::move(done)});
    if (!impl_->start_next.armed()) impl_->start_next.arm_in(std::chrono::microseconds(0));
}

}  // namespace banjo
