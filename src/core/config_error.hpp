// SPDX-License-Identifier: GPL-2.0-or-later
// The one error type of setup and configuration: it names the file and line a person must
// fix, and prints as "FILE:LINE: message" like a compiler does.
#pragma once

#include <stdexcept>
#include <string>

namespace banjo {

struct SourceLocation {
    std::string file;   // empty when the text did not come from a file (command line, D-Bus)
    int line = 0;       // 0 = unknown
};

class ConfigError : public std::runtime_error {
public:
    ConfigError(SourceLocation where, const std::string& message)
        : std::runtime_error(format(where, message)), where_(std::move(where)), message_(message) {}

    const SourceLocation& where() const noexcept { return where_; }
    const std::string& message() const noexcept { return message_; }

private:
    static std::string format(const SourceLocation& w, const std::string& m) {
        if (w.file.empty()) return m;
        return w.file + ":" + std::to_string(w.line) + ": " + m;
    }
    SourceLocation where_;
    std::string message_;
};

}  // namespace banjo
