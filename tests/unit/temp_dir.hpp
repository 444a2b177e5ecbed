// SPDX-License-Identifier: GPL-2.0-or-later
// A directory of files a test writes, removed when the test ends: the fake file system of the
// tests that read configuration (ninja's VirtualFileSystem plays this role there).
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace banjo::test {

struct TempDir {
    std::filesystem::path dir;

    explicit TempDir(const std::string& prefix) {
        std::random_device rd;
        dir = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(rd()));
        std::filesystem::create_directories(dir);
    }
    ~TempDir() { std::filesystem::remove_all(dir); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

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
