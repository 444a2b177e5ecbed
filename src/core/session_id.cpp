// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/session_id.hpp"

#include <functional>

namespace banjo {

SessionId::SessionId(std::string_view text) {
    if (text.size() <= inline_capacity) {
        std::memset(bytes_, 0, sizeof bytes_);
        std::memcpy(bytes_, text.data(), text.size());
        bytes_[length_byte] = static_cast<char>(text.size());
        return;
    }
    char* copy = new char[text.size()];
    std::memcpy(copy, text.data(), text.size());
    const std::uint64_t n = text.size();
    std::memcpy(bytes_, &copy, sizeof copy);
    // The length fits in bytes 8-14; byte 15 marks the heap (ids are short, 2^56 is far off).
    std::memcpy(bytes_ + 8, &n, 7);
    bytes_[length_byte] = static_cast<char>(on_heap);
}

SessionId& SessionId::operator=(const SessionId& other) {
    if (this != &other) *this = SessionId(other.view());
    return *this;
}

SessionId& SessionId::operator=(SessionId&& other) noexcept {
    if (this != &other) {
        release();
        std::memcpy(bytes_, other.bytes_, sizeof bytes_);
        std::memset(other.bytes_, 0, sizeof other.bytes_);
    }
    return *this;
}

void SessionId::release() noexcept {
    if (!heap()) return;
    char* copy;
    std::memcpy(&copy, bytes_, sizeof copy);
    delete[] copy;
    std::memset(bytes_, 0, sizeof bytes_);
}

std::string_view SessionId::heap_view() const noexcept {
    const char* copy;
    std::memcpy(&copy, bytes_, sizeof copy);
    std::uint64_t n = 0;
    std::memcpy(&n, bytes_ + 8, 7);
    return {copy, static_cast<std::size_t>(n)};
}

std::size_t SessionIdHash::operator()(const SessionId& id) const noexcept {
    // An id in place: its two padded words (the length byte included), folded by one multiply;
    // a longer one: the library's string hash.
    std::uint64_t x = id.heap() ? std::hash<std::string_view>{}(id.view())
                                : id.word(0) ^ ((id.word(1) + 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL);
    x ^= seed;
    // A final mix, so that the low bits (the index) and the top byte (the tag) both vary.
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return static_cast<std::size_t>(x);
}

}  // namespace banjo
