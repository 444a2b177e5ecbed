// SPDX-License-Identifier: GPL-2.0-or-later
// Opening the state directory at start (and again when the state could not be written): the
// store when it opens; a damaged file moved aside and a new store in its place; or no store,
// and the reason, when the directory cannot hold one now (a full or read-only disk,
// permissions). It never throws: banjod runs on whatever comes out, from memory if need be.
#pragma once

#include "core/duration.hpp"
#include "state/state_storage.hpp"

#include <memory>
#include <optional>
#include <string>

namespace banjo {

struct StateOpening {
    std::string dir;                         // the state directory, as given
    std::unique_ptr<StateStorage> storage;   // null: no store could be opened; `problem` says why
    bool created = false;       // there was no state file: a first start, or a file removed
    std::string moved_aside;    // a damaged file was moved to this path (its -wal and -shm beside it)
    std::string problem;        // what was wrong with the file moved aside, or why there is no store
    // An earlier banjod could not save everything from this time on, and stopped before it could:
    // the store may lack changes made since (see mark_unsaved).
    std::optional<Usec> unsaved_since;
};

// A damaged file (see CorruptStateError) is renamed to banjo.db.corrupt-YYYYMMDDTHHMMSSZ (`now`,
// UTC; -1, -2... when taken) together with its -wal, -shm and -journal, which keep their
// suffixes so that sqlite3 opens the copy as it was; then a new store is made. A rename needs
// no free space, so this works on a full disk too (only the new store may then fail).
StateOpening open_state(const std::string& state_dir, Usec now);

// The marker STATE_DIR/banjo.db-unsaved says "the store lacks changes made since the marker's
// time" to the next banjod, should this one stop (or be killed) before it could write them. An
// empty file, made when a write first fails: it needs no data block, so a full disk takes it.
// Errors are ignored (a directory that takes not even this leaves the next start no wiser).
void mark_unsaved(const std::string& state_dir) noexcept;
void clear_unsaved(const std::string& state_dir) noexcept;

}  // namespace banjo
