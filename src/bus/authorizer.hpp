// SPDX-License-Identifier: GPL-2.0-or-later
// Who may change what. Reading is open to everyone; every changing method asks this first.
// Root (the caller's effective uid, as dbus-daemon reports it) is always allowed, as systemd's
// daemons do; anyone else is asked about to polkit (CheckAuthorization with the caller's bus
// name as subject), without blocking the loop. When polkit cannot be reached, or says no, the
// call fails with org.banjo1.Error.AccessDenied and a message that says which: fail closed.
#pragma once

#include "bus/bus_errors.hpp"

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace banjo {

inline constexpr std::string_view action_manage = "org.banjo1.manage";
inline constexpr std::string_view action_reload = "org.banjo1.reload";
// The matched log lines behind bans: they carry user names (often mistyped passwords).
inline constexpr std::string_view action_read_lines = "org.banjo1.read-lines";

class Authorizer {
public:
    explicit Authorizer(sdbus::IConnection& bus);

    using Granted = std::function<void()>;
    using Denied = std::function<void(const sdbus::Error&)>;
    // Call from inside a method handler of `object` (the caller is read from the message being
    // processed). Exactly one of granted/denied runs, now (root) or when polkit answers.
    void check(sdbus::IObject& object, std::string_view action, Granted granted, Denied denied);

private:
    std::unique_ptr<sdbus::IProxy> polkit_;
};

// Answers the D-Bus call `result` with what f() returns (or with the error it throws), once
// the caller is authorized for `action`; with AccessDenied otherwise.
template <typename... Out, typename F>
void run_authorized(Authorizer& authorizer, sdbus::IObject& object, std::string_view action,
                    sdbus::Result<Out...>&& result, F f) {
    auto reply = std::make_shared<sdbus::Result<Out...>>(std::move(result));
    authorizer.check(
        object, action,
        [reply, f]() mutable {
            try {
                if constexpr (sizeof...(Out) == 0) {
                    f();
                    reply->returnResults();
                } else {
                    reply->returnResults(f());
                }
            } catch (...) {
                reply->returnError(to_bus_error(std::current_exception()));
            }
        },
        [reply](const sdbus::Error& e) { reply->returnError(e); });
}

}  // namespace banjo
