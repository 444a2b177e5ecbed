// SPDX-License-Identifier: GPL-2.0-or-later
// The merged view fail2ban builds from several INI files, and its %(name)s interpolation.
// Reading follows fail2ban's ConfigReader: every NAME.conf is followed by NAME.local when that
// exists, and a file's [INCLUDES] before= files come before it and after= files after it (paths
// relative to the including file; missing files are skipped, include loops are cut). Later
// files override earlier ones key by key; the value a key had before it was overridden stays
// reachable as %(known/key)s, fail2ban's way of extending a setting instead of replacing it.
#pragma once

#include "fail2ban/ini_file.hpp"
#include "fail2ban/ini_marks.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace banjo {

// Python's configparser gives up beyond this nesting of %(...)s references, and so do we.
inline constexpr int max_interpolation_depth = 10;

// Values that take precedence over every section (fail2ban's "vars": a filter's arguments).
using IniVars = std::map<std::string, std::string>;

// Files parsed once and shared between the configurations that include them (common.conf is
// included by nearly every filter).
class IniFileCache {
public:
    // nullptr when the file does not exist or cannot be opened (fail2ban skips those too);
    // throws ConfigError on a syntax error.
    std::shared_ptr<const IniFile> get(const std::string& path);
    // Files that exist but could not be opened, in the order they were met.
    const std::vector<std::string>& unreadable() const noexcept { return unreadable_; }

private:
    std::map<std::string, std::shared_ptr<const IniFile>> files_;
    std::vector<std::string> unreadable_;
};

// The files fail2ban reads for one configuration name, in its order, those that exist:
// BASE.conf, BASE.d/*.conf (sorted), BASE.local, BASE.d/*.local (sorted).
std::vector<std::string> fail2ban_config_files(const std::string& base);

class IniConfig {
public:
    // Throws ConfigError when a file read has a syntax error.
    static IniConfig read(const std::vector<std::string>& paths, IniFileCache& cache);
    void merge(const IniFile& file);
    // Sets [DEFAULT] values as fail2ban itself does before reading jails (fail2ban_version, ...).
    void set_default(const std::string& key, const std::string& value) { defaults_[key] = IniValue{value, {}}; }

    const std::vector<std::string>& files() const noexcept { return files_; }
    std::vector<std::string> section_names() const { return order_; }   // in first-seen order
    bool has_section(std::string_view name) const { return sections_.count(std::string(name)) > 0; }
    // The section's own options (without [DEFAULT]'s); nullptr for an unknown section.
    const IniOptions* own_options(std::string_view section) const;
    const IniOptions& defaults() const noexcept { return defaults_; }
    // Where [section] first appears; empty for an unknown section.
    SourceLocation section_where(std::string_view section) const;
    // The section's own value, else [DEFAULT]'s; nullptr when neither sets the key.
    const IniValue* raw(std::string_view section, std::string_view key) const;

    // Variables whose expansion is wrapped in marks (see ini_marks.hpp) so that the caller can
    // find it in the final text and drop or keep it there: fail2ban's syslog-prefix parts.
    // MarkKind::empty: the value is not even looked up (it may be undefined).
    void set_marked(std::map<std::string, MarkKind> names) { marked_ = std::move(names); }
    const std::map<std::string, MarkKind>& marked() const noexcept { return marked_; }

    // The interpolated value of `key` in `section` (its own, else [DEFAULT]'s): %(name)s is
    // looked up in `vars`, the section, [DEFAULT]; %(__name__)s is the section's name;
    // %(known/name)s the value before the last override (else [DEFAULT]'s); %(default/name)s
    // [DEFAULT]'s; %(other/name)s section [other]'s; %% is '%'. nullopt when the key is unset.
    // A marked key is marked here too.
    // Throws ConfigError at the key's line for a reference to nothing, a bad '%' or nesting
    // beyond max_interpolation_depth.
    std::optional<std::string> get(std::string_view section, std::string_view key, const IniVars& vars = {}) const;
    // The same for a value that is not (or not only) stored under a key.
    std::string interpolate(std::string_view section, std::string_view key, const IniValue& value,
                            const IniVars& vars = {}) const;
    // The value `key` had in `section` before a later file overrode it; nullptr if none did.
    const IniValue* known(std::string_view section, std::string_view key) const;

private:
    std::optional<std::string> lookup(std::string_view section, const std::string& name, const IniVars& vars) const;

    std::vector<std::string> files_;
    IniOptions defaults_;
    std::map<std::string, IniOptions> sections_;
    std::map<std::string, IniOptions> known_;   // per section: the values overridden by later files
    std::vector<std::string> order_;
    std::map<std::string, SourceLocation> section_where_;
    std::map<std::string, MarkKind> marked_;
};

}  // namespace banjo
