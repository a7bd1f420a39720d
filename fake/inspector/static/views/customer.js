// One customer: who referred them, the tree of whom they referred, referral
// links, balance per currency, stats, purchases, their friends' sales and
// their rewards (GET /_fake/customers/{id}).
import { h, replace, table, chip, when, fullName, money } from "../dom.js";
import { enc } from "../api.js";
import { txTable, rewardTable } from "./money.js";

export async function render(ctx, el, p) {
  const doc = (await ctx.api.get("/customers/" + enc(p.id || ""), { depth: 4 })).data;
  const c = doc.customer;
  const s = doc.stats;
  const me = (x) => ctx.a({ view: "customer", id: x.id }, fullName(x));
  const crumbs = h("div", { class: "crumbs", "data-testid": "referrers" }, doc.referrers.length
    ? [h("span", { class: "muted" }, "referred through"), doc.referrers.map((r, i) => [i ? "›" : "", me(r)]), "›", h("b", null, fullName(c))]
    : h("span", { class: "muted" }, "came on their own (no referrer)"));

  function node(n, depth) {
    const shown = n.referrals.length;
    return h("li", { class: depth === 0 ? "me" : null, "data-testid": "tree-node" },
      depth === 0 ? h("b", null, fullName(n)) : me(n), " ",
      h("span", { class: "muted" }, n.key !== n.id ? n.key : ""), " ",
      n.status !== "active" ? chip(n.status, "warn") : null, " ",
      n.referrals_count ? chip(`${n.referrals_count} referred`) : null,
      n.referrals_count > shown ? [" ", depth === 0 ? h("span", { class: "muted" }, `first ${shown} shown`)
        : ctx.a({ view: "customer", id: n.id }, `${n.referrals_count - shown} more…`)] : null,
      shown ? h("ul", null, n.referrals.map((k) => node(k, depth + 1))) : null);
  }

  const lines = [...doc.balance.currency, ...doc.balance.non_currency];
  replace(el,
    h("h1", null, fullName(c), " ", c.status === "active" ? chip("active", "ok") : chip(c.status, "warn")),
    h("div", { class: "card" }, crumbs),
    h("div", { class: "grid" },
      h("section", { class: "card" }, h("h2", null, "Customer"), h("dl", { class: "kv", "data-testid": "customer-fields" },
        [["id", c.id], ["key", c.key], ["email", c.email], ["name", c.name], ["surname", c.surname],
          ["date of birth", c.metadata && c.metadata.date_of_birth], ["created", when(c.created_at)], ["updated", when(c.updated_at)]]
          .map(([k, v]) => [h("dt", null, k), h("dd", null, v || "—")]))),
      h("section", { class: "card", "data-testid": "balance" }, h("h2", null, "Balance"),
        lines.length ? table([
          { title: "units", cell: (l) => l.amount_units + (l.is_currency ? "" : " (points)") },
          { title: "amount", num: true, cell: (l) => l.amount },
        ], lines) : h("p", { class: "muted" }, "Nothing yet.")),
      h("section", { class: "card", "data-testid": "stats" }, h("h2", null, "Stats"), h("dl", { class: "kv" },
        [["clicks", s.clicks], ["referrals", s.referrals], ["successful", s.successful_referrals], ["pending", s.pending_referrals],
          ["sales of friends", s.sales_count],
          ["revenue", s.revenue.map((r) => money(r.amount, r.currency)).join(", ") || "—"],
          ["rewards", s.rewards.map((r) => `${r.type} ${money(r.amount, r.amount_units)}`).join(", ") || "—"]]
          .map(([k, v]) => [h("dt", null, k), h("dd", null, String(v))])))),
    h("section", { class: "card" }, h("h2", null, "Referral tree"),
      h("ul", { class: "tree", "data-testid": "tree" }, node(doc.tree, 0))),
    h("section", { class: "card" }, h("h2", null, "Referral links"), table([
      { title: "key", cell: (l) => h("code", null, l.key) },
      { title: "url", cell: (l) => h("code", null, l.url) },
      { title: "", cell: (l) => [l.default ? chip("default", "ok") : null, l.is_additional ? chip("additional") : null, l.direct_tracking ? chip("direct tracking") : null] },
    ], doc.referral_links, { id: "links", empty: "No link." })),
    h("section", { class: "card" }, h("h2", null, `Rewards received (${doc.rewards_count})`),
      rewardTable(ctx, doc.rewards),
      doc.rewards_count > doc.rewards.length ? ctx.a({ view: "rewards", customer: c.id }, "all rewards…") : null),
    h("section", { class: "card" }, h("h2", null, "Sales of referred friends"), txTable(ctx, doc.referred_sales)),
    h("section", { class: "card" }, h("h2", null, `Own purchases (${doc.purchases_count})`), txTable(ctx, doc.purchases),
      doc.purchases_count > doc.purchases.length ? ctx.a({ view: "transactions", customer: c.id }, "all purchases…") : null));
}
