// SPDX-License-Identifier: GPL-2.0-or-later
// The enabled jails of a config, ready to take journal entries: one JailPipeline per jail and
// the router that tells which jails an entry belongs to. Shared by the replay and the live
// daemon, so both decide alike.
#pragma once

#include "config/config.hpp"
#include "core/jail_pipeline.hpp"
#include "journal/entry_router.hpp"
#include "journal/journal_reader.hpp"
#include "logfile/log_line.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace banjo {

class JailSet {
public:
    // `self` is added to the ignore list of jails with ignore-self. Jails of `previous` whose
    // fingerprint is unchanged move over with their failure counts and ban history.
    // `self` joins the ignore list of jails with ignore-self, `trusted` (what the firewall itself
    // trusts) that of every jail. `seed` fixes the random draws of the increment's rnd
    // (--replay); none: random.
    JailSet(const Config& config, const CidrSet& self, const CidrSet& trusted, JailSet* previous = nullptr,
            std::optional<std::uint64_t> seed = std::nullopt);

    std::size_t size() const noexcept { return pipelines_.size(); }
    JailPipeline& operator[](std::size_t i) const noexcept { return *pipelines_[i]; }
    // For the journal reader. When no jail of the configuration reads the journal (file jails
    // only), a match no entry has: reading the whole journal to route nothing would be waste.
    // When only disabled jails would, the journal is still read (routing nothing), so that the
    // cursor keeps up and re-enabling a jail does not count what came while it was off.
    EntryRouter::Groups journal_matches() const;
    bool reads_journal() const noexcept { return !journal_jails_.empty(); }
    // Jail i's log files (logpath) and datepattern; empty for a journal-only jail.
    const std::vector<std::string>& logpath(std::size_t i) const noexcept { return files_[i].logpath; }
    const std::string& datepattern(std::size_t i) const noexcept { return files_[i].datepattern; }
    // The enabled jail NAME; nullptr when there is none (no such jail, or disabled).
    JailPipeline* find(std::string_view name) const noexcept;
    // Every jail keeps the matched lines of its counted failures in `lines` (nullptr: none kept).
    void keep_lines(MatchedLines* lines) noexcept;
    // Jail NAME was changed at runtime: the next reload builds it afresh from the file.
    void mark_changed(std::string_view name);

    // Runs the reader's current entry through every jail it belongs to; `on_ban` gets each
    // decision with the jail that made it. Returns false when the entry has no MESSAGE.
    using BanSink = std::function<void(const Jail& jail, const BanDecision&)>;
    bool process_entry(const JournalReader& reader, const BanSink& on_ban);
    // The same for entry `i` of a batch read ahead for entry_fields().
    bool process_batch_entry(const EntryBatch& batch, std::size_t i, const BanSink& on_ban);
    // The fields process_entry reads of an entry (the names of an EntryBatch).
    const EntryFields& entry_fields() const noexcept { return fields_; }
    // A log file line, for the jails `jail_indices` (those whose logpath names the file).
    void process_line(const std::vector<std::size_t>& jail_indices, const LogLine& line, const BanSink& on_ban);

    // Every failure a jail counted, after its own counting (the fleet's shared counting);
    // passed on to the set a reload builds from this one.
    using FailureSink = std::function<void(const Jail& jail, const Address& address, Usec time)>;
    void set_failure_sink(FailureSink sink) { failure_sink_ = std::move(sink); }

private:
    // The pipeline of jail NAME if its fingerprint is `fingerprint`, moved out (its slot is
    // left empty: the set is on its way out).
    std::unique_ptr<JailPipeline> take_if_unchanged(std::string_view name, const std::string& fingerprint);

    std::vector<std::unique_ptr<JailPipeline>> pipelines_;
    std::vector<std::string> fingerprints_;
    struct Files {
        std::vector<std::string> logpath;
        std::string datepattern;
    };
    std::vector<Files> files_;                 // per jail
    std::vector<std::size_t> journal_jails_;   // the router's jail i is pipelines_[journal_jails_[i]]
    bool config_reads_journal_ = false;        // some jail, enabled or not, reads the journal
    OverallBans overall_;   // every jail's bans, for jails with overall-jails
    EntryRouter router_;
    std::vector<std::size_t> routed_;   // reused per entry
    // What process_entry reads of an entry, in one walk: the router's fields, MESSAGE, and the
    // id field of each journal jail (no_field when its filter has none).
    static constexpr std::size_t no_field = static_cast<std::size_t>(-1);
    EntryFields fields_;
    EntryBatch current_;   // process_entry's: the reader's current entry alone
    std::vector<std::size_t> router_field_index_;
    std::size_t message_index_ = 0;
    std::vector<std::size_t> id_index_;   // per journal jail
    FailureSink failure_sink_;
};

}  // namespace banjo
