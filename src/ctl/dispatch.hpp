// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl as a function: parses argv, runs the command, prints errors; returns the exit status.
#pragma once

namespace banjo {

int banjoctl_main(int argc, char** argv);

}  // namespace banjo
