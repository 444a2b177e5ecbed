// SPDX-License-Identifier: GPL-2.0-or-later
// The jails table: what ListJails says, with each jail's filter, and a button that enables or
// disables the jail (Jail.SetEnabled, until banjod's next reload).

import { el, replaceChildren } from "./dom.js";

// jails: [{name, path, enabled, tracked, active, total, filter}]
export function renderJails(tbody, jails, onToggle) {
    const rows = jails.map(j => el("tr", { dataset: { jail: j.name } },
        el("td", { class: "jail-name" }, j.name),
        el("td", {}, j.filter ?? ""),
        el("td", {}, el("span", { class: j.enabled ? "badge badge-on" : "badge badge-off" },
            j.enabled ? "enabled" : "disabled")),
        el("td", { class: "num" }, j.tracked),
        el("td", { class: "num" }, j.active),
        el("td", { class: "num" }, j.total),
        el("td", { class: "actions" },
            el("button", {
                type: "button",
                class: "btn btn-secondary btn-small toggle-jail",
                onclick: () => onToggle(j, !j.enabled),
            }, j.enabled ? "Disable" : "Enable"))));
    if (rows.length === 0)
        rows.push(el("tr", {}, el("td", { colspan: 7, class: "empty" }, "No jail is configured.")));
    replaceChildren(tbody, rows);
}
