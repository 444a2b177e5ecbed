// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/posix/child_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <cstring>
#include <system_error>

namespace banjo::posix {

namespace {

[[noreturn]] void fail(const char* call) { throw std::system_error(errno, std::generic_category(), call); }

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// In the child, between fork and exec: nothing that could throw, no return.
[[noreturn]] void become(const ChildSpec& spec, int input_fd, int output_fd, char* const argv[], char* const envp[]) {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_UNBLOCK, &all, nullptr);   // banjod blocks the signals its loop reads
    for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (dup2(input_fd, STDIN_FILENO) < 0) _exit(126);
    const int out = output_fd >= 0 ? output_fd : open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (out < 0 || dup2(out, STDOUT_FILENO) < 0) _exit(126);
    ::close_range(3, ~0U, 0);
    umask(077);
    if (chdir("/") != 0) _exit(126);
    if (spec.gid) {
        if (!spec.user.empty() ? initgroups(spec.user.c_str(), *spec.gid) != 0 : setgroups(0, nullptr) != 0) _exit(126);
        if (setresgid(*spec.gid, *spec.gid, *spec.gid) != 0) _exit(126);
    }
    if (spec.uid && setresuid(*spec.uid, *spec.uid, *spec.uid) != 0) _exit(126);
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    execve(argv[0], argv, envp);
    _exit(127);
}

}  // namespace

ChildProcess ChildProcess::spawn(const ChildSpec& spec) {
    if (spec.argv.empty()) throw std::invalid_argument("ChildProcess::spawn: empty argv");
    // Everything the child needs is built before fork: the child only calls system calls.
    std::vector<char*> argv, envp;
    for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) fail("pipe2");
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    // The whole input fits into the pipe: written now, the child reads it when it likes.
    const std::size_t n = std::min(spec.input.size(), max_input_bytes);
    if (n > 0) {
        if (fcntl(write_end.get(), F_SETPIPE_SZ, static_cast<int>(max_input_bytes)) < 0) fail("fcntl(F_SETPIPE_SZ)");
        if (fcntl(write_end.get(), F_SETFL, O_NONBLOCK) < 0) fail("fcntl(O_NONBLOCK)");
        std::size_t written = 0;
        while (written < n) {
            const ssize_t w = ::write(write_end.get(), spec.input.data() + written, n - written);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) break;   // a pipe smaller than asked: the rest is cut
            written += static_cast<std::size_t>(w);
        }
    }
    write_end.reset();
    UniqueFd output_read, output_write;
    if (spec.capture_output) {
        int out[2];
        if (pipe2(out, O_CLOEXEC) != 0) fail("pipe2");
        output_read.reset(out[0]);
        output_write.reset(out[1]);
        if (fcntl(output_read.get(), F_SETFL, O_NONBLOCK) < 0) fail("fcntl(O_NONBLOCK)");
    }

    const pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) become(spec, read_end.get(), spec.capture_output ? output_write.get() : -1, argv.data(), envp.data());
    output_write.reset();   // the child's alone: end of file once it (and what it started) closes it
    UniqueFd pidfd(pidfd_open(pid));
    if (!pidfd) {
        const int saved = errno;
        ::kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        errno = saved;
        fail("pidfd_open");
    }
    return ChildProcess(pid, std::move(pidfd), std::move(output_read));
}

bool ChildProcess::read_output(std::string& out, std::size_t limit) {
    if (!output_) return false;
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::read(output_.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno == EAGAIN;
        if (n == 0) return false;
        out.append(buffer, std::min(static_cast<std::size_t>(n), limit - std::min(limit, out.size())));
        if (out.size() >= limit) return false;
    }
}

std::optional<int> ChildProcess::try_wait() {
    if (reaped_ || pid_ < 0) return std::nullopt;
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r != pid_) return std::nullopt;
    reaped_ = true;
    return status;
}

void ChildProcess::kill_group() noexcept {
    if (pid_ > 0 && !reaped_) {
        ::kill(-pid_, SIGKILL);
        ::kill(pid_, SIGKILL);   // before its setsid() it has no group of its own yet
    }
}

ChildProcess::~ChildProcess() {
    if (pid_ <= 0 || reaped_) return;
    kill_group();
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + std::string(strsignal(WTERMSIG(status))) + ")";
    return "ended with wait status " + std::to_string(status);
}

}  // namespace banjo::posix
