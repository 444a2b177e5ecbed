// SPDX-License-Identifier: GPL-2.0-or-later
// test-filter's report of a FilterRun, as text for people (hits per failregex, matched, ignored
// and missed lines, totals and time) or as the JSON document banjoctl(1) documents. Log text
// is made printable in the text form; the JSON writer escapes it in the other.
#pragma once

#include "core/filter_run.hpp"
#include "ctl/terminal.hpp"

#include <string>

namespace banjo {

struct FilterReport {
    const FilterRun& run;
    std::string filter_file;   // where the filter was read from
    std::string input;         // the file, "-", or the journal read
    double seconds = 0;        // time taken reading and matching
    bool missed_shown = false; // --show-missed: missed lines were kept
};

std::string filter_report_text(const FilterReport& report, const Terminal& term);
std::string filter_report_json(const FilterReport& report);

}  // namespace banjo
