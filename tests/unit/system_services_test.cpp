// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/system_services.hpp"
#include "temp_dir.hpp"

#include <doctest/doctest.h>

using namespace banjo;

TEST_CASE("service names come from firewalld's service files and from services(5) lines") {
    test::TempDir t("banjo-services-test");
    t.write("usr/services/ssh.xml", "<service/>");
    t.write("etc/services/mine.xml", "<service/>");
    t.write("etc-services",
            "# comment line\n"
            "ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\n"
            "domain\t\t53/tcp\n"
            "domain\t\t53/udp\n"
            "smtp\t\t25/tcp\t\tmail\n"
            "broken\t\tnot-a-port\n"
            "toobig\t\t70000/tcp\n"
            "\n");
    SystemServiceCatalog c(ServiceFiles{{(t.dir / "etc/services").string(), (t.dir / "usr/services").string()},
                                        (t.dir / "etc-services").string()});
    CHECK(c.is_firewalld_service("ssh"));
    CHECK(c.is_firewalld_service("mine"));
    CHECK_FALSE(c.is_firewalld_service("domain"));
    CHECK(c.ports_of("domain") == std::vector<ServicePort>{{53, "tcp"}, {53, "udp"}});
    CHECK(c.ports_of("mail") == std::vector<ServicePort>{{25, "tcp"}});   // an alias
    CHECK(c.ports_of("broken").empty());
    CHECK(c.ports_of("toobig").empty());
    CHECK(c.ports_of("nothing").empty());
}

TEST_CASE("a missing services file means no names, not an error") {
    test::TempDir t("banjo-services-test");
    t.write("services/ssh.xml", "<service/>");
    SystemServiceCatalog c(ServiceFiles{{(t.dir / "services").string()}, "/nonexistent/banjo/etc-services"});
    CHECK(c.ports_of("ssh").empty());
    CHECK_FALSE(c.is_firewalld_service("sips"));
}

TEST_CASE("without firewalld installed, any name is taken as its service: nothing can refuse it") {
    SystemServiceCatalog c(ServiceFiles{{"/nonexistent/banjo/services"}, "/nonexistent/banjo/etc-services"});
    CHECK(c.is_firewalld_service("smtp-submission"));
}
