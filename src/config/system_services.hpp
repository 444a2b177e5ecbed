// SPDX-License-Identifier: GPL-2.0-or-later
// The ServiceCatalog of this host: firewalld's service definitions (services/NAME.xml under
// /etc/firewalld and /usr/lib/firewalld, the names a rich rule may use) and /etc/services.
// Read when first asked, once per catalog: a config load makes a new one, so a reload sees
// services added since. When no firewalld service directory exists (firewalld is not
// installed), every name counts as a firewalld service: nothing can check it, nothing refuses it.
#pragma once

#include "core/port_spec.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

struct ServiceFiles {
    std::vector<std::string> firewalld_dirs{"/etc/firewalld/services", "/usr/lib/firewalld/services"};
    std::string services_file = "/etc/services";
};

class SystemServiceCatalog final : public ServiceCatalog {
public:
    explicit SystemServiceCatalog(ServiceFiles files = {}) : files_(std::move(files)) {}

    bool is_firewalld_service(std::string_view name) const override;
    std::vector<ServicePort> ports_of(std::string_view name) const override;

private:
    const std::multimap<std::string, ServicePort, std::less<>>& services() const;

    ServiceFiles files_;
    mutable std::optional<std::multimap<std::string, ServicePort, std::less<>>> services_;   // name or alias
};

}  // namespace banjo
