// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/blocklist_downloads.hpp"

#include "lib/sd/log.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace banjo {

namespace {

constexpr std::string_view cache_magic = "banjo-blocklist-cache 1\n";

std::string seconds_text(std::chrono::microseconds d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

// Written beside, flushed to disk, renamed over: a crash leaves the old copy or the new one.
bool write_file_atomically(const std::string& path, const std::string& text, std::string& error) {
    const std::string tmp = path + ".new";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = tmp + ": " + std::strerror(errno);
        return false;
    }
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = tmp + ": " + std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        error = path + ": " + std::strerror(errno);
        ::unlink(tmp.c_str());
        return false;
    }
    return true;
}

std::string describe(const curl::HttpResult& r) {
    if (r.too_large) return "the download is " + r.error;
    if (r.status == 0) return r.error.empty() ? std::string("no answer") : r.error;
    return "HTTP " + std::to_string(r.status);
}

}  // namespace

BlocklistDownloads::BlocklistDownloads(sd::Event& loop, Blocklists& lists, std::string cache_dir)
    : loop_(loop), lists_(lists), cache_dir_(std::move(cache_dir)), http_(loop) {}

void BlocklistDownloads::configure() {
    std::map<std::string, std::unique_ptr<Download>> next;
    std::vector<std::string> fresh;
    for (const auto& c : lists_.lists()) {
        if (c.url.empty()) continue;
        auto old = downloads_.find(c.name);
        if (old != downloads_.end() && old->second->config.same_as(c)) {
            next[c.name] = std::move(old->second);
            continue;
        }
        auto d = std::make_unique<Download>();
        d->config = c;
        d->generation = ++generations_;
        const std::string name = c.name;
        d->timer = loop_.add_timer([this, name] { fetch(name); });
        load_cache(*d);
        next[name] = std::move(d);
        fresh.push_back(name);
    }
    downloads_ = std::move(next);   // a transfer of a list gone or changed finds no Download of its generation
    for (const auto& name : fresh) downloads_[name]->timer.arm_in(std::chrono::microseconds(0));
}

void BlocklistDownloads::fetch(const std::string& name) {
    auto it = downloads_.find(name);
    if (it == downloads_.end()) return;
    Download& d = *it->second;
    curl::HttpGet get;
    get.url = d.config.url;
    get.if_none_match = d.etag;
    get.if_modified_since = d.last_modified;
    get.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(d.config.timeout);
    get.max_bytes = d.config.max_bytes;
    const std::uint64_t generation = d.generation;
    try {
        http_.get(get, [this, name, generation](const curl::HttpResult& r) { answered(name, generation, r); });
    } catch (const std::exception& e) {
        lists_.unreadable(name, std::string("cannot start the download: ") + e.what());
        d.timer.arm_in(d.config.interval);
    }
}

void BlocklistDownloads::answered(const std::string& name, std::uint64_t generation, const curl::HttpResult& r) {
    auto it = downloads_.find(name);
    if (it == downloads_.end() || it->second->generation != generation) return;
    Download& d = *it->second;
    if (r.status == 304) {
        d.failures = 0;
        lists_.not_modified(name);
    } else if (r.ok()) {
        d.failures = 0;
        // Validators only of a body in force: a body held back or refused is fetched whole
        // again next time (a 304 would never confirm it).
        if (lists_.read(name, r.body, false)) {
            d.etag = r.etag;
            d.last_modified = r.last_modified;
            save_cache(d, r.body);
        }
    } else {
        const auto backoff = std::min<std::chrono::microseconds>(d.config.interval, first_retry * (1u << std::min(d.failures, 16u)));
        ++d.failures;
        lists_.unreadable(name, describe(r) + "; next try in " + seconds_text(backoff));
        d.timer.arm_in(backoff);
        return;
    }
    d.timer.arm_in(d.config.interval);
}

void BlocklistDownloads::load_cache(Download& d) {
    if (cache_dir_.empty()) return;
    const std::string path = cache_dir_ + "/" + d.config.name + ".cache";
    std::ifstream in(path, std::ios::binary);
    if (!in) return;
    std::stringstream all;
    all << in.rdbuf();
    const std::string text = all.str();
    if (text.compare(0, cache_magic.size(), cache_magic) != 0) return;
    const auto end = text.find("\n\n", cache_magic.size() - 1);
    if (end == std::string::npos) return;
    std::string url, etag, last_modified;
    std::istringstream header(text.substr(cache_magic.size(), end + 1 - cache_magic.size()));
    for (std::string line; std::getline(header, line);) {
        const auto space = line.find(' ');
        const std::string key = line.substr(0, space), value = space == std::string::npos ? "" : line.substr(space + 1);
        if (key == "url") url = value;
        else if (key == "etag") etag = value;
        else if (key == "last-modified") last_modified = value;
    }
    if (url != d.config.url) return;   // a copy of another list
    if (lists_.read(d.config.name, std::string_view(text).substr(end + 2), false, path + " (the last copy of " + url + ")")) {
        d.etag = etag;
        d.last_modified = last_modified;
    }
}

void BlocklistDownloads::save_cache(const Download& d, const std::string& body) const {
    if (cache_dir_.empty()) return;
    if (::mkdir(cache_dir_.c_str(), 0700) != 0 && errno != EEXIST) {
        sd::log(LOG_WARNING, "blocklist " + d.config.name + ": cannot create " + cache_dir_ + ": " + std::strerror(errno) +
                                 " (the list is not kept for a restart without network)",
                {{"MESSAGE_ID", sd::message_id::blocklist}, {"BANJO_BLOCKLIST", d.config.name}});
        return;
    }
    std::string text(cache_magic);
    text += "url " + d.config.url + "\n";
    if (!d.etag.empty()) text += "etag " + d.etag + "\n";
    if (!d.last_modified.empty()) text += "last-modified " + d.last_modified + "\n";
    text += "\n";
    text += body;
    std::string error;
    if (!write_file_atomically(cache_dir_ + "/" + d.config.name + ".cache", text, error))
        sd::log(LOG_WARNING, "blocklist " + d.config.name + ": cannot keep the download: " + error +
                                 " (the list is not kept for a restart without network)",
                {{"MESSAGE_ID", sd::message_id::blocklist}, {"BANJO_BLOCKLIST", d.config.name}});
}

}  // namespace banjo
