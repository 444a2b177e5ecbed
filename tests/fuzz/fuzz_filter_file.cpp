// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target for the filter file reader and the pattern compiler: any text as a filter
// file either becomes a FilterSpec that compiles in every mode or is refused with a
// ConfigError naming a place in it; never a crash, never another exception.
#include "config/filter_file.hpp"
#include "core/filter.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        banjo::FilterSpec spec = banjo::parse_filter_toml(text, "fuzz.toml");
        banjo::Filter::check(spec);
    } catch (const banjo::ConfigError& e) {
        if (e.where().file != "fuzz.toml") std::abort();
    }
    return 0;
}
