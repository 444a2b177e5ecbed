// SPDX-License-Identifier: GPL-2.0-or-later
// banjo's Cockpit page: wires the parts to org.banjo1. Everything shown is read again from
// banjod after each signal it sends (Banned, Unbanned, JailsChanged, PropertiesChanged), a
// quarter of a second after the last one of a burst, so the page follows banjod without reloads.

import { el, replaceChildren } from "./dom.js";
import { client, manager, call, properties, isNotRunning, isDenied, errorText, MANAGER_PATH, MANAGER, JAIL }
    from "./bus.js";
import { renderJails } from "./jails.js";
import { BanTable } from "./bans.js";
import { renderJailChoices, wireBanForm } from "./ban_form.js";
import { renderChart } from "./chart.js";
import { renderFilterChoices, renderVerdicts } from "./filter_tester.js";
import { isPermanent } from "./usec.js";

const $ = id => document.getElementById(id);
const DAY_USEC = 24 * 3600e6;

const alerts = $("alerts");
const page = { jails: [], bans: [], history: [], filters: new Map(), running: null };

// One alert per topic ("daemon", "backend", "action"), replaced when the topic speaks again.
function showAlert(topic, kind, title, detail, action) {
    clearAlert(topic);
    alerts.appendChild(el("div", { class: `alert alert-${kind}`, dataset: { topic }, role: "alert" },
        el("strong", { class: "alert-title" }, title),
        detail ? el("span", { class: "alert-detail" }, " ", detail) : null,
        action ?? null,
        topic === "action" ? el("button", { type: "button", class: "btn-link close",
            "aria-label": "Dismiss", onclick: () => clearAlert(topic) }, "×") : null));
}

function clearAlert(topic) {
    for (const node of alerts.querySelectorAll(`[data-topic="${topic}"]`))
        node.remove();
}

// What a change the user asked for ended in: a refusal from polkit gets words of its own.
function reportFailure(what, error) {
    if (isDenied(error))
        showAlert("action", "danger", `Permission denied: you are not allowed to ${what}.`,
            `Ask an administrator, or turn on administrative access. (${errorText(error)})`);
    else if (isNotRunning(error))
        showNotRunning();
    else
        showAlert("action", "danger", `Could not ${what}:`, errorText(error));
}

// The cards show banjod's state: with banjod gone they would show a stale one.
function showCards(shown) {
    for (const card of document.querySelectorAll(".card"))
        card.hidden = !shown;
}

function showNotRunning() {
    page.running = false;
    showCards(false);
    clearAlert("backend");
    $("summary").textContent = "banjo is not running.";
    showAlert("daemon", "warning", "banjo is not running.",
        "Its jails and bans appear here once it runs.",
        el("button", { type: "button", class: "btn btn-primary", id: "start-banjo", onclick: startBanjo },
            "Start banjo"));
}

// The first call to org.banjo1 starts banjo.service through D-Bus activation.
function startBanjo() {
    call(MANAGER_PATH, "org.freedesktop.DBus.Peer", "Ping", [])
        .then(() => refresh())
        .catch(error => showAlert("daemon", "danger", "banjo could not be started:", errorText(error)));
}

async function jailFilter(name, path) {
    if (!page.filters.has(name)) {
        const filter = await call(path, "org.freedesktop.DBus.Properties", "Get", [JAIL, "Filter"], "ss")
            .then(([v]) => v.v, () => "");
        page.filters.set(name, filter);
    }
    return page.filters.get(name);
}

async function load() {
    const [jailRows] = await manager("ListJails");
    const jails = await Promise.all(jailRows.map(async ([name, path, enabled, tracked, active, total]) =>
        ({ name, path, enabled, tracked, active, total, filter: await jailFilter(name, path) })));
    const [banRows] = await manager("ListBans", [""], "s");
    const bans = banRows.map(([jail, address, banned, expires, failures, origin]) =>
        ({ jail, address, banned, expires, failures, origin }));
    const since = Math.max(0, Date.now() * 1000 - DAY_USEC);
    const history = await manager("ListBanHistory", [since], "t")
        .then(([rows]) => rows.map(([jail, address, banned]) => ({ jail, address, banned })),
            error => {
                // An older banjod without the method: the rest of the page still works.
                if (error?.name === "org.freedesktop.DBus.Error.UnknownMethod")
                    return null;
                throw error;
            });
    const props = await properties(MANAGER_PATH, MANAGER);
    return { jails, bans, history, props };
}

let refreshing = null;
let again = false;

async function refresh() {
    if (refreshing) {
        again = true;
        return refreshing;
    }
    refreshing = (async () => {
        try {
            show(await load());
        } catch (error) {
            if (isNotRunning(error))
                showNotRunning();
            else if (isDenied(error))
                showAlert("daemon", "danger", "Permission denied: you may not read banjo's state.", errorText(error));
            else
                showAlert("daemon", "danger", "Cannot talk to banjo:", errorText(error));
        }
    })();
    await refreshing;
    refreshing = null;
    if (again) {
        again = false;
        return refresh();
    }
}

let timer = null;
function refreshSoon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
}

function show({ jails, bans, history, props }) {
    page.running = true;
    clearAlert("daemon");
    showCards(true);
    Object.assign(page, { jails, bans });
    const state = props.BackendState;
    $("summary").textContent = `banjo ${props.Version} · firewall ${props.Backend}: ${state} · ` +
        `${props.ActiveBans} active bans · ${jails.length} jails`;
    if (state === "unavailable")
        showAlert("backend", "warning", "firewalld is not available.",
            "banjo keeps deciding bans and applies them once firewalld runs again.");
    else if (state === "degraded")
        showAlert("backend", "warning", "The firewall is degraded.",
            "banjo's ipsets are not active yet; the journal of banjo.service says what to do.");
    else
        clearAlert("backend");

    renderJails($("jails").tBodies[0], jails, toggleJail);
    renderJailChoices($("ban-jail"), jails);
    renderFilterChoices($("filters"), jails.map(j => j.filter).filter(Boolean));
    bansTable.update(bans);
    if (history === null)
        replaceChildren($("chart"), [el("p", { class: "muted" }, "This banjo keeps no ban history (it is older than this page).")]);
    else
        renderChart($("chart"), history, jails.map(j => j.name));
}

function toggleJail(jail, enabled) {
    call(jail.path, JAIL, "SetEnabled", [enabled], "b")
        .then(() => { clearAlert("action"); refreshSoon() })
        .catch(error => reportFailure(`${enabled ? "enable" : "disable"} jail ${jail.name}`, error));
}

function unban(bans) {
    Promise.allSettled(bans.map(b => manager("Unban", [b.jail, b.address], "ss"))).then(results => {
        const failed = results.findIndex(r => r.status === "rejected");
        if (failed >= 0) {
            const b = bans[failed];
            reportFailure(`unban ${b.address} in jail ${b.jail}`, results[failed].reason);
        } else {
            clearAlert("action");
        }
        refreshSoon();
    });
}

function ban(jail, address, durationUsec) {
    return manager("Ban", [jail, address, durationUsec], "sst").then(([expires]) => {
        showAlert("action", "success", `Banned ${address} in jail ${jail}`,
            isPermanent(expires) ? "permanently." : `until ${new Date(expires / 1000).toLocaleString()}.`);
        refreshSoon();
        return true;
    }, error => {
        reportFailure(`ban ${address} in jail ${jail}`, error);
        return false;
    });
}

const bansTable = new BanTable({
    tbody: $("bans").tBodies[0],
    search: $("ban-search"),
    selectAll: $("select-all"),
    unbanSelected: $("unban-selected"),
    count: $("ban-count"),
    empty: $("no-bans"),
    sortButtons: [...document.querySelectorAll("#bans .sort")],
    onUnban: unban,
});

wireBanForm($("ban-form"), { jail: $("ban-jail"), address: $("ban-address"), duration: $("ban-duration") }, ban,
    message => showAlert("action", "danger", "Cannot ban:", message));

$("tester-form").addEventListener("submit", event => {
    event.preventDefault();
    const lines = $("tester-lines").value.split("\n").map(l => l.replace(/\r$/, "")).filter(l => l.trim() !== "");
    manager("TestFilter", [$("tester-filter").value.trim(), $("tester-mode").value.trim(), lines], "ssas")
        .then(([verdicts]) => { clearAlert("action"); renderVerdicts($("tester-result"), lines, verdicts) })
        .catch(error => reportFailure("test the filter", error));
});

// Live: banjod's own signals, and property changes of the manager and every jail.
client.subscribe({ interface: MANAGER, path: MANAGER_PATH }, refreshSoon);
client.subscribe({ interface: "org.freedesktop.DBus.Properties", member: "PropertiesChanged",
    path_namespace: MANAGER_PATH }, refreshSoon);
client.subscribe({ interface: MANAGER, member: "JailsChanged" }, () => { page.filters.clear(); refreshSoon() });
client.addEventListener("owner", (event, owner) => {
    if (owner === null)
        showNotRunning();
    else if (page.running !== true)
        refreshSoon();
});
// Remaining times count down without any signal.
setInterval(() => bansTable.render(), 30000);

refresh();
