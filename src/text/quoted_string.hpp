// SPDX-License-Identifier: GPL-2.0-or-later
// One way to write any bytes as a double-quoted string that is at once a JSON string (RFC 8259)
// and a TOML basic string, in valid UTF-8: the JSON banjoctl prints and the TOML
// import-fail2ban writes hold text an attacker or a foreign config file chose, which must
// neither break the document nor smuggle a control character into it.
#pragma once

#include <string>
#include <string_view>

namespace banjo {

// s between double quotes: '"' and '\' escaped, \b \f \n \r \t for those controls, \u00XX for
// the other C0 controls and DEL, and \uFFFD for each byte that is not part of valid UTF-8 (so
// text that is not UTF-8 survives readable, though not byte for byte).
std::string quoted_string(std::string_view s);

}  // namespace banjo
