// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal/journal_reader.hpp"

#include <algorithm>

#include <systemd/sd-journal.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>
#include <utility>

namespace banjo {

// Cursors are opaque, but this one field is what the journal itself falls back to, and it is
// all that is left of an entry that was vacuumed.
std::optional<Usec> JournalReader::cursor_realtime(std::string_view cursor) {
    while (!cursor.empty()) {
        auto end = cursor.find(';');
        auto item = cursor.substr(0, end);
        if (item.size() > 2 && item[0] == 't' && item[1] == '=') {
            std::uint64_t usec = 0;
            auto [p, ec] = std::from_chars(item.data() + 2, item.data() + item.size(), usec, 16);
            if (ec != std::errc() || p != item.data() + item.size())
                return std::nullopt;
            return from_wire_usec(usec);
        }
        if (end == std::string_view::npos)
            break;
        cursor.remove_prefix(end + 1);
    }
    return std::nullopt;
}

bool JournalReader::is_at(const std::string& cursor) const {
    return journal_.test_cursor(cursor);
}

JournalReader::JournalReader(sd::Journal j) : journal_(std::move(j)) {
    journal_.set_data_threshold(data_threshold_bytes);
}

JournalReader JournalReader::open_system() {
    return JournalReader(sd::Journal::open(SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM));
}

JournalReader JournalReader::open_directory(const std::string& path) {
    return JournalReader(sd::Journal::open_directory(path, 0));
}

JournalReader JournalReader::open_files(const std::vector<std::string>& paths) {
    return JournalReader(sd::Journal::open_files(paths, 0));
}

void JournalReader::set_matches(const std::vector<std::vector<std::string>>& groups) {
    journal_.flush_matches();
    on_pending_entry_ = false;
    // An empty group matches every entry, and so does a journal without matches.
    for (const auto& group : groups)
        if (group.empty())
            return;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        if (i > 0)
            journal_.add_disjunction();
        for (const auto& term : groups[i])
            journal_.add_match(term);
    }
}

void JournalReader::seek_head() {
    on_pending_entry_ = false;
    journal_.seek_head();
}

void JournalReader::seek_tail() {
    on_pending_entry_ = false;
    journal_.seek_tail();
    // libsystemd 252 answers next() after seek_tail with the last entry, which is not new:
    // stand on it, so that next() moves past it.
    journal_.previous();
}

void JournalReader::seek_realtime(Usec time) {
    on_pending_entry_ = false;
    journal_.seek_realtime_usec(to_wire_usec(time));
}

bool JournalReader::seek_after_cursor(const std::string& cursor) {
    on_pending_entry_ = false;
    auto cursor_time = cursor_realtime(cursor);
    try {
        journal_.seek_cursor(cursor);
    } catch (const std::system_error& e) {
        if (e.code().value() == EINVAL)
            return false;
        throw;
    }
    // Nothing after the cursor yet: the journal keeps the sought place, so entries appended
    // later are the next ones.
    if (!journal_.next())
        return true;
    // The saved entry itself: the following next() moves past it.
    if (journal_.test_cursor(cursor))
        return true;
    // The saved entry is gone (vacuumed, or a different set of files). The journal placed us
    // by its own ordering; never re-process what lies at or before the saved timestamp.
    if (cursor_time && realtime() <= *cursor_time) {
        journal_.seek_realtime_usec(to_wire_usec(*cursor_time) + 1);
        return true;
    }
    on_pending_entry_ = true;
    return true;
}

bool JournalReader::next() {
    if (on_pending_entry_) {
        on_pending_entry_ = false;
        return true;
    }
    return journal_.next();
}

Usec JournalReader::realtime() const {
    return from_wire_usec(journal_.realtime_usec());
}

std::string JournalReader::cursor() const {
    return journal_.cursor();
}

std::optional<std::string_view> JournalReader::field(const char* name) const {
    auto data = journal_.data(name);
    if (!data)
        return std::nullopt;
    // Uncompressed payloads come whole whatever the threshold; cut them here too.
    if (data->size() > data_threshold_bytes)
        data = data->substr(0, data_threshold_bytes);
    auto prefix = std::strlen(name) + 1;
    if (data->size() < prefix)
        return std::string_view();
    return data->substr(prefix);
}

std::optional<std::string_view> JournalReader::message_with(std::string_view companion, std::string& companion_value,
                                                           bool& companion_found) const {
    constexpr std::string_view message_prefix = "MESSAGE=";
    companion_found = false;
    journal_.restart_data();
    while (auto data = journal_.enumerate_data()) {
        if (data->starts_with(message_prefix)) {
            std::string_view value = data->substr(message_prefix.size());
            if (value.size() > data_threshold_bytes) value = value.substr(0, data_threshold_bytes);
            return value;
        }
        if (!companion.empty() && !companion_found && data->size() > companion.size() &&
            data->starts_with(companion) && (*data)[companion.size()] == '=') {
            std::string_view value = data->substr(companion.size() + 1);
            companion_value.assign(value.substr(0, std::min(value.size(), data_threshold_bytes)));
            companion_found = true;
        }
    }
    return std::nullopt;
}

bool JournalReader::read_batch(EntryBatch& batch) {
    batch.clear();
    while (!batch.full() && next()) read_entry(batch);
    return batch.size() > 0;
}

void JournalReader::read_entry(EntryBatch& batch) const {
    batch.start_entry(realtime());
    journal_.restart_data();
    while (auto data = journal_.enumerate_data())
        if (!batch.offer(*data, data_threshold_bytes)) break;
}

int JournalReader::fd() const {
    return journal_.fd();
}

int JournalReader::events() const {
    return journal_.events();
}

std::uint64_t JournalReader::timeout_usec() const {
    return journal_.timeout_usec();
}

int JournalReader::process() {
    return journal_.process();
}

}  // namespace banjo
