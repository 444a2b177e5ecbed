// SPDX-License-Identifier: GPL-2.0-or-later
// The page's one connection: org.banjo1 on the system bus, through Cockpit's bridge. With
// superuser "try" Cockpit uses administrative access when the session has it, else the user's
// own; banjod (and polkit behind it) decide what the caller may change.

/* global cockpit */

export const MANAGER_PATH = "/org/banjo1";
export const MANAGER = "org.banjo1.Manager";
export const JAIL = "org.banjo1.Jail";

export const client = cockpit.dbus("org.banjo1", { bus: "system", superuser: "try" });

export function call(path, iface, method, args, type) {
    const options = { timeout: 30000 };
    if (type)
        options.type = type;
    return client.call(path, iface, method, args, options);
}

export function manager(method, args = [], type) {
    return call(MANAGER_PATH, MANAGER, method, args, type);
}

export function properties(path, iface) {
    return call(path, "org.freedesktop.DBus.Properties", "GetAll", [iface], "s")
        .then(([all]) => Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.v])));
}

// banjod is not on the bus (not running, not installed, or its activation failed).
export function isNotRunning(error) {
    return ["org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.systemd1.NoSuchUnit"].includes(error?.name) || error?.problem === "not-found";
}

// polkit (or the bus policy) said no.
export function isDenied(error) {
    return ["org.banjo1.Error.AccessDenied", "org.freedesktop.DBus.Error.AccessDenied"].includes(error?.name) ||
        ["access-denied", "not-authorized"].includes(error?.problem);
}

export function errorText(error) {
    if (!error)
        return "unknown error";
    return error.message || error.problem || String(error);
}
