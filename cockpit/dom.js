// SPDX-License-Identifier: GPL-2.0-or-later
// Small DOM helpers: elements are built with text nodes only (never innerHTML), so text that
// came from a log line or an attacker's address can never become markup.

// el("td", {class: "num", dataset: {address}}, "text", childNode, ...)
export function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
        if (value === undefined || value === null || value === false)
            continue;
        if (key === "dataset")
            Object.assign(node.dataset, value);
        else if (key.startsWith("on"))
            node.addEventListener(key.slice(2), value);
        else if (key === "class")
            node.className = value;
        else if (value === true)
            node.setAttribute(key, "");
        else
            node.setAttribute(key, String(value));
    }
    append(node, children);
    return node;
}

export function append(node, children) {
    for (const child of children.flat()) {
        if (child === undefined || child === null || child === false)
            continue;
        node.appendChild(typeof child === "string" || typeof child === "number"
            ? document.createTextNode(String(child))
            : child);
    }
    return node;
}

export function replaceChildren(node, children) {
    while (node.firstChild)
        node.removeChild(node.firstChild);
    return append(node, children);
}
