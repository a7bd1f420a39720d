package fake

import (
	"errors"
	"net/http"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/outbox"
)

// awaitError is the error of a long-poll that ended without an event: the
// Server closed, the tenant was deleted, or the timeout passed.
func awaitError(err error, timeout string) error {
	switch {
	case errors.Is(err, outbox.ErrClosed):
		return errShuttingDown
	case errors.Is(err, outbox.ErrGone):
		return errTenantGone
	}
	return fail(ErrTimeout, "No matching webhook event within %s.", timeout)
}

// maxAwait is the longest a long-poll waits.
const maxAwait = time.Minute

// longPoll lifts the connection's read and write deadlines (the server's
// --read-timeout and --write-timeout) for a long-poll, which answers
// within its own timeout instead: an expired read deadline would cancel it,
// an expired write deadline lose its answer.
func longPoll(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{}) // not supported by every ResponseWriter; fine
		_ = rc.SetWriteDeadline(time.Now().Add(maxAwait + 30*time.Second))
		h(w, r)
	}
}
