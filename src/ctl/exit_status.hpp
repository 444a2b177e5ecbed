// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl's exit codes (documented in banjoctl(1)) and the one error type that carries one.
// Commands throw CtlError; main prints "banjoctl: MESSAGE" and exits with its code.
#pragma once

#include <stdexcept>
#include <string>

namespace banjo {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;       // the daemon refused or failed; a local command failed
inline constexpr int exit_usage = 2;         // bad command line
inline constexpr int exit_unreachable = 3;   // banjod (or the system bus) cannot be reached

class CtlError : public std::runtime_error {
public:
    // `error_name`: the D-Bus error name when the daemon sent one ("" otherwise), for --json.
    CtlError(int exit_code, const std::string& message, std::string error_name = {})
        : std::runtime_error(message), exit_code_(exit_code), error_name_(std::move(error_name)) {}
    int exit_code() const noexcept { return exit_code_; }
    const std::string& error_name() const noexcept { return error_name_; }

private:
    int exit_code_;
    std::string error_name_;
};

inline CtlError usage_error(const std::string& message) { return CtlError(exit_usage, message); }

}  // namespace banjo
