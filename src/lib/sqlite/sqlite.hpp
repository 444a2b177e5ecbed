// SPDX-License-Identifier: GPL-2.0-or-later
// banjo::sqlite owns sqlite3 connections and prepared statements and is the only place the
// sqlite3 C API appears. Every failure becomes sqlite::Error carrying the call, sqlite3_errmsg
// and the database path ("/var/lib/banjo/banjo.db: sqlite3_step: database disk image is
// malformed"). Values are always bound, never spliced into SQL text. One thread per Database;
// Statements borrow their Database's connection and must be destroyed before it. Both movable.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace banjo::sqlite {

class Error : public std::runtime_error {
public:
    Error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
    int code() const noexcept { return code_; }   // SQLite's extended result code
    // The file is damaged or is not a database (SQLITE_CORRUPT, SQLITE_NOTADB).
    bool file_damaged() const noexcept;
    // The file the connection opened was removed or replaced under it (SQLITE_READONLY_DBMOVED):
    // writes can only reach a new connection.
    bool file_moved() const noexcept;
    // SQLITE_ERROR: from prepare(), the SQL names tables or columns the file does not have.
    bool sql_error() const noexcept;

private:
    int code_;
};

class Statement {
public:
    // Indexes are 1-based, as in SQL's "?NNN". Text is copied by SQLite (SQLITE_TRANSIENT), so
    // the caller's buffer may go away before step().
    void bind(int index, std::int64_t value);
    void bind(int index, std::string_view text);

    bool step();   // true: a row is ready; false: done
    // Rewinds and clears bindings so the statement is ready for its next use.
    void reset() noexcept;

    std::int64_t column_int64(int index) const;
    bool column_is_null(int index) const;
    // Valid until the next step() or reset(); may contain NUL bytes.
    std::string_view column_text(int index) const;

private:
    friend class Database;
    struct Finalizer {
        void operator()(sqlite3_stmt* s) const noexcept;
    };
    explicit Statement(sqlite3_stmt* s) : stmt_(s) {}
    std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

class Database {
public:
    // Opens (creating if absent) the database file read-write. Refuses a path with a symbolic
    // link in it (SQLITE_OPEN_NOFOLLOW), so a planted link cannot redirect banjo's writes:
    // resolve the directory first if it may legitimately be reached through one.
    static Database open(const std::string& path);
    // Opens an existing database file read-only (another program's, such as fail2ban's), never
    // creating it; symbolic links are followed, since nothing is written through them.
    static Database open_read_only(const std::string& path);

    // Runs one or more statements without results (PRAGMA settings, DDL, BEGIN/COMMIT).
    void exec(const char* sql);
    Statement prepare(std::string_view sql) const;

    std::int64_t changes() const noexcept;   // rows touched by the last INSERT/UPDATE/DELETE
    bool in_transaction() const noexcept;
    void set_busy_timeout_ms(int ms);
    // Whether the last close of the file checkpoints its WAL into it (SQLite's default). Off
    // while a file is being checked, so that a damaged one is left exactly as it was found.
    void set_checkpoint_on_close(bool on);

private:
    struct Closer {
        void operator()(sqlite3* db) const noexcept;
    };
    explicit Database(sqlite3* db) : db_(db) {}
    std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace banjo::sqlite
