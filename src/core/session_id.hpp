// SPDX-License-Identifier: GPL-2.0-or-later
// The id of one session in the session table (a _PID, a mail queue id, a server's connection
// number): 16 bytes that hold an id of up to 15 bytes in place, a longer one in a heap copy.
// Ids compare by their exact text, so two sessions never share state by accident.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace banjo {

class SessionId {
public:
    static constexpr std::size_t inline_capacity = 15;

    SessionId() noexcept { bytes_[length_byte] = 0; }
    explicit SessionId(std::string_view text);
    SessionId(const SessionId& other) : SessionId(other.view()) {}
    SessionId(SessionId&& other) noexcept {
        std::memcpy(bytes_, other.bytes_, sizeof bytes_);
        other.bytes_[length_byte] = 0;
    }
    SessionId& operator=(const SessionId& other);
    SessionId& operator=(SessionId&& other) noexcept;
    ~SessionId() { release(); }

    std::string_view view() const noexcept;
    friend bool operator==(const SessionId& a, const SessionId& b) noexcept { return a.view() == b.view(); }

private:
    static constexpr std::size_t length_byte = 15;
    static constexpr unsigned char on_heap = 0xff;   // bytes 0-7: the copy, 8-15: its length
    bool heap() const noexcept { return static_cast<unsigned char>(bytes_[length_byte]) == on_heap; }
    void release() noexcept;

    char bytes_[16];
};

struct SessionIdHash {
    std::uint64_t seed = 0;
    std::size_t operator()(const SessionId& id) const noexcept;
};

}  // namespace banjo
