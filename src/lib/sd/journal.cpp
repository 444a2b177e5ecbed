// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/sd/journal.hpp"

#include "lib/sd/check.hpp"

#include <systemd/sd-journal.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace banjo::sd {

void Journal::Closer::operator()(sd_journal* j) const noexcept {
    sd_journal_close(j);
}

Journal Journal::open(int flags) {
    sd_journal* j = nullptr;
    check(sd_journal_open(&j, flags), "sd_journal_open");
    return Journal(j);
}

Journal Journal::open_directory(const std::string& path, int flags) {
    sd_journal* j = nullptr;
    check(sd_journal_open_directory(&j, path.c_str(), flags), "sd_journal_open_directory");
    return Journal(j);
}

Journal Journal::open_files(const std::vector<std::string>& paths, int flags) {
    std::vector<const char*> argv;
    argv.reserve(paths.size() + 1);
    for (const auto& p : paths)
        argv.push_back(p.c_str());
    argv.push_back(nullptr);
    sd_journal* j = nullptr;
    check(sd_journal_open_files(&j, argv.data(), flags), "sd_journal_open_files");
    return Journal(j);
}

void Journal::add_match(std::string_view term) {
    check(sd_journal_add_match(j_.get(), term.data(), term.size()), "sd_journal_add_match");
}

void Journal::add_disjunction() {
    check(sd_journal_add_disjunction(j_.get()), "sd_journal_add_disjunction");
}

void Journal::flush_matches() {
    sd_journal_flush_matches(j_.get());
}

void Journal::set_data_threshold(std::size_t bytes) {
    check(sd_journal_set_data_threshold(j_.get(), bytes), "sd_journal_set_data_threshold");
}

void Journal::seek_head() {
    check(sd_journal_seek_head(j_.get()), "sd_journal_seek_head");
}

void Journal::seek_tail() {
    check(sd_journal_seek_tail(j_.get()), "sd_journal_seek_tail");
}

void Journal::seek_realtime_usec(std::uint64_t usec) {
    check(sd_journal_seek_realtime_usec(j_.get(), usec), "sd_journal_seek_realtime_usec");
}

void Journal::seek_cursor(const std::string& cursor) {
    check(sd_journal_seek_cursor(j_.get(), cursor.c_str()), "sd_journal_seek_cursor");
}

bool Journal::test_cursor(const std::string& cursor) const {
    return check(sd_journal_test_cursor(j_.get(), cursor.c_str()), "sd_journal_test_cursor") > 0;
}

bool Journal::next() {
    return check(sd_journal_next(j_.get()), "sd_journal_next") > 0;
}

bool Journal::previous() {
    return check(sd_journal_previous(j_.get()), "sd_journal_previous") > 0;
}

std::uint64_t Journal::realtime_usec() const {
    std::uint64_t usec = 0;
    check(sd_journal_get_realtime_usec(j_.get(), &usec), "sd_journal_get_realtime_usec");
    return usec;
}

std::string Journal::cursor() const {
    char* c = nullptr;
    check(sd_journal_get_cursor(j_.get(), &c), "sd_journal_get_cursor");
    std::unique_ptr<char, decltype(&std::free)> owned(c, &std::free);
    return std::string(c);
}

std::optional<std::string_view> Journal::data(const char* field) const {
    const void* d = nullptr;
    std::size_t l = 0;
    int r = sd_journal_get_data(j_.get(), field, &d, &l);
    if (r >= 0)
        return std::string_view(static_cast<const char*>(d), l);
    switch (-r) {
    case ENOENT:          // no such field in this entry
    case EBADMSG:         // corrupt object
    case EPROTONOSUPPORT: // compressed with an algorithm this libsystemd lacks
    case E2BIG:
    case ENOBUFS:
        return std::nullopt;
    default:
        check(r, "sd_journal_get_data");
        return std::nullopt;
    }
}

int Journal::fd() const {
    return check(sd_journal_get_fd(j_.get()), "sd_journal_get_fd");
}

int Journal::events() const {
    return check(sd_journal_get_events(j_.get()), "sd_journal_get_events");
}

std::uint64_t Journal::timeout_usec() const {
    std::uint64_t usec = 0;
    check(sd_journal_get_timeout(j_.get(), &usec), "sd_journal_get_timeout");
    return usec;
}

int Journal::process() {
    return check(sd_journal_process(j_.get()), "sd_journal_process");
}

void Journal::restart_data() const { sd_journal_restart_data(j_.get()); }

std::optional<std::string_view> Journal::enumerate_data() const {
    const void* d = nullptr;
    std::size_t l = 0;
    int r = sd_journal_enumerate_available_data(j_.get(), &d, &l);
    if (r > 0) return std::string_view(static_cast<const char*>(d), l);
    if (r < 0) check(r, "sd_journal_enumerate_available_data");
    return std::nullopt;
}

}  // namespace banjo::sd
