// The inspector's shell: tenant (or API key) selection, navigation and the
// URL. The URL names the tenant and the view (?tenant=KEY&view=customers),
// so a link can be shared. With --api-keys the key is asked for and kept in
// this tab's sessionStorage, never in the URL.
import { h, replace, errorBox, chip, when } from "./dom.js";
import { API } from "./api.js";
import * as overview from "./views/overview.js";
import * as customers from "./views/customers.js";
import * as customer from "./views/customer.js";
import * as money from "./views/money.js";
import * as journal from "./views/journal.js";
import * as webhooks from "./views/webhooks.js";
import * as controls from "./views/controls.js";

const views = {
  overview: overview.render,
  customers: customers.render,
  customer: customer.render,
  transactions: money.transactions,
  rewards: money.rewards,
  journal: journal.render,
  webhooks: webhooks.render,
  controls: controls.render,
};
const nav = [
  ["overview", "Program"], ["customers", "Customers"], ["transactions", "Transactions"], ["rewards", "Rewards"],
  ["journal", "Journal"], ["webhooks", "Webhooks"], ["controls", "Controls"],
];
const KEY = "partnero-fake-inspector-key";

const main = document.getElementById("main");
const navEl = document.getElementById("nav");
const statusEl = document.getElementById("status");

let timers = [];
let generation = 0;
let apiKeysMode = false;

function params() { return Object.fromEntries(new URLSearchParams(location.search)); }

function tenantKey() {
  return apiKeysMode ? sessionStorage.getItem(KEY) : params().tenant;
}

// link returns the URL of a view of the current tenant.
function link(p) {
  const q = new URLSearchParams();
  if (!apiKeysMode && tenantKey()) q.set("tenant", tenantKey());
  for (const [k, v] of Object.entries(p)) if (v !== "" && v !== undefined && v !== null) q.set(k, v);
  return "/_fake/ui?" + q;
}

function go(p, replaceState) {
  const url = link(p);
  if (replaceState) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  route();
}

// a is a link to a view that navigates without reloading the page.
function a(p, ...children) {
  return h("a", {
    href: link(p),
    onclick: (ev) => {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
      ev.preventDefault();
      go(p);
    },
  }, ...children);
}

function stopTimers() {
  for (const t of timers) clearInterval(t);
  timers = [];
}

async function route() {
  stopTimers();
  const gen = ++generation;
  const p = params();
  const key = tenantKey();
  if (!key) return apiKeysMode ? login() : picker();
  const view = views[p.view] ? p.view : "overview";
  const api = new API(key);
  replace(navEl, nav.map(([v, title]) => {
    const el = a({ view: v }, title);
    if (v === view || (view === "customer" && v === "customers")) el.className = "on";
    return el;
  }));
  header(api, key);
  const ctx = {
    api, link, go, a, tenant: key,
    live: () => gen === generation,
    every: (ms, fn) => timers.push(setInterval(() => { if (gen === generation) fn(); }, ms)),
    refreshHeader: () => header(api, key),
  };
  const el = h("div", { "data-view": view });
  replace(main, el);
  try {
    await views[view](ctx, el, p);
  } catch (err) {
    if (gen !== generation) return;
    if (err.status === 401 && apiKeysMode) { sessionStorage.removeItem(KEY); return login("That key is not accepted."); }
    el.prepend(errorBox(err));
  }
}

async function header(api, key) {
  const clock = h("span", { "data-testid": "header-clock" });
  const who = apiKeysMode
    ? [h("span", null, "tenant ", h("code", null, "(your key)")),
      h("button", { onclick: () => { sessionStorage.removeItem(KEY); location.href = "/_fake/ui"; } }, "Sign out")]
    : tenantSelect(key);
  replace(statusEl, clock, who);
  try {
    const c = await api.get("/clock");
    replace(clock, h("span", { class: "mono", title: "the tenant's clock (UTC)" }, when(c.now)), " ", chip(c.frozen ? "frozen" : "running", c.frozen ? "warn" : "ok"));
  } catch { /* the view shows errors */ }
}

function tenantSelect(key) {
  const sel = h("select", { "aria-label": "tenant", "data-testid": "tenant-select", onchange: () => {
    if (sel.value === "") { location.href = "/_fake/ui"; return; }
    location.href = "/_fake/ui?tenant=" + encodeURIComponent(sel.value);
  } }, h("option", { value: key, selected: true }, key), h("option", { value: "" }, "other tenant…"));
  new API("").get("/tenants").then((doc) => {
    for (const t of doc.data) if (t.key !== key) sel.appendChild(h("option", { value: t.key }, t.key));
  }).catch(() => {});
  return h("label", { title: "tenant (API key)" }, sel);
}

// picker lists the tenants (API keys used so far) and opens one.
async function picker() {
  replace(navEl);
  replace(statusEl);
  const el = h("div", { "data-view": "picker" });
  replace(main, el);
  const input = h("input", { name: "tenant", placeholder: "an API key, e.g. test_key", required: true, "aria-label": "API key" });
  const form = h("form", { class: "row", onsubmit: (ev) => {
    ev.preventDefault();
    location.href = "/_fake/ui?tenant=" + encodeURIComponent(input.value.trim());
  } }, input, h("button", { class: "primary" }, "Open"));
  replace(el, h("h1", null, "Tenants"),
    h("p", { class: "muted" }, "Each API key is a tenant of its own, created on first use. Pick one, or open a key by name."),
    form);
  try {
    const doc = await new API("").get("/tenants");
    el.appendChild(h("div", { class: "card" }, h("table", { "data-testid": "tenants" },
      h("thead", null, h("tr", null, h("th", null, "API key (tenant)"), h("th", { class: "num" }, "customers"), h("th", { class: "num" }, "transactions"))),
      h("tbody", null, doc.data.length ? doc.data.map((t) => h("tr", null,
        h("td", null, h("a", { href: "/_fake/ui?tenant=" + encodeURIComponent(t.key) }, t.key)),
        h("td", { class: "num" }, t.customers), h("td", { class: "num" }, t.transactions)))
        : h("tr", null, h("td", { colspan: 3, class: "muted" }, "No tenant yet: none has made a request."))))));
  } catch (err) {
    el.appendChild(errorBox(err));
  }
}

// login asks for an API key when the fake accepts only some (--api-keys).
function login(message) {
  replace(navEl);
  replace(statusEl);
  const input = h("input", { type: "password", name: "key", autocomplete: "off", required: true, "aria-label": "API key" });
  const out = h("div");
  const form = h("form", { class: "row", onsubmit: async (ev) => {
    ev.preventDefault();
    try {
      await new API(input.value).get("/tenants");
      sessionStorage.setItem(KEY, input.value);
      go({}, true);
    } catch (err) {
      replace(out, errorBox(err.status === 401 ? "That key is not accepted." : err));
    }
  } }, input, h("button", { class: "primary" }, "Open"));
  replace(main, h("div", { "data-view": "login", class: "card" },
    h("h1", null, "API key"),
    h("p", { class: "muted" }, "This fake accepts only its configured API keys (--api-keys). Enter one to see its tenant; it stays in this tab only."),
    message ? errorBox(message) : null, form, out));
  input.focus();
}

async function boot() {
  try {
    await new API("").get("/tenants");
    apiKeysMode = false;
  } catch (err) {
    if (err.status !== 401) { replace(main, errorBox(err)); return; }
    apiKeysMode = true;
  }
  route();
}

window.addEventListener("popstate", route);
boot();
