// api talks to the fake's control plane (/_fake/...) with the tenant's key
// as a bearer token, the way tests do. Errors come back in Partnero's
// shape; they are thrown as Error with the message (and field errors).

export class API {
  constructor(key) { this.key = key; }

  async call(method, path, body) {
    const headers = { Accept: "application/json" };
    if (this.key) headers.Authorization = "Bearer " + this.key;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    let doc = null;
    try { doc = await res.json(); } catch { /* not JSON */ }
    if (!res.ok) {
      let msg = (doc && doc.message) || res.status + " " + res.statusText;
      if (doc && doc.errors) msg += " " + Object.entries(doc.errors).map(([k, v]) => `${k}: ${[].concat(v).join(" ")}`).join("; ");
      const err = new Error(msg);
      err.status = res.status;
      throw err;
    }
    return doc;
  }

  get(path, params) {
    const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== undefined && v !== null)) : null;
    return this.call("GET", "/_fake" + path + (q && String(q) ? "?" + q : ""));
  }
  post(path, body) { return this.call("POST", "/_fake" + path, body); }
  put(path, body) { return this.call("PUT", "/_fake" + path, body); }
  del(path) { return this.call("DELETE", "/_fake" + path); }
}

export const enc = encodeURIComponent;
