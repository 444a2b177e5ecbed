// SPDX-License-Identifier: GPL-2.0-or-later
// Why a request to the daemon (ban, unban, reload...) was refused, in words a person can act on.
// The bus layer turns each kind into its org.banjo1.Error.* name.
#pragma once

#include <stdexcept>
#include <string>

namespace banjo {

enum class OperationErrorKind {
    no_such_jail,
    invalid_address,
    not_banned,
    not_ignored,
    ignored,
    no_such_filter,
    invalid_argument,
};

class OperationError : public std::runtime_error {
public:
    OperationError(OperationErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    OperationErrorKind kind() const noexcept { return kind_; }

private:
    OperationErrorKind kind_;
};

}  // namespace banjo
