// SPDX-License-Identifier: GPL-2.0-or-later
// Who may change what. Reading is open to everyone; a changing method first asks this.
// Root (the caller's effective uid as dbus-daemon reports it) is always allowed, as systemd's
// daemons do. Other callers are refused with org.banjo1.Error.AccessDenied naming the action:
// asking polkit on their behalf comes with the polkit integration, and until then the answer
// fails closed.
#pragma once

#include <string_view>

namespace sdbus {
class IObject;
}

namespace banjo {

inline constexpr std::string_view action_manage = "org.banjo1.manage";
inline constexpr std::string_view action_reload = "org.banjo1.reload";

// Call from inside a method handler of `object`. Throws OperationError(access_denied).
void require_authorized(sdbus::IObject& object, std::string_view action);

}  // namespace banjo
