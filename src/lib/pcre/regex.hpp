// SPDX-License-Identifier: GPL-2.0-or-later
// One compiled PCRE2 pattern and the scratch it matches with: the only place banjo touches the
// PCRE2 C API. Patterns work on bytes, not UTF-8 (journal MESSAGE fields may hold any bytes, and
// an invalid sequence must neither fail a match nor let text slip past a `.*`). Compiled once,
// JIT-compiled when the platform allows; match() reuses the match data made at compile time, so
// it does not allocate (except once in a pattern's life, for a bigger JIT stack, if a hostile
// line ever exhausts the default one). A Regex is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace banjo::pcre {

// A pattern PCRE2 refused: its message (pcre2_get_error_message) and the byte offset in the
// pattern where it gave up.
class RegexError : public std::runtime_error {
public:
    RegexError(const std::string& message, std::size_t offset)
        : std::runtime_error(message), offset_(offset) {}
    std::size_t offset() const noexcept { return offset_; }

private:
    std::size_t offset_;
};

struct CompileOptions {
    bool anchored = false;          // match must start at the subject's first byte
    bool end_anchored = false;      // ... and end at its last
    bool dot_all = true;            // '.' also matches '\n' (a MESSAGE is one record)
    bool duplicate_names = false;   // several groups may share a name
    bool caseless = false;
};

class Regex {
public:
    // Throws RegexError.
    static Regex compile(std::string_view pattern, const CompileOptions& options);

    Regex(Regex&&) noexcept;
    Regex& operator=(Regex&&) noexcept;
    ~Regex();

    // True when the pattern matches `subject`. Resource limits (match limit, JIT stack) count
    // as no match: a hostile line may cost bounded time, never a crash. Offsets of the last
    // successful match stay readable through group() until the next call.
    bool match(std::string_view subject) const noexcept;

    // False when no subject starting with `byte` can match (an anchored pattern whose first byte
    // PCRE2 knows); true otherwise. For callers that try many patterns on one subject and want
    // to skip those that cannot match without calling them.
    bool may_start_with(unsigned char byte) const noexcept;

    // Group `number` of the last successful match of `subject`; nullopt when it did not take part.
    std::optional<std::string_view> group(std::uint32_t number, std::string_view subject) const noexcept;
    bool group_set(std::uint32_t number) const noexcept;

    // Numbers of every group called `name` (several with duplicate_names), in pattern order.
    std::vector<std::uint32_t> group_numbers(std::string_view name) const;
    // Every group name in the pattern, once each.
    std::vector<std::string> group_names() const;
    std::uint32_t capture_count() const noexcept;
    bool jit() const noexcept;

private:
    struct Impl;
    explicit Regex(std::unique_ptr<Impl>);
    std::unique_ptr<Impl> impl_;
};

}  // namespace banjo::pcre
