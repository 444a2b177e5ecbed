// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/sd/event.hpp"

#include "lib/sd/check.hpp"

#include <sdbus-c++/IConnection.h>
#include <systemd/sd-event.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <system_error>
#include <utility>

namespace banjo::sd {

namespace {

// A callback must never unwind into sd-event's C frames. An exception that gets this far is a
// bug: say so and stop the loop, so that the service manager restarts a clean daemon instead
// of leaving one with a silently dead source.
template <typename F>
int guarded(sd_event_source* s, F&& f) noexcept {
    try {
        f();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "banjo: unhandled exception in an event callback: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "banjo: unhandled exception in an event callback\n");
    }
    sd_event_exit(sd_event_source_get_event(s), EXIT_FAILURE);
    return 0;
}

// The callback lives on the heap, owned by the source: sd-event frees it through the destroy
// callback, after any dispatch in progress, so a callback may drop its own EventSource.
template <typename Fn>
void own_callback(sd_event_source* s, Fn* fn) {
    sd_event_source_set_userdata(s, fn);
    int r = sd_event_source_set_destroy_callback(s, [](void* p) { delete static_cast<Fn*>(p); });
    if (r < 0) {
        delete fn;
        sd_event_source_disable_unref(s);
        check(r, "sd_event_source_set_destroy_callback");
    }
}

}  // namespace

void EventSource::Unref::operator()(sd_event_source* s) const noexcept {
    sd_event_source_disable_unref(s);
}

void EventSource::arm_in(std::chrono::microseconds delay) {
    check(sd_event_source_set_time_relative(source_.get(), static_cast<std::uint64_t>(delay.count())),
          "sd_event_source_set_time_relative");
    check(sd_event_source_set_enabled(source_.get(), SD_EVENT_ONESHOT), "sd_event_source_set_enabled");
}

void EventSource::disarm() {
    if (source_)
        check(sd_event_source_set_enabled(source_.get(), SD_EVENT_OFF), "sd_event_source_set_enabled");
}

void EventSource::set_io_events(std::uint32_t events) {
    if (events == 0) {
        check(sd_event_source_set_enabled(source_.get(), SD_EVENT_OFF), "sd_event_source_set_enabled");
        return;
    }
    check(sd_event_source_set_io_events(source_.get(), events), "sd_event_source_set_io_events");
    check(sd_event_source_set_enabled(source_.get(), SD_EVENT_ON), "sd_event_source_set_enabled");
}

bool EventSource::armed() const {
    int enabled = SD_EVENT_OFF;
    return source_ && sd_event_source_get_enabled(source_.get(), &enabled) >= 0 && enabled != SD_EVENT_OFF;
}

void Event::Unref::operator()(sd_event* e) const noexcept {
    sd_event_unref(e);
}

Event Event::create() {
    sd_event* e = nullptr;
    check(sd_event_new(&e), "sd_event_new");
    return Event(e);
}

Event Event::default_for_thread() {
    sd_event* e = nullptr;
    check(sd_event_default(&e), "sd_event_default");
    return Event(e);
}

int Event::loop() {
    return check(sd_event_loop(event_.get()), "sd_event_loop");
}

bool Event::run_once(std::chrono::microseconds timeout) {
    if (sd_event_get_state(event_.get()) == SD_EVENT_FINISHED)
        return false;
    check(sd_event_run(event_.get(), static_cast<std::uint64_t>(timeout.count())), "sd_event_run");
    return sd_event_get_state(event_.get()) != SD_EVENT_FINISHED;
}

void Event::exit(int code) {
    check(sd_event_exit(event_.get(), code), "sd_event_exit");
}

void Event::enable_watchdog() {
    check(sd_event_set_watchdog(event_.get(), 1), "sd_event_set_watchdog");
}

EventSource Event::add_io(int fd, std::uint32_t events, std::function<void(std::uint32_t)> cb) {
    using Fn = std::function<void(std::uint32_t)>;
    sd_event_source* s = nullptr;
    check(sd_event_add_io(
              event_.get(), &s, fd, events,
              [](sd_event_source* src, int, std::uint32_t revents, void* p) {
                  return guarded(src, [&] { (*static_cast<Fn*>(p))(revents); });
              },
              nullptr),
          "sd_event_add_io");
    own_callback(s, new Fn(std::move(cb)));
    return EventSource(s);
}

EventSource Event::add_timer(std::function<void()> cb) {
    using Fn = std::function<void()>;
    sd_event_source* s = nullptr;
    check(sd_event_add_time(
              event_.get(), &s, CLOCK_MONOTONIC, 0, 1,
              [](sd_event_source* src, std::uint64_t, void* p) {
                  return guarded(src, [&] { (*static_cast<Fn*>(p))(); });
              },
              nullptr),
          "sd_event_add_time");
    int r = sd_event_source_set_enabled(s, SD_EVENT_OFF);
    if (r < 0) {
        sd_event_source_disable_unref(s);
        check(r, "sd_event_source_set_enabled");
    }
    own_callback(s, new Fn(std::move(cb)));
    return EventSource(s);
}

EventSource Event::add_signal(int signo, std::function<void()> cb) {
    using Fn = std::function<void()>;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    // libsystemd 252 wants the signal blocked first (SD_EVENT_SIGNAL_PROCMASK is newer).
    check(-pthread_sigmask(SIG_BLOCK, &set, nullptr), "pthread_sigmask");
    sd_event_source* s = nullptr;
    check(sd_event_add_signal(
              event_.get(), &s, signo,
              [](sd_event_source* src, const signalfd_siginfo*, void* p) {
                  return guarded(src, [&] { (*static_cast<Fn*>(p))(); });
              },
              nullptr),
          "sd_event_add_signal");
    own_callback(s, new Fn(std::move(cb)));
    return EventSource(s);
}

// What the two bus sources share. Owned by the BusAttachment; the sources die first.
struct BusAttachment::Glue {
    sdbus::IConnection* connection = nullptr;
    std::function<void(const std::exception&)> on_failure;
    sd_event_source* io = nullptr;
    sd_event_source* timer = nullptr;

    ~Glue() {
        sd_event_source_disable_unref(io);
        sd_event_source_disable_unref(timer);
    }

    // Must be the last thing a callback does: on_failure may destroy the attachment.
    void fail(const std::exception& e) noexcept {
        sd_event_source_set_enabled(io, SD_EVENT_OFF);
        sd_event_source_set_enabled(timer, SD_EVENT_OFF);
        auto handler = on_failure;
        if (handler)
            handler(e);
        else
            std::fprintf(stderr, "banjo: D-Bus connection failed: %s\n", e.what());
    }

    // sd_bus_process handles one message per call: drain everything that is queued.
    static int dispatch(void* p) noexcept {
        auto* glue = static_cast<Glue*>(p);
        try {
            while (glue->connection->processPendingRequest()) {
            }
        } catch (const std::exception& e) {
            glue->fail(e);
        }
        return 0;
    }

    // Before every iteration: sd-bus may want POLLOUT (queued outgoing calls) and may have a
    // deadline (a reply timeout, or "now" when messages already sit in its read queue).
    static int prepare(sd_event_source*, void* p) noexcept {
        auto* glue = static_cast<Glue*>(p);
        try {
            auto poll = glue->connection->getEventLoopPollData();
            check(sd_event_source_set_io_events(glue->io, static_cast<unsigned short>(poll.events)),
                  "sd_event_source_set_io_events");
            if (poll.timeout_usec == UINT64_MAX) {
                check(sd_event_source_set_enabled(glue->timer, SD_EVENT_OFF), "sd_event_source_set_enabled");
            } else {
                check(sd_event_source_set_time(glue->timer, poll.timeout_usec), "sd_event_source_set_time");
                check(sd_event_source_set_enabled(glue->timer, SD_EVENT_ONESHOT), "sd_event_source_set_enabled");
            }
        } catch (const std::exception& e) {
            glue->fail(e);
        }
        return 0;
    }
};

BusAttachment::BusAttachment(std::unique_ptr<Glue> glue) : glue_(std::move(glue)) {}
BusAttachment::BusAttachment(BusAttachment&&) noexcept = default;
BusAttachment& BusAttachment::operator=(BusAttachment&&) noexcept = default;
BusAttachment::~BusAttachment() = default;

BusAttachment attach_bus(sd_event* event, sdbus::IConnection& connection,
                         std::function<void(const std::exception&)> on_failure) {
    auto glue = std::make_unique<BusAttachment::Glue>();
    glue->connection = &connection;
    glue->on_failure = std::move(on_failure);
    auto poll = connection.getEventLoopPollData();
    check(sd_event_add_io(
              event, &glue->io, poll.fd, static_cast<unsigned short>(poll.events),
              [](sd_event_source*, int, std::uint32_t, void* p) { return BusAttachment::Glue::dispatch(p); },
              glue.get()),
          "sd_event_add_io");
    check(sd_event_source_set_prepare(glue->io, &BusAttachment::Glue::prepare), "sd_event_source_set_prepare");
    check(sd_event_add_time(
              event, &glue->timer, CLOCK_MONOTONIC, UINT64_MAX, 1,
              [](sd_event_source*, std::uint64_t, void* p) { return BusAttachment::Glue::dispatch(p); },
              glue.get()),
          "sd_event_add_time");
    check(sd_event_source_set_enabled(glue->timer, SD_EVENT_OFF), "sd_event_source_set_enabled");
    sd_event_source_set_description(glue->io, "bus-io");
    sd_event_source_set_description(glue->timer, "bus-timeout");
    return BusAttachment(std::move(glue));
}

}  // namespace banjo::sd
