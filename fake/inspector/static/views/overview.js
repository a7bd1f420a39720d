// The program at a glance: settings, reward rules in words, counts and the
// registered webhooks (GET /_fake/overview).
import { h, replace, table, chip, when } from "../dom.js";

const triggers = {
  signup: "a referred friend signs up",
  purchase: "a referred friend buys",
  first_purchase: "a referred friend's first purchase",
  every_purchase: "every purchase of a referred friend",
  subscription: "a referred friend's subscription sale",
};

// ruleText says a reward rule in words.
export function ruleText(r) {
  const amount = r.amount_type === "percent" ? `${r.amount}% of the sale` : `${r.amount} ${r.currency || "(program currency)"}`;
  const who = { referrer: "the referrer", referred: "the referred friend", both: "both" }[r.recipients] || r.recipients;
  const when = triggers[r.trigger] ? `${r.trigger} (${triggers[r.trigger]})` : r.trigger;
  let s = `on ${when}: ${r.type} of ${amount} to ${who}`;
  if (r.max_rewards_per_referrer) s += `, at most ${r.max_rewards_per_referrer} per referrer`;
  if (r.min_sale_amount && r.min_sale_amount !== "0") s += `, for sales of at least ${r.min_sale_amount}`;
  return s;
}

export async function render(ctx, el) {
  const doc = (await ctx.api.get("/overview")).data;
  const p = doc.program;
  const n = doc.counts;
  const tile = (label, value, view) => h("div", { class: "tile" }, h("div", { class: "muted" }, label),
    h("div", { class: "big" }, view ? ctx.a({ view }, String(value)) : String(value)));
  replace(el,
    h("h1", null, p.name, " ", h("span", { class: "muted" }, p.id)),
    h("div", { class: "tiles" }, tile("customers", n.customers, "customers"), tile("transactions", n.transactions, "transactions"),
      tile("rewards", n.rewards, "rewards"), tile("webhooks", n.webhooks, "webhooks"),
      tile("snapshots", doc.snapshots.length, "controls"), tile("fault rules", doc.faults, "controls")),
    h("div", { class: "grid" },
      h("section", { class: "card", "data-testid": "program" }, h("h2", null, "Program settings"),
        h("dl", { class: "kv" }, [
          ["Website", p.website], ["Currency", p.currency], ["Referral link format", p.referral_link_format],
          ["Referral link parameter", p.referral_link_parameter], ["Repeated transaction keys", p.transaction_keys],
          ["Purchases of non-referred customers", p.non_referred_transactions],
          ["Created", when(p.created_at)], ["Updated", when(p.updated_at)],
        ].map(([k, v]) => [h("dt", null, k), h("dd", null, v === undefined || v === "" ? "—" : String(v))]))),
      h("section", { class: "card", "data-testid": "rules" }, h("h2", null, "Reward rules"),
        (p.rewards || []).length
          ? h("ol", null, p.rewards.map((r) => h("li", null, h("code", null, r.id), " ", ruleText(r))))
          : h("p", { class: "muted" }, "No reward rules: sales earn nothing."))),
    h("section", { class: "card" }, h("h2", null, "Registered webhooks ",
      doc.webhooks_paused ? chip("deliveries paused", "warn") : chip("delivering", "ok")),
      table([
        { title: "key", cell: (w) => h("code", null, w.key) },
        { title: "name", cell: (w) => w.name },
        { title: "url", cell: (w) => h("code", null, w.url) },
        { title: "events", cell: (w) => w.events.join(", ") },
        { title: "active", cell: (w) => w.is_active ? chip("active", "ok") : chip("inactive") },
        { title: "signing secret", cell: (w) => h("code", null, w.signature) },
      ], doc.webhooks, { empty: "No webhook registered (POST /v1/webhooks)." })));
}
