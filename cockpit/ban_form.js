// SPDX-License-Identifier: GPL-2.0-or-later
// The form that bans an address in a jail for a duration (Manager.Ban).

import { el, replaceChildren } from "./dom.js";
import { parseDuration } from "./usec.js";

export function renderJailChoices(select, jails) {
    const current = select.value;
    replaceChildren(select, jails.map(j => el("option", { value: j.name }, j.name)));
    if (jails.some(j => j.name === current))
        select.value = current;
}

// onBan(jail, address, durationUsec) returns a promise; the address field is cleared once it
// resolves.
export function wireBanForm(form, { jail, address, duration }, onBan, onInvalid) {
    form.addEventListener("submit", event => {
        event.preventDefault();
        const usec = parseDuration(duration.value);
        if (usec === null) {
            onInvalid(`"${duration.value}" is not a duration (examples: 10m, 1h 30min, 2d, permanent)`);
            return;
        }
        onBan(jail.value, address.value.trim(), usec).then(ok => {
            if (ok)
                address.value = "";
        });
    });
}
