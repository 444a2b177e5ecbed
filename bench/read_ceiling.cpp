// SPDX-License-Identifier: GPL-2.0-or-later
// read_ceiling [--fields F1,F2,...] DIR [FIELD=value ... [+ FIELD=value ...]]
// The fastest a journal reader can go: open DIR, add the matches (groups separated by "+", as
// journalctl takes them), step through every entry and read its realtime and the named fields
// (default MESSAGE), nothing else. banjod --replay over the same journal is measured against
// this (bench/replay-vs-ceiling), which passes the matches banjod's reader sets and the fields
// banjod reads per entry (MESSAGE, the filter's id-field, and the fields its router checks).
// The fields are taken in one walk over the entry's data (sd_journal_enumerate_data), the
// cheapest way to read several: each sd_journal_get_data walks from the first field, and an
// absent field costs a walk over all of them. Each item's name is compared as banjod's
// EntryFields does (by length first), so that the ceiling's own loop is no slower than banjod's.
// The values are copied out, as any reader that keeps more than one field must (the library's
// view of a value ends at its next read).
// Deliberately plain sd_journal, without banjo's wrappers, so it measures the library alone.
#include <systemd/sd-journal.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

int fail(const char* call, int r) {
    std::fprintf(stderr, "read_ceiling: %s: %s\n", call, std::strerror(-r));
    return 1;
}

std::vector<std::string> split_fields(std::string_view list) {
    std::vector<std::string> out;
    while (!list.empty()) {
        auto comma = list.find(',');
        out.emplace_back(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> fields{"MESSAGE"};
    int arg = 1;
    if (arg + 1 < argc && std::strcmp(argv[arg], "--fields") == 0) {
        fields = split_fields(argv[arg + 1]);
        arg += 2;
    }
    if (arg >= argc || fields.empty()) {
        std::fprintf(stderr, "usage: read_ceiling [--fields F1,F2,...] DIR [FIELD=value ... [+ FIELD=value ...]]\n");
        return 2;
    }
    sd_journal* j = nullptr;
    int r = sd_journal_open_directory(&j, argv[arg], 0);
    if (r < 0)
        return fail("sd_journal_open_directory", r);
    // The same threshold banjod uses.
    if ((r = sd_journal_set_data_threshold(j, 8 * 1024)) < 0)
        return fail("sd_journal_set_data_threshold", r);
    for (int i = arg + 1; i < argc; ++i) {
        r = std::strcmp(argv[i], "+") == 0 ? sd_journal_add_disjunction(j)
                                           : sd_journal_add_match(j, argv[i], 0);
        if (r < 0)
            return fail("sd_journal_add_match", r);
    }

    std::size_t longest = 0;
    for (const auto& f : fields) longest = std::max(longest, f.size());
    std::vector<std::string> values(fields.size());
    std::vector<char> found(fields.size());
    std::uint64_t entries = 0, bytes = 0, last_usec = 0;
    std::vector<std::uint64_t> counts(fields.size());
    while ((r = sd_journal_next(j)) > 0) {
        ++entries;
        if ((r = sd_journal_get_realtime_usec(j, &last_usec)) < 0)
            return fail("sd_journal_get_realtime_usec", r);
        std::fill(found.begin(), found.end(), 0);
        std::size_t missing = fields.size();
        sd_journal_restart_data(j);
        const void* data = nullptr;
        std::size_t size = 0;
        while (missing > 0 && sd_journal_enumerate_data(j, &data, &size) > 0) {
            std::string_view item(static_cast<const char*>(data), size);
            // The name ends at the first '=': compare names only where the lengths agree.
            const void* eq = std::memchr(item.data(), '=', std::min(item.size(), longest + 1));
            if (!eq) continue;
            const std::size_t name_size = static_cast<std::size_t>(static_cast<const char*>(eq) - item.data());
            for (std::size_t f = 0; f < fields.size(); ++f) {
                if (found[f] || fields[f].size() != name_size || std::memcmp(fields[f].data(), item.data(), name_size) != 0)
                    continue;
                values[f].assign(item.substr(name_size + 1));
                found[f] = 1;
                --missing;
                ++counts[f];
                bytes += values[f].size();
                break;
            }
        }
    }
    if (r < 0)
        return fail("sd_journal_next", r);
    sd_journal_close(j);
    // Printed so that the reads cannot be optimised away, and as a cross-check on banjod's count.
    std::printf("%llu entries, %llu bytes of fields, last at %llu;", (unsigned long long)entries,
                (unsigned long long)bytes, (unsigned long long)last_usec);
    for (std::size_t f = 0; f < fields.size(); ++f)
        std::printf(" %s in %llu", fields[f].c_str(), (unsigned long long)counts[f]);
    std::printf("\n");
    return 0;
}
