// SPDX-License-Identifier: GPL-2.0-or-later
// banjoctl: the command-line client of banjod (org.banjo1 on the system bus).
#include "ctl/dispatch.hpp"

int main(int argc, char** argv) { return banjo::banjoctl_main(argc, argv); }
