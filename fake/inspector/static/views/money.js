// Transactions and rewards, paged on the server (GET /_fake/transactions,
// GET /_fake/rewards). Archived sales and void rewards are marked; refunded
// sales are deleted by Partnero, so they come from the outbox's
// transaction.deleted events.
import { h, replace, table, chip, when, money } from "../dom.js";

const LIMIT = 25;

function customerLink(ctx, id) {
  return id ? ctx.a({ view: "customer", id }, id) : "—";
}

export function txTable(ctx, rows, refunded) {
  return table([
    { title: "key", cell: (t) => h("code", null, t.key) },
    { title: "action", cell: (t) => t.action },
    { title: "amount", num: true, cell: (t) => money(t.amount, t.amount_units) },
    { title: "buyer", cell: (t) => customerLink(ctx, t.referred_customer) },
    { title: "referrer", cell: (t) => customerLink(ctx, t.customer) },
    { title: "rewards", cell: (t) => (t.rewards || []).map((r) => chip(`${r.type} ${money(r.amount, r.amount_units)}`, r.deleted_at ? "warn" : "ok")) },
    { title: "created", cell: (t) => when(t.created_at) },
    { title: "status", cell: (t) => refunded ? chip("refunded", "bad") : t.deleted_at ? chip("archived " + when(t.deleted_at), "warn") : chip("live", "ok") },
  ], rows, { rowClass: (t) => refunded ? "refunded" : t.deleted_at ? "archived" : "", testid: (t) => "tx-" + t.key, empty: "No transaction." });
}

export function rewardTable(ctx, rows) {
  return table([
    { title: "key", cell: (r) => h("code", null, r.key) },
    { title: "for", cell: (r) => r.action === "signup" ? "signup" : [r.action, " ", h("code", null, r.transaction_key || "")] },
    { title: "rule", cell: (r) => h("code", null, r.rule) },
    { title: "type", cell: (r) => r.type },
    { title: "amount", num: true, cell: (r) => money(r.amount, r.amount_units) },
    { title: "to", cell: (r) => customerLink(ctx, r.customer_id) },
    { title: "friend", cell: (r) => customerLink(ctx, r.referred_customer_id) },
    { title: "granted", cell: (r) => when(r.created_at) },
    { title: "status", cell: (r) => r.deleted_at ? chip("void (sale archived)", "warn") : chip("live", "ok") },
  ], rows, { rowClass: (r) => r.deleted_at ? "archived" : "", empty: "No reward." });
}

async function paged(ctx, el, p, opts) {
  let page = Math.max(1, parseInt(p.page || "1", 10) || 1);
  const out = h("div");
  const info = h("span", { class: "muted" });
  replace(el, h("h1", null, opts.title, p.customer ? [" of ", customerLink(ctx, p.customer)] : null), h("div", { class: "row" }, info), out);
  async function load() {
    history.replaceState(null, "", ctx.link({ view: opts.view, customer: p.customer, page: page > 1 ? page : "" }));
    const doc = await ctx.api.get(opts.path, { customer: p.customer, page, limit: LIMIT, order: "desc" });
    if (!ctx.live()) return;
    const m = doc.meta;
    info.textContent = `${m.total.toLocaleString("en")} in all, newest first`;
    replace(out, h("div", { class: "card" }, opts.table(doc.data),
      h("div", { class: "pager" },
        h("button", { disabled: m.page <= 1, onclick: () => { page--; load(); } }, "‹ newer"),
        h("span", null, `page ${m.page} of ${Math.max(1, Math.ceil(m.total / m.limit))}`),
        h("button", { disabled: !m.has_more, onclick: () => { page++; load(); } }, "older ›"))));
  }
  await load();
  return out;
}

export async function transactions(ctx, el, p) {
  await paged(ctx, el, p, { title: "Transactions", view: "transactions", path: "/transactions", table: (rows) => txTable(ctx, rows) });
  const refunds = (await ctx.api.get("/webhooks/events", { type: "transaction.deleted" })).data;
  if (!ctx.live()) return;
  const rows = refunds.reverse().filter((ev) => !p.customer || (ev.data && ev.data.referred_customer === p.customer)).map((ev) => ({ ...ev.data, refunded_at: ev.created_at }));
  el.appendChild(h("section", { class: "card", "data-testid": "refunded" }, h("h2", null, `Refunded (${rows.length}, from the outbox)`),
    h("p", { class: "muted" }, "A refund deletes the sale and its rewards; the outbox keeps the transaction.deleted events."),
    txTable(ctx, rows, true)));
}

export async function rewards(ctx, el, p) {
  await paged(ctx, el, p, { title: "Rewards", view: "rewards", path: "/rewards", table: (rows) => rewardTable(ctx, rows) });
}
