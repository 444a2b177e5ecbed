// SPDX-License-Identifier: GPL-2.0-or-later
// Downloads the blocklists that are URLs: each when configured and every `interval` after,
// through libcurl's multi interface on the event loop (never blocking it), as a conditional
// request (If-None-Match / If-Modified-Since with the validators of the last body applied, so a
// 304 costs nothing and changes nothing). A download that fails (no answer, an HTTP error,
// cut short, larger than max-size, past the timeout) changes nothing in force and is tried
// again after a doubling backoff (first_retry, then twice that, ... at most the interval).
// The last body applied is kept in CACHE_DIR/NAME.cache (its URL and validators in a header
// before it, one file replaced by rename), so a restart without network starts from it. Readings go to Blocklists.
// One thread, the event loop's.
#pragma once

#include "daemon/blocklists.hpp"
#include "lib/curl/http_client.hpp"
#include "lib/sd/event.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace banjo {

class BlocklistDownloads {
public:
    static constexpr std::chrono::seconds first_retry{5};

    // cache_dir: where the last good bodies are kept (created when first needed); empty: none.
    BlocklistDownloads(sd::Event& loop, Blocklists& lists, std::string cache_dir);

    // Follows the URL lists of lists.lists() from now on; new or changed ones start from their
    // cached copy (if it is of the same URL) and are fetched at once.
    void configure();

private:
    struct Download {
        BlocklistConfig config;
        sd::EventSource timer;
        std::uint64_t generation = 0;   // a transfer's answer for an older Download is dropped
        std::string etag, last_modified;   // of the body in force
        unsigned failures = 0;           // in a row
    };
    void fetch(const std::string& name);
    void answered(const std::string& name, std::uint64_t generation, const curl::HttpResult& result);
    void load_cache(Download& d);
    void save_cache(const Download& d, const std::string& body) const;

    sd::Event& loop_;
    Blocklists& lists_;
    std::string cache_dir_;
    curl::HttpClient http_;
    std::uint64_t generations_ = 0;
    std::map<std::string, std::unique_ptr<Download>> downloads_;   // by list name
};

}  // namespace banjo
