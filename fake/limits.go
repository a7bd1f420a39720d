package fake

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/partnero-fake/partnero-fake/fake/clock"
)

// Defaults of the limits in Options; README "Limits" lists them all.
const (
	// DefaultMaxTenants is how many tenants (API keys) a Server serves at
	// once.
	DefaultMaxTenants = 1000
	// DefaultMaxJSONDepth is how deeply a JSON body may nest. Partnero's
	// documents nest four levels; state documents six.
	DefaultMaxJSONDepth = 32
	// DefaultJournalBytes is how many bytes of bodies a tenant's journal
	// holds.
	DefaultJournalBytes = 4 << 20
	// DefaultMaxPendingWebhooks is how many undelivered webhook deliveries
	// a tenant's outbox holds.
	DefaultMaxPendingWebhooks = 1000
	// DefaultMaxFaults is how many fault rules a tenant may have.
	DefaultMaxFaults = 100
	// DefaultMaxSnapshots is how many named snapshots a tenant may keep.
	DefaultMaxSnapshots = 100
)

// limitDefaults fills the limits' defaults and checks FreezeAt.
func (o *Options) limitDefaults() error {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.MaxTenants == 0 {
		o.MaxTenants = DefaultMaxTenants
	}
	def(&o.MaxJSONDepth, DefaultMaxJSONDepth)
	def(&o.JournalBytes, DefaultJournalBytes)
	def(&o.MaxPendingWebhooks, DefaultMaxPendingWebhooks)
	def(&o.MaxFaults, DefaultMaxFaults)
	def(&o.MaxSnapshots, DefaultMaxSnapshots)
	if !o.FreezeAt.IsZero() && !clock.Valid(o.FreezeAt) {
		return fmt.Errorf("FreezeAt %s: the clock shows times from 1970 to 9999 only", o.FreezeAt.Format(time.RFC3339))
	}
	return nil
}

// admit returns the tenant of an API key, creating it unless the key holds
// control characters or invalid UTF-8 (422) or the Server already serves
// MaxTenants tenants: then a 403, since neither waiting nor
// retrying helps (a 429 or 503 would invite retries); deleting a tenant
// does.
func (s *Server) admit(key string) (*tenant, error) {
	if !utf8.ValidString(key) || hasControl(key) {
		return nil, fieldErrors(map[string][]string{"authorization": {
			"The API key must be valid UTF-8 without control characters."}})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tenants[key]; t != nil || s.opts.MaxTenants < 0 || len(s.tenants) < s.opts.MaxTenants {
		return s.tenantLocked(key), nil
	}
	return nil, fail(ErrTenantLimit,
		"The fake already serves its maximum of %d tenants (API keys); delete one with DELETE /_fake/tenant or raise --max-tenants.",
		s.opts.MaxTenants)
}

// DeleteTenant forgets a tenant and everything in it: state, journal,
// fault rules, snapshots, webhook events (pending deliveries are dropped);
// its pending long-polls answer 410. The key starts a fresh tenant when
// used again. It reports whether the tenant existed.
func (s *Server) DeleteTenant(apiKey string) bool {
	s.mu.Lock()
	t := s.tenants[apiKey]
	delete(s.tenants, apiKey)
	s.mu.Unlock()
	if t == nil {
		return false
	}
	t.outbox.Delete()
	return true
}

// deleteTenantHandler serves DELETE /_fake/tenant: it deletes the caller's
// tenant, and succeeds when there was none.
func (s *Server) deleteTenantHandler(r *http.Request, key string) (any, error) {
	return map[string]any{"status": 1, "deleted": s.DeleteTenant(key)}, nil
}

// Tenants reports how many tenants the Server holds.
func (s *Server) Tenants() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tenants)
}

// readBody reads a request body of at most MaxBodyBytes, for the API and
// the control plane alike: 413 beyond.
func (s *Server) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil // a request without a body (net/http's NoBody): nothing to read or allocate
	}
	body, err := readAll(http.MaxBytesReader(nil, r.Body, s.opts.MaxBodyBytes), r.ContentLength)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, fail(ErrBodyTooLarge, "The request body is larger than %d bytes.", s.opts.MaxBodyBytes)
		}
		return nil, fail(ErrUnreadable, "The request body could not be read.")
	}
	return body, nil
}

// readAll is io.ReadAll with a first buffer of the declared length, when
// there is one and it is modest: one allocation instead of a 512-byte
// start and its growth.
func readAll(r io.Reader, declared int64) ([]byte, error) {
	if declared <= 0 || declared > 64<<10 {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, declared+1) // +1: the read that sees io.EOF needs room
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // more than declared: let append grow it
		}
	}
}

// checkClockChange refuses a clock change whose result the API cannot
// represent (see clock.Valid): 422 naming now or advance.
func checkClockChange(now time.Time, in clockChange, d time.Duration) error {
	const rangeMsg = "must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z."
	if in.Now != nil {
		if !clock.Valid(*in.Now) {
			return fieldErrors(map[string][]string{"now": {"The now " + rangeMsg}})
		}
		now = *in.Now
	}
	if !clock.Valid(now.Add(d)) {
		return fieldErrors(map[string][]string{"advance": {"The clock after the advance " + rangeMsg}})
	}
	return nil
}
