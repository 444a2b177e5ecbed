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
        if (j.settings.enabled && reads_journal(j)) out.push_back(effective_journal_match(j));
    return out;
}

// A jail's own stream of draws from a replay's seed: independent of the order of the jails.
std::uint64_t jail_seed(std::uint64_t seed, const std::string& name) {
    std::uint64_t h = 14695981039346656037ULL;   // FNV-1a
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
    return seed ^ h;
}

}  // namespace

JailSet::JailSet(const Config& config, const CidrSet& self, const CidrSet& trusted, JailSet* previous,
                 std::optional<std::uint64_t> seed)
    : router_(enabled_matches(config)), current_(EntryFields(), 1) {
    if (previous) failure_sink_ = previous->failure_sink_;
    for (const auto& j : config.jails) {
        config_reads_journal_ = config_reads_journal_ || banjo::reads_journal(j);
        if (!j.settings.enabled) continue;
        JailSettings s = j.settings;
        if (s.ignore_self)
            for (const auto& c : self.entries()) s.ignore.insert(c);
        for (const auto& c : trusted.entries()) s.ignore.insert(c);
        std::string fingerprint = jail_fingerprint(j);
        auto old = previous ? previous->take_if_unchanged(s.name, fingerprint) : nullptr;
        if (old) {
            // Unchanged: keep its counts; ignore entries added at runtime last until a reload.
            old->jail().set_ignore(std::move(s.ignore));
            old->jail().set_history_limits(s.history_max_entries, s.history_memory);
            pipelines_.push_back(std::move(old));
        } else {
            s.hash_seed = random_seed();
            s.random_seed = seed ? jail_seed(*seed, s.name) : random_seed();
            pipelines_.push_back(std::make_unique<JailPipeline>(std::move(s), j.compiled_filter));
        }
        fingerprints_.push_back(std::move(fingerprint));
        if (banjo::reads_journal(j)) journal_jails_.push_back(pipelines_.size() - 1);
        files_.push_back({j.logpath, j.datepattern});
    }
    std::vector<const Jail*> jails;
    for (const auto& p : pipelines_) jails.push_back(&p->jail());
    overall_.set_jails(std::move(jails));
    for (const auto& p : pipelines_) p->jail().set_overall(&overall_);
    for (const auto& name : router_.fields()) router_field_index_.push_back(fields_.add(name));
    message_index_ = fields_.add("MESSAGE");
    for (std::size_t i : journal_jails_) {
        const std::string& id_field = pipelines_[i]->id_field();
        id_index_.push_back(id_field.empty() ? no_field : fields_.add(id_field));
    }
    current_ = EntryBatch(fields_, 1);
}

EntryRouter::Groups JailSet::journal_matches() const {
    if (journal_jails_.empty() && !config_reads_journal_) return {{"BANJO_NO_JOURNAL_JAIL=1"}};
    return router_.union_groups();
}

JailPipeline* JailSet::find(std::string_view name) const noexcept {
    for (const auto& p : pipelines_)
        if (p && p->jail().name() == name) return p.get();
    return nullptr;
}

void JailSet::keep_lines(MatchedLines* lines) noexcept {
    for (const auto& p : pipelines_)
        if (p) p->keep_lines(lines);
}

void JailSet::mark_changed(std::string_view name) {
    for (std::size_t i = 0; i < pipelines_.size(); ++i)
        if (pipelines_[i] && pipelines_[i]->jail().name() == name) fingerprints_[i].clear();
}

std::unique_ptr<JailPipeline> JailSet::take_if_unchanged(std::string_view name, const std::string& fingerprint) {
    for (std::size_t i = 0; i < pipelines_.size(); ++i)
        if (pipelines_[i] && pipelines_[i]->jail().name() == name && fingerprints_[i] == fingerprint)
            return std::move(pipelines_[i]);
    return nullptr;
}

bool JailSet::process_entry(const JournalReader& reader, const BanSink& on_ban) {
    if (journal_jails_.empty()) return true;
    current_.clear();
    reader.read_entry(current_);
    return process_batch_entry(current_, 0, on_ban);
}

bool JailSet::process_batch_entry(const EntryBatch& batch, std::size_t i, const BanSink& on_ban) {
    if (journal_jails_.empty()) return true;
    std::size_t asked = 0;
    router_.route_fields([&](const std::string&) { return batch.value(i, router_field_index_[asked++]); }, routed_);
    if (routed_.empty()) return true;
    const auto message = batch.value(i, message_index_);
    if (!message) return false;
    const Usec time = batch.time(i);
    for (std::size_t r : routed_) {
        JailPipeline& p = *pipelines_[journal_jails_[r]];
        auto m = p.match(*message);
        if (!m) continue;
        std::string_view id = m->id;
        if (p.needs_journal_id(*m) && id_index_[r] != no_field) id = batch.value(i, id_index_[r]).value_or(std::string_view{});
        auto decision = p.count(*m, id, time, *message);
        if (failure_sink_)
            if (auto counted = p.take_counted()) failure_sink_(p.jail(), *counted, time);
        if (decision) on_ban(p.jail(), *decision);
    }
    return true;
}

void JailSet::process_line(const std::vector<std::size_t>& jail_indices, const LogLine& line, const BanSink& on_ban) {
    for (std::size_t i : jail_indices) {
        JailPipeline& p = *pipelines_[i];
        auto m = p.match(line.fields.message);
        if (!m) continue;
        const std::string_view id = p.needs_journal_id(*m) ? log_line_id(line.fields, p.id_field()) : m->id;
        auto decision = p.count(*m, id, line.time, line.fields.message);
        if (failure_sink_)
            if (auto counted = p.take_counted()) failure_sink_(p.jail(), *counted, line.time);
        if (decision) on_ban(p.jail(), *decision);
    }
}

}  // namespace banjo
