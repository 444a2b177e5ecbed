// SPDX-License-Identifier: GPL-2.0-or-later
// Opens the journal the command line selects: --journal-directory, --journal-file..., or the
// system journal.
#pragma once

#include "daemon/options.hpp"
#include "journal/journal_reader.hpp"

namespace banjo {

JournalReader open_selected_journal(const DaemonOptions& options);

}  // namespace banjo
