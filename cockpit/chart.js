// SPDX-License-Identifier: GPL-2.0-or-later
// The chart of bans per jail over the last 24 hours: one stacked bar per hour, one colour per
// jail, drawn as SVG from Manager.ListBanHistory. Colours are PatternFly's chart palette.

import { el, replaceChildren } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const palette = ["#0066cc", "#4cb140", "#5752d1", "#f4c145", "#009596", "#ec7a08", "#c9190b", "#6a6e73"];
const HOUR_MS = 3600e3;

function svg(tag, attrs = {}, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs))
        node.setAttribute(k, String(v));
    if (text !== undefined)
        node.textContent = text;
    return node;
}

function hourLabel(ms) {
    return String(new Date(ms).getHours()).padStart(2, "0") + ":00";
}

// history: [{jail, banned (usec)}]; jailNames: every configured jail, so that each keeps its
// colour whether or not it banned lately.
export function renderChart(container, history, jailNames, nowMs = Date.now()) {
    const end = Math.ceil(nowMs / HOUR_MS) * HOUR_MS;
    const start = end - 24 * HOUR_MS;
    const names = [...new Set([...jailNames, ...history.map(b => b.jail)])].sort();
    const colour = Object.fromEntries(names.map((n, i) => [n, palette[i % palette.length]]));
    const buckets = Array.from({ length: 24 }, () => ({}));
    const totals = {};
    for (const b of history) {
        const ms = b.banned / 1000;
        if (ms < start || ms >= end)
            continue;
        const slot = buckets[Math.floor((ms - start) / HOUR_MS)];
        slot[b.jail] = (slot[b.jail] ?? 0) + 1;
        totals[b.jail] = (totals[b.jail] ?? 0) + 1;
    }
    const highest = Math.max(1, ...buckets.map(s => Object.values(s).reduce((a, n) => a + n, 0)));

    const width = 720;
    const height = 220;
    const left = 40;
    const bottom = 24;
    const plotH = height - bottom - 10;
    const barW = (width - left) / 24;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart-svg",
        "aria-label": "Bans per jail and hour over the last 24 hours" });
    chart.appendChild(svg("line", { x1: left, y1: 10 + plotH, x2: width, y2: 10 + plotH, class: "axis" }));
    chart.appendChild(svg("text", { x: left - 6, y: 14, class: "tick", "text-anchor": "end" }, highest));
    chart.appendChild(svg("text", { x: left - 6, y: 10 + plotH, class: "tick", "text-anchor": "end" }, 0));
    buckets.forEach((slot, i) => {
        let y = 10 + plotH;
        for (const name of names) {
            const n = slot[name];
            if (!n)
                continue;
            const h = (n / highest) * plotH;
            y -= h;
            const bar = svg("rect", { x: left + i * barW + 2, y, width: barW - 4, height: h, fill: colour[name],
                class: "bar", "data-jail": name, "data-count": n });
            bar.appendChild(svg("title", {}, `${name}: ${n} ban${n === 1 ? "" : "s"}, ` +
                `${hourLabel(start + i * HOUR_MS)}–${hourLabel(start + (i + 1) * HOUR_MS)}`));
            chart.appendChild(bar);
        }
        if (i % 3 === 0)
            chart.appendChild(svg("text", { x: left + i * barW, y: height - 6, class: "tick" },
                hourLabel(start + i * HOUR_MS)));
    });

    const legend = el("ul", { class: "legend" }, names.map(name =>
        el("li", { dataset: { jail: name } },
            el("span", { class: `swatch swatch-${names.indexOf(name) % palette.length}` }),
            `${name}: ${totals[name] ?? 0}`)));
    const total = Object.values(totals).reduce((a, n) => a + n, 0);
    replaceChildren(container, [chart, legend,
        el("p", { class: "muted chart-total" }, `${total} ban${total === 1 ? "" : "s"} in the last 24 hours`)]);
}
