// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus/authorization.hpp"

#include "daemon/operation_error.hpp"

#include <sdbus-c++/IObject.h>
#include <sdbus-c++/Message.h>

#include <string>

namespace banjo {

void require_authorized(sdbus::IObject& object, std::string_view action) {
    const sdbus::Message* call = object.getCurrentlyProcessedMessage();
    // The effective uid comes from dbus-daemon's credentials of the connection, not from /proc
    // (which could be raced): that is the one to trust.
    if (call && call->getCredsEuid() == 0) return;
    throw OperationError(OperationErrorKind::access_denied,
                         "access denied: " + std::string(action) + " is only allowed to root");
}

}  // namespace banjo
