// SPDX-License-Identifier: GPL-2.0-or-later
// Test helper: `import_fail2ban_driver ARGS...` is `banjoctl import-fail2ban ARGS...` without
// the rest of banjoctl (no D-Bus), for tests/integration/import_fail2ban_test.sh.
#include "fail2ban/import_command.hpp"

#include <string>
#include <vector>

int main(int argc, char** argv) {
    std::vector<char*> args{const_cast<char*>("import-fail2ban")};
    for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    return banjo::import_fail2ban_command(static_cast<int>(args.size()) - 1, args.data());
}
