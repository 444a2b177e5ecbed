// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus/authorizer.hpp"

#include <chrono>
#include <map>

namespace banjo {

namespace {

constexpr const char* polkit_name = "org.freedesktop.PolicyKit1";
constexpr const char* polkit_path = "/org/freedesktop/PolicyKit1/Authority";
constexpr const char* polkit_interface = "org.freedesktop.PolicyKit1.Authority";
constexpr const char* access_denied = "org.banjo1.Error.AccessDenied";
// CheckAuthorizationFlags: AllowUserInteraction. sdbus-c++ 1.2 does not show whether the
// caller allowed interactive authorization, so banjo always lets polkit ask (as firewalld
// does); a caller without an authentication agent simply gets "no".
constexpr std::uint32_t allow_user_interaction = 1;
// A person may be typing a password into an authentication agent meanwhile.
constexpr auto polkit_timeout = std::chrono::minutes(2);

}  // namespace

Authorizer::Authorizer(sdbus::IConnection& bus) : polkit_(sdbus::createProxy(bus, polkit_name, polkit_path)) {
    polkit_->finishRegistration();
}

void Authorizer::check(sdbus::IObject& object, std::string_view action, Granted granted, Denied denied) {
    const sdbus::Message* call = object.getCurrentlyProcessedMessage();
    if (!call) {
        denied(sdbus::Error(access_denied, "access denied: the caller is unknown"));
        return;
    }
    // The effective uid comes from dbus-daemon's record of the connection, not from /proc
    // (which a caller could race): that is the one to trust.
    if (call->getCredsEuid() == 0) {
        granted();
        return;
    }
    const std::string sender = call->getSender();
    const std::string action_id(action);
    using Subject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
    using Answer = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;
    Subject subject{std::string("system-bus-name"), std::map<std::string, sdbus::Variant>{{"name", sdbus::Variant(sender)}}};
    try {
        polkit_->callMethodAsync("CheckAuthorization")
            .onInterface(polkit_interface)
            .withTimeout(polkit_timeout)
            .withArguments(subject, action_id, std::map<std::string, std::string>{}, allow_user_interaction, std::string())
            .uponReplyInvoke([granted, denied, action_id](const sdbus::Error* error, Answer answer) {
                try {
                    if (error) {
                        denied(sdbus::Error(access_denied, "access denied: " + action_id +
                                                               " needs polkit, which could not be asked (" +
                                                               error->getMessage() + ")"));
                    } else if (answer.get<0>()) {
                        granted();
                    } else {
                        denied(sdbus::Error(access_denied, "access denied: polkit does not allow " + action_id +
                                                               (answer.get<1>() ? " without authentication" : "")));
                    }
                } catch (...) {
                    // Never let an exception unwind into sd-bus's C frames.
                }
            });
    } catch (const sdbus::Error& e) {
        denied(sdbus::Error(access_denied, "access denied: " + action_id + " needs polkit, which could not be asked (" +
                                               e.getMessage() + ")"));
    }
}

}  // namespace banjo
