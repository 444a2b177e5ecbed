// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/filter.hpp"

#include "core/filter_tags.hpp"
#include "core/input_excerpt.hpp"
#include "lib/pcre/regex.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>

namespace banjo {
namespace {

using GroupList = std::vector<std::uint32_t>;

// One compiled pattern and the numbers of the groups Filter reads from it, looked up once.
struct CompiledPattern {
    pcre::Regex re;
    GroupList host, user, alt_user, id, content, nofail, forget, gained;

    // The first group of `list` that took part in the last match.
    std::optional<std::string_view> first(const GroupList& list, std::string_view subject) const noexcept {
        for (auto n : list)
            if (auto g = re.group(n, subject)) return g;
        return std::nullopt;
    }
    bool any_set(const GroupList& list) const noexcept {
        return std::any_of(list.begin(), list.end(), [&](auto n) { return re.group_set(n); });
    }
};

GroupList numbers(const pcre::Regex& re, std::string_view a, std::string_view b = {}) {
    GroupList out = re.group_numbers(a);
    if (!b.empty()) {
        GroupList more = re.group_numbers(b);
        out.insert(out.end(), more.begin(), more.end());
    }
    return out;
}

std::string excerpt(std::string_view text, std::size_t at) {
    constexpr std::size_t width = 24;
    std::size_t begin = at > width ? at - width : 0;
    // Escaped: a cut through a multi-byte character must not make the message invalid UTF-8.
    return input_excerpt(text.substr(begin, 2 * width), 2 * width);
}

CompiledPattern compile_pattern(const Pattern& p, std::string_view what) {
    TranslatedPattern t = translate_tags(p, what);
    pcre::CompileOptions options;
    // Both ends anchored: the host can only come from where the pattern puts it, never from an
    // address-looking word an attacker wrote earlier or later in the line.
    options.anchored = true;
    options.end_anchored = true;
    options.duplicate_names = true;   // <HOST> in two branches, <F-USER> in two alternatives
    try {
        pcre::Regex re = pcre::Regex::compile(t.regex, options);
        CompiledPattern c{std::move(re), {}, {}, {}, {}, {}, {}, {}, {}};
        c.host = numbers(c.re, tag_group::host);
        c.user = numbers(c.re, tag_group::user);
        c.alt_user = numbers(c.re, tag_group::alt_user);
        c.id = numbers(c.re, tag_group::id, tag_group::mlfid);
        c.content = numbers(c.re, tag_group::content);
        c.nofail = numbers(c.re, tag_group::nofail);
        c.forget = numbers(c.re, tag_group::forget);
        c.gained = numbers(c.re, tag_group::gained);
        return c;
    } catch (const pcre::RegexError& e) {
        std::size_t at = e.offset() < t.source_offset.size() ? t.source_offset[e.offset()] : p.text.size();
        throw ConfigError(p.where, std::string(what) + ": " + e.what() + " at character " + std::to_string(at + 1) +
                                       " (near \"" + excerpt(p.text, at) + "\")");
    }
}

// The mode's own patterns, then those of the modes it includes (depth first, in include order),
// each mode once. Own first: a mode refines what it includes (extra's "disconnected before
// authentication" failure must be tried before normal's nofail line for the same text).
void collect_mode(const FilterSpec& spec, const std::string& mode, std::set<std::string>& seen,
                  std::vector<const Pattern*>& fail, std::vector<const Pattern*>& ignore) {
    if (!seen.insert(mode).second) return;
    auto it = spec.modes.find(mode);
    if (it == spec.modes.end()) {
        std::string known;
        for (const auto& [name, m] : spec.modes) known += (known.empty() ? "" : ", ") + name;
        throw ConfigError(spec.where, "filter '" + spec.name + "' has no mode '" + input_excerpt(mode) + "'" +
                                          (known.empty() ? " (it has no modes)" : " (modes: " + known + ")"));
    }
    for (const auto& p : it->second.failregex) fail.push_back(&p);
    for (const auto& p : it->second.ignoreregex) ignore.push_back(&p);
    for (const auto& inc : it->second.include) collect_mode(spec, inc, seen, fail, ignore);
}

}  // namespace

struct Filter::Impl {
    std::string name, mode, id_field;
    std::optional<CompiledPattern> pref;
    std::vector<CompiledPattern> fail, ignore;
    std::vector<std::string> fail_texts;
    // The failregex worth trying on a content that starts with byte b, in list order:
    // candidates[start[b]] up to candidates[start[b + 1]]. Most patterns begin with a literal
    // word ("Failed", "Accepted"), so a content is tried against two or three of them instead of
    // the whole list; an empty content tries every pattern.
    std::vector<std::uint32_t> candidates;
    std::array<std::uint32_t, 257> start{};

    void index_first_bytes() {
        candidates.clear();
        for (unsigned b = 0; b < 256; ++b) {
            start[b] = static_cast<std::uint32_t>(candidates.size());
            for (std::size_t i = 0; i < fail.size(); ++i)
                if (fail[i].re.may_start_with(static_cast<unsigned char>(b)))
                    candidates.push_back(static_cast<std::uint32_t>(i));
        }
        start[256] = static_cast<std::uint32_t>(candidates.size());
    }

    // The first failregex that matches `content`, in list order.
    std::optional<std::size_t> first_match(std::string_view content) const noexcept {
        if (content.empty()) {
            for (std::size_t i = 0; i < fail.size(); ++i)
                if (fail[i].re.match(content)) return i;
            return std::nullopt;
        }
        const auto b = static_cast<unsigned char>(content.front());
        for (std::uint32_t k = start[b]; k < start[b + 1]; ++k)
            if (fail[candidates[k]].re.match(content)) return candidates[k];
        return std::nullopt;
    }
};

Filter::Filter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

Filter Filter::compile(const FilterSpec& spec, const std::string& mode_name) {
    auto d = std::make_unique<Impl>();
    d->name = spec.name;
    d->mode = mode_name.empty() ? spec.default_mode : mode_name;
    d->id_field = spec.id_field;

    std::vector<const Pattern*> fail, ignore;
    for (const auto& p : spec.failregex) fail.push_back(&p);
    for (const auto& p : spec.ignoreregex) ignore.push_back(&p);
    std::set<std::string> seen;
    if (!d->mode.empty()) collect_mode(spec, d->mode, seen, fail, ignore);

    if (spec.prefregex) {
        d->pref = compile_pattern(*spec.prefregex, "prefregex");
        if (d->pref->content.empty())
            throw ConfigError(spec.prefregex->where, "prefregex: needs <F-CONTENT>..</F-CONTENT> around the part "
                                                     "failregex and ignoreregex see");
    }
    bool pref_gives_host = d->pref && !d->pref->host.empty();
    bool pref_gives_id = d->pref && !d->pref->id.empty();
    for (const Pattern* p : fail) {
        CompiledPattern c = compile_pattern(*p, "failregex");
        // A line with no host can only be pinned on one through its session; without a session
        // id such a pattern could never count anything, which is surely a mistake.
        if (c.host.empty() && !pref_gives_host && c.id.empty() && !pref_gives_id && spec.id_field.empty())
            throw ConfigError(p->where, "failregex: has no <HOST>, <ADDR>, <IP4> or <IP6>, and the filter has no "
                                        "id-field or <F-ID> to find the host by");
        d->fail.push_back(std::move(c));
        d->fail_texts.push_back(p->text);
    }
    for (const Pattern* p : ignore) d->ignore.push_back(compile_pattern(*p, "ignoreregex"));
    d->index_first_bytes();
    return Filter(std::move(d));
}

void Filter::check(const FilterSpec& spec) {
    compile(spec, "");
    for (const auto& [name, m] : spec.modes) compile(spec, name);
}

std::optional<FilterMatch> Filter::match(std::string_view message) const noexcept {
    const Impl& d = *impl_;
    std::string_view content = message;
    if (d.pref) {
        if (!d.pref->re.match(message)) return std::nullopt;
        content = d.pref->first(d.pref->content, message).value_or(std::string_view());
    }
    const std::optional<std::size_t> hit = d.first_match(content);
    if (!hit) return std::nullopt;
    const CompiledPattern& p = d.fail[*hit];
    // Each pattern owns its match data, so the ignoreregex runs leave p's groups intact.
    for (const auto& ig : d.ignore)
        if (ig.re.match(content)) return std::nullopt;

    FilterMatch m;
    m.pattern_index = *hit;
    // A field the failregex lacks may come from the prefregex (a host or id in a prefix).
    auto field = [&](const GroupList CompiledPattern::*list) {
        if (auto v = p.first(p.*list, content)) return *v;
        if (d.pref)
            if (auto v = d.pref->first(d.pref.value().*list, message)) return *v;
        return std::string_view();
    };
    m.host = field(&CompiledPattern::host);
    m.user = field(&CompiledPattern::user);
    if (m.user.empty()) m.user = field(&CompiledPattern::alt_user);
    m.id = field(&CompiledPattern::id);
    if (!m.host.empty()) m.address = Address::parse(m.host);

    m.gained = p.any_set(p.gained);
    m.ends_session = p.any_set(p.forget);
    bool nofail = m.gained || p.any_set(p.nofail);
    m.kind = !nofail ? MatchKind::failure : m.ends_session ? MatchKind::forget : MatchKind::info;
    return m;
}

const std::string& Filter::name() const noexcept { return impl_->name; }
const std::string& Filter::mode() const noexcept { return impl_->mode; }
const std::string& Filter::id_field() const noexcept { return impl_->id_field; }
const std::vector<std::string>& Filter::failregex_texts() const noexcept { return impl_->fail_texts; }

}  // namespace banjo
