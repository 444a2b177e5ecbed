// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/jail_set.hpp"

#include <random>

namespace banjo {

namespace {

std::uint64_t random_seed() {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

std::vector<EntryRouter::Groups> enabled_matches(const Config& config) {
    std::vector<EntryRouter::Groups> out;
    for (const auto& j : config.jails)
        if (j.settings.enabled) out.push_back(effective_journal_match(j));
    return out;
}

}  // namespace

JailSet::JailSet(const Config& config, const CidrSet& self, JailSet* previous) : router_(enabled_matches(config)) {
    for (const auto& j : config.jails) {
        if (!j.settings.enabled) continue;
        JailSettings s = j.settings;
        if (s.ignore_self)
            for (const auto& c : self.entries()) s.ignore.insert(c);
        std::string fingerprint = jail_fingerprint(j);
        std::size_t old = previous ? previous->find(s.name) : SIZE_MAX;
        if (old != SIZE_MAX && previous->fingerprints_[old] == fingerprint) {
            // Unchanged: keep its counts; ignore entries added at runtime last until a reload.
            pipelines_.push_back(std::move(previous->pipelines_[old]));
            pipelines_.back()->jail().set_ignore(std::move(s.ignore));
        } else {
            s.hash_seed = random_seed();
            pipelines_.push_back(std::make_unique<JailPipeline>(std::move(s), j.filter));
        }
        fingerprints_.push_back(std::move(fingerprint));
    }
}

std::size_t JailSet::find(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < pipelines_.size(); ++i)
        if (pipelines_[i] && pipelines_[i]->jail().name() == name) return i;
    return SIZE_MAX;
}

bool JailSet::process_entry(const JournalReader& reader, const BanSink& on_ban) {
    router_.route(reader, routed_);
    if (routed_.empty()) return true;
    const Usec time(static_cast<Usec::rep>(reader.realtime_usec()));
    for (std::size_t i : routed_) {
        JailPipeline& p = *pipelines_[i];
        // Read per jail: the id field of one jail's session invalidates the MESSAGE of the last.
        bool id_found = false;
        auto message = reader.message_with(p.id_field(), id_buffer_, id_found);
        if (!message) return false;
        auto m = p.match(*message);
        if (!m) continue;
        std::string_view id = m->id;
        if (p.needs_journal_id(*m)) {
            if (id_found) {
                id = id_buffer_;
            } else {
                // Reading another field gives up the MESSAGE the match points into: keep its parts.
                host_buffer_.assign(m->host);
                user_buffer_.assign(m->user);
                m->host = host_buffer_;
                m->user = user_buffer_;
                auto value = reader.field(p.id_field().c_str());
                id = value ? *value : std::string_view{};
            }
        }
        if (auto decision = p.count(*m, id, time)) on_ban(i, *decision);
    }
    return true;
}

}  // namespace banjo
