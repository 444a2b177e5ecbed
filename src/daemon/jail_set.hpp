// SPDX-License-Identifier: GPL-2.0-or-later
// The enabled jails of a config, ready to take journal entries: one JailPipeline per jail and
// the router that tells which jails an entry belongs to. Shared by the replay and the live
// daemon, so both decide alike.
#pragma once

#include "config/config.hpp"
#include "core/jail_pipeline.hpp"
#include "journal/entry_router.hpp"
#include "journal/journal_reader.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace banjo {

class JailSet {
public:
    // `self` is added to the ignore list of jails with ignore-self. Jails of `previous` whose
    // fingerprint is unchanged move over with their failure counts and ban history.
    JailSet(const Config& config, const CidrSet& self, JailSet* previous = nullptr);

    std::size_t size() const noexcept { return pipelines_.size(); }
    JailPipeline& operator[](std::size_t i) noexcept { return *pipelines_[i]; }
    EntryRouter::Groups journal_matches() const { return router_.union_groups(); }
    // The index of the enabled jail NAME, or SIZE_MAX.
    std::size_t find(std::string_view name) const noexcept;

    // Runs the reader's current entry through every jail it belongs to; `on_ban` gets each
    // decision with the jail's index. Returns false when the entry has no MESSAGE.
    using BanSink = std::function<void(std::size_t jail, const BanDecision&)>;
    bool process_entry(const JournalReader& reader, const BanSink& on_ban);

private:
    std::vector<std::unique_ptr<JailPipeline>> pipelines_;
    std::vector<std::string> fingerprints_;
    EntryRouter router_;
    std::vector<std::size_t> routed_;   // reused per entry
    std::string host_buffer_, user_buffer_, id_buffer_;
};

}  // namespace banjo
