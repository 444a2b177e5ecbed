// SPDX-License-Identifier: GPL-2.0-or-later
// A journal-match as a filter or jail writes it -> the terms the journal reader uses, and the
// question whether someone other than the daemon can write entries that satisfy it.
//
// Only fields journald fills in from the sender's kernel credentials can be trusted (their
// names start with '_'; journald drops such fields from what a client sends). Of those, the
// unit (_SYSTEMD_UNIT, from the cgroup) and the executable (_EXE) alone do not suffice: a
// user's process can sit in a service's cgroup (a login without pam_systemd) and anyone can
// run /usr/sbin/sshd. _UID can: it is the sender's uid, which only root can change. So every
// group must require _UID (the daemon's user or root), or come from the kernel itself
// (_TRANSPORT=kernel or audit, which only root can write).
//
// _UID terms may name a user ("_UID=postfix"), since system users' numbers differ from host to
// host: resolve_journal_users() replaces the name by this host's number. A name this host
// does not know stays as written; journald writes _UID as a number, so such a term can never
// match an entry, and a group whose every _UID term is such a name is dead.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace banjo {

using JournalMatchGroups = std::vector<std::vector<std::string>>;

// A user name -> its uid; nullopt for an unknown user.
using UserLookup = std::function<std::optional<std::uint32_t>(const std::string& name)>;

// This host's user database (getpwnam_r: /etc/passwd, and whatever nsswitch.conf adds).
std::optional<std::uint32_t> host_user_id(const std::string& name);

struct ResolvedJournalMatch {
    JournalMatchGroups groups;               // _UID=NAME replaced by _UID=NUMBER where NAME exists
    // One message per group that can never match because none of its _UID users exists.
    std::vector<std::string> dead_groups;
};

ResolvedJournalMatch resolve_journal_users(const JournalMatchGroups& groups, const UserLookup& lookup);

// One message per group that someone other than the daemon (and root) can satisfy: a group
// made only of fields the sending program sets (SYSLOG_IDENTIFIER, CONTAINER_NAME, MESSAGE_ID,
// any field without a leading '_'), or one that does not require _UID. No groups at all (every
// entry) is one such message too.
std::vector<std::string> forgeable_groups(const JournalMatchGroups& groups);

// ["A=1", "B=2"] as it is written in TOML, for messages.
std::string journal_group_text(const std::vector<std::string>& group);

}  // namespace banjo
