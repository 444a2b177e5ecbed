// SPDX-License-Identifier: GPL-2.0-or-later
// The system test's forger: preloaded (LD_PRELOAD) into a real /usr/sbin/sshd started by an
// unprivileged user, it writes FORGED_COUNT sshd-worded failures naming FORGED_ADDRESS to
// syslog before sshd's main() runs, then exits. journald records the entries with
// _EXE=/usr/sbin/sshd (the process's executable) and the user's _UID: what a local user can do
// on any host, since sshd is not setuid. It stays alive a moment after the last line, so that
// journald still finds the process in /proc when it reads its _EXE and cgroup.
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

__attribute__((constructor)) static void forge(void) {
    const char *address = getenv("FORGED_ADDRESS");
    const char *count = getenv("FORGED_COUNT");
    if (!address) return;
    int n = count ? atoi(count) : 5;
    openlog("sshd", LOG_PID, LOG_AUTH);
    for (int i = 0; i < n; i++) syslog(LOG_INFO, "Failed password for root from %s port 22 ssh2", address);
    closelog();
    sleep(2);
    _exit(0);
}
