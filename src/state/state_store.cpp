// SPDX-License-Identifier: GPL-2.0-or-later
#include "state/state_store.hpp"

#include "lib/sqlite/sqlite.hpp"
#include "state/state_changes.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace banjo {

namespace {

// migrations[v] takes a database from user_version v to v + 1, inside one transaction.
// Append only: a released step never changes.
constexpr const char* migrations[] = {
    // 0 -> 1. Times are CLOCK_REALTIME microseconds; INT64_MAX = permanent, so expiry is a
    // plain comparison. WITHOUT ROWID: the key is the row's identity and its only lookup.
    R"sql(
CREATE TABLE bans (
    jail TEXT NOT NULL,
    address TEXT NOT NULL,
    banned_usec INTEGER NOT NULL,
    expires_usec INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (jail, address)
) WITHOUT ROWID;
CREATE INDEX bans_by_expiry ON bans (expires_usec);
CREATE TABLE history (
    jail TEXT NOT NULL,
    address TEXT NOT NULL,
    bans INTEGER NOT NULL,
    last_banned_usec INTEGER NOT NULL,
    PRIMARY KEY (jail, address)
) WITHOUT ROWID;
CREATE TABLE journal (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    cursor TEXT NOT NULL
);
)sql",
    // 1 -> 2. The ban log: one row per ban that counted as an offence, for ListBanHistory
    // (Cockpit's chart of bans per jail). Kept as long as the history (history-age).
    R"sql(
CREATE TABLE ban_log (
    jail TEXT NOT NULL,
    address TEXT NOT NULL,
    banned_usec INTEGER NOT NULL,
    expires_usec INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    origin TEXT NOT NULL
);
CREATE INDEX ban_log_by_time ON ban_log (banned_usec);
)sql",
    // 2 -> 3. Where banjod stopped in each log file (logfile/file_position.hpp): the file's
    // counterpart of the journal cursor, saved in the same transaction as the bans.
    R"sql(
CREATE TABLE file_positions (
    path TEXT PRIMARY KEY,
    device INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    offset INTEGER NOT NULL,
    fingerprint_bytes INTEGER NOT NULL,
    fingerprint INTEGER NOT NULL,
    last_line_usec INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 3 -> 4. The matched lines behind each ban (max-lines), for its actions and for
    // ListBanLines: one text, each line escaped (encode_lines), '\n' between them.
    R"sql(
ALTER TABLE bans ADD COLUMN lines TEXT NOT NULL DEFAULT '';
)sql",
    // 4 -> 5. The last entry applied of each fleet host's decision stream (its Redis stream
    // ID), saved with the bans it brought, so a restart resumes the streams there.
    R"sql(
CREATE TABLE fleet_positions (
    host TEXT PRIMARY KEY,
    stream_id TEXT NOT NULL
) WITHOUT ROWID;
)sql",
};
constexpr int schema_version = std::size(migrations);

// Puts a statement back to its unused state however the scope is left, so a failed step
// never leaves a statement holding a read snapshot or stale bindings.
class Using {
public:
    explicit Using(sqlite::Statement& s) : s_(s) {}
    ~Using() { s_.reset(); }
    Using(const Using&) = delete;
    Using& operator=(const Using&) = delete;
    sqlite::Statement* operator->() { return &s_; }
    sqlite::Statement& operator*() { return s_; }

private:
    sqlite::Statement& s_;
};

std::int64_t single_int(sqlite::Database& db, const char* sql) {
    auto s = db.prepare(sql);
    return s.step() ? s.column_int64(0) : 0;
}

std::string single_text(sqlite::Database& db, const char* sql) {
    auto s = db.prepare(sql);
    return s.step() ? std::string(s.column_text(0)) : std::string();
}

// Lines joined by '\n', each with '\\', '\n' and NUL escaped: a journal MESSAGE may hold
// any of them, and the column is one text.
std::string encode_lines(const BanLines& lines) {
    std::string out;
    if (!lines) return out;
    for (std::size_t i = 0; i < lines->size(); ++i) {
        if (i > 0) out += '\n';
        for (char c : (*lines)[i]) {
            if (c == '\\') out += "\\\\";
            else if (c == '\n') out += "\\n";
            else if (c == '\0') out += "\\0";
            else out += c;
        }
    }
    return out;
}

BanLines decode_lines(std::string_view text) {
    if (text.empty()) return nullptr;
    auto lines = std::make_shared<std::vector<std::string>>(1);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\n') {
            lines->emplace_back();
        } else if (c == '\\' && i + 1 < text.size()) {
            const char e = text[++i];
            lines->back() += e == 'n' ? '\n' : e == '0' ? '\0' : e;
        } else {
            lines->back() += c;
        }
    }
    return lines;
}

unsigned to_unsigned(std::int64_t v) {
    return static_cast<unsigned>(std::clamp<std::int64_t>(v, 0, UINT_MAX));
}

// A row of bans or ban_log (jail, address, banned, expires, failures, origin). Rows hold only
// addresses banjo wrote; one edited by hand into nonsense cannot be banned anyway and must not
// keep the daemon from starting: nullopt.
std::optional<StoredBan> stored_ban_row(sqlite::Statement& row) {
    auto address = Cidr::parse(row.column_text(1));
    if (!address)
        return std::nullopt;
    // The text origin_text wrote; a row edited into something else is still a ban.
    const OriginText origin = parse_origin_text(row.column_text(5)).value_or(OriginText{});
    return StoredBan{
        .jail = std::string(row.column_text(0)),
        .address = *address,
        .banned_at = Usec(row.column_int64(2)),
        .expires_at = Usec(row.column_int64(3)),
        .failures = to_unsigned(row.column_int64(4)),
        .origin = origin.origin,
        .origin_host = origin.host,
    };
}

void configure(sqlite::Database& db, const std::string& path) {
    db.set_busy_timeout_ms(2000);   // an administrator's sqlite3 shell may hold a lock briefly
    // A file that is not a database fails here, on the first read of its header.
    if (single_text(db, "PRAGMA journal_mode = WAL") != "wal")
        throw std::runtime_error(path + ": cannot switch to WAL mode (a filesystem without "
                                        "shared memory support?)");
    db.exec("PRAGMA synchronous = NORMAL;"         // see the header: durable against crashes
            "PRAGMA journal_size_limit = 8388608;"  // a burst of bans must not pin a huge WAL
            "PRAGMA trusted_schema = OFF;");
    // Catch a damaged file now, with its name, rather than as a failed ban later.
    std::string check = single_text(db, "PRAGMA quick_check(1)");
    if (check != "ok")
        throw CorruptStateError(path + ": damaged state database (quick_check: " + check + ")");
}

// A database with tables and no schema version is someone else's file, not a first start.
void require_banjo_schema(sqlite::Database& db, const std::string& path, std::int64_t version) {
    if (version != 0)
        return;
    auto tables = db.prepare("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 4");
    std::string names;
    while (tables.step())
        names += (names.empty() ? "" : ", ") + std::string(tables.column_text(0));
    if (!names.empty())
        throw CorruptStateError(path + ": a database that is not banjo's state (it has " + names +
                                " and no banjo schema version)");
}

void migrate(sqlite::Database& db, const std::string& path) {
    auto version = single_int(db, "PRAGMA user_version");
    if (version == schema_version)
        return;
    require_banjo_schema(db, path, version);
    if (version > schema_version || version < 0)
        throw std::runtime_error(path + ": state schema version " + std::to_string(version) +
                                 " is newer than this banjo's (" +
                                 std::to_string(schema_version) + ")");
    db.exec("BEGIN IMMEDIATE");
    try {
        for (auto v = version; v < schema_version; ++v)
            db.exec(migrations[v]);
        // PRAGMA takes no parameters; the value is our own integer.
        db.exec(("PRAGMA user_version = " + std::to_string(schema_version)).c_str());
        db.exec("COMMIT");
    } catch (...) {
        if (db.in_transaction())
            db.exec("ROLLBACK");
        throw;
    }
}

namespace fs = std::filesystem;

// The state says whom banjo banned and why: for root's eyes only, whether or not systemd's
// StateDirectoryMode= made the directory so. Only the owner's bits are kept; a symbolic link
// is refused (chmod would follow it to whatever file it names).
void restrict_to_owner(const fs::path& path, fs::perms wanted, bool must_exist) {
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(path, ec);
    if (!fs::exists(st)) {
        if (must_exist)
            throw std::system_error(ec, "cannot read the permissions of " + path.string());
        return;
    }
    if (fs::is_symlink(st))
        throw std::runtime_error(path.string() + ": a symbolic link where banjo keeps its state; remove it");
    if (st.permissions() == wanted)
        return;
    fs::permissions(path, wanted, fs::perm_options::replace, ec);
    if (ec)
        throw std::system_error(ec, "cannot restrict the permissions of " + path.string());
}

constexpr fs::perms dir_mode = fs::perms::owner_all;                                     // 0700
constexpr fs::perms file_mode = fs::perms::owner_read | fs::perms::owner_write;          // 0600

// SQLite gives the -wal and -shm files the mode of the database file when it creates them; a
// pair left by an older banjo (or a crash) may still be wider.
void restrict_files(const std::string& db_path, bool db_must_exist) {
    restrict_to_owner(db_path, file_mode, db_must_exist);
    for (const char* suffix : {"-wal", "-shm", "-journal"})
        restrict_to_owner(db_path + suffix, file_mode, false);
}

}  // namespace

struct StateStore::Impl {
    Impl(sqlite::Database database, std::string path)
        : db(std::move(database)), db_path(std::move(path)) {}

    // Declared first, destroyed last: the statements below borrow the connection.
    sqlite::Database db;
    sqlite::Statement begin = db.prepare("BEGIN IMMEDIATE");
    sqlite::Statement commit = db.prepare("COMMIT");
    sqlite::Statement rollback = db.prepare("ROLLBACK");
    sqlite::Statement put_ban = db.prepare(
        "INSERT OR REPLACE INTO bans "
        "(jail, address, banned_usec, expires_usec, failures, origin, lines) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite::Statement count_offence = db.prepare(
        "INSERT INTO history (jail, address, bans, last_banned_usec) VALUES (?1, ?2, 1, ?3) "
        "ON CONFLICT (jail, address) DO UPDATE SET bans = bans + 1, "
        "last_banned_usec = max(last_banned_usec, excluded.last_banned_usec)");
    sqlite::Statement add_offences = db.prepare(
        "INSERT INTO history (jail, address, bans, last_banned_usec) VALUES (?1, ?2, ?3 + ?4, ?5) "
        "ON CONFLICT (jail, address) DO UPDATE SET bans = max(bans, ?3) + ?4, "
        "last_banned_usec = max(last_banned_usec, excluded.last_banned_usec)");
    sqlite::Statement log_ban = db.prepare(
        "INSERT INTO ban_log (jail, address, banned_usec, expires_usec, failures, origin) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    sqlite::Statement log_ban_once = db.prepare(
        "INSERT INTO ban_log (jail, address, banned_usec, expires_usec, failures, origin) "
        "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS "
        "(SELECT 1 FROM ban_log WHERE jail = ?1 AND address = ?2 AND banned_usec = ?3)");
    sqlite::Statement select_ban_log = db.prepare(
        "SELECT jail, address, banned_usec, expires_usec, failures, origin FROM ban_log "
        "WHERE banned_usec >= ?1 ORDER BY banned_usec DESC, rowid DESC LIMIT ?2");
    sqlite::Statement delete_ban_log = db.prepare("DELETE FROM ban_log WHERE banned_usec < ?1");
    sqlite::Statement delete_ban = db.prepare("DELETE FROM bans WHERE jail = ?1 AND address = ?2");
    sqlite::Statement delete_all_bans = db.prepare("DELETE FROM bans");
    sqlite::Statement put_cursor =
        db.prepare("INSERT OR REPLACE INTO journal (id, cursor) VALUES (1, ?1)");
    sqlite::Statement select_bans = db.prepare(
        "SELECT jail, address, banned_usec, expires_usec, failures, origin, lines FROM bans "
        "ORDER BY jail, address");
    sqlite::Statement select_ban_lines = db.prepare("SELECT lines FROM bans WHERE jail = ?1 AND address = ?2");
    sqlite::Statement select_cursor = db.prepare("SELECT cursor FROM journal WHERE id = 1");
    sqlite::Statement put_file_position = db.prepare(
        "INSERT OR REPLACE INTO file_positions "
        "(path, device, inode, offset, fingerprint_bytes, fingerprint, last_line_usec) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    sqlite::Statement select_file_positions = db.prepare(
        "SELECT path, device, inode, offset, fingerprint_bytes, fingerprint, last_line_usec FROM file_positions "
        "ORDER BY path");
    sqlite::Statement put_fleet_position =
        db.prepare("INSERT OR REPLACE INTO fleet_positions (host, stream_id) VALUES (?1, ?2)");
    sqlite::Statement select_fleet_positions = db.prepare("SELECT host, stream_id FROM fleet_positions");
    sqlite::Statement select_history = db.prepare(
        "SELECT address, bans, last_banned_usec FROM history WHERE jail = ?1 ORDER BY address");
    sqlite::Statement delete_history = db.prepare(
        "DELETE FROM history WHERE last_banned_usec < ?1 AND NOT EXISTS "
        "(SELECT 1 FROM bans WHERE bans.jail = history.jail AND bans.address = history.address)");

    std::string db_path;
    bool batch_open = false;

    void run(sqlite::Statement& s) {
        Using use(s);
        use->step();
    }
    void require_no_batch(const char* what) const {
        if (batch_open)
            throw std::logic_error(std::string("StateStore::") + what + " while a Batch is open");
    }
};

namespace {

// SQLite takes an empty file for an empty database: a file truncated to nothing would pass for
// a first start and lose every ban without a word.
void refuse_zero_length(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::symlink_status(path, ec);
    if (ec || !std::filesystem::is_regular_file(status))
        return;   // absent (a first start), or a link that the open refuses
    if (std::filesystem::file_size(path, ec) == 0 && !ec)
        throw CorruptStateError(path + ": zero-length file (a state database never is: truncated?)");
}

// A first start builds the database under another name and renames it into place, so banjo.db
// exists only with its schema written: a banjod killed while creating it leaves no zero-length
// banjo.db, which the next start would have to take for a damaged file.
void create_database(const std::string& path) {
    const std::string building = path + ".new";
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::filesystem::remove(building + suffix);   // what an earlier, killed first start left
    {
        restrict_files(building, false);
        auto db = sqlite::Database::open(building);
        restrict_files(building, true);
        configure(db, building);
        migrate(db, building);
    }   // closed: its WAL is checkpointed into the file and removed
    std::filesystem::rename(building, path);
}

}  // namespace

StateStore StateStore::open(const std::string& state_dir) {
    std::error_code ec;
    std::filesystem::create_directories(state_dir, ec);
    if (ec)
        throw std::system_error(ec, "cannot create state directory " + state_dir);
    // The directory may be reached through a link (/var -> /srv/var); the file itself may not.
    auto dir = std::filesystem::canonical(state_dir, ec);
    if (ec)
        throw std::system_error(ec, "cannot resolve state directory " + state_dir);
    restrict_to_owner(dir, dir_mode, true);
    auto path = (dir / file_name).string();
    refuse_zero_length(path);
    if (!std::filesystem::exists(std::filesystem::symlink_status(path)))
        create_database(path);
    restrict_files(path, false);
    auto db = sqlite::Database::open(path);
    restrict_files(path, true);   // created just now with the umask's mode, still empty
    try {
        // A damaged file is left as found, for whoever looks at it later: no checkpoint of its
        // WAL into it when this connection closes on the way out.
        db.set_checkpoint_on_close(false);
        configure(db, path);
        try {
            migrate(db, path);
        } catch (const sqlite::Error& e) {
            // A step that altered a table banjo's schema has (bans) met a database without it.
            if (e.sql_error())
                throw CorruptStateError(path + ": a database without banjo's tables (" + e.what() + ")");
            throw;
        }
        std::unique_ptr<Impl> impl;
        try {
            impl = std::make_unique<Impl>(std::move(db), path);
        } catch (const sqlite::Error& e) {
            // Preparing the statements checks the tables and columns banjo uses are there.
            if (e.sql_error())
                throw CorruptStateError(path + ": a database without banjo's tables (" + e.what() + ")");
            throw;
        }
        impl->db.set_checkpoint_on_close(true);
        restrict_files(path, true);
        return StateStore(std::move(impl));
    } catch (const sqlite::Error& e) {
        if (e.file_damaged())
            throw CorruptStateError(e.what());
        throw;
    }
}

const std::string& StateStore::path() const { return impl_->db_path; }

StateStore::StateStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StateStore::StateStore(StateStore&&) noexcept = default;
StateStore& StateStore::operator=(StateStore&&) noexcept = default;
StateStore::~StateStore() = default;

StateStore::Batch StateStore::begin() {
    impl_->require_no_batch("begin");
    impl_->run(impl_->begin);
    impl_->batch_open = true;
    return Batch(impl_.get());
}

StateStore::Batch::~Batch() {
    if (!impl_)
        return;
    impl_->batch_open = false;
    // A failed COMMIT may or may not have ended the transaction; only roll back a live one.
    if (impl_->db.in_transaction()) {
        try {
            impl_->run(impl_->rollback);
        } catch (...) {
            // Nothing to do from a destructor; SQLite rolls back on close at the latest.
        }
    }
}

void StateStore::Batch::check_live() const {
    if (!impl_)
        throw std::logic_error("StateStore::Batch used after commit");
    // Some errors (SQLITE_FULL, SQLITE_IOERR) end the transaction at once. A caller that
    // caught one and went on would otherwise write the rest of the batch in autocommit mode,
    // one statement at a time: exactly the half batch this class exists to prevent.
    if (!impl_->db.in_transaction())
        throw std::runtime_error(impl_->db_path +
                                 ": the batch was rolled back by an earlier error");
}

void StateStore::Batch::add_ban(const StoredBan& ban, bool counts_as_offence) {
    check_live();
    auto address = ban.address.to_string();
    {
        Using use(impl_->put_ban);
        use->bind(1, ban.jail);
        use->bind(2, address);
        use->bind(3, ban.banned_at.count());
        use->bind(4, ban.expires_at.count());
        use->bind(5, static_cast<std::int64_t>(ban.failures));
        use->bind(6, origin_text(ban.origin, ban.origin_host));
        use->bind(7, encode_lines(ban.lines));
        use->step();
    }
    if (counts_as_offence) {
        Using use(impl_->count_offence);
        use->bind(1, ban.jail);
        use->bind(2, address);
        use->bind(3, ban.banned_at.count());
        use->step();
    }
}

bool StateStore::Batch::remove_ban(std::string_view jail, const Cidr& address) {
    check_live();
    Using use(impl_->delete_ban);
    use->bind(1, jail);
    use->bind(2, address.to_string());
    use->step();
    return impl_->db.changes() > 0;
}

void StateStore::Batch::remove_all_bans() {
    check_live();
    impl_->run(impl_->delete_all_bans);
}

void StateStore::Batch::count_offences(std::string_view jail, const Cidr& address, unsigned at_least,
                                       unsigned added, Usec last_banned_at) {
    check_live();
    Using use(impl_->add_offences);
    use->bind(1, jail);
    use->bind(2, address.to_string());
    use->bind(3, static_cast<std::int64_t>(at_least));
    use->bind(4, static_cast<std::int64_t>(added));
    use->bind(5, last_banned_at.count());
    use->step();
}

std::size_t StateStore::Batch::forget_history_before(Usec cutoff) {
    check_live();
    Using use(impl_->delete_history);
    use->bind(1, cutoff.count());
    use->step();
    return static_cast<std::size_t>(impl_->db.changes());
}

namespace {

// A ban-log row's values, as both ban-log inserts take them.
void bind_logged_ban(sqlite::Statement& s, const StoredBan& ban) {
    s.bind(1, ban.jail);
    s.bind(2, ban.address.to_string());
    s.bind(3, ban.banned_at.count());
    s.bind(4, ban.expires_at.count());
    s.bind(5, static_cast<std::int64_t>(ban.failures));
    s.bind(6, origin_text(ban.origin, ban.origin_host));
}

}  // namespace

void StateStore::Batch::log_ban(const StoredBan& ban) {
    check_live();
    Using use(impl_->log_ban);
    bind_logged_ban(*use, ban);
    use->step();
}

bool StateStore::Batch::log_ban_once(const StoredBan& ban) {
    check_live();
    Using use(impl_->log_ban_once);
    bind_logged_ban(*use, ban);
    use->step();
    return impl_->db.changes() > 0;
}

std::size_t StateStore::Batch::forget_ban_log_before(Usec cutoff) {
    check_live();
    Using use(impl_->delete_ban_log);
    use->bind(1, cutoff.count());
    use->step();
    return static_cast<std::size_t>(impl_->db.changes());
}

void StateStore::Batch::set_cursor(std::string_view cursor) {
    check_live();
    Using use(impl_->put_cursor);
    use->bind(1, cursor);
    use->step();
}

void StateStore::Batch::set_file_position(const FilePosition& p) {
    check_live();
    Using use(impl_->put_file_position);
    use->bind(1, p.path);
    // SQLite integers are signed 64-bit: the unsigned values go in as their bit patterns.
    use->bind(2, static_cast<std::int64_t>(p.device));
    use->bind(3, static_cast<std::int64_t>(p.inode));
    use->bind(4, static_cast<std::int64_t>(p.offset));
    use->bind(5, static_cast<std::int64_t>(p.fingerprint_bytes));
    use->bind(6, static_cast<std::int64_t>(p.fingerprint));
    use->bind(7, p.last_line_time.count());
    use->step();
}

void StateStore::Batch::set_fleet_position(std::string_view host, std::string_view stream_id) {
    check_live();
    Using use(impl_->put_fleet_position);
    use->bind(1, host);
    use->bind(2, stream_id);
    use->step();
}

void StateStore::Batch::commit() {
    check_live();
    impl_->run(impl_->commit);   // on failure the destructor rolls back
    impl_->batch_open = false;
    impl_ = nullptr;
}

void StateStore::write(const StateChanges& changes, const BanSnapshot& all_bans) {
    try {
        auto batch = begin();
        if (changes.bans_rewritten()) {
            batch.remove_all_bans();
            for (const StoredBan& b : all_bans()) batch.add_ban(b, false);
        } else {
            for (const auto& [key, ban] : changes.bans()) {
                if (ban)
                    batch.add_ban(*ban, false);
                else
                    batch.remove_ban(key.first, key.second);
            }
        }
        for (const auto& [key, o] : changes.offences())
            batch.count_offences(key.first, key.second, o.at_least, o.added, o.last_banned_at);
        for (const StoredBan& b : changes.logged_bans()) batch.log_ban(b);
        if (changes.cursor()) batch.set_cursor(*changes.cursor());
        for (const auto& [path, position] : changes.file_positions()) batch.set_file_position(position);
        for (const auto& [host, id] : changes.fleet_positions()) batch.set_fleet_position(host, id);
        // After the offences: the history of a ban counted just now is never the one forgotten.
        if (changes.forget_before()) {
            batch.forget_history_before(*changes.forget_before());
            batch.forget_ban_log_before(*changes.forget_before());
        }
        batch.commit();
    } catch (const sqlite::Error& e) {
        if (e.file_damaged() || e.file_moved())
            throw StateFileLost(e.what());
        throw;
    }
}

std::vector<StoredBan> StateStore::active_bans() const {
    std::vector<StoredBan> bans;
    Using use(impl_->select_bans);
    while (use->step())
        if (auto ban = stored_ban_row(*use)) {
            ban->lines = decode_lines(use->column_text(6));
            bans.push_back(std::move(*ban));
        }
    return bans;
}

BanLines StateStore::ban_lines(std::string_view jail, const Cidr& address) const {
    Using use(impl_->select_ban_lines);
    use->bind(1, jail);
    use->bind(2, address.to_string());
    if (!use->step()) return nullptr;
    return decode_lines(use->column_text(0));
}

std::vector<StoredBan> StateStore::ban_log(Usec since, std::size_t limit) const {
    std::vector<StoredBan> out;
    Using use(impl_->select_ban_log);
    use->bind(1, since.count());
    use->bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    while (use->step())
        if (auto ban = stored_ban_row(*use))
            out.push_back(std::move(*ban));
    std::reverse(out.begin(), out.end());   // selected newest first, for the limit
    return out;
}

std::optional<std::string> StateStore::cursor() const {
    Using use(impl_->select_cursor);
    if (!use->step())
        return std::nullopt;
    return std::string(use->column_text(0));
}

std::vector<FilePosition> StateStore::file_positions() const {
    std::vector<FilePosition> out;
    Using use(impl_->select_file_positions);
    while (use->step()) {
        FilePosition p;
        p.path = std::string(use->column_text(0));
        p.device = static_cast<std::uint64_t>(use->column_int64(1));
        p.inode = static_cast<std::uint64_t>(use->column_int64(2));
        p.offset = static_cast<std::uint64_t>(use->column_int64(3));
        p.fingerprint_bytes = static_cast<std::uint32_t>(std::clamp<std::int64_t>(use->column_int64(4), 0, 1 << 20));
        p.fingerprint = static_cast<std::uint64_t>(use->column_int64(5));
        p.last_line_time = Usec(use->column_int64(6));
        out.push_back(std::move(p));
    }
    return out;
}

std::map<std::string, std::string> StateStore::fleet_positions() const {
    std::map<std::string, std::string> out;
    Using use(impl_->select_fleet_positions);
    while (use->step()) out[std::string(use->column_text(0))] = std::string(use->column_text(1));
    return out;
}

std::vector<History> StateStore::history(std::string_view jail) const {
    std::vector<History> out;
    Using use(impl_->select_history);
    use->bind(1, jail);
    while (use->step()) {
        auto address = Cidr::parse(use->column_text(0));
        if (!address)
            continue;
        out.push_back(History{*address, to_unsigned(use->column_int64(1)),
                              Usec(use->column_int64(2))});
    }
    return out;
}

std::size_t StateStore::forget_history_before(Usec cutoff) {
    impl_->require_no_batch("forget_history_before");
    Using use(impl_->delete_history);
    use->bind(1, cutoff.count());
    use->step();
    return static_cast<std::size_t>(impl_->db.changes());
}

}  // namespace banjo
