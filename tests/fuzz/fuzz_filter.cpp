// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target for the hot path: arbitrary bytes as a journal MESSAGE against every shipped
// filter in every mode, through the session table. Beyond not crashing (a hostile log line is
// ordinary input), a match must point into the message it was given, and the address it counts
// must be the parsed form of text the pattern captured.
#include "config/filter_file.hpp"
#include "core/filter.hpp"
#include "core/session_table.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

std::vector<banjo::Filter>& filters() {
    static std::vector<banjo::Filter> all = [] {
        std::vector<banjo::Filter> out;
        for (const auto& entry : std::filesystem::directory_iterator(BANJO_SOURCE_ROOT "/conf/filter.d")) {
            banjo::FilterSpec spec = banjo::load_filter_file(entry.path().string());
            out.push_back(banjo::Filter::compile(spec, ""));
            for (const auto& [mode, unused] : spec.modes) out.push_back(banjo::Filter::compile(spec, mode));
        }
        return out;
    }();
    return all;
}

bool inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view message(reinterpret_cast<const char*>(data), size);
    banjo::SessionTable sessions(64, banjo::default_session_max_age_usec);
    for (const banjo::Filter& filter : filters()) {
        auto m = filter.match(message);
        if (!m) continue;
        require(inside(m->host, message) && inside(m->user, message) && inside(m->id, message));
        require(m->pattern_index < filter.failregex_texts().size());
        if (m->address) require(banjo::Address::parse(m->host) == m->address);
        (void)sessions.feed(*m, m->id, banjo::Usec(1));
    }
    return 0;
}
