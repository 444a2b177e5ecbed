// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus/bus_errors.hpp"

#include "core/config_error.hpp"
#include "daemon/operation_error.hpp"

namespace banjo {

namespace {

const char* error_name(OperationErrorKind kind) {
    switch (kind) {
    case OperationErrorKind::no_such_jail: return "org.banjo1.Error.NoSuchJail";
    case OperationErrorKind::invalid_address: return "org.banjo1.Error.InvalidAddress";
    case OperationErrorKind::not_banned: return "org.banjo1.Error.NotBanned";
    case OperationErrorKind::not_ignored: return "org.banjo1.Error.NotIgnored";
    case OperationErrorKind::ignored: return "org.banjo1.Error.Ignored";
    case OperationErrorKind::no_such_filter: return "org.banjo1.Error.NoSuchFilter";
    case OperationErrorKind::invalid_argument: return "org.banjo1.Error.InvalidArgument";
    }
    return "org.banjo1.Error.Failed";
}

}  // namespace

sdbus::Error to_bus_error(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const sdbus::Error& err) {
        return err;
    } catch (const OperationError& err) {
        return sdbus::Error(error_name(err.kind()), err.what());
    } catch (const ConfigError& err) {
        return sdbus::Error("org.banjo1.Error.InvalidConfig", err.what());
    } catch (const std::exception& err) {
        return sdbus::Error("org.banjo1.Error.Failed", err.what());
    } catch (...) {
        return sdbus::Error("org.banjo1.Error.Failed", "unknown error");
    }
}

}  // namespace banjo
