// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/journal_match.hpp"

#include <optional>
#include <set>

namespace banjo {
namespace {

// Python's shlex.split (POSIX mode), which fail2ban applies to each journalmatch line:
// whitespace separates words, quotes group, a backslash escapes outside single quotes.
std::optional<std::vector<std::string>> shell_words(std::string_view line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            if (in_word) words.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else if (c == '\'') {
            std::size_t end = line.find('\'', i + 1);
            if (end == std::string_view::npos) return std::nullopt;
            word += line.substr(i + 1, end - i - 1);
            i = end;
            in_word = true;
        } else if (c == '"') {
            ++i;
            for (; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\' || line[i + 1] == '$'))
                    ++i;
                word += line[i];
            }
            if (i >= line.size()) return std::nullopt;
            in_word = true;
        } else if (c == '\\') {
            if (i + 1 < line.size()) word += line[++i];
            in_word = true;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(std::move(word));
    return words;
}

bool valid_field(std::string_view f) {
    if (f.empty() || f.size() > 64 || (f[0] >= '0' && f[0] <= '9') || f.substr(0, 2) == "__") return false;
    for (char c : f)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

}  // namespace

TranslatedJournalMatch translate_journalmatch(std::string_view value) {
    TranslatedJournalMatch t;
    std::set<std::string> sender_fields;
    std::size_t pos = 0;
    while (pos <= value.size()) {
        std::size_t end = value.find('\n', pos);
        if (end == std::string_view::npos) end = value.size();
        std::string_view line = value.substr(pos, end - pos);
        pos = end + 1;
        auto words = shell_words(line);
        if (!words) {
            t.error = "journalmatch: unbalanced quote in \"" + std::string(line) + "\"";
            return t;
        }
        std::vector<std::string> group;
        auto close = [&] {
            if (!group.empty()) t.groups.push_back(std::move(group));
            group.clear();
        };
        for (auto& w : *words) {
            if (w == "+") {
                close();
                continue;
            }
            auto eq = w.find('=');
            if (eq == std::string::npos || !valid_field(std::string_view(w).substr(0, eq))) {
                t.error = "journalmatch: \"" + w + "\" is not FIELD=value with an upper-case journal field name";
                return t;
            }
            // Fields without a leading '_' come from the sender, not from journald.
            if (w[0] != '_') sender_fields.insert(w.substr(0, eq));
            group.push_back(std::move(w));
        }
        close();
    }
    for (const auto& f : sender_fields)
        t.warnings.push_back("journal-match on " + f + ": the sending program sets that field, so any local user can "
                             "log an entry that carries it (only the _UID term keeps other users' entries out); "
                             "prefer fields journald sets itself (_SYSTEMD_UNIT, _EXE)");
    return t;
}

bool require_daemon_users(std::vector<std::vector<std::string>>& groups, const std::vector<std::string>& users) {
    bool changed = false;
    for (auto& group : groups) {
        bool has_uid = false, kernel = false, other_transport = false;
        for (const auto& term : group) {
            has_uid = has_uid || term.rfind("_UID=", 0) == 0;
            if (term.rfind("_TRANSPORT=", 0) == 0) {
                bool k = term == "_TRANSPORT=kernel" || term == "_TRANSPORT=audit";
                kernel = kernel || k;
                other_transport = other_transport || !k;
            }
        }
        if (has_uid || (kernel && !other_transport)) continue;
        for (const auto& u : users) group.push_back("_UID=" + u);
        changed = true;
    }
    return changed;
}

std::string journal_match_text(const std::vector<std::vector<std::string>>& groups) {
    std::string out = "[";
    for (std::size_t g = 0; g < groups.size(); ++g) {
        out += g ? ", [" : "[";
        for (std::size_t i = 0; i < groups[g].size(); ++i) out += (i ? ", \"" : "\"") + groups[g][i] + "\"";
        out += "]";
    }
    return out + "]";
}

}  // namespace banjo
