// SPDX-License-Identifier: GPL-2.0-or-later
// The id of one session in the session table (a _PID, a mail queue id, a server's connection
// number): 16 bytes that hold an id of up to 15 bytes in place, a longer one in a heap copy.
// Ids compare by their exact text, so two sessions never share state by accident. An id in
// place is zero-padded, so comparing and hashing it are two 8-byte words each: the session table
// does both several times per matched line (a replay's hottest table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace banjo {

class SessionId {
public:
    static constexpr std::size_t inline_capacity = 15;

    SessionId() noexcept { std::memset(bytes_, 0, sizeof bytes_); }
    explicit SessionId(std::string_view text);
    SessionId(const SessionId& other) : SessionId(other.view()) {}
    SessionId(SessionId&& other) noexcept {
        std::memcpy(bytes_, other.bytes_, sizeof bytes_);
        std::memset(other.bytes_, 0, sizeof other.bytes_);
    }
    SessionId& operator=(const SessionId& other);
    SessionId& operator=(SessionId&& other) noexcept;
    ~SessionId() { release(); }

    std::string_view view() const noexcept {
        if (!heap()) return {bytes_, static_cast<std::size_t>(bytes_[length_byte])};
        return heap_view();
    }
    // Two ids in place are equal when their padded bytes are; an id in place never equals one
    // on the heap (their length bytes differ).
    friend bool operator==(const SessionId& a, const SessionId& b) noexcept {
        if (a.heap() && b.heap()) return a.heap_view() == b.heap_view();
        return a.word(0) == b.word(0) && a.word(1) == b.word(1);
    }
    bool heap() const noexcept { return static_cast<unsigned char>(bytes_[length_byte]) == on_heap; }
    std::uint64_t word(std::size_t i) const noexcept {
        std::uint64_t w;
        std::memcpy(&w, bytes_ + 8 * i, sizeof w);
        return w;
    }

private:
    static constexpr std::size_t length_byte = 15;
    static constexpr unsigned char on_heap = 0xff;   // bytes 0-7: the copy, 8-15: its length
    std::string_view heap_view() const noexcept;
    void release() noexcept;

    char bytes_[16];
};

struct SessionIdHash {
    std::uint64_t seed = 0;
    std::size_t operator()(const SessionId& id) const noexcept;
};

}  // namespace banjo
