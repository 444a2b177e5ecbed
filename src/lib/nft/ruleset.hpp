// SPDX-License-Identifier: GPL-2.0-or-later
// Runs nft commands through libnftables (the library `nft` itself is built on), for the few
// writes whose text is clearer than netlink: tables, chains, sets and rules. Every buffer is
// one transaction. Never used for set elements (see set_messages.hpp for why).
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

struct nft_ctx;

namespace banjo::nft {

// nft's own error text (what `nft -f` would print).
class RulesetError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Ruleset {
public:
    Ruleset();
    // Throws RulesetError when nft refuses any of it; nothing is applied then.
    void run(const std::string& commands);

private:
    struct Free {
        void operator()(nft_ctx* c) const noexcept;
    };
    std::unique_ptr<nft_ctx, Free> ctx_;
};

}  // namespace banjo::nft
