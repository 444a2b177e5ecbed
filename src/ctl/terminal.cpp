// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/terminal.hpp"

#include <cstdlib>
#include <cstring>
#include <strings.h>
#include <unistd.h>

namespace banjo {

namespace {

// systemd's parse_boolean words; -1 for anything else.
int boolean_word(const char* v) {
    for (const char* t : {"1", "yes", "y", "true", "t", "on"})
        if (strcasecmp(v, t) == 0) return 1;
    for (const char* f : {"0", "no", "n", "false", "f", "off"})
        if (strcasecmp(v, f) == 0) return 0;
    return -1;
}

}  // namespace

Terminal Terminal::for_stdout() {
    if (const char* nc = std::getenv("NO_COLOR"); nc && *nc) return Terminal(false);
    if (const char* sc = std::getenv("SYSTEMD_COLORS")) {
        int b = boolean_word(sc);
        if (b == 0) return Terminal(false);
        if (b == 1 || std::strcmp(sc, "16") == 0 || std::strcmp(sc, "256") == 0 || std::strcmp(sc, "24bit") == 0)
            return Terminal(true);
    }
    const char* term = std::getenv("TERM");
    return Terminal(isatty(STDOUT_FILENO) == 1 && !(term && std::strcmp(term, "dumb") == 0));
}

std::string Terminal::paint(std::string_view text, Colour c) const {
    if (!colour_ || c == Colour::none) return std::string(text);
    const char* on = "";
    switch (c) {
    case Colour::none: break;
    case Colour::bold: on = "\x1b[1m"; break;
    case Colour::underline: on = "\x1b[4m"; break;
    case Colour::green: on = "\x1b[0;1;32m"; break;
    case Colour::red: on = "\x1b[0;1;31m"; break;
    case Colour::yellow: on = "\x1b[0;1;33m"; break;
    case Colour::grey: on = "\x1b[0;38;5;245m"; break;
    }
    return on + std::string(text) + "\x1b[0m";
}

std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    for (unsigned char c : s)
        if ((c & 0xc0) != 0x80) ++w;
    return w;
}

}  // namespace banjo
