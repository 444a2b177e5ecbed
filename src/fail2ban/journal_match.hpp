// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's journalmatch -> banjo's journal-match groups. fail2ban's value holds lines of
// shell-quoted "FIELD=value" terms; "+" separates alternatives and each line is an alternative
// of the lines before it (fail2ban's addJournalMatch calls sd_journal_add_disjunction). Terms
// between two "+" are AND-ed across fields, as in a banjo group.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace banjo {

struct TranslatedJournalMatch {
    std::vector<std::vector<std::string>> groups;   // empty: match nothing in particular (every entry)
    std::string error;                              // non-empty: not translatable
    std::vector<std::string> warnings;
};

TranslatedJournalMatch translate_journalmatch(std::string_view value);

// banjo believes only the daemon (banjo-filter(5), "WHO MAY WRITE"): appends "_UID=U" for each
// of `users` (numbers or user names) to every group that has no _UID term and does not read
// the kernel's own records (_TRANSPORT=kernel or audit). Returns whether a group changed.
bool require_daemon_users(std::vector<std::vector<std::string>>& groups, const std::vector<std::string>& users);

// "[[\"_SYSTEMD_UNIT=sshd.service\"], [\"_COMM=sshd\"]]"-style text, for reports.
std::string journal_match_text(const std::vector<std::vector<std::string>>& groups);

}  // namespace banjo
