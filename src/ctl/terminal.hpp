// SPDX-License-Identifier: GPL-2.0-or-later
// How banjoctl's text output looks where it goes: colour only on a terminal (never when piped,
// never with NO_COLOR set or SYSTEMD_COLORS=0; SYSTEMD_COLORS=1 forces it, as in systemd), and
// text from outside (log lines, user names) made safe to print: an attacker's escape sequence
// must not reach the administrator's terminal.
#pragma once

#include "text/printable.hpp"   // what text from outside goes through before it is shown

#include <string>
#include <string_view>

namespace banjo {

enum class Colour { none, bold, underline, green, red, yellow, grey };

class Terminal {
public:
    // Decides for stdout from isatty(1), TERM, NO_COLOR and SYSTEMD_COLORS.
    static Terminal for_stdout();
    static Terminal plain() { return Terminal(false); }

    bool colour() const noexcept { return colour_; }
    // text wrapped in the colour's escape sequence, or text itself when colour is off.
    std::string paint(std::string_view text, Colour c) const;

private:
    explicit Terminal(bool colour) : colour_(colour) {}
    bool colour_;
};

// The columns a printable() string takes: one per code point (no wide characters assumed).
std::size_t display_width(std::string_view s);

}  // namespace banjo
