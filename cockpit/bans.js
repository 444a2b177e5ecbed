// SPDX-License-Identifier: GPL-2.0-or-later
// The active bans table: search, sort by any column, unban per row or for a selection. It keeps
// the selection across updates (a ban lifted meanwhile drops out of it).

import { el, replaceChildren } from "./dom.js";
import { formatRemaining, formatTime, isPermanent } from "./usec.js";

const key = b => `${b.jail}\u0000${b.address}`;

// Orders permanent bans after every timed one, whatever their (inexact) number.
function expiryRank(b) {
    return isPermanent(b.expires) ? Infinity : b.expires;
}

const compare = {
    address: (a, b) => a.address.localeCompare(b.address, undefined, { numeric: true }),
    jail: (a, b) => a.jail.localeCompare(b.jail),
    banned: (a, b) => a.banned - b.banned,
    expires: (a, b) => expiryRank(a) - expiryRank(b),
    failures: (a, b) => a.failures - b.failures,
    origin: (a, b) => a.origin.localeCompare(b.origin),
};

export class BanTable {
    constructor({ tbody, search, selectAll, unbanSelected, count, empty, sortButtons, onUnban }) {
        Object.assign(this, { tbody, search, selectAll, unbanSelected, count, empty, onUnban });
        this.bans = [];
        this.selected = new Set();
        this.sortKey = "banned";
        this.descending = true;
        this.sortButtons = sortButtons;
        search.addEventListener("input", () => this.render());
        selectAll.addEventListener("change", () => {
            for (const b of this.visible())
                selectAll.checked ? this.selected.add(key(b)) : this.selected.delete(key(b));
            this.render();
        });
        unbanSelected.addEventListener("click", () => {
            const chosen = this.bans.filter(b => this.selected.has(key(b)));
            if (chosen.length)
                this.onUnban(chosen);
        });
        for (const button of sortButtons) {
            button.addEventListener("click", () => {
                const k = button.dataset.key;
                this.descending = this.sortKey === k ? !this.descending : false;
                this.sortKey = k;
                this.render();
            });
        }
    }

    // bans: [{jail, address, banned, expires, failures, origin}]
    update(bans) {
        this.bans = bans;
        const present = new Set(bans.map(key));
        for (const k of [...this.selected])
            if (!present.has(k))
                this.selected.delete(k);
        this.render();
    }

    visible() {
        const needle = this.search.value.trim().toLowerCase();
        const shown = this.bans.filter(b => !needle || b.address.toLowerCase().includes(needle) ||
            b.jail.toLowerCase().includes(needle) || b.origin.includes(needle));
        shown.sort(compare[this.sortKey]);
        if (this.descending)
            shown.reverse();
        return shown;
    }

    render() {
        const now = Date.now();
        const shown = this.visible();
        const rows = shown.map(b => el("tr", { dataset: { address: b.address, jail: b.jail } },
            el("td", { class: "check" }, el("input", {
                type: "checkbox",
                "aria-label": `Select ${b.address} in ${b.jail}`,
                checked: this.selected.has(key(b)),
                onchange: e => {
                    e.target.checked ? this.selected.add(key(b)) : this.selected.delete(key(b));
                    this.renderSelection(shown);
                },
            })),
            el("td", { class: "address" }, b.address),
            el("td", {}, b.jail),
            el("td", {}, formatTime(b.banned)),
            el("td", { class: isPermanent(b.expires) ? "permanent" : "" }, formatRemaining(b.expires, now)),
            el("td", { class: "num" }, b.failures),
            el("td", {}, b.origin),
            el("td", { class: "actions" }, el("button", {
                type: "button",
                class: "btn btn-danger btn-small unban",
                onclick: () => this.onUnban([b]),
            }, "Unban"))));
        replaceChildren(this.tbody, rows);
        this.empty.hidden = this.bans.length !== 0;
        this.count.textContent = this.bans.length === shown.length
            ? `${this.bans.length} banned`
            : `${shown.length} of ${this.bans.length} shown`;
        for (const button of this.sortButtons) {
            const active = button.dataset.key === this.sortKey;
            button.classList.toggle("sorted", active);
            button.setAttribute("aria-sort", active ? (this.descending ? "descending" : "ascending") : "none");
        }
        this.renderSelection(shown);
    }

    renderSelection(shown) {
        const n = this.selected.size;
        this.unbanSelected.disabled = n === 0;
        this.unbanSelected.textContent = n ? `Unban selected (${n})` : "Unban selected";
        this.selectAll.checked = shown.length > 0 && shown.every(b => this.selected.has(key(b)));
    }
}
