// SPDX-License-Identifier: GPL-2.0-or-later
// A fresh directory for one test (mkdtemp, so tests running at the same time never share one),
// removed with everything in it when the test ends: the fake file system of the tests that read
// configuration, state and journal files (ninja's VirtualFileSystem plays this role there).
// Unit and integration tests alike include it.
#pragma once

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace banjo::test {

struct TempDir {
    std::filesystem::path dir;   // resolved (no symbolic links), as error messages name it

    explicit TempDir(const std::string& prefix = "banjo-test") {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (!mkdtemp(pattern.data())) throw std::system_error(errno, std::generic_category(), "mkdtemp");
        dir = std::filesystem::canonical(pattern);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string path() const { return dir.string(); }

    // Writes `text` to NAME (directories created as needed) and returns the file's path.
    std::string write(const std::string& name, const std::string& text) const {
        std::filesystem::create_directories((dir / name).parent_path());
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    }
    std::string read(const std::string& name) const {
        std::ifstream in(dir / name);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

}  // namespace banjo::test
