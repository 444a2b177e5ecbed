// SPDX-License-Identifier: GPL-2.0-or-later
#include "lib/pcre/regex.hpp"

#include <cctype>

#include <array>

#include <pcre2.h>

#include <algorithm>
#include <new>

namespace banjo::pcre {
namespace {

struct CodeFree {
    void operator()(pcre2_code* p) const noexcept { pcre2_code_free(p); }
};
struct MatchDataFree {
    void operator()(pcre2_match_data* p) const noexcept { pcre2_match_data_free(p); }
};
struct MatchContextFree {
    void operator()(pcre2_match_context* p) const noexcept { pcre2_match_context_free(p); }
};
struct JitStackFree {
    void operator()(pcre2_jit_stack* p) const noexcept { pcre2_jit_stack_free(p); }
};

// PCRE2's default JIT stack is 32 KiB of machine stack, which a pattern with a repeated group
// can exhaust on a long hostile line. Only a pattern that ran out gets its own, bigger one.
constexpr std::size_t jit_stack_start_bytes = 32 * 1024;
constexpr std::size_t jit_stack_max_bytes = 1024 * 1024;

std::string error_text(int code) {
    PCRE2_UCHAR buffer[256];
    int n = pcre2_get_error_message(code, buffer, sizeof buffer);
    if (n < 0) return "PCRE2 error " + std::to_string(code);
    return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

}  // namespace

struct Regex::Impl {
    std::unique_ptr<pcre2_code, CodeFree> code;
    std::unique_ptr<pcre2_match_data, MatchDataFree> data;   // reused by every match()
    std::unique_ptr<pcre2_match_context, MatchContextFree> context;
    std::unique_ptr<pcre2_jit_stack, JitStackFree> jit_stack;   // made on first need
    bool jit = false;
    bool matched = false;
    // For anchored patterns: the bytes a match can start with and the shortest subject that can
    // match. A journal line is tried against a filter's patterns one after the other; most fail
    // on their first byte, and answering that here skips the cost of entering the matcher.
    bool anchored = false;
    std::array<bool, 256> first_byte{};
    bool first_byte_known = false;
    std::size_t min_length = 0;
};

Regex::Regex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

Regex Regex::compile(std::string_view pattern, const CompileOptions& options) {
    // No PCRE2_UTF: subjects are bytes. Without it, '.', '\S' and [^:] match any byte, so an
    // invalid UTF-8 sequence in a user name neither errors nor stops a pattern from reaching
    // the address after it.
    std::uint32_t flags = 0;
    if (options.anchored) flags |= PCRE2_ANCHORED;
    if (options.end_anchored) flags |= PCRE2_ENDANCHORED;
    if (options.dot_all) flags |= PCRE2_DOTALL;
    if (options.duplicate_names) flags |= PCRE2_DUPNAMES;
    if (options.caseless) flags |= PCRE2_CASELESS;

    int error = 0;
    PCRE2_SIZE offset = 0;
    auto impl = std::make_unique<Impl>();
    impl->code.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), flags,
                                   &error, &offset, nullptr));
    if (!impl->code) throw RegexError(error_text(error), offset);

    // JIT is an optimisation: on a platform without it the interpreter gives the same answers.
    impl->jit = pcre2_jit_compile(impl->code.get(), PCRE2_JIT_COMPLETE) == 0;

    impl->anchored = options.anchored;
    auto learn_start = [](Impl& m) {
        std::uint32_t min_length = 0;
        if (pcre2_pattern_info(m.code.get(), PCRE2_INFO_MINLENGTH, &min_length) == 0) m.min_length = min_length;
        std::uint32_t type = 0;
        if (pcre2_pattern_info(m.code.get(), PCRE2_INFO_FIRSTCODETYPE, &type) != 0) return;
        if (type == 1) {
            std::uint32_t unit = 0;
            if (pcre2_pattern_info(m.code.get(), PCRE2_INFO_FIRSTCODEUNIT, &unit) != 0 || unit > 255) return;
            // PCRE2 does not say whether that unit is caseless ((?i) inside the pattern): allow
            // both cases, a superset is always safe.
            m.first_byte[unit] = true;
            m.first_byte[static_cast<unsigned char>(std::tolower(static_cast<int>(unit)))] = true;
            m.first_byte[static_cast<unsigned char>(std::toupper(static_cast<int>(unit)))] = true;
            m.first_byte_known = true;
            return;
        }
        const std::uint8_t* bitmap = nullptr;
        if (pcre2_pattern_info(m.code.get(), PCRE2_INFO_FIRSTBITMAP, &bitmap) != 0 || !bitmap) return;
        for (unsigned b = 0; b < 256; ++b) m.first_byte[b] = (bitmap[b / 8] >> (b % 8)) & 1;
        m.first_byte_known = true;
    };
    learn_start(*impl);

    impl->data.reset(pcre2_match_data_create_from_pattern(impl->code.get(), nullptr));
    impl->context.reset(pcre2_match_context_create(nullptr));
    if (!impl->data || !impl->context) throw std::bad_alloc();
    return Regex(std::move(impl));
}

bool Regex::match(std::string_view subject) const noexcept {
    Impl& m = *impl_;
    if (subject.size() < m.min_length ||
        (m.anchored && m.first_byte_known && !subject.empty() &&
         !m.first_byte[static_cast<unsigned char>(subject.front())])) {
        m.matched = false;
        return false;
    }
    auto run = [&] {
        // pcre2_jit_match skips the argument checks pcre2_match repeats on every call.
        return m.jit ? pcre2_jit_match(m.code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                                       0, m.data.get(), m.context.get())
                     : pcre2_match(m.code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0,
                                   m.data.get(), m.context.get());
    };
    int rc = run();
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT && !m.jit_stack) {
        // The one allocation match() may make, once per pattern: a line long and odd enough to
        // exhaust the default stack will come again, so the bigger stack stays.
        m.jit_stack.reset(pcre2_jit_stack_create(jit_stack_start_bytes, jit_stack_max_bytes, nullptr));
        if (m.jit_stack) {
            pcre2_jit_stack_assign(m.context.get(), nullptr, m.jit_stack.get());
            rc = run();
        }
    }
    // rc == 0 would mean the ovector was too small, impossible with match data sized from the
    // pattern; negative codes (no match, match limit, JIT stack limit) are all "no".
    m.matched = rc > 0;
    return m.matched;
}

bool Regex::may_start_with(unsigned char byte) const noexcept {
    return !impl_->anchored || !impl_->first_byte_known || impl_->first_byte[byte];
}

bool Regex::group_set(std::uint32_t number) const noexcept {
    if (!impl_->matched || number >= pcre2_get_ovector_count(impl_->data.get())) return false;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(impl_->data.get());
    return ov[2 * number] != PCRE2_UNSET;
}

std::optional<std::string_view> Regex::group(std::uint32_t number, std::string_view subject) const noexcept {
    if (!group_set(number)) return std::nullopt;
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(impl_->data.get());
    PCRE2_SIZE begin = ov[2 * number];
    PCRE2_SIZE end = ov[2 * number + 1];
    // \K inside a lookaround can report end < begin; such a group reads as empty.
    if (begin > subject.size()) return std::string_view();
    return subject.substr(begin, end > begin ? end - begin : 0);
}

namespace {

// Walks PCRE2's name table: entries of fixed size, a 2-byte big-endian group number followed
// by the NUL-terminated name.
template <typename F>
void for_each_name(const pcre2_code* code, F&& f) {
    std::uint32_t count = 0;
    std::uint32_t entry_size = 0;
    PCRE2_SPTR table = nullptr;
    pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
    pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
    for (std::uint32_t i = 0; i < count; ++i) {
        PCRE2_SPTR entry = table + static_cast<std::size_t>(i) * entry_size;
        std::uint32_t number = (static_cast<std::uint32_t>(entry[0]) << 8) | entry[1];
        f(number, std::string_view(reinterpret_cast<const char*>(entry + 2)));
    }
}

}  // namespace

std::vector<std::uint32_t> Regex::group_numbers(std::string_view name) const {
    std::vector<std::uint32_t> out;
    for_each_name(impl_->code.get(), [&](std::uint32_t number, std::string_view n) {
        if (n == name) out.push_back(number);
    });
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> Regex::group_names() const {
    std::vector<std::string> out;
    for_each_name(impl_->code.get(), [&](std::uint32_t, std::string_view n) {
        if (std::find(out.begin(), out.end(), n) == out.end()) out.emplace_back(n);
    });
    return out;
}

std::uint32_t Regex::capture_count() const noexcept {
    std::uint32_t n = 0;
    pcre2_pattern_info(impl_->code.get(), PCRE2_INFO_CAPTURECOUNT, &n);
    return n;
}

bool Regex::jit() const noexcept { return impl_->jit; }

}  // namespace banjo::pcre
