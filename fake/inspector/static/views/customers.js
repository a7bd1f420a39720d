// Customers: a searchable table paged on the server
// (GET /_fake/customers?q=&page=&limit=), fast with 100,000 customers.
import { h, replace, table, chip, when, fullName } from "../dom.js";

const LIMIT = 25;

export async function render(ctx, el, p) {
  let q = p.q || "";
  let page = Math.max(1, parseInt(p.page || "1", 10) || 1);
  const input = h("input", { type: "search", value: q, placeholder: "search id, key, email or name", "aria-label": "search customers",
    "data-testid": "customer-search", size: 36 });
  const info = h("span", { class: "muted", "data-testid": "customer-count" });
  const out = h("div");
  replace(el, h("h1", null, "Customers"), h("div", { class: "row" }, input, info), out);

  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => { q = input.value; page = 1; load(); }, 250);
  });

  async function load() {
    history.replaceState(null, "", ctx.link({ view: "customers", q, page: page > 1 ? page : "" }));
    const asked = { q, page };
    const doc = await ctx.api.get("/customers", { q, page, limit: LIMIT });
    if (!ctx.live() || asked.q !== q || asked.page !== page) return;
    const m = doc.meta;
    const first = (m.page - 1) * m.limit + 1;
    const pages = Math.max(1, Math.ceil(m.total / m.limit));
    info.textContent = m.total === 0 ? "no customer" : `${first.toLocaleString("en")}–${(first + doc.data.length - 1).toLocaleString("en")} of ${m.total.toLocaleString("en")}`;
    replace(out, table([
      { title: "name", cell: (c) => ctx.a({ view: "customer", id: c.id }, fullName(c)) },
      { title: "key", cell: (c) => h("code", null, c.key) },
      { title: "email", cell: (c) => c.email || "" },
      { title: "referred by", cell: (c) => c.referring_customer ? ctx.a({ view: "customer", id: c.referring_customer.id }, fullName(c.referring_customer)) : "" },
      { title: "referrals", num: true, cell: (c) => c.referrals_count },
      { title: "status", cell: (c) => c.status === "active" ? chip("active", "ok") : chip(c.status, "warn") },
      { title: "created", cell: (c) => when(c.created_at) },
    ], doc.data, { id: "customers", testid: (c) => "customer-" + c.id, empty: q ? "No customer matches." : "No customer yet." }),
    h("div", { class: "pager" },
      h("button", { disabled: m.page <= 1, onclick: () => { page = 1; load(); } }, "« first"),
      h("button", { disabled: m.page <= 1, onclick: () => { page--; load(); } }, "‹ previous"),
      h("span", { "data-testid": "page" }, `page ${m.page.toLocaleString("en")} of ${pages.toLocaleString("en")}`),
      h("button", { disabled: !m.has_more, "data-testid": "next-page", onclick: () => { page++; load(); } }, "next ›"),
      h("button", { disabled: !m.has_more, "data-testid": "last-page", onclick: () => { page = pages; load(); } }, "last »")));
  }
  await load();
}
