// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target for the configuration loader: fuzz bytes become banjo.toml, jail.d/fuzz.toml
// and filter.d/fuzz.toml (split at lines "----") in a temp dir, read by load_config() with that
// filter.d as the only filter directory (the shipped filters are fuzz_filter_file's, and would
// slow every run down). Either a Config comes back whose every jail's filter compiles
// in its mode and whose journal matches route, or a ConfigError naming one of the files read,
// at a line of it; never a crash, never another exception.
#include "config/config.hpp"
#include "journal/entry_router.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

// One directory for the whole run, removed at exit.
struct Files {
    fs::path dir;
    fs::path config, jail, filter;
    Files() {
        std::string pattern = (fs::temp_directory_path() / "banjo-fuzz-config-XXXXXX").string();
        require(mkdtemp(pattern.data()) != nullptr);
        dir = pattern;
        fs::create_directories(dir / "jail.d");
        fs::create_directories(dir / "filter.d");
        config = dir / "banjo.toml";
        jail = dir / "jail.d" / "fuzz.toml";
        filter = dir / "filter.d" / "fuzz.toml";
    }
    ~Files() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
};

void write(const fs::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    require(out.good());
}

// The part of `text` before the next separator line; `text` moves past it.
std::string_view next_part(std::string_view& text) {
    static constexpr std::string_view separator = "\n----\n";
    const std::size_t at = text.find(separator);
    const std::string_view part = text.substr(0, at);
    text = at == std::string_view::npos ? std::string_view() : text.substr(at + separator.size());
    return part;
}

bool inside(const std::string& file, const fs::path& dir) {
    const std::string prefix = dir.string() + "/";
    return file.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const Files files;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    write(files.config, next_part(text));
    write(files.jail, next_part(text));
    write(files.filter, next_part(text));

    banjo::Config config;
    try {
        config = banjo::load_config(files.config.string(), {(files.dir / "filter.d").string()});
    } catch (const banjo::ConfigError& e) {
        const std::string& file = e.where().file;
        require(inside(file, files.dir));
        require(e.where().line >= 1);
        return 0;
    }
    std::vector<banjo::EntryRouter::Groups> matches;
    for (const banjo::JailConfig& jail : config.jails) {
        require(!jail.settings.name.empty());
        (void)banjo::Filter::compile(jail.filter, jail.settings.mode);
        (void)banjo::jail_fingerprint(jail);
        matches.push_back(banjo::effective_journal_match(jail));
    }
    banjo::EntryRouter router(matches);
    (void)router.union_groups();
    return 0;
}
