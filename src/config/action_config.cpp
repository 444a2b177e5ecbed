// SPDX-License-Identifier: GPL-2.0-or-later
#include "config/action_config.hpp"

#include "core/action_event.hpp"
#include "core/input_excerpt.hpp"

#include <pwd.h>

#include <algorithm>
#include <regex>

namespace banjo {

namespace {

void require_no_placeholder_typo(const TomlSource& src, const toml::node& n, const std::string& key,
                                 const std::string& text) {
    if (auto name = unknown_placeholder(text)) {
        std::string known;
        for (auto p : action_placeholders) known += (known.empty() ? "{" : ", {") + std::string(p) + "}";
        src.fail(n, "'" + key + "': {" + input_excerpt(*name) + "} is no placeholder (placeholders: " + known +
                        "; {{ and }} for a literal brace)");
    }
}

std::string read_absolute_path(const TomlSource& src, const toml::table& t, std::string_view key) {
    std::string path = *src.get_string(t, key);
    if (path.empty() || path[0] != '/')
        src.fail(*t.get(key), "'" + std::string(key) + "': \"" + input_excerpt(path) + "\" is not an absolute path");
    return path;
}

// A mail address as it goes into a header: one line, no spaces or angle brackets, one '@'.
std::string read_mail_address(const TomlSource& src, const toml::table& t, std::string_view key) {
    std::string text = *src.get_string(t, key);
    static const std::regex address(R"([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+)");
    if (!std::regex_match(text, address))
        src.fail(*t.get(key), "'" + std::string(key) + "': \"" + input_excerpt(text) + "\" is not a mail address like root@example.org");
    return text;
}

// A credential file: absolute, or a plain name looked up in $CREDENTIALS_DIRECTORY when used.
std::string read_secret_path(const TomlSource& src, const toml::table& t, std::string_view key) {
    std::string path = *src.get_string(t, key);
    static const std::regex credential("[A-Za-z0-9][A-Za-z0-9_.-]*");
    if (path.empty() || (path[0] != '/' && !std::regex_match(path, credential)))
        src.fail(*t.get(key), "'" + std::string(key) + "': \"" + input_excerpt(path) +
                                  "\" is neither an absolute path nor a credential name (LoadCredential=)");
    return path;
}

std::string read_url(const TomlSource& src, const toml::table& t) {
    std::string url = *src.get_string(t, "url");
    if (!(url.starts_with("http://") || url.starts_with("https://")) || url.size() < 10 ||
        url.find_first_of(" \t\r\n") != std::string::npos)
        src.fail(*t.get("url"), "'url': \"" + input_excerpt(url) + "\" is not an http:// or https:// URL");
    return url;
}

void read_trigger(const TomlSource& src, const toml::table& t, ActionSpec& a) {
    if (!t.get("on")) return;
    const auto on = *src.get_strings(t, "on");
    a.on_ban = a.on_unban = false;
    for (const auto& v : on) {
        if (v == "ban") a.on_ban = true;
        else if (v == "unban") a.on_unban = true;
        else src.fail(*t.get("on"), "'on': \"" + input_excerpt(v) + "\" must be \"ban\" or \"unban\"");
    }
    if (on.empty()) src.fail(*t.get("on"), "'on' must name \"ban\", \"unban\" or both");
}

void read_exec(const TomlSource& src, const toml::table& t, ActionSpec& a) {
    const toml::node* n = t.get("argv");
    if (!n) src.fail(t, "action '" + a.name + "': type \"exec\" needs 'argv', like [\"/usr/local/bin/notify\", \"{address}\"]");
    if (n->is_string()) src.fail(*n, "'argv' must be a list (no shell ever reads it), like [\"/usr/local/bin/notify\", \"{address}\"]");
    a.argv = *src.get_strings(t, "argv");
    if (a.argv.empty() || a.argv[0].empty() || a.argv[0][0] != '/')
        src.fail(*n, "'argv' must start with the program's absolute path");
    for (const auto& arg : a.argv) require_no_placeholder_typo(src, *n, "argv", arg);
    if (auto user = src.get_string(t, "user")) {
        // Resolved now, so that a typo fails the config rather than every run.
        struct passwd pw{}, *found = nullptr;
        std::vector<char> buffer(16384);
        if (getpwnam_r(user->c_str(), &pw, buffer.data(), buffer.size(), &found) != 0 || !found)
            src.fail(*t.get("user"), "'user': no user \"" + input_excerpt(*user) + "\" on this host");
        a.user = *user;
        a.uid = found->pw_uid;
        a.gid = found->pw_gid;
    }
}

void read_http(const TomlSource& src, const toml::table& t, ActionSpec& a) {
    if (auto body = src.get_string(t, "body")) {
        require_no_placeholder_typo(src, *t.get("body"), "body", *body);
        a.body = *body;
    }
    if (auto r = src.get_integer(t, "retries")) {
        if (*r < 0 || *r > 10) src.fail(*t.get("retries"), "'retries' must be between 0 and 10");
        a.retries = static_cast<unsigned>(*r);
    }
}

ActionSpec read_action(const TomlSource& src, const std::string& name, const toml::table& t) {
    ActionSpec a;
    a.name = name;
    a.where = src.where(t);
    const auto type = src.get_string(t, "type");
    if (!type) src.fail(t, "action '" + name + "' needs 'type': \"exec\", \"mail\", \"webhook\" or \"abuseipdb\"");
    const std::string what = "[action." + name + "]";
    if (*type == "exec") {
        a.kind = ActionKind::exec;
        src.require_known_keys(t, {"type", "on", "timeout", "argv", "user"}, what);
        read_exec(src, t, a);
    } else if (*type == "mail") {
        a.kind = ActionKind::mail;
        src.require_known_keys(t, {"type", "on", "timeout", "to", "from", "sendmail", "whois"}, what);
        if (!t.get("to") || !t.get("from")) src.fail(t, "action '" + name + "': type \"mail\" needs 'to' and 'from'");
        a.to = read_mail_address(src, t, "to");
        a.from = read_mail_address(src, t, "from");
        if (t.get("sendmail")) a.sendmail = read_absolute_path(src, t, "sendmail");
        if (const toml::node* w = t.get("whois")) {
            if (w->is_boolean()) a.whois = *w->value<bool>() ? "whois" : "";
            else if (w->is_string()) a.whois = read_absolute_path(src, t, "whois");
            else src.fail(*w, "'whois' must be true, false or the absolute path of a whois program");
        }
    } else if (*type == "webhook") {
        a.kind = ActionKind::webhook;
        src.require_known_keys(t, {"type", "on", "timeout", "url", "body", "secret-file", "retries"}, what);
        if (!t.get("url")) src.fail(t, "action '" + name + "': type \"webhook\" needs 'url'");
        a.url = read_url(src, t);
        read_http(src, t, a);
        if (t.get("secret-file")) a.secret_file = read_secret_path(src, t, "secret-file");
    } else if (*type == "abuseipdb") {
        a.kind = ActionKind::abuseipdb;
        src.require_known_keys(t, {"type", "on", "timeout", "key-file", "categories", "url", "retries"}, what);
        if (!t.get("key-file") || !t.get("categories"))
            src.fail(t, "action '" + name + "': type \"abuseipdb\" needs 'key-file' and 'categories'");
        a.secret_file = read_secret_path(src, t, "key-file");
        a.url = t.get("url") ? read_url(src, t) : std::string(abuseipdb_report_url);
        const toml::node& c = *t.get("categories");
        const toml::array* list = c.as_array();
        if (!list || list->empty()) src.fail(c, "'categories' must be a list of AbuseIPDB category numbers like [18, 22]");
        for (const auto& item : *list) {
            auto v = item.value<std::int64_t>();
            if (!item.is_integer() || !v || *v < 1 || *v > 99)
                src.fail(item, "'categories' entries must be AbuseIPDB category numbers (1-99)");
            a.categories.push_back(static_cast<unsigned>(*v));
        }
        read_http(src, t, a);
    } else {
        src.fail(*t.get("type"), "'type' must be \"exec\", \"mail\", \"webhook\" or \"abuseipdb\", not \"" +
                                     input_excerpt(*type) + "\"");
    }
    read_trigger(src, t, a);
    if (t.get("timeout")) {
        a.timeout = *src.get_timespan(t, "timeout");
        if (a.timeout <= Usec(0) || a.timeout > std::chrono::hours(1))
            src.fail(*t.get("timeout"), "'timeout' must be longer than 0 and at most 1h");
    }
    return a;
}

}  // namespace

std::string_view to_string(ActionKind kind) noexcept {
    switch (kind) {
    case ActionKind::exec: return "exec";
    case ActionKind::mail: return "mail";
    case ActionKind::webhook: return "webhook";
    case ActionKind::abuseipdb: return "abuseipdb";
    }
    return "exec";
}

std::vector<ActionSpec> read_actions(const TomlSource& src) {
    std::vector<ActionSpec> out;
    const toml::table* actions = src.get_table(src.root(), "action");
    if (!actions) return out;
    static const std::regex action_name("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    for (const auto& [key, node] : *actions) {
        const std::string name(key.str());
        if (!std::regex_match(name, action_name))
            throw ConfigError({src.path(), static_cast<int>(key.source().begin.line)},
                              "action name '" + input_excerpt(name) +
                                  "' must be 1-64 letters, digits, '-' or '_', starting with a letter or digit");
        if (!node.is_table()) src.fail(node, "'action." + name + "' must be a table");
        out.push_back(read_action(src, name, *node.as_table()));
    }
    std::sort(out.begin(), out.end(), [](const ActionSpec& a, const ActionSpec& b) { return a.name < b.name; });
    return out;
}

std::vector<std::string> read_action_names(const TomlSource& src, const toml::table& t,
                                           const std::vector<ActionSpec>& known) {
    const toml::node& n = *t.get("actions");
    if (!n.is_array()) src.fail(n, "'actions' must be a list of action names like [\"mail-admin\"] ([] for none)");
    std::vector<std::string> names = *src.get_strings(t, "actions");
    for (const auto& name : names) {
        if (std::none_of(known.begin(), known.end(), [&](const ActionSpec& a) { return a.name == name; }))
            src.fail(n, "'actions': no [action." + input_excerpt(name) + "] in banjo.toml");
        if (std::count(names.begin(), names.end(), name) > 1)
            src.fail(n, "'actions': \"" + input_excerpt(name) + "\" is named twice");
    }
    return names;
}

}  // namespace banjo
