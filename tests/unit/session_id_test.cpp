// SPDX-License-Identifier: GPL-2.0-or-later
// SessionId (src/core/session_id.cpp): short ids in place, long ones on the heap, compared exactly.
#include "core/session_id.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>

using namespace banjo;

TEST_CASE("a session id keeps its exact text, short or long") {
    const std::string longer = "dovecot-session-0123456789abcdef";
    CHECK(SessionId("4211").view() == "4211");
    CHECK(SessionId("123456789012345").view() == "123456789012345");   // 15: still in place
    CHECK(SessionId("1234567890123456").view() == "1234567890123456");
    CHECK(SessionId(longer).view() == longer);
    CHECK(SessionId("").view().empty());
}

TEST_CASE("long session ids that differ in their last byte are different sessions") {
    CHECK_FALSE(SessionId("0123456789abcdefA") == SessionId("0123456789abcdefB"));
    CHECK(SessionId("0123456789abcdefA") == SessionId("0123456789abcdefA"));
    CHECK_FALSE(SessionId("12") == SessionId("123"));
}

TEST_CASE("a long session id survives copies and moves") {
    SessionId a("a-session-id-of-more-than-fifteen-bytes");
    SessionId b = a;
    SessionId c = std::move(a);
    CHECK(b.view() == "a-session-id-of-more-than-fifteen-bytes");
    CHECK(c.view() == b.view());
    b = SessionId("short");
    CHECK(b.view() == "short");
    c = std::move(b);
    CHECK(c.view() == "short");
}
