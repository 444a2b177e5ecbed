// SPDX-License-Identifier: GPL-2.0-or-later
// fail2ban's journalmatch -> banjo's journal-match groups (src/fail2ban/journal_match.cpp).
#include "fail2ban/journal_match.hpp"

#include <doctest/doctest.h>

using namespace banjo;

using Groups = std::vector<std::vector<std::string>>;

TEST_CASE("'+' separates alternatives; terms between them must all hold") {
    auto t = translate_journalmatch("_SYSTEMD_UNIT=sshd.service + _COMM=sshd");
    CHECK(t.error.empty());
    CHECK(t.groups == Groups{{"_SYSTEMD_UNIT=sshd.service"}, {"_COMM=sshd"}});
    CHECK(translate_journalmatch("_SYSTEMD_UNIT=fail2ban.service PRIORITY=5").groups ==
          Groups{{"_SYSTEMD_UNIT=fail2ban.service", "PRIORITY=5"}});
}

TEST_CASE("each line is one more alternative, as fail2ban adds a disjunction per line") {
    auto t = translate_journalmatch("_SYSTEMD_UNIT=a.service\n_SYSTEMD_UNIT=b.service _COMM=b");
    CHECK(t.groups == Groups{{"_SYSTEMD_UNIT=a.service"}, {"_SYSTEMD_UNIT=b.service", "_COMM=b"}});
}

TEST_CASE("terms are split as the shell would: quotes keep spaces in a value") {
    auto t = translate_journalmatch("_SYSTEMD_UNIT=\"my app.service\" + 'MESSAGE_ID=a b'");
    CHECK(t.groups == Groups{{"_SYSTEMD_UNIT=my app.service"}, {"MESSAGE_ID=a b"}});
}

TEST_CASE("an empty journalmatch gives no groups") {
    CHECK(translate_journalmatch("").groups.empty());
    CHECK(translate_journalmatch("  \n ").groups.empty());
}

TEST_CASE("a term that is not FIELD=value is an error") {
    CHECK(translate_journalmatch("sshd").error == "journalmatch: \"sshd\" is not FIELD=value with an upper-case journal field name");
    CHECK_FALSE(translate_journalmatch("_comm=sshd").error.empty());
    CHECK_FALSE(translate_journalmatch("_COMM='sshd").error.empty());
}

TEST_CASE("a field the sender sets itself is pointed out: any local user can forge it") {
    auto t = translate_journalmatch("SYSLOG_IDENTIFIER=roundcube");
    REQUIRE(t.warnings.size() == 1);
    CHECK(t.warnings[0].find("journal-match on SYSLOG_IDENTIFIER") == 0);
    CHECK(translate_journalmatch("_SYSTEMD_UNIT=x.service + _COMM=x").warnings.empty());
}

TEST_CASE("groups print as banjo's TOML writes them") {
    CHECK(journal_match_text({{"_COMM=a", "PRIORITY=5"}, {"_COMM=b"}}) == "[[\"_COMM=a\", \"PRIORITY=5\"], [\"_COMM=b\"]]");
}

TEST_CASE("every group without _UID is made to require the daemon's user or root") {
    Groups g{{"_SYSTEMD_UNIT=postfix@-.service"}, {"_COMM=smtpd", "_UID=107"}, {"SYSLOG_IDENTIFIER=postfix"}};
    CHECK(require_daemon_users(g, {"0", "postfix"}));
    CHECK(g == Groups{{"_SYSTEMD_UNIT=postfix@-.service", "_UID=0", "_UID=postfix"},
                      {"_COMM=smtpd", "_UID=107"},
                      {"SYSLOG_IDENTIFIER=postfix", "_UID=0", "_UID=postfix"}});
    // Groups that already say who may write, and the kernel's own records, are left alone.
    Groups kept{{"_UID=0", "_COMM=x"}, {"_TRANSPORT=audit", "_AUDIT_TYPE=1100"}};
    CHECK_FALSE(require_daemon_users(kept, {"0"}));
    CHECK(kept == Groups{{"_UID=0", "_COMM=x"}, {"_TRANSPORT=audit", "_AUDIT_TYPE=1100"}});
    // A transport a user process can use is no such record.
    Groups mixed{{"_TRANSPORT=kernel", "_TRANSPORT=syslog"}};
    CHECK(require_daemon_users(mixed, {"0"}));
}
