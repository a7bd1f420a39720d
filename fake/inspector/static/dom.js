// DOM helpers. Every piece of data reaches the page as a text node or an
// attribute value, never as HTML: nothing here parses markup, so a customer
// named <img src=x onerror=...> shows as exactly that text.

// h builds an element: h("a", {href: "...", onclick: fn}, "text", child).
// Attributes whose name starts with "on" become event listeners; null and
// false children are skipped; arrays are flattened.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "value") el.value = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// replace empties el and puts children in.
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// table renders rows with columns [{title, cell(row) -> node|text, num}];
// opts.rowClass(row) and opts.onclick(row, tr) are optional.
export function table(cols, rows, opts = {}) {
  const head = h("tr", null, cols.map((c) => h("th", { class: c.num ? "num" : null }, c.title)));
  const body = rows.map((r) => {
    const tr = h("tr", { class: [opts.onclick ? "click" : "", opts.rowClass ? opts.rowClass(r) : ""].join(" ").trim() || null });
    for (const c of cols) tr.appendChild(h("td", { class: c.num ? "num" : null }, c.cell(r)));
    if (opts.onclick) {
      tr.tabIndex = 0;
      tr.addEventListener("click", () => opts.onclick(r, tr));
      tr.addEventListener("keydown", (ev) => { if (ev.key === "Enter") opts.onclick(r, tr); });
    }
    if (opts.testid) tr.setAttribute("data-testid", opts.testid(r));
    return tr;
  });
  if (rows.length === 0) body.push(h("tr", null, h("td", { colspan: cols.length, class: "muted" }, opts.empty || "Nothing here.")));
  return h("table", { "data-testid": opts.id || null }, h("thead", null, head), h("tbody", null, body));
}

export function chip(text, kind) {
  return h("span", { class: "chip" + (kind ? " " + kind : "") }, text);
}

export function when(t) {
  if (!t) return "";
  return String(t).replace("T", " ").replace(/\.\d+Z$|Z$/, "").replace(/\+00:00$/, "");
}

export function money(amount, units) {
  return `${amount} ${units || ""}`.trim();
}

export function fullName(c) {
  return [c.name, c.surname].filter(Boolean).join(" ") || c.email || c.key;
}

export function json(v) {
  return h("pre", null, v === undefined || v === null ? "—" : JSON.stringify(v, null, 2));
}

export function errorBox(err) {
  return h("div", { class: "err", role: "alert" }, String(err && err.message ? err.message : err));
}

export function statusChip(code) {
  if (!code) return chip("—");
  return chip(String(code), code < 300 ? "ok" : code < 500 ? "warn" : "bad");
}
