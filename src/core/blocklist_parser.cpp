// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/blocklist_parser.hpp"

#include "core/input_excerpt.hpp"

#include <algorithm>

namespace banjo {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

class Reader {
public:
    explicit Reader(ParsedBlocklist& out) : out_(out) {}

    void entry(std::size_t line, std::string_view text) {
        ++out_.entry_lines;
        if (auto c = Cidr::parse(text)) {
            out_.networks.push_back(*c);
            return;
        }
        bad(line, "'" + input_excerpt(text) + "' is not an address or CIDR");
    }
    void bad(std::size_t line, std::string message) {
        ++out_.malformed;
        if (out_.errors.size() < max_reported_errors) out_.errors.push_back({line, std::move(message)});
    }

private:
    ParsedBlocklist& out_;
};

// Calls each(line_number, line) for every line, the unterminated last one included unless it
// is to be dropped.
template <typename F>
void for_each_line(std::string_view text, bool drop_unterminated, ParsedBlocklist& out, F each) {
    out.unterminated = !text.empty() && text.back() != '\n';
    std::size_t number = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const bool last_cut = end == std::string_view::npos;
        std::string_view line = text.substr(0, end);
        text.remove_prefix(last_cut ? text.size() : end + 1);
        ++number;
        ++out.lines;
        if (last_cut && drop_unterminated) {
            out.cut_line_dropped = !trim(line).empty();
            break;
        }
        each(number, line);
    }
}

// Comments: '#' (plain lists, MISP text) and ';' (Spamhaus DROP style "NET ; SBL...").
std::string_view strip_comment(std::string_view line) {
    const auto at = line.find_first_of("#;");
    return trim(at == std::string_view::npos ? line : line.substr(0, at));
}

void parse_plain(std::string_view text, bool drop, ParsedBlocklist& out) {
    Reader r(out);
    for_each_line(text, drop, out, [&](std::size_t n, std::string_view line) {
        auto entry = strip_comment(line);
        if (!entry.empty()) r.entry(n, entry);
    });
}

// AbuseIPDB's JSON blacklist: every "ipAddress" string value, wherever the line breaks fall.
void parse_abuseipdb_json(std::string_view text, bool drop, ParsedBlocklist& out) {
    Reader r(out);
    constexpr std::string_view key = "\"ipAddress\"";
    for_each_line(text, drop, out, [&](std::size_t n, std::string_view line) {
        std::size_t at = 0;
        while ((at = line.find(key, at)) != std::string_view::npos) {
            at += key.size();
            auto rest = trim(line.substr(at));
            if (rest.empty() || rest.front() != ':') {
                r.bad(n, "\"ipAddress\" without a value");
                continue;
            }
            rest = trim(rest.substr(1));
            const auto close = rest.size() > 1 && rest.front() == '"' ? rest.find('"', 1) : std::string_view::npos;
            if (close == std::string_view::npos) {
                ++out.entry_lines;
                r.bad(n, "\"ipAddress\" is not followed by a string");
                continue;
            }
            r.entry(n, rest.substr(1, close - 1));
        }
    });
}

// One CSV record of one line: fields separated by ',', optionally in double quotes ("" for a
// quote inside). nullopt when a quote is left open.
std::optional<std::vector<std::string>> csv_fields(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    if (quoted) return std::nullopt;
    return fields;
}

void parse_misp(std::string_view text, bool drop, ParsedBlocklist& out) {
    Reader r(out);
    std::optional<std::size_t> value_column, type_column;
    bool csv = false, first = true;
    for_each_line(text, drop, out, [&](std::size_t n, std::string_view line) {
        if (first && !trim(line).empty()) {
            first = false;
            if (line.find(',') != std::string_view::npos) {
                // A CSV export starts with its header; without a "value" column it is no MISP CSV.
                auto header = csv_fields(line);
                for (std::size_t i = 0; header && i < header->size(); ++i) {
                    const auto name = lower(trim((*header)[i]));
                    if (name == "value") value_column = i;
                    if (name == "type") type_column = i;
                }
                csv = true;
                if (!value_column) r.bad(n, "a MISP CSV export starts with a header that names a 'value' column");
                return;
            }
        }
        if (!csv) {   // the text export: one value a line
            if (auto entry = strip_comment(line); !entry.empty()) r.entry(n, entry);
            return;
        }
        if (!value_column || trim(line).empty()) return;
        auto fields = csv_fields(line);
        if (!fields || fields->size() <= std::max(*value_column, type_column.value_or(0))) {
            ++out.entry_lines;
            r.bad(n, fields ? "too few columns" : "a quote is not closed");
            return;
        }
        std::string_view value = trim((*fields)[*value_column]);
        if (type_column) {
            const auto type = lower(trim((*fields)[*type_column]));
            if (type != "ip-src" && type != "ip-dst" && type != "ip-src|port" && type != "ip-dst|port") return;
            if (type.size() > 6) value = value.substr(0, value.rfind('|'));   // "ADDRESS|PORT"
        }
        r.entry(n, value);
    });
}

std::string_view first_char(std::string_view text) {
    auto t = trim(text);
    while (!t.empty() && (t.front() == '\n' || t.front() == ' ' || t.front() == '\t' || t.front() == '\r')) t.remove_prefix(1);
    return t.substr(0, 1);
}

}  // namespace

std::optional<BlocklistFormat> parse_blocklist_format(std::string_view text) {
    if (text == "plain") return BlocklistFormat::plain;
    if (text == "abuseipdb") return BlocklistFormat::abuseipdb;
    if (text == "misp") return BlocklistFormat::misp;
    return std::nullopt;
}

std::string_view to_string(BlocklistFormat format) {
    switch (format) {
    case BlocklistFormat::plain: return "plain";
    case BlocklistFormat::abuseipdb: return "abuseipdb";
    case BlocklistFormat::misp: return "misp";
    }
    return "plain";
}

ParsedBlocklist parse_blocklist(BlocklistFormat format, std::string_view text, bool drop_unterminated) {
    ParsedBlocklist out;
    switch (format) {
    case BlocklistFormat::plain: parse_plain(text, drop_unterminated, out); break;
    case BlocklistFormat::abuseipdb:
        if (first_char(text) == "{") parse_abuseipdb_json(text, drop_unterminated, out);
        else parse_plain(text, drop_unterminated, out);
        break;
    case BlocklistFormat::misp: parse_misp(text, drop_unterminated, out); break;
    }
    return out;
}

}  // namespace banjo
