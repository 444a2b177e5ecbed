// SPDX-License-Identifier: GPL-2.0-or-later
// The one place where exceptions become D-Bus errors (the role of firewalld's
// dbus_handle_exceptions): OperationError kinds map to org.banjo1.Error.NoSuchJail, ...,
// ConfigError to org.banjo1.Error.InvalidConfig, anything else to org.banjo1.Error.Failed.
// sdbus-c++ turns only sdbus::Error into an error reply, and any other exception escaping a
// handler would unwind through sd-bus's C frames: every handler runs through here.
#pragma once

#include <sdbus-c++/Error.h>

#include <functional>
#include <string>

namespace banjo {

sdbus::Error to_bus_error(std::exception_ptr e);

// Runs f; whatever it throws leaves as an sdbus::Error.
template <typename F>
auto with_bus_errors(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (...) {
        throw to_bus_error(std::current_exception());
    }
}

}  // namespace banjo
