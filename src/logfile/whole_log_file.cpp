// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/whole_log_file.hpp"

#include "logfile/log_file.hpp"

#include <stdexcept>

namespace banjo {

namespace {

LogTimeReader time_reader(const std::string& datepattern) {
    return datepattern.empty() ? LogTimeReader() : LogTimeReader(DatePattern(datepattern));
}

}  // namespace

void read_whole_log_file(const std::string& path, const std::string& datepattern, const WholeFileLine& on_line) {
    LogFile file(path);
    file.open(std::nullopt);
    if (!file.is_open()) throw std::runtime_error("cannot read " + path + ": " + file.problem());
    LogTimeReader times = time_reader(datepattern);
    const Usec reference = file.modified();
    std::uint64_t number = 0;
    // One file, read once to its end: a rotation meanwhile is not followed.
    while (file.read(1 << 20, [&](std::string_view raw, std::uint64_t) {
        on_line(++number, raw, read_log_line(raw, times, reference));
    }) > 0) {
    }
    file.finish([&](std::string_view raw, std::uint64_t) { on_line(++number, raw, read_log_line(raw, times, reference)); });
}

void read_log_stream(std::istream& in, const std::string& datepattern, Usec reference, const WholeFileLine& on_line) {
    LineSplitter splitter;
    LogTimeReader times = time_reader(datepattern);
    std::uint64_t number = 0;
    auto each = [&](std::string_view raw, std::uint64_t) { on_line(++number, raw, read_log_line(raw, times, reference)); };
    char buf[64 * 1024];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) splitter.feed(std::string_view(buf, static_cast<std::size_t>(in.gcount())), each);
    // A last line without its newline is a line here: nothing will be appended to it.
    splitter.finish(each);
}

}  // namespace banjo
