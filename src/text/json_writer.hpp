// SPDX-License-Identifier: GPL-2.0-or-later
// A small JSON writer for --json output: one document built in memory, printed whole, so an
// error half-way never leaves half a document on stdout. Strings may come from log lines an
// attacker wrote: they are written with quoted_string() (src/text/), so the output is always
// valid JSON (RFC 8259) in valid UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);   // inside an object, before each value

    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(bool b);
    JsonWriter& value(std::uint64_t n);
    JsonWriter& value(std::int64_t n);
    JsonWriter& value(std::uint32_t n) { return value(static_cast<std::uint64_t>(n)); }
    JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(double d);   // finite values; NaN and infinities become null
    JsonWriter& null();
    JsonWriter& value(const std::optional<std::string>& s) { return s ? value(*s) : null(); }
    JsonWriter& value(const std::vector<std::string>& list);

    template <typename T>
    JsonWriter& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

    // The document, with a final newline. Call once every container is closed.
    std::string finish() const;

private:
    void before_value();

    std::string out_;
    std::vector<bool> first_;   // per open container: no element written yet
    bool after_key_ = false;
};

}  // namespace banjo
