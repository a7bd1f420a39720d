// Package inspector serves the fake's inspector: a page in the browser at
// /_fake/ui that shows a tenant's customers, referral trees, transactions,
// rewards, request journal and webhook outbox, and drives the clock, fault
// rules, snapshots and reset.
//
// The page is plain HTML, CSS and native JavaScript modules embedded in the
// binary: no build step, nothing fetched from elsewhere. It reads and acts
// only through the control plane (/_fake/...), the endpoints tests use, so
// it adds no API of its own; this package serves files and nothing else.
package inspector

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// Path is where the inspector is served.
const Path = "/_fake/ui"

//go:embed static
var static embed.FS

// Match reports whether a request path belongs to the inspector.
func Match(p string) bool { return p == Path || strings.HasPrefix(p, Path+"/") }

// securityHeaders lock the page to its own origin: scripts, styles and
// requests only from the fake itself, no inline script, no framing.
var securityHeaders = [][2]string{
	{"Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "no-referrer"},
	{"X-Frame-Options", "DENY"},
	{"Cache-Control", "no-cache"},
}

// ServeHTTP serves the page at Path (and Path + "/") and its assets below
// it; other paths under Path are 404, methods other than GET and HEAD 405.
func ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, Path), "/")
	if name == "" {
		name = "index.html"
	}
	if name != path.Clean(name) || strings.HasPrefix(name, ".") {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(static, "static/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	for _, kv := range securityHeaders {
		h.Set(kv[0], kv[1])
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if path.Ext(name) == ".js" {
		ct = "text/javascript; charset=utf-8"
	}
	h.Set("Content-Type", ct)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(b)
	}
}
