// The clock (set, freeze, advance), fault rules (add, remove), snapshots
// (save, restore, delete) and reset: PUT /_fake/clock, /_fake/faults,
// /_fake/snapshots, POST /_fake/reset.
import { h, replace, table, chip, when, errorBox } from "../dom.js";
import { enc } from "../api.js";

export async function render(ctx, el) {
  const msg = h("div", { "data-testid": "controls-msg" });
  const clockBox = h("section", { class: "card", "data-testid": "clock" });
  const faultBox = h("section", { class: "card", "data-testid": "faults" });
  const snapBox = h("section", { class: "card", "data-testid": "snapshots" });
  const resetBox = h("section", { class: "card" });
  replace(el, h("h1", null, "Clock, fault rules, snapshots"), msg, h("div", { class: "grid" }, clockBox, snapBox), faultBox, resetBox);

  async function run(fn, done) {
    try {
      await fn();
      replace(msg, done ? h("p", { class: "muted", role: "status" }, done) : null);
    } catch (err) {
      replace(msg, errorBox(err));
    }
    await load();
    ctx.refreshHeader();
  }

  function drawClock(c) {
    const at = h("input", { type: "datetime-local", step: 1, "aria-label": "time", value: String(c.now).slice(0, 19) });
    const by = h("input", { value: "1h", size: 6, "aria-label": "advance by", "data-testid": "advance-by" });
    replace(clockBox, h("h2", null, "Clock"),
      h("p", null, h("span", { class: "big mono", "data-testid": "clock-now" }, when(c.now)), " UTC ",
        c.frozen ? chip("frozen", "warn") : chip("running", "ok")),
      h("form", { class: "row", onsubmit: (ev) => { ev.preventDefault(); run(() => ctx.api.put("/clock", { advance: by.value.trim() }), "Advanced by " + by.value.trim() + "."); } },
        h("span", null, "advance by"), by, h("button", { class: "primary", "data-testid": "advance" }, "Advance"),
        ["10s", "1h", "24h", "720h"].map((d) => h("button", { type: "button", onclick: () => run(() => ctx.api.put("/clock", { advance: d }), "Advanced by " + d + ".") }, "+" + d))),
      h("form", { class: "row", onsubmit: (ev) => {
        ev.preventDefault();
        run(() => ctx.api.put("/clock", { now: new Date(at.value + "Z").toISOString() }), "Clock set.");
      } }, h("span", null, "set to"), at, h("button", null, "Set")),
      h("div", { class: "row" }, c.frozen
        ? h("button", { onclick: () => run(() => ctx.api.put("/clock", { frozen: false }), "Clock running.") }, "Unfreeze")
        : h("button", { onclick: () => run(() => ctx.api.put("/clock", { frozen: true }), "Clock frozen.") }, "Freeze")));
  }

  function drawFaults(faults) {
    const f = { operation: h("input", { placeholder: "operation (e.g. createTransaction)", "aria-label": "operation", size: 26 }),
      path: h("input", { placeholder: "or path (/v1/customers*)", "aria-label": "path", size: 20 }),
      status: h("input", { placeholder: "status", "aria-label": "status", size: 5, value: "500" }),
      latency: h("input", { placeholder: "latency ms", "aria-label": "latency ms", size: 8 }),
      first: h("input", { placeholder: "fail first N", "aria-label": "fail first", size: 9 }) };
    const num = (i) => i.value.trim() === "" ? undefined : Number(i.value.trim());
    replace(faultBox, h("h2", null, "Fault rules"),
      table([
        { title: "id", cell: (x) => h("code", null, x.id) },
        { title: "matches", cell: (x) => x.operation || `${x.method || "any"} ${x.path || ""}` },
        { title: "then", cell: (x) => [x.status ? `status ${x.status}` : "", x.latency_ms ? ` +${x.latency_ms} ms` : "",
          x.fail_first ? ` (first ${x.fail_first})` : "", x.probability ? ` p=${x.probability}` : ""].join("") },
        { title: "matched / failed", num: true, cell: (x) => `${x.matched} / ${x.failed}` },
        { title: "", cell: (x) => h("button", { class: "danger", onclick: () => run(() => ctx.api.del("/faults/" + enc(x.id)), "Rule removed.") }, "Remove") },
      ], faults, { id: "fault-rules", empty: "No fault rule: every request is served normally." }),
      h("form", { class: "row", onsubmit: (ev) => {
        ev.preventDefault();
        const rule = { operation: f.operation.value.trim() || undefined, path: f.path.value.trim() || undefined,
          status: num(f.status), latency_ms: num(f.latency), fail_first: num(f.first) };
        run(() => ctx.api.post("/faults", rule), "Rule added.");
      } }, f.operation, f.path, f.status, f.latency, f.first, h("button", { class: "primary" }, "Add rule")));
  }

  function drawSnapshots(names) {
    const name = h("input", { placeholder: "name", "aria-label": "snapshot name", "data-testid": "snapshot-name", pattern: "[A-Za-z0-9_.\\-]{1,64}", required: true });
    replace(snapBox, h("h2", null, "Snapshots"),
      table([
        { title: "name", cell: (n) => h("code", null, n) },
        { title: "", cell: (n) => [h("button", { "data-testid": "restore-" + n, onclick: () => run(() => ctx.api.post(`/snapshots/${enc(n)}/restore`), `Restored ${n}.`) }, "Restore"), " ",
          h("button", { class: "danger", onclick: () => run(() => ctx.api.del("/snapshots/" + enc(n)), `Deleted ${n}.`) }, "Delete")] },
      ], names, { id: "snapshot-list", empty: "No snapshot." }),
      h("form", { class: "row", onsubmit: (ev) => { ev.preventDefault(); run(() => ctx.api.post("/snapshots/" + enc(name.value.trim())), `Saved ${name.value.trim()}.`); } },
        name, h("button", { class: "primary", "data-testid": "save-snapshot" }, "Save state")));
  }

  let armed = false;
  const resetBtn = h("button", { class: "danger", "data-testid": "reset", onclick: () => {
    if (!armed) { armed = true; resetBtn.textContent = "Really reset? Click again"; return; }
    armed = false;
    resetBtn.textContent = "Reset tenant";
    run(() => ctx.api.post("/reset"), "Tenant reset to its initial state.");
  } }, "Reset tenant");
  replace(resetBox, h("h2", null, "Reset"),
    h("p", { class: "muted" }, "Back to the initial fixtures; clears the journal, fault rules and outbox and restarts the clock as configured. Snapshots are kept."),
    resetBtn);

  async function load() {
    const [c, f, s] = await Promise.all([ctx.api.get("/clock"), ctx.api.get("/faults"), ctx.api.get("/snapshots")]);
    if (!ctx.live()) return;
    drawClock(c);
    drawFaults(f.data);
    drawSnapshots(s.data);
  }
  await load();
}
