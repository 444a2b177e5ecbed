// SPDX-License-Identifier: GPL-2.0-or-later
// banjo::sd::Event owns one sd_event loop and hands out EventSource owners whose callbacks are
// std::function; attach_bus() drives an sdbus-c++ 1.2 connection from that loop (1.2 has no
// attachSdEventLoop). The only place sd_event's C API appears. One thread: every callback runs
// on the thread that runs the loop. Negative errnos become std::system_error named by the call.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>

struct sd_event;
struct sd_event_source;
namespace sdbus {
class IConnection;
}

namespace banjo::sd {

// One source in a loop. Destroying it removes it from the loop, even from inside its own
// callback (sd-event defers the free until the dispatch returns). Movable, not copyable.
class EventSource {
public:
    EventSource() = default;

    explicit operator bool() const noexcept { return source_ != nullptr; }

    // Timers only: fire once, `delay` from now (CLOCK_MONOTONIC); re-arming moves the deadline.
    void arm_in(std::chrono::microseconds delay);
    void disarm();
    bool armed() const;
    // Io sources only: what to wait for (EPOLLIN, EPOLLOUT); 0 turns the source off.
    void set_io_events(std::uint32_t events);

private:
    friend class Event;
    struct Unref {
        void operator()(sd_event_source* s) const noexcept;
    };
    explicit EventSource(sd_event_source* s) : source_(s) {}
    std::unique_ptr<sd_event_source, Unref> source_;
};

class Event {
public:
    static Event create();              // a private loop (tests, tools)
    static Event default_for_thread();  // sd_event_default: the loop banjod runs

    sd_event* get() const noexcept { return event_.get(); }

    int loop();                                           // until exit(); returns its code
    // One iteration, waiting at most `timeout` for something to happen. False once exit() ran.
    bool run_once(std::chrono::microseconds timeout);
    void exit(int code);
    // Pings the service manager's watchdog at half of $WATCHDOG_USEC, between iterations.
    void enable_watchdog();

    // events/revents are EPOLLIN, EPOLLOUT... The fd stays the caller's.
    EventSource add_io(int fd, std::uint32_t events, std::function<void(std::uint32_t revents)> cb);
    // A CLOCK_MONOTONIC timer, created disarmed; arm it with arm_in(). Fires once per
    // arming, with 1 µs accuracy (sd-event's default of 250 ms would delay coalesced flushes).
    EventSource add_timer(std::function<void()> cb);
    // Blocks `signo` in this thread (sd-event reads it from a signalfd) and calls cb on delivery.
    EventSource add_signal(int signo, std::function<void()> cb);

private:
    struct Unref {
        void operator()(sd_event* e) const noexcept;
    };
    explicit Event(sd_event* e) : event_(e) {}
    std::unique_ptr<sd_event, Unref> event_;
};

// Keeps a connection serviced by a loop while it lives: an io source on the connection's fd, a
// timer for sd-bus's own timeouts (method call replies), both refreshed from
// getEventLoopPollData() before every loop iteration, the way sd_bus_attach_event does it.
// The connection must outlive the attachment and must not run its own event loop thread.
class BusAttachment {
public:
    BusAttachment(BusAttachment&&) noexcept;
    BusAttachment& operator=(BusAttachment&&) noexcept;
    ~BusAttachment();

private:
    friend BusAttachment attach_bus(sd_event*, sdbus::IConnection&,
                                    std::function<void(const std::exception&)>);
    struct Glue;
    explicit BusAttachment(std::unique_ptr<Glue> glue);
    std::unique_ptr<Glue> glue_;
};

// on_failure runs when the connection breaks (the bus went away); the attachment then stops
// polling it. Without a handler the failure is printed on stderr.
BusAttachment attach_bus(sd_event* event, sdbus::IConnection& connection,
                         std::function<void(const std::exception&)> on_failure = {});

}  // namespace banjo::sd
