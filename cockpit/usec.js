// SPDX-License-Identifier: GPL-2.0-or-later
// banjo's times on D-Bus are 64-bit microseconds (type t), with UINT64_MAX for "permanent".
// They reach JavaScript as plain numbers, which hold integers exactly only below 2^53, and
// Cockpit 287's bridge writes a 't' as a signed 64-bit JSON integer: UINT64_MAX arrives as -1
// (a bridge that wrote it unsigned would give 18446744073709552000). No real time is negative
// or comes near 2^53 microseconds (year 2255), so either means permanent.

export const PERMANENT_FROM = 2 ** 53;

// A duration that banjod takes as "permanent". UINT64_MAX cannot be written as a JavaScript
// number, and Cockpit's bridge reads JSON numbers as signed 64-bit integers (2^63 and above are
// refused as out of range for 't'). The largest double below 2^63 does get through, and banjod
// saturates an expiry past the end of its clock to permanent (UINT64_MAX on the bus).
export const PERMANENT_DURATION_USEC = 2 ** 63 - 1024;

export function isPermanent(usec) {
    return typeof usec !== "number" || !Number.isFinite(usec) || usec < 0 || usec >= PERMANENT_FROM;
}

function pad(n) {
    return String(n).padStart(2, "0");
}

// "2026-12-07 13:45:12", local time.
export function formatTime(usec) {
    if (isPermanent(usec))
        return "never";
    const d = new Date(usec / 1000);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
           `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// "1d 2h", "5m 3s", "12s": the two largest units.
export function formatSpan(ms) {
    let s = Math.max(0, Math.round(ms / 1000));
    const units = [["w", 604800], ["d", 86400], ["h", 3600], ["m", 60], ["s", 1]];
    const parts = [];
    for (const [name, size] of units) {
        if (s >= size || (parts.length === 0 && size === 1)) {
            parts.push(`${Math.floor(s / size)}${name}`);
            s %= size;
        }
        if (parts.length === 2)
            break;
    }
    return parts.join(" ");
}

export function formatRemaining(expiresUsec, nowMs = Date.now()) {
    if (isPermanent(expiresUsec))
        return "permanent";
    const left = expiresUsec / 1000 - nowMs;
    return left <= 0 ? "expiring" : formatSpan(left);
}

const unitUsec = {
    s: 1e6, sec: 1e6, m: 60e6, min: 60e6, h: 3600e6, hr: 3600e6,
    d: 86400e6, day: 86400e6, days: 86400e6, w: 604800e6, week: 604800e6, weeks: 604800e6,
};

// The ban form's duration, systemd style ("10m", "1h 30min", "2d"; a bare number is seconds).
// "" = the jail's policy (0 on the wire); "permanent"/"infinity" = permanent. null: not a duration.
export function parseDuration(text) {
    const t = text.trim().toLowerCase();
    if (t === "")
        return 0;
    if (t === "permanent" || t === "infinity" || t === "forever")
        return PERMANENT_DURATION_USEC;
    const term = /(\d+(?:\.\d+)?)\s*([a-z]*)\s*/y;
    let total = 0;
    let at = 0;
    while (at < t.length) {
        term.lastIndex = at;
        const m = term.exec(t);
        if (!m)
            return null;
        const unit = m[2] === "" ? 1e6 : unitUsec[m[2]];
        if (unit === undefined)
            return null;
        total += Number(m[1]) * unit;
        at = term.lastIndex;
    }
    return total > 0 && total < PERMANENT_FROM ? Math.round(total) : null;
}
