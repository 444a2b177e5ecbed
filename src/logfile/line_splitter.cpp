// SPDX-License-Identifier: GPL-2.0-or-later
#include "logfile/line_splitter.hpp"

namespace banjo {

void LineSplitter::restart(std::uint64_t offset) noexcept {
    partial_.clear();
    cut_ = false;
    consumed_ = offset;
    fed_ = offset;
}

}  // namespace banjo
