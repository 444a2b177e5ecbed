// SPDX-License-Identifier: GPL-2.0-or-later
// What banjoctl import-fail2ban did, item by item: for the defaults, every jail and every
// filter, what was converted, what was changed on the way (same meaning), what behaves
// differently, and what was skipped or failed, each with its reason and, where it has one, the
// fail2ban file and line it came from. Printed as text for people or as one JSON document.
#pragma once

#include "core/config_error.hpp"

#include <string>
#include <vector>

namespace banjo {

enum class ItemKind {
    converted,   // translated as it is
    changed,     // rewritten, same meaning
    warning,     // converted, but behaves differently from fail2ban or deserves a look
    skipped,     // not converted (no banjo equivalent, or not needed): the reason says which
    error,       // could not be converted although it should have been
};

struct ReportItem {
    ItemKind kind = ItemKind::converted;
    std::string text;
    SourceLocation where;
};

enum class OutcomeStatus {
    converted,   // written
    disabled,    // written with enabled = false: see its items
    failed,      // not written
};

struct JailReport {
    std::string name;
    OutcomeStatus status = OutcomeStatus::converted;
    std::string file;            // the file written, relative to the output directory
    std::string filter;          // banjo filter name
    std::string mode;            // banjo mode, "" if the filter has none
    SourceLocation where;
    std::vector<ReportItem> items;
};

struct FilterReport {
    std::string name;            // the fail2ban filter ("sshd"), with its arguments if any
    OutcomeStatus status = OutcomeStatus::converted;
    std::vector<std::string> files;   // the files written, relative to the output directory
    std::vector<std::string> modes;
    int patterns = 0;            // failregex and ignoreregex lines fail2ban has (all modes, once each)
    int patterns_converted = 0;
    std::vector<ReportItem> items;
};

struct ImportReport {
    std::string source;                       // the fail2ban directory
    std::string output;                       // the output directory
    std::vector<std::string> files_read;      // fail2ban's jail configuration files, in order
    std::vector<std::string> files_written;
    std::vector<ReportItem> defaults;         // [DEFAULT] -> banjo.toml [defaults]
    std::vector<JailReport> jails;
    std::vector<FilterReport> filters;
    std::vector<std::string> not_enabled;     // jails fail2ban defines but does not run
    std::vector<ReportItem> general;          // anything else (files, the final check)
};

std::string report_text(const ImportReport& report);
std::string report_json(const ImportReport& report);

const char* item_kind_name(ItemKind kind) noexcept;
const char* status_name(OutcomeStatus status) noexcept;

}  // namespace banjo
