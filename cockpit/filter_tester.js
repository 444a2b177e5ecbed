// SPDX-License-Identifier: GPL-2.0-or-later
// The filter tester: pasted log lines through one of banjod's filters (Manager.TestFilter),
// with the outcome and the address of every line. Nothing is banned or counted.

import { el, replaceChildren } from "./dom.js";

export function renderFilterChoices(datalist, filters) {
    replaceChildren(datalist, [...new Set(filters)].sort().map(f => el("option", { value: f })));
}

// lines: the text lines sent; verdicts: [[outcome, address, host, user], ...] in the same order.
export function renderVerdicts(table, lines, verdicts) {
    const rows = verdicts.map(([outcome, address, host, user], i) => el("tr", { class: `outcome-${outcome}` },
        el("td", { class: "num" }, i + 1),
        el("td", {}, outcome),
        el("td", { class: "address" }, address || (host ? `${host} (not an address)` : "")),
        el("td", {}, user),
        el("td", { class: "line" }, lines[i])));
    replaceChildren(table.tBodies[0], rows);
    table.hidden = false;
}
