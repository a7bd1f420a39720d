package outbox

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// Sender POSTs deliveries to webhooks. One Sender serves every outbox of a
// server.
type Sender struct {
	// Client sends the requests (its transport enforces the destination
	// policy on every address it dials).
	Client *http.Client
	// Check refuses a destination by name, before any DNS lookup; nil
	// allows every destination.
	Check func(url string) error
	// Refused reports whether a send error means the destination policy
	// refused the address: retrying cannot help.
	Refused func(error) bool
	// Timeout is how long a receiver has to answer.
	Timeout time.Duration
	// Log receives one line per attempt.
	Log *slog.Logger
}

// send POSTs a delivery and reports the attempt.
func (s *Sender) send(d Delivery, at time.Time) Attempt {
	start := time.Now()
	a := Attempt{At: at}
	if s.Check != nil {
		if err := s.Check(d.URL); err != nil {
			a.Error, a.refused = err.Error(), true
			s.Log.Warn("webhook delivery refused", "webhook", d.WebhookKey, "url", d.URL, "error", a.Error)
			return a
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Signature", d.Signature)
		req.Header.Set("X-Partnero-Signature", d.Signature) // the older guide's header
		req.Header.Set("User-Agent", "partnero-fake")
		var resp *http.Response
		if resp, err = s.Client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			a.StatusCode = resp.StatusCode
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				a.Error = "receiver answered " + resp.Status
			}
		}
	}
	if err != nil {
		a.Error = err.Error()
		a.refused = s.Refused != nil && s.Refused(err)
	}
	a.LatencyMS = float64(time.Since(start).Microseconds()) / 1000
	s.Log.Info("webhook delivery", "webhook", d.WebhookKey, "url", d.URL, "status", a.StatusCode, "error", a.Error)
	return a
}
