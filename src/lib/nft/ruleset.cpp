// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/nft/ruleset.hpp"

#include <nftables/libnftables.h>

namespace banjo::nft {

void Ruleset::Free::operator()(nft_ctx* c) const noexcept { nft_ctx_free(c); }

Ruleset::Ruleset() : ctx_(nft_ctx_new(NFT_CTX_DEFAULT)) {
    if (!ctx_) throw RulesetError("nft_ctx_new failed");
    nft_ctx_buffer_output(ctx_.get());
    nft_ctx_buffer_error(ctx_.get());
}

void Ruleset::run(const std::string& commands) {
    const int result = nft_run_cmd_from_buffer(ctx_.get(), commands.c_str());
    // Reading a buffer empties it; both are read after every run so neither grows.
    static_cast<void>(nft_ctx_get_output_buffer(ctx_.get()));
    std::string message = nft_ctx_get_error_buffer(ctx_.get());
    if (result == 0) return;
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    throw RulesetError(message.empty() ? "nft refused the ruleset" : message);
}

}  // namespace banjo::nft
