// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/fail2ban_time.hpp"

#include <cctype>
#include <cstdlib>
#include <map>
#include <string>

namespace banjo {
namespace {

constexpr double day_s = 24 * 60 * 60;
constexpr double year_s = (365 * 3 + 366) * day_s / 4;

std::optional<double> unit_seconds(std::string unit) {
    for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const std::map<std::string, double> units = {
        {"d", day_s},          {"dd", day_s},         {"da", day_s},          {"day", day_s},        {"days", day_s},
        {"w", 7 * day_s},      {"ww", 7 * day_s},     {"we", 7 * day_s},      {"wee", 7 * day_s},    {"week", 7 * day_s},
        {"weeks", 7 * day_s},  {"mo", year_s / 12},   {"mon", year_s / 12},   {"month", year_s / 12},
        {"months", year_s / 12}, {"y", year_s},       {"yy", year_s},         {"ye", year_s},        {"yea", year_s},
        {"year", year_s},      {"years", year_s},     {"s", 1},               {"ss", 1},             {"se", 1},
        {"sec", 1},            {"second", 1},         {"seconds", 1},         {"m", 60},             {"mm", 60},
        {"mi", 60},            {"min", 60},           {"minute", 60},         {"minutes", 60},       {"h", 3600},
        {"hh", 3600},          {"ho", 3600},          {"hou", 3600},          {"hour", 3600},        {"hours", 3600},
    };
    auto it = units.find(unit);
    if (it == units.end()) return std::nullopt;
    return it->second;
}

}  // namespace

std::optional<double> fail2ban_seconds(std::string_view text) {
    double total = 0;
    bool any = false;
    std::size_t i = 0;
    auto skip_space = [&] {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    };
    while (true) {
        skip_space();
        if (i >= text.size()) break;
        double sign = 1;
        while (i < text.size() && (text[i] == '+' || text[i] == '-')) {
            if (text[i] == '-') sign = -sign;
            ++i;
            skip_space();
        }
        std::size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (i == start) return std::nullopt;
        std::string number(text.substr(start, i - start));
        char* end = nullptr;
        double value = std::strtod(number.c_str(), &end);
        if (end != number.c_str() + number.size()) return std::nullopt;
        skip_space();
        std::size_t ustart = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
        double unit = 1;
        if (i > ustart) {
            auto u = unit_seconds(std::string(text.substr(ustart, i - ustart)));
            if (!u) return std::nullopt;
            unit = *u;
        }
        total += sign * value * unit;
        any = true;
    }
    if (!any) return std::nullopt;
    return total;
}

}  // namespace banjo
