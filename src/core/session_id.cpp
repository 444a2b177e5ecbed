// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/session_id.hpp"

#include <functional>

namespace banjo {

SessionId::SessionId(std::string_view text) {
    if (text.size() <= inline_capacity) {
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
        other.bytes_[length_byte] = 0;
    }
    return *this;
}

void SessionId::release() noexcept {
    if (!heap()) return;
    char* copy;
    std::memcpy(&copy, bytes_, sizeof copy);
    delete[] copy;
    bytes_[length_byte] = 0;
}

std::string_view SessionId::view() const noexcept {
    if (!heap()) return {bytes_, static_cast<std::size_t>(bytes_[length_byte])};
    const char* copy;
    std::memcpy(&copy, bytes_, sizeof copy);
    std::uint64_t n = 0;
    std::memcpy(&n, bytes_ + 8, 7);
    return {copy, static_cast<std::size_t>(n)};
}

std::size_t SessionIdHash::operator()(const SessionId& id) const noexcept {
    const std::uint64_t h = std::hash<std::string_view>{}(id.view()) ^ seed;
    // A final mix, so that the low bits (the index) and the top byte (the tag) both vary.
    std::uint64_t x = h;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return static_cast<std::size_t>(x);
}

}  // namespace banjo
