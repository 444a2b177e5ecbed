// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/journal_source.hpp"

namespace banjo {

JournalReader open_selected_journal(const DaemonOptions& options) {
    if (!options.journal_directory.empty()) return JournalReader::open_directory(options.journal_directory);
    if (!options.journal_files.empty()) return JournalReader::open_files(options.journal_files);
    return JournalReader::open_system();
}

}  // namespace banjo
