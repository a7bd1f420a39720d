// The request journal, live: GET /_fake/requests?after=<last seq> every
// second. Filter by operation and status (on the server); a click shows a
// request's bodies.
import { h, replace, table, chip, when, json, statusChip } from "../dom.js";

const KEEP = 1000;

export async function render(ctx, el, p) {
  let entries = [];
  let last = 0;
  let selected = null;
  const op = h("input", { value: p.operation || "", placeholder: "operation, e.g. createCustomer", "aria-label": "operation", "data-testid": "filter-operation", size: 28 });
  const st = h("input", { value: p.status || "", placeholder: "status", "aria-label": "status", "data-testid": "filter-status", size: 6 });
  const live = h("input", { type: "checkbox", checked: true, "data-testid": "live" });
  const info = h("span", { class: "muted", "data-testid": "journal-count" });
  const list = h("div", { class: "card" });
  const detail = h("div");
  const clear = h("button", { class: "danger", onclick: async () => { await ctx.api.del("/requests"); restart(); } }, "Clear journal");
  const form = h("form", { class: "row", onsubmit: (ev) => { ev.preventDefault(); restart(); } },
    op, st, h("button", null, "Filter"), h("label", null, live, " live"), info, clear);
  replace(el, h("h1", null, "Request journal"), form, detail, list);

  function restart() {
    history.replaceState(null, "", ctx.link({ view: "journal", operation: op.value.trim(), status: st.value.trim() }));
    epoch++;
    entries = [];
    last = 0;
    selected = null;
    replace(detail);
    return poll();
  }

  function show(e) {
    selected = e.seq;
    replace(detail, h("section", { class: "card detail", "data-testid": "journal-detail" },
      h("h2", null, `#${e.seq} ${e.method} ${e.path} `, statusChip(e.status)),
      h("dl", { class: "kv" },
        [["operation", e.operation || "(none)"], ["time", when(e.time)], ["query", e.query ? new URLSearchParams(flat(e.query)).toString() : "—"],
          ["fault", e.fault || "—"]].map(([k, v]) => [h("dt", null, k), h("dd", null, v)]),
        e.warnings ? [h("dt", null, "warnings"), h("dd", null, e.warnings.map((w) => h("div", null, chip(w.code, "warn"), " ", w.message)))] : null),
      h("div", { class: "grid" },
        h("div", null, h("h2", null, "Request body"), json(e.request_body)),
        h("div", null, h("h2", null, "Response body"), json(e.response_body)))));
    draw();
  }

  function draw() {
    info.textContent = `${entries.length} request${entries.length === 1 ? "" : "s"}` + (entries.length >= KEEP ? ` (the last ${KEEP})` : "");
    replace(list, table([
      { title: "#", num: true, cell: (e) => e.seq },
      { title: "time", cell: (e) => when(e.time) },
      { title: "method", cell: (e) => h("code", null, e.method) },
      { title: "path", cell: (e) => h("code", null, e.path) },
      { title: "operation", cell: (e) => e.operation || h("span", { class: "muted" }, "—") },
      { title: "status", cell: (e) => statusChip(e.status) },
      { title: "warnings", cell: (e) => (e.warnings || []).map((w) => chip(w.code, "warn")) },
      { title: "fault", cell: (e) => e.fault ? chip(e.fault, "bad") : "" },
    ], entries.slice().reverse(), {
      id: "journal", testid: (e) => "req-" + e.seq, onclick: (e) => show(e),
      rowClass: (e) => e.seq === selected ? "sel" : "",
      empty: "No request yet. Requests to /v1 appear here as they arrive.",
    }));
  }

  // epoch counts filter changes: a poll answered for an older filter is
  // dropped, and one poll at a time runs per filter.
  let epoch = 0;
  let busy = -1;
  async function poll() {
    const mine = epoch;
    if (busy === mine) return;
    busy = mine;
    try {
      const doc = await ctx.api.get("/requests", { operation: op.value.trim(), status: st.value.trim(), after: last || "" });
      if (!ctx.live() || mine !== epoch) return;
      const fresh = doc.data.filter((e) => e.seq > last);
      if (fresh.length || last === 0) {
        entries = entries.concat(fresh).slice(-KEEP);
        if (entries.length) last = entries[entries.length - 1].seq;
        draw();
      }
    } finally {
      if (busy === mine) busy = -1;
    }
  }

  ctx.every(1000, () => { if (live.checked) poll().catch(() => {}); });
  await poll();
}

function flat(q) {
  const out = [];
  for (const [k, vs] of Object.entries(q)) for (const v of vs) out.push([k, v]);
  return out;
}
