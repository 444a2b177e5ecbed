// SPDX-License-Identifier: GPL-2.0-or-later
// Cuts the bytes read from a log file into lines, keeping byte offsets exact so that a saved
// position always falls just after a newline. A line comes out only once its newline is read
// (a writer's partial last line waits for the rest). A line longer than max_line_bytes comes
// out cut to that length when its newline arrives, the bytes past the cut never held: memory
// stays bounded whatever a file holds. Bytes are passed on as they are (NUL, invalid UTF-8);
// a trailing '\r' is dropped. No I/O; one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace banjo {

class LineSplitter {
public:
    static constexpr std::size_t max_line_bytes = 64 * 1024;

    // `offset`: the file offset of the next byte fed.
    explicit LineSplitter(std::uint64_t offset = 0) : consumed_(offset), fed_(offset) {}

    // Feeds `bytes`; calls on_line(line, end_offset) for each line completed, end_offset being
    // the offset just past its newline. The line's view lasts until on_line returns.
    template <typename OnLine>
    void feed(std::string_view bytes, OnLine&& on_line);

    // Offline reading at the end of the input: an unfinished line comes out as a line.
    template <typename OnLine>
    void finish(OnLine&& on_line) {
        if (fed_ > consumed_) feed("\n", on_line);
    }

    // Forget an unfinished line and go on at `offset` (the file was truncated or replaced).
    void restart(std::uint64_t offset) noexcept;

    // Offset just past the last complete line: where reading resumes after a restart.
    std::uint64_t line_end_offset() const noexcept { return consumed_; }
    // Offset of the next byte to feed.
    std::uint64_t fed_offset() const noexcept { return fed_; }
    // Bytes of an unfinished line held or skipped.
    std::uint64_t pending_bytes() const noexcept { return fed_ - consumed_; }
    std::uint64_t long_lines() const noexcept { return long_lines_; }

private:
    std::string partial_;   // the unfinished line, at most max_line_bytes
    bool cut_ = false;      // the unfinished line is longer than what partial_ holds
    std::uint64_t consumed_;
    std::uint64_t fed_;
    std::uint64_t long_lines_ = 0;
};

template <typename OnLine>
void LineSplitter::feed(std::string_view bytes, OnLine&& on_line) {
    std::size_t start = 0;
    while (start < bytes.size()) {
        const std::size_t nl = bytes.find('\n', start);
        const std::size_t end = nl == std::string_view::npos ? bytes.size() : nl;
        std::string_view piece = bytes.substr(start, end - start);
        fed_ += end - start + (nl == std::string_view::npos ? 0 : 1);
        if (nl == std::string_view::npos) {
            // Hold what fits; past the limit the line is only counted.
            const std::size_t room = max_line_bytes - partial_.size();
            if (piece.size() > room) cut_ = true;
            partial_.append(piece.substr(0, std::min(room, piece.size())));
            return;
        }
        std::string_view line;
        if (partial_.empty() && !cut_) {
            line = piece.substr(0, std::min(piece.size(), max_line_bytes));
            if (piece.size() > max_line_bytes) cut_ = true;
        } else {
            const std::size_t room = max_line_bytes - partial_.size();
            if (piece.size() > room) cut_ = true;
            partial_.append(piece.substr(0, std::min(room, piece.size())));
            line = partial_;
        }
        if (cut_) ++long_lines_;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        consumed_ = fed_;
        on_line(line, consumed_);
        partial_.clear();
        cut_ = false;
        start = nl + 1;
    }
}

}  // namespace banjo
