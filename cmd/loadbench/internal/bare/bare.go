// Package bare is loadbench's bare server: a net/http handler that reads
// every request's body and answers fixed bytes.
//
// It imports nothing of partnero-fake on purpose. A Go process carries the
// data its packages build when they start (kin-openapi's JSON Schema
// dependency compiles its meta-schemas, gofakeit builds its word lists), and
// its collector marks all of it again on every cycle: a bare server linked
// with the fake's packages pays for that in its tail. So the bare server
// runs in loadbench, which links none of them, and the -held control, which
// holds a fake on purpose, runs in its own command (cmd/loadbench/held).
package bare

import (
	"io"
	"net/http"
)

// Handler reads every request's body and answers contentType and body,
// with status 200. A non-nil before runs first, for each request.
func Handler(contentType string, body []byte, before func()) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if before != nil {
			before()
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	})
}
