// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/system_services.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace banjo {

bool SystemServiceCatalog::is_firewalld_service(std::string_view name) const {
    // Only names resolve_port already checked come here: no '/' or "..", so no path escapes.
    std::error_code ec;
    bool installed = false;
    for (const auto& dir : files_.firewalld_dirs) {
        if (std::filesystem::is_regular_file(std::filesystem::path(dir) / (std::string(name) + ".xml"), ec))
            return true;
        installed = installed || std::filesystem::is_directory(dir, ec);
    }
    // Without firewalld there is nothing to check against, and no firewalld to refuse the rule
    // (the dry-run backend): a name is taken as a service rather than refusing the shipped jails.
    return !installed;
}

std::vector<ServicePort> SystemServiceCatalog::ports_of(std::string_view name) const {
    std::vector<ServicePort> out;
    auto [first, last] = services().equal_range(name);
    for (auto it = first; it != last; ++it) out.push_back(it->second);
    return out;
}

// services(5): "name port/protocol [aliases...] [# comment]". Read by hand rather than through
// getservbyname(3), so the answer depends on the named file only, not on NSS modules.
const std::multimap<std::string, ServicePort, std::less<>>& SystemServiceCatalog::services() const {
    if (services_) return *services_;
    services_.emplace();
    std::ifstream in(files_.services_file);
    std::string line;
    while (std::getline(in, line)) {
        if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        std::istringstream words(line);
        std::string name, port_protocol, alias;
        if (!(words >> name >> port_protocol)) continue;
        const auto slash = port_protocol.find('/');
        if (slash == std::string::npos) continue;
        unsigned port = 0;
        auto [end, ec] = std::from_chars(port_protocol.data(), port_protocol.data() + slash, port);
        if (ec != std::errc() || end != port_protocol.data() + slash || port == 0 || port > 65535) continue;
        ServicePort sp{static_cast<std::uint16_t>(port), port_protocol.substr(slash + 1)};
        services_->emplace(name, sp);
        while (words >> alias) services_->emplace(alias, sp);
    }
    return *services_;
}

}  // namespace banjo
