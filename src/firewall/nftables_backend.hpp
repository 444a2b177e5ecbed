// SPDX-License-Identifier: GPL-2.0-or-later
// Bans in a table of banjo's own, `inet banjo` (layout: nftables_ruleset.hpp), for hosts
// without firewalld and for ban sets firewalld cannot hold. Sets, chains and rules are written
// through libnftables; elements through nf_tables netlink directly, every change of one loop
// iteration in one transaction, with a kernel timeout so a ban ends even while banjod is down.
// The backend keeps what it wants and what the kernel holds (nftables_elements.hpp) and only
// sends the difference: at start it dumps the sets and reconciles, never flushes. It listens
// to nf_tables notifications: when another process deletes or changes the table (`nft flush
// ruleset`, nftables.service restarting), it is rebuilt at once and the journal says who did
// it. firewalld never touches a foreign table, so both can run side by side.
// Needs CAP_NET_ADMIN; without it the state is degraded and bans wait. One thread.
#pragma once

#include "firewall/backend.hpp"
#include "firewall/nftables_elements.hpp"
#include "firewall/nftables_ruleset.hpp"
#include "lib/sd/event.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace banjo {

namespace nft {
class NetlinkClient;
class Monitor;
class Ruleset;
struct Event;
}  // namespace nft

struct NftablesOptions {
    LogSink log = default_log_sink();
    std::function<Usec()> clock;   // wall clock (realtime); default: the system's
    // Transactions larger than this are split (each must fit one sendmsg).
    std::size_t max_transaction_bytes = 8u << 20;
    // From this many element changes on, notifications are off during the transaction (see
    // nft::Monitor::pause) and the table's sets are checked by handle afterwards.
    std::size_t quiet_transaction_elements = 1000;
    // A set with more networks than this (wanted, or believed in the kernel) is read back by
    // looking up those networks, not by a dump: the kernel walks a set from its start for every
    // dump message (~370 bans), so a dump of n costs O(n^2) (100k: seconds; 1M: ten minutes),
    // lookups O(n log n). What the lookups cannot see: elements someone else added to the set.
    std::size_t full_read_limit = 20000;
    // forward_only: the forward guard beside the firewalld backend (forward_guard_backend.hpp).
    NftablesHooks hooks = NftablesHooks::input_and_forward;
};

class NftablesBackend final : public Backend {
public:
    NftablesBackend(sd::Event& loop, NftablesOptions options = {});
    ~NftablesBackend() override;
    NftablesBackend(const NftablesBackend&) = delete;
    NftablesBackend& operator=(const NftablesBackend&) = delete;

    std::string_view name() const override { return "nftables"; }
    BackendState state() const override { return state_; }
    std::string state_detail() const override { return detail_; }
    void add(const BanTarget& target) override;
    void remove(const BanTarget& target) override;
    void prepare_jail(const std::string& jail, const JailBlocking& blocking) override;
    void when_applied(std::function<void()> done) override;
    void prepare_blocklist(const std::string& list, const std::vector<std::string>& ports) override;
    void blocklist_add(const std::string& list, const Cidr& network) override;
    void blocklist_remove(const std::string& list, const Cidr& network) override;
    void forget_blocklist(const std::string& list) override;

    struct Counters {
        std::uint64_t transactions = 0, failed_transactions = 0;
        std::uint64_t elements_added = 0, elements_removed = 0;
        std::uint64_t schema_writes = 0, dumps = 0, lookup_reads = 0;
        std::uint64_t restores = 0;   // times another process changed the table and banjo rebuilt it
    };
    const Counters& counters() const { return counters_; }
    // Nothing scheduled: the kernel holds what the backend wants (or it is waiting to retry).
    bool idle() const;

private:
    struct Set {
        NftablesSet spec;
        SetPlan plan;
        bool in_kernel = false;
        bool created_empty = false;   // by the last write_schema: nothing to read back
    };

    Set& set_for(const std::string& jail, Family family, const std::vector<std::string>& ports, BlockAction block);
    Set& blocklist_set(const std::string& list, Family family);
    void schedule_flush();
    void flush();
    bool connect();
    void write_schema();
    void read_kernel();
    std::optional<KernelContents> look_up(const std::string& name, const SetPlan& plan);
    void check_sets();
    void apply_changes();
    void send_changes(std::vector<std::pair<const Set*, SetPlan::Changes>>& changes, std::size_t elements);
    void report_rebuild(std::size_t added, std::size_t removed);
    void on_monitor();
    void on_event(const nft::Event& e);
    void failed(BackendState state, const std::string& detail);
    void update_state(BackendState state, std::string detail);
    void log(int priority, const std::string& message) const;
    Usec now() const;

    sd::Event& loop_;
    NftablesOptions options_;
    std::unique_ptr<nft::NetlinkClient> netlink_;
    std::unique_ptr<nft::Ruleset> ruleset_;
    std::unique_ptr<nft::Monitor> monitor_;
    sd::EventSource monitor_source_, flush_timer_, retry_timer_;

    std::map<std::string, Set> sets_;                        // by set name
    std::map<std::string, std::string> jail_problems_;       // jail -> ports nft cannot match
    std::map<std::string, std::vector<std::string>> blocklist_ports_;   // list -> its ports
    bool schema_dirty_ = true;    // sets/rules to (re)write
    bool kernel_unknown_ = true;  // dump the sets before the next diff
    bool dump_next_read_ = false;   // a transaction failed: read every set whole next time
    bool sets_unverified_ = false;   // notifications were lost or off: compare set handles
    std::map<std::string, std::uint64_t> set_handles_;   // as last written
    std::vector<std::uint32_t> own_port_ids_;   // our netlink sockets and libnftables'
    bool touched_ = false;        // events on our table seen since the last NEWGEN
    std::string changed_by_;      // who changed the table, until the rebuild is logged
    SetPlan::Drift drift_;        // what the dumps found changed since the last report
    bool view_trusted_ = false;   // the plans' kernel view is what the kernel took (no failure since)
    bool reconciled_ = false;     // the first reconciliation after start is done
    std::chrono::seconds backoff_{1};
    BackendState state_ = BackendState::unavailable;
    std::string detail_ = "connecting to nf_tables";
    Counters counters_;
    std::vector<std::function<void()>> applied_waiters_;   // when_applied() callbacks
};

}  // namespace banjo
