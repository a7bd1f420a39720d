// Webhooks and the outbox: every event with its deliveries, attempts,
// signatures and status (GET /_fake/webhooks/events, every 2 s), with
// redeliver, pause and resume.
import { h, replace, table, chip, when, json, statusChip } from "../dom.js";
import { enc } from "../api.js";

const SHOW = 200;
const kinds = { delivered: "ok", pending: "warn", failed: "bad", dropped: "bad" };

export async function render(ctx, el, p) {
  let selected = p.event || null;
  const paused = h("span");
  const filter = h("select", { "aria-label": "status", "data-testid": "event-status", onchange: () => load() },
    ["", "pending", "delivered", "failed", "dropped"].map((s) => h("option", { value: s, selected: s === (p.status || "") }, s || "any status")));
  const msg = h("div");
  const list = h("div", { class: "card" });
  const detail = h("div");
  const act = (label, fn, cls) => h("button", { class: cls || null, onclick: async () => {
    try { await fn(); replace(msg); } catch (err) { replace(msg, h("div", { class: "err" }, err.message)); }
    load();
  } }, label);
  replace(el, h("h1", null, "Webhooks and outbox"),
    h("div", { class: "row" }, paused, act("Pause deliveries", () => ctx.api.post("/webhooks/pause")),
      act("Resume deliveries", () => ctx.api.post("/webhooks/resume"), "primary"), filter),
    msg, detail, list);

  function showEvent(ev) {
    selected = ev.id;
    history.replaceState(null, "", ctx.link({ view: "webhooks", event: ev.id, status: filter.value }));
    replace(detail, h("section", { class: "card detail", "data-testid": "event-detail" },
      h("div", { class: "row" }, h("h2", null, `${ev.id} · ${ev.event} · ${when(ev.created_at)}`),
        act("Redeliver", () => ctx.api.post(`/webhooks/events/${enc(ev.id)}/redeliver`), "primary")),
      ev.deliveries.length ? ev.deliveries.map((d) => h("div", { "data-testid": "delivery" },
        h("h2", null, "to ", h("code", null, d.webhook_key), " ", h("code", null, d.url), " ", chip(d.status, kinds[d.status])),
        h("dl", { class: "kv" }, h("dt", null, "Signature"), h("dd", { class: "mono" }, d.signature),
          d.next_attempt_at ? [h("dt", null, "next attempt"), h("dd", null, when(d.next_attempt_at))] : null),
        table([
          { title: "#", num: true, cell: (a) => a.n },
          { title: "at", cell: (a) => when(a.at) },
          { title: "status", cell: (a) => a.status_code ? statusChip(a.status_code) : chip("no answer", "bad") },
          { title: "error", cell: (a) => a.error || "" },
          { title: "latency", num: true, cell: (a) => `${Math.round(a.latency_ms)} ms` },
          { title: "", cell: (a) => a.duplicate ? chip("duplicate") : "" },
        ], d.attempts.map((a, i) => ({ ...a, n: i + 1 })), { id: "attempts", empty: "No attempt yet." }),
        h("h2", null, "Body"), json(d.body)))
        : [h("p", { class: "muted" }, "No webhook was subscribed to this event when it happened."), json(ev.data)]));
  }

  let first = true;
  async function load() {
    const [events, ov] = await Promise.all([ctx.api.get("/webhooks/events", { status: filter.value, last: SHOW }), ctx.api.get("/overview")]);
    if (!ctx.live()) return;
    replace(paused, ov.data.webhooks_paused ? chip("deliveries paused", "warn") : chip("delivering", "ok"));
    const rows = events.data.slice().reverse();
    replace(list, h("p", { class: "muted" }, `${events.total} event(s)` + (events.total > SHOW ? `, the newest ${SHOW} shown` : "")),
      table([
        { title: "event id", cell: (ev) => h("code", null, ev.id) },
        { title: "type", cell: (ev) => ev.event },
        { title: "created", cell: (ev) => when(ev.created_at) },
        { title: "deliveries", cell: (ev) => ev.deliveries.length ? ev.deliveries.map((d) => [chip(d.status, kinds[d.status]), " "]) : h("span", { class: "muted" }, "no subscriber") },
        { title: "attempts", num: true, cell: (ev) => ev.deliveries.reduce((n, d) => n + d.attempts.length, 0) },
      ], rows, { id: "events", testid: (ev) => "event-" + ev.id, onclick: (ev) => showEvent(ev), rowClass: (ev) => ev.id === selected ? "sel" : "", empty: "No event yet." }));
    let cur = events.data.find((ev) => ev.id === selected);
    if (!cur && selected && first) cur = (await ctx.api.get("/webhooks/events")).data.find((ev) => ev.id === selected); // a link to an older event
    first = false;
    if (cur && ctx.live()) showEvent(cur);
  }

  ctx.every(2000, () => load().catch(() => {}));
  await load();
}
