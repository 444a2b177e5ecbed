// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ignore_sources.hpp"

#include <algorithm>
#include <set>

namespace banjo {

namespace {

std::set<std::string> names_in(const IgnoreFileContents& contents) {
    std::set<std::string> out;
    for (const auto& l : contents.entries)
        if (const auto* h = std::get_if<HostName>(&l.entry)) out.insert(h->name);
    return out;
}

}  // namespace

void IgnoreSources::configure(std::vector<JailSpec> jails) {
    jails_ = std::move(jails);
    const std::vector<std::string> files = this->files();
    std::erase_if(files_, [&](const auto& kv) { return !std::binary_search(files.begin(), files.end(), kv.first); });
    const std::vector<std::string> names = host_names();
    std::erase_if(hosts_, [&](const auto& kv) { return !std::binary_search(names.begin(), names.end(), kv.first); });
}

void IgnoreSources::set_file(const std::string& path, IgnoreFileContents contents) { files_[path] = std::move(contents); }

bool IgnoreSources::set_host(const std::string& name, std::vector<Address> addresses) {
    std::sort(addresses.begin(), addresses.end());
    addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
    auto it = hosts_.find(name);
    if (it != hosts_.end() && it->second == addresses) return false;
    hosts_[name] = std::move(addresses);
    return true;
}

std::vector<std::string> IgnoreSources::files() const {
    std::set<std::string> out;
    for (const auto& j : jails_)
        if (!j.file.empty()) out.insert(j.file);
    return {out.begin(), out.end()};
}

std::vector<std::string> IgnoreSources::host_names() const {
    std::set<std::string> out;
    for (const auto& j : jails_) {
        out.insert(j.hosts.begin(), j.hosts.end());
        if (auto f = files_.find(j.file); !j.file.empty() && f != files_.end()) {
            auto more = names_in(f->second);
            out.insert(more.begin(), more.end());
        }
    }
    return {out.begin(), out.end()};
}

std::vector<IgnoreHit> IgnoreSources::entries_for(const std::string& jail) const {
    std::vector<IgnoreHit> out;
    auto addresses_of = [&](const std::string& name, const std::string& source) {
        auto h = hosts_.find(name);
        if (h == hosts_.end()) return;
        for (const Address& a : h->second) out.push_back({Cidr::host(a), source});
    };
    for (const auto& j : jails_) {
        if (j.jail != jail) continue;
        for (const auto& name : j.hosts) addresses_of(name, "host name " + name);
        if (j.file.empty()) continue;
        auto f = files_.find(j.file);
        if (f == files_.end()) continue;
        for (const auto& l : f->second.entries) {
            const std::string where = "ignore-file " + j.file + ":" + std::to_string(l.line);
            if (const auto* c = std::get_if<Cidr>(&l.entry))
                out.push_back({*c, where});
            else
                addresses_of(std::get<HostName>(l.entry).name, where + " (host name " + std::get<HostName>(l.entry).name + ")");
        }
    }
    return out;
}

std::vector<std::string> IgnoreSources::jails_using_file(const std::string& path) const {
    std::vector<std::string> out;
    for (const auto& j : jails_)
        if (j.file == path) out.push_back(j.jail);
    return out;
}

std::vector<std::string> IgnoreSources::jails_using_host(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& j : jails_) {
        bool uses = std::find(j.hosts.begin(), j.hosts.end(), name) != j.hosts.end();
        if (!uses && !j.file.empty())
            if (auto f = files_.find(j.file); f != files_.end()) uses = names_in(f->second).count(name) > 0;
        if (uses) out.push_back(j.jail);
    }
    return out;
}

}  // namespace banjo
