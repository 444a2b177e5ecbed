// SPDX-License-Identifier: GPL-2.0-or-later
// org.banjo1.Jail at /org/banjo1/jail/NAME: the adaptor generated from dbus/org.banjo1.Jail.xml,
// implemented by asking the Manager about jail NAME. One object per configured jail, enabled or
// not; reload creates and removes them.
#pragma once

#include "bus/authorizer.hpp"
#include "org.banjo1.Jail.adaptor.h"

#include <sdbus-c++/sdbus-c++.h>

#include <string>
#include <vector>

namespace banjo {

class Manager;

class JailObject final : public sdbus::AdaptorInterfaces<org::banjo1::Jail_adaptor> {
public:
    JailObject(sdbus::IConnection& bus, Manager& manager, Authorizer& authorizer, std::string name);
    ~JailObject();

    const std::string& name() const noexcept { return name_; }
    void properties_changed(const std::vector<std::string>& names);
    // For clients of the object manager at /org/banjo1 (Cockpit): the object came or goes.
    void announce_added();
    void announce_removed();

private:
    void Ban(sdbus::Result<uint64_t>&& result, std::string address, uint64_t duration_usec) override;
    void Unban(sdbus::Result<>&& result, std::string address) override;
    std::vector<sdbus::Struct<std::string, uint64_t, uint64_t, uint32_t, std::string>> ListBans() override;
    void SetEnabled(sdbus::Result<>&& result, bool enabled) override;
    void AddIgnore(sdbus::Result<>&& result, std::string cidr) override;
    void RemoveIgnore(sdbus::Result<>&& result, std::string cidr) override;
    void SetMaxRetry(sdbus::Result<>&& result, uint32_t maxretry) override;
    void SetFindTime(sdbus::Result<>&& result, uint64_t findtime_usec) override;
    void SetBanTime(sdbus::Result<>&& result, uint64_t bantime_usec) override;

    std::string Name() override;
    bool Enabled() override;
    std::string Filter() override;
    std::string Mode() override;
    std::vector<std::string> JournalMatch() override;
    uint32_t MaxRetry() override;
    uint64_t FindTimeUSec() override;
    uint64_t BanTimeUSec() override;
    std::vector<std::string> IgnoreList() override;
    uint32_t TrackedAddresses() override;
    uint32_t ActiveBans() override;
    uint64_t TotalFailures() override;
    uint64_t TotalBans() override;

    Manager& manager_;
    Authorizer& authorizer_;
    std::string name_;
};

}  // namespace banjo
