// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/sqlite/sqlite.hpp"

#include <sqlite3.h>

#include <climits>

namespace banjo::sqlite {

namespace {

// The message names the file, so an administrator with two banjo state dirs knows which.
[[noreturn]] void fail(sqlite3* db, int code, const char* call) {
    std::string what;
    if (db) {
        const char* file = sqlite3_db_filename(db, "main");
        if (file && *file)
            what = std::string(file) + ": ";
        what += call;
        what += ": ";
        // errmsg belongs to the last failed call on this connection; errstr is the fallback
        // for codes that did not come from one (a bad bind index).
        int last = sqlite3_extended_errcode(db);
        if ((last & 0xff) == (code & 0xff)) {
            what += sqlite3_errmsg(db);
            code = last;
        } else {
            what += sqlite3_errstr(code);
        }
    } else {
        what = std::string(call) + ": " + sqlite3_errstr(code);
    }
    throw Error(code, what);
}

}  // namespace

bool Error::file_damaged() const noexcept {
    const int primary = code_ & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

bool Error::file_moved() const noexcept { return code_ == SQLITE_READONLY_DBMOVED; }

bool Error::sql_error() const noexcept { return (code_ & 0xff) == SQLITE_ERROR; }

void Statement::Finalizer::operator()(sqlite3_stmt* s) const noexcept {
    sqlite3_finalize(s);
}

void Statement::bind(int index, std::int64_t value) {
    int r = sqlite3_bind_int64(stmt_.get(), index, value);
    if (r != SQLITE_OK)
        fail(sqlite3_db_handle(stmt_.get()), r, "sqlite3_bind_int64");
}

void Statement::bind(int index, std::string_view text) {
    // sqlite3_bind_text64 takes any length; its own limit (SQLITE_LIMIT_LENGTH) reports
    // SQLITE_TOOBIG instead of truncating.
    int r = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                                SQLITE_UTF8);
    if (r != SQLITE_OK)
        fail(sqlite3_db_handle(stmt_.get()), r, "sqlite3_bind_text64");
}

bool Statement::step() {
    int r = sqlite3_step(stmt_.get());
    if (r == SQLITE_ROW)
        return true;
    if (r == SQLITE_DONE)
        return false;
    sqlite3* db = sqlite3_db_handle(stmt_.get());
    // The statement keeps its error until reset; reset now so the next use starts clean, but
    // build the message first.
    try {
        fail(db, r, "sqlite3_step");
    } catch (...) {
        sqlite3_reset(stmt_.get());
        throw;
    }
}

void Statement::reset() noexcept {
    // reset's return value repeats the last step()'s error, which step() already reported.
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

std::int64_t Statement::column_int64(int index) const {
    return sqlite3_column_int64(stmt_.get(), index);
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

std::string_view Statement::column_text(int index) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), index));
    if (!p)
        return {};
    return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), index))};
}

void Database::Closer::operator()(sqlite3* db) const noexcept {
    // close_v2 defers the close until the last statement is finalized, so destruction order
    // between a Database and its Statements cannot leak the connection.
    sqlite3_close_v2(db);
}

Database Database::open(const std::string& path) {
    sqlite3* db = nullptr;
    int r = sqlite3_open_v2(path.c_str(), &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW,
                            nullptr);
    Database owner(db);   // sqlite3_open_v2 may hand out a handle even when it fails
    if (r != SQLITE_OK) {
        if (db)
            r = sqlite3_extended_errcode(db);
        std::string what = path + ": sqlite3_open_v2: ";
        if (r == SQLITE_CANTOPEN_SYMLINK)
            what += "refusing a symbolic link";
        else
            what += db ? sqlite3_errmsg(db) : sqlite3_errstr(r);
        throw Error(r, what);
    }
    // READWRITE quietly falls back to read-only for a write-protected file; say so now rather
    // than at the first write.
    if (sqlite3_db_readonly(db, "main") == 1)
        throw Error(SQLITE_READONLY, path + ": sqlite3_open_v2: file is read-only");
    // Extended codes say which I/O failed (SQLITE_IOERR_FSYNC, ...); SQLITE_OPEN_EXRESCODE
    // would do the same but needs 3.37, newer than RHEL 9's SQLite.
    sqlite3_extended_result_codes(db, 1);
    return owner;
}

Database Database::open_read_only(const std::string& path) {
    sqlite3* db = nullptr;
    int r = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    Database owner(db);
    if (r != SQLITE_OK) {
        if (db)
            r = sqlite3_extended_errcode(db);
        throw Error(r, path + ": sqlite3_open_v2: " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(r)));
    }
    sqlite3_extended_result_codes(db, 1);
    return owner;
}

void Database::exec(const char* sql) {
    char* message = nullptr;
    int r = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
    sqlite3_free(message);   // the same text sqlite3_errmsg gives, which fail() uses
    if (r != SQLITE_OK)
        fail(db_.get(), r, "sqlite3_exec");
}

Statement Database::prepare(std::string_view sql) const {
    sqlite3_stmt* s = nullptr;
    if (sql.size() > INT_MAX)
        fail(db_.get(), SQLITE_TOOBIG, "sqlite3_prepare_v3");
    int r = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                               SQLITE_PREPARE_PERSISTENT, &s, nullptr);
    if (r != SQLITE_OK)
        fail(db_.get(), r, "sqlite3_prepare_v3");
    return Statement(s);
}

std::int64_t Database::changes() const noexcept {
    return sqlite3_changes(db_.get());   // not changes64 (3.37): RHEL 9 ships 3.34
}

bool Database::in_transaction() const noexcept {
    return sqlite3_get_autocommit(db_.get()) == 0;
}

void Database::set_busy_timeout_ms(int ms) {
    int r = sqlite3_busy_timeout(db_.get(), ms);
    if (r != SQLITE_OK)
        fail(db_.get(), r, "sqlite3_busy_timeout");
}

void Database::set_checkpoint_on_close(bool on) {
    int r = sqlite3_db_config(db_.get(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, on ? 0 : 1, nullptr);
    if (r != SQLITE_OK)
        fail(db_.get(), r, "sqlite3_db_config");
}

}  // namespace banjo::sqlite
