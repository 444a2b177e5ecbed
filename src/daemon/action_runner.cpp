// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/action_runner.hpp"

#include "daemon/action_messages.hpp"

#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace banjo {

namespace {

using namespace std::chrono_literals;

constexpr std::chrono::microseconds first_backoff = 1s;
constexpr std::chrono::microseconds longest_backoff = 60s;

std::string this_host_name() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

// A secret from a file: absolute, or a name under $CREDENTIALS_DIRECTORY (LoadCredential=).
// Its first line, without surrounding white space; nullopt when it cannot be read.
std::optional<std::string> read_secret(const std::string& path, std::string& problem) {
    std::string full = path;
    if (path[0] != '/') {
        const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
        if (!dir) {
            problem = "credential " + path + ": $CREDENTIALS_DIRECTORY is not set (LoadCredential= in banjo.service)";
            return std::nullopt;
        }
        full = std::string(dir) + "/" + path;
    }
    std::ifstream in(full);
    std::string line;
    if (!in || !std::getline(in, line)) {
        problem = "cannot read the secret in " + full;
        return std::nullopt;
    }
    const auto first = line.find_first_not_of(" \t\r");
    const auto last = line.find_last_not_of(" \t\r");
    if (first == std::string::npos || line.find_first_of("\r\n", first) < last) {
        problem = "the secret in " + full + " is empty";
        return std::nullopt;
    }
    return line.substr(first, last - first + 1);
}

// `name` if it holds a '/', else the first executable file of that name in banjod's PATH
// (as execvp looks, done here so the child is started by absolute path); "" if none.
std::string find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : std::string();
    const char* path = std::getenv("PATH");
    std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        const std::string dir = dirs.substr(start, end - start);
        start = end + 1;
        if (dir.empty() || dir[0] != '/') continue;   // a relative PATH entry would depend on the cwd
        const std::string candidate = dir + "/" + name;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

bool worth_retrying(const curl::HttpResult& r) {
    return r.status == 0 || r.status >= 500 || r.status == 408 || r.status == 429;
}

std::string describe(const curl::HttpResult& r) {
    if (r.status == 0) return r.error;
    return "HTTP " + std::to_string(r.status);
}

}  // namespace

struct ActionRunner::Run {
    std::uint64_t id = 0;
    ActionSpec spec;
    ActionEvent event;
    Done done;
    // exec, mail
    std::optional<posix::ChildProcess> child;
    sd::EventSource exit_watch;
    // mail with whois
    std::optional<posix::ChildProcess> whois;
    std::string whois_output;
    sd::EventSource whois_io, whois_timer;
    // webhook, abuseipdb
    curl::HttpRequest request;
    unsigned attempts = 0;
    std::chrono::microseconds backoff = first_backoff;
    sd::EventSource timer;   // the exec's timeout, or the next HTTP attempt
};

ActionRunner::ActionRunner(sd::Event& loop) : loop_(loop), http_(loop), host_name_(this_host_name()) {}
ActionRunner::~ActionRunner() = default;

void ActionRunner::run(const ActionSpec& spec, const ActionEvent& event, Done done) {
    auto run = std::make_unique<Run>();
    run->id = ++next_id_;
    run->spec = spec;
    run->event = event;
    run->done = std::move(done);
    Run& r = *run;
    runs_.emplace(r.id, std::move(run));
    switch (spec.kind) {
    case ActionKind::exec:
        start_child(r, {exec_argv(spec, event), exec_environment(spec, event), lines_text(event), spec.user, spec.uid,
                        spec.gid});
        break;
    case ActionKind::mail:
        if (!spec.whois.empty() && event.trigger == ActionTrigger::ban) start_whois(r);
        else start_mail(r, {});
        break;
    case ActionKind::webhook:
    case ActionKind::abuseipdb:
        start_http(r);
        break;
    }
}

void ActionRunner::start_mail(Run& r, const std::vector<std::string>& whois) {
    // sendmail's own options only: recipients come from the To header (-t), a line with a
    // single dot does not end the message (-i), the envelope sender is `from` (-f).
    start_child(r, {{r.spec.sendmail, "-t", "-i", "-f", r.spec.from},
                    {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"},
                    mail_message(r.spec, r.event, host_name_, whois), "", std::nullopt, std::nullopt});
}

void ActionRunner::start_whois(Run& r) {
    const std::string program = find_program(r.spec.whois);
    if (program.empty()) {
        start_mail(r, {"(no whois: " + r.spec.whois + " is not an executable program" +
                       (r.spec.whois.find('/') == std::string::npos ? " on banjod's PATH)" : ")")});
        return;
    }
    posix::ChildSpec spec{{program, r.event.address.to_string()},
                          {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"}, "", "", std::nullopt, std::nullopt, true};
    const std::uint64_t id = r.id;
    try {
        r.whois.emplace(posix::ChildProcess::spawn(spec));
    } catch (const std::exception& e) {
        start_mail(r, {std::string("(no whois: cannot start it: ") + e.what() + ")"});
        return;
    }
    r.whois_output.clear();
    r.whois_io = loop_.add_io(r.whois->output_fd(), EPOLLIN, [this, id](std::uint32_t) {
        auto it = runs_.find(id);
        if (it == runs_.end() || !it->second->whois) return;
        Run& run = *it->second;
        if (run.whois->read_output(run.whois_output, max_whois_bytes)) return;
        whois_done(id, run.whois_output.size() >= max_whois_bytes ? "cut at " + std::to_string(max_whois_bytes) + " bytes" : "");
    });
    r.whois_timer = loop_.add_timer([this, id] { whois_done(id, "timed out"); });
    r.whois_timer.arm_in(std::min<std::chrono::microseconds>(whois_timeout, r.spec.timeout / 2));
}

// The answer is complete (end of output), too long, or too late: what came goes into the mail.
void ActionRunner::whois_done(std::uint64_t id, const std::string& why_cut) {
    auto it = runs_.find(id);
    if (it == runs_.end() || !it->second->whois) return;
    Run& r = *it->second;
    r.whois_io = {};         // before its fd closes with the child
    r.whois_timer.disarm();
    r.whois->kill_group();   // a whois that lingers or writes on is not waited for
    r.whois.reset();         // reaped
    std::vector<std::string> summary = whois_summary(r.whois_output);
    if (summary.empty()) summary.push_back("(whois gave no answer" + (why_cut.empty() ? std::string() : ": " + why_cut) + ")");
    else if (!why_cut.empty()) summary.push_back("(whois " + why_cut + ")");
    start_mail(r, summary);
}

void ActionRunner::start_child(Run& r, posix::ChildSpec child) {
    const std::uint64_t id = r.id;
    try {
        r.child.emplace(posix::ChildProcess::spawn(child));
    } catch (const std::exception& e) {
        // Reported from the loop, as every outcome is.
        r.timer = loop_.add_timer([this, id, what = std::string(e.what())] { finish(id, {false, "cannot start: " + what}); });
        r.timer.arm_in(0us);
        return;
    }
    r.exit_watch = loop_.add_io(r.child->pidfd(), EPOLLIN, [this, id](std::uint32_t) {
        auto it = runs_.find(id);
        if (it == runs_.end()) return;
        auto status = it->second->child->try_wait();
        if (!status) return;
        const bool ok = WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
        finish(id, {ok, ok ? "exited with status 0" : posix::describe_wait_status(*status)});
    });
    r.timer = loop_.add_timer([this, id] {
        auto it = runs_.find(id);
        if (it == runs_.end()) return;
        it->second->child->kill_group();
        it->second->child->try_wait();
        finish(id, {false, "timed out after " + format_timespan(it->second->spec.timeout) + " (killed)"});
    });
    r.timer.arm_in(r.spec.timeout);
}

void ActionRunner::start_http(Run& r) {
    curl::HttpRequest& q = r.request;
    q.url = r.spec.url;
    q.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(r.spec.timeout);
    if (r.spec.kind == ActionKind::webhook) {
        q.headers = {"Content-Type: application/json"};
        q.body = webhook_body(r.spec, r.event);
    } else {
        q.headers = {"Accept: application/json", "Content-Type: application/x-www-form-urlencoded"};
        q.body = abuseipdb_form(r.spec, r.event, self_);
    }
    r.timer = loop_.add_timer([this, id = r.id] { attempt_http(id); });
    r.timer.arm_in(0us);
}

void ActionRunner::attempt_http(std::uint64_t id) {
    auto it = runs_.find(id);
    if (it == runs_.end()) return;
    Run& r = *it->second;
    ++r.attempts;
    curl::HttpRequest request = r.request;
    if (!r.spec.secret_file.empty()) {
        // Read at each attempt: a rotated secret is used without a reload, and it never sits in
        // banjod's memory longer than a request.
        std::string problem;
        auto secret = read_secret(r.spec.secret_file, problem);
        if (!secret) {
            finish(id, {false, problem, r.attempts});
            return;
        }
        request.headers.push_back(r.spec.kind == ActionKind::abuseipdb ? "Key: " + *secret : "Authorization: Bearer " + *secret);
    }
    try {
        http_.post(request, [this, id](const curl::HttpResult& result) {
            auto it = runs_.find(id);
            if (it == runs_.end()) return;
            Run& r = *it->second;
            if (result.ok()) {
                finish(id, {true, describe(result), r.attempts});
            } else if (worth_retrying(result) && r.attempts <= r.spec.retries) {
                ++retries_;
                r.timer.arm_in(r.backoff);
                r.backoff = std::min(r.backoff * 2, longest_backoff);
            } else {
                finish(id, {false, describe(result) + (result.excerpt.empty() ? "" : ": " + result.excerpt), r.attempts});
            }
        });
    } catch (const std::exception& e) {
        finish(id, {false, e.what(), r.attempts});
    }
}

void ActionRunner::finish(std::uint64_t id, ActionOutcome outcome) {
    auto it = runs_.find(id);
    if (it == runs_.end()) return;
    // Its sources may be the ones calling us: sd-event frees them once their dispatch returns.
    std::unique_ptr<Run> run = std::move(it->second);
    runs_.erase(it);
    Done done = std::move(run->done);
    run.reset();
    if (done) done(outcome);
}

}  // namespace banjo
