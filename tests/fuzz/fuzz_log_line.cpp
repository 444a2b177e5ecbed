// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target for what a log file line goes through before the filters: the splitter
// (bytes cut at random places, lines at most 64 KiB, offsets exact), the syslog header split,
// every time stamp form and a datepattern. Beyond not crashing: a line never exceeds the limit,
// a found time stamp lies inside its line, and the offsets add up to the bytes fed.
#include "logfile/line_splitter.hpp"
#include "logfile/log_line.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace banjo;
    if (size == 0) return 0;
    // The first byte picks the piece size the bytes arrive in (a writer's partial lines).
    const std::size_t piece = 1 + data[0] % 97;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    static const DatePattern pattern("%d/%b/%Y:%H:%M:%S %z");
    LogTimeReader detected;
    LogTimeReader patterned(pattern);
    const Usec reference(1'700'000'000'000'000LL);
    LineSplitter splitter(7);
    std::uint64_t last_end = 7;
    auto each = [&](std::string_view line, std::uint64_t end) {
        require(line.size() <= LineSplitter::max_line_bytes);
        require(end > last_end && end <= 7 + bytes.size());
        last_end = end;
        const LogLine l = read_log_line(line, detected, reference);
        require(l.fields.message.size() <= line.size() + 1);
        for (LogTimeReader* r : {&detected, &patterned})
            if (auto t = r->read(line, reference)) require(t->begin <= t->end && t->end <= line.size());
        (void)log_line_id(l.fields, "_PID");
    };
    for (std::size_t at = 0; at < bytes.size(); at += piece) splitter.feed(bytes.substr(at, piece), each);
    require(splitter.fed_offset() == 7 + bytes.size());
    require(splitter.line_end_offset() <= splitter.fed_offset());
    return 0;
}
