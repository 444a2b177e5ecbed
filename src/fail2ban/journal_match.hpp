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

// "[[\"_SYSTEMD_UNIT=sshd.service\"], [\"_COMM=sshd\"]]"-style text, for reports.
std::string journal_match_text(const std::vector<std::vector<std::string>>& groups);

}  // namespace banjo
