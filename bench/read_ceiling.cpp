// SPDX-License-Identifier: GPL-2.0-or-later
// read_ceiling DIR [FIELD=value ... [+ FIELD=value ...]]
// The fastest a journal reader can go: open DIR, add the matches (groups separated by "+", as
// journalctl takes them), step through every entry and read its realtime and MESSAGE, nothing
// else. banjod --replay over the same journal is measured against this (bench/replay-vs-ceiling).
// Deliberately plain sd_journal, without banjo's wrappers, so it measures the library alone.
#include <systemd/sd-journal.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace {

int fail(const char* call, int r) {
    std::fprintf(stderr, "read_ceiling: %s: %s\n", call, std::strerror(-r));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: read_ceiling DIR [FIELD=value ... [+ FIELD=value ...]]\n");
        return 2;
    }
    sd_journal* j = nullptr;
    int r = sd_journal_open_directory(&j, argv[1], 0);
    if (r < 0)
        return fail("sd_journal_open_directory", r);
    // The same threshold banjod uses.
    if ((r = sd_journal_set_data_threshold(j, 8 * 1024)) < 0)
        return fail("sd_journal_set_data_threshold", r);
    for (int i = 2; i < argc; ++i) {
        r = std::strcmp(argv[i], "+") == 0 ? sd_journal_add_disjunction(j)
                                           : sd_journal_add_match(j, argv[i], 0);
        if (r < 0)
            return fail("sd_journal_add_match", r);
    }

    std::uint64_t entries = 0, messages = 0, bytes = 0, last_usec = 0;
    while ((r = sd_journal_next(j)) > 0) {
        ++entries;
        if ((r = sd_journal_get_realtime_usec(j, &last_usec)) < 0)
            return fail("sd_journal_get_realtime_usec", r);
        const void* data = nullptr;
        std::size_t size = 0;
        if (sd_journal_get_data(j, "MESSAGE", &data, &size) >= 0) {
            ++messages;
            bytes += size;
        }
    }
    if (r < 0)
        return fail("sd_journal_next", r);
    sd_journal_close(j);
    // Printed so that the reads cannot be optimised away, and as a cross-check on banjod's count.
    std::printf("%llu entries, %llu messages, %llu bytes, last at %llu\n",
                (unsigned long long)entries, (unsigned long long)messages,
                (unsigned long long)bytes, (unsigned long long)last_usec);
    return 0;
}
