// SPDX-License-Identifier: GPL-2.0-or-later
// filter-cost [SOURCE_ROOT] [--mode default|all] [--min-entries N]
// What one journal entry costs each shipped filter: for every conf/filter.d/NAME.toml with
// annotated samples (tests/data/fail2ban-logs/NAME, NAME-journal, tests/data/banjo-samples/NAME),
// the samples' MESSAGEs are replayed through Filter::match, and the time per call is reported
// separately for the lines the filter matches, the sample lines it does not match, and
// "foreign" lines (every other filter's samples: what a filter costs on text that is not its
// service's, the common case when journal-matches overlap or a jail reads a busy unit).
// Each set is replayed until it has made at least N calls (default 200000) and for at most
// ~0.5 s; the best of 3 such runs counts. Only the match is timed (the thread's CPU time, so that
// other processes on a busy machine count less): no journal, no session table.
// Prints a Markdown table on stdout.
#include "config/filter_file.hpp"
#include "core/filter.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <time.h>

namespace fs = std::filesystem;
using namespace banjo;

namespace {

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "ident:" or "ident[pid]:" (what journald splits off a syslog line).
bool ident_word(const std::string& w) {
    if (w.size() < 2 || w.back() != ':') return false;
    std::string s = w.substr(0, w.size() - 1);
    if (auto open = s.find('['); open != std::string::npos) {
        if (open == 0 || s.back() != ']') return false;
        return all_digits(s.substr(open + 1, s.size() - open - 2));
    }
    return s.find_first_of("()=\"'") == std::string::npos;
}

// A sample line as journald would store its MESSAGE: the syslog time, host and identifier
// dropped ("Mon DD HH:MM:SS host ident[pid]: ", an ISO time instead, or journalctl's
// "host ident[pid]: "); any other line (a daemon's own log format) is MESSAGE as it stands.
// A simpler reading than tests/unit/filter_samples_test.cpp's: only the cost matters here,
// and whether a line matches is decided by running the filter on it.
std::string message_of(const std::string& line) {
    std::vector<std::pair<std::string, std::size_t>> words;   // word, offset just past it
    for (std::size_t i = 0; i < line.size() && words.size() < 6;) {
        while (i < line.size() && line[i] == ' ') ++i;
        std::size_t b = i;
        while (i < line.size() && line[i] != ' ') ++i;
        if (i > b) words.emplace_back(line.substr(b, i - b), i);
    }
    std::size_t first = 0;
    if (words.size() > 3 && words[0].first.size() == 3 && all_digits(words[1].first) && words[2].first.size() == 8 &&
        words[2].first[2] == ':')
        first = 3;
    else if (!words.empty() && words[0].first.size() >= 19 && words[0].first[4] == '-' && words[0].first[10] == 'T')
        first = 1;
    for (std::size_t k = first; k < words.size() && k <= first + 1; ++k)
        if (ident_word(words[k].first) && (k > first || first > 0))
            return words[k].second + 1 <= line.size() ? line.substr(words[k].second + 1) : std::string();
    return line;
}

std::vector<std::string> sample_messages(const fs::path& root, const std::string& name) {
    std::vector<std::string> out;
    for (const fs::path& p : {root / "tests/data/fail2ban-logs" / name, root / "tests/data/fail2ban-logs" / (name + "-journal"),
                              root / "tests/data/banjo-samples" / name}) {
        std::ifstream in(p);
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty() || line[0] == '#') continue;
            out.push_back(message_of(line));
        }
    }
    return out;
}

struct Cost {
    std::size_t lines = 0;
    double ns = 0;   // per match() call, best run
};

// Replays `lines` through `filter` until at least `min_calls` calls were made (bounded to about
// half a second), three times; returns the best time per call.
// Nanoseconds of CPU time this thread has used.
double thread_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

Cost measure(const Filter& filter, const std::vector<std::string>& lines, std::size_t min_calls) {
    Cost c;
    c.lines = lines.size();
    if (lines.empty()) return c;
    double best = 1e300;
    std::size_t sink = 0;
    for (int run = 0; run < 3; ++run) {
        std::size_t calls = 0;
        const double start = thread_ns();
        double now = start;
        // Reading the CPU clock is a system call: only every ~1000 matches.
        const std::size_t passes = (1000 + lines.size() - 1) / lines.size();
        do {
            for (std::size_t p = 0; p < passes; ++p)
                for (const auto& l : lines) sink += filter.match(l).has_value();
            calls += passes * lines.size();
            now = thread_ns();
        } while (calls < min_calls && now - start < 5e8);
        best = std::min(best, (now - start) / static_cast<double>(calls));
    }
    if (sink == 1) std::fputs("", stderr);   // keeps the calls from being optimised away
    c.ns = best;
    return c;
}

std::string fmt(const Cost& c) {
    if (c.lines == 0) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", c.ns);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path root = ".";
    bool all_modes = false;
    std::size_t min_calls = 200000;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--mode") && i + 1 < argc) {
            all_modes = !std::strcmp(argv[++i], "all");
        } else if (!std::strcmp(argv[i], "--min-entries") && i + 1 < argc) {
            min_calls = std::stoul(argv[++i]);
        } else if (argv[i][0] == '-') {
            std::fprintf(stderr, "usage: filter-cost [SOURCE_ROOT] [--mode default|all] [--min-entries N]\n");
            return 2;
        } else {
            root = argv[i];
        }
    }

    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(root / "conf/filter.d"))
        if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());

    std::map<std::string, std::vector<std::string>> samples;
    for (const auto& n : names)
        if (auto m = sample_messages(root, n); !m.empty()) samples[n] = std::move(m);

    std::printf("| filter | mode | patterns | matched lines | ns/matched | unmatched lines | ns/unmatched | "
                "foreign lines | ns/foreign |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    try {
        for (const auto& [name, own] : samples) {
            FilterSpec spec = load_filter_file((root / "conf/filter.d" / (name + ".toml")).string());
            std::vector<std::string> modes{spec.default_mode};
            if (all_modes)
                for (const auto& [m, s] : spec.modes)
                    if (m != spec.default_mode) modes.push_back(m);
            std::vector<std::string> foreign;
            for (const auto& [other, lines] : samples)
                if (other != name) foreign.insert(foreign.end(), lines.begin(), lines.end());
            for (const auto& mode : modes) {
                Filter filter = Filter::compile(spec, mode);
                std::vector<std::string> matched, unmatched;
                for (const auto& l : own) (filter.match(l) ? matched : unmatched).push_back(l);
                Cost cm = measure(filter, matched, min_calls);
                Cost cu = measure(filter, unmatched, min_calls);
                Cost cf = measure(filter, foreign, min_calls);
                std::printf("| %s | %s | %zu | %zu | %s | %zu | %s | %zu | %s |\n", name.c_str(),
                            mode.empty() ? "-" : mode.c_str(), filter.failregex_texts().size(), cm.lines, fmt(cm).c_str(),
                            cu.lines, fmt(cu).c_str(), cf.lines, fmt(cf).c_str());
                std::fflush(stdout);
            }
        }
    } catch (const ConfigError& e) {
        std::fprintf(stderr, "filter-cost: %s\n", e.what());
        return 1;
    }
    return 0;
}
