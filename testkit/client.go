package testkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/fake/clock"
	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/testkit/internal/settings"
)

// TB is the part of testing.TB the helpers use; *testing.T and *testing.B
// satisfy it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// DefaultAPIKey is the API key a Server or Container client uses unless
// WithAPIKey says otherwise.
const DefaultAPIKey = settings.DefaultAPIKey

// Client talks to a running fake, in-process or in a container, as one
// tenant (one API key). Its helpers fail the test (tb.Fatalf) on any
// transport error or unexpected status. A Client is safe for concurrent use.
type Client struct {
	// URL is the fake's base URL, without a trailing slash.
	URL string
	// APIURL is the Partnero API base: URL + "/v1". Point your Partnero
	// client here.
	APIURL string
	// APIKey is the tenant's key, sent as Authorization: Bearer.
	APIKey string
	// HTTPClient is a client for the fake.
	HTTPClient *http.Client
	// AllowWarnings are the fidelity warning codes CheckWarnings accepts
	// ("*" accepts all); Start and the container's Start set it from
	// AllowWarnings options.
	AllowWarnings []string
}

// NewClient returns a client for the fake at base (scheme, host and port)
// as the tenant of key; hc nil means a client with a 90 s timeout (longer
// than the longest AwaitWebhook).
func NewClient(base, key string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 90 * time.Second}
	}
	base = strings.TrimSuffix(base, "/")
	return &Client{URL: base, APIURL: base + "/v1", APIKey: key, HTTPClient: hc}
}

// WithAPIKey returns a client for another tenant of the same fake.
func (c *Client) WithAPIKey(key string) *Client {
	cc := *c
	cc.APIKey = key
	return &cc
}

// Tenant returns a client for a tenant of its own, named after the test:
// tests sharing one fake (one container for a whole package, say) never
// see each other's data. When the test ends, its fidelity warnings are
// checked (see AllowWarnings) and the tenant is deleted, so a long-lived
// fake does not fill up (see --max-tenants).
func (c *Client) Tenant(tb interface {
	Name() string
	Cleanup(func())
	Logf(format string, args ...any)
}) *Client {
	tc := c.WithAPIKey("test:" + tb.Name())
	tb.Cleanup(func() { tc.deleteTenant(tb.Logf) })
	if t, ok := tb.(TB); ok {
		// Cleanups run last first: the warnings are read before the tenant goes.
		tb.Cleanup(func() { tc.CheckWarnings(t) })
	}
	return tc
}

// deleteTenant sends DELETE /_fake/tenant; a failure is only logged, since
// the fake may be gone already.
func (c *Client) deleteTenant(logf func(string, ...any)) {
	req, err := http.NewRequest(http.MethodDelete, c.URL+"/_fake/tenant", nil)
	if err != nil {
		logf("testkit: delete tenant: %v", err)
		return
	}
	req.Header.Set("Authorization", "Bearer "+c.APIKey)
	resp, err := c.HTTPClient.Do(req)
	if err != nil {
		logf("testkit: delete tenant: %v", err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		logf("testkit: delete tenant: %s", resp.Status)
	}
}

// Response is a raw response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request to the fake: path starts with /v1 or /_fake; body is
// sent as is when it is a string or []byte, JSON-encoded otherwise. Like
// every helper, it marks the request as testkit's (fake.ClientHeader), so
// Requests leaves it out unless the filter has IncludeTestkit: the journal
// shows what the code under test sent. For requests that should count as
// the code under test's, use HTTPClient.
func (c *Client) Do(tb TB, method, path string, body any) Response {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			tb.Fatalf("testkit: encode %s %s: %v", method, path, err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.URL+path, rd)
	if err != nil {
		tb.Fatalf("testkit: %s %s: %v", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.APIKey)
	req.Header.Set("Accept", "application/json")
	// Marks the request as the test's own, not the code under test's: the
	// journal leaves it out unless asked (JournalFilter.IncludeTestkit).
	req.Header.Set(fake.ClientHeader, fake.ClientTestkit)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTPClient.Do(req)
	if err != nil {
		tb.Fatalf("testkit: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("testkit: %s %s: read body: %v", method, path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// call sends a request that must answer 200 and decodes the body into out
// (when not nil).
func (c *Client) call(tb TB, method, path string, body, out any) {
	tb.Helper()
	r := c.Do(tb, method, path, body)
	if r.Status != http.StatusOK {
		tb.Fatalf("testkit: %s %s: status %d: %s", method, path, r.Status, r.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			tb.Fatalf("testkit: %s %s: decode: %v: %s", method, path, err, r.Body)
		}
	}
}

// data decodes {"data": …} envelopes.
func data[T any](c *Client, tb TB, method, path string, body any) T {
	tb.Helper()
	var env struct{ Data T }
	c.call(tb, method, path, body, &env)
	return env.Data
}

// ----- Typed API helpers -------------------------------------------------

// NewCustomer is the input of CreateCustomer.
type NewCustomer struct {
	ID      string `json:"id,omitempty"`
	Key     string `json:"key,omitempty"`
	Email   string `json:"email,omitempty"`
	Name    string `json:"name,omitempty"`
	Surname string `json:"surname,omitempty"`
	// ReferrerKey is the partnero_referral cookie's value (or use
	// ReferrerID, which wins).
	ReferrerKey string `json:"-"`
	ReferrerID  string `json:"-"`
}

// Customer is a refer-a-friend customer as the API returns it.
type Customer struct {
	ID                string           `json:"id"`
	Key               string           `json:"key"`
	Email             string           `json:"email"`
	Name              string           `json:"name"`
	Surname           string           `json:"surname"`
	Status            string           `json:"status"`
	ReferringCustomer *CustomerSummary `json:"referring_customer"`
	ReferralsCount    int              `json:"referrals_count"`
	ReferralLink      string           `json:"referral_link"`
	ReferralLinks     []string         `json:"referral_links"`
	CreatedAt         string           `json:"created_at"`
	UpdatedAt         string           `json:"updated_at"`
}

// CustomerSummary is a customer's referrer.
type CustomerSummary struct {
	ID    string `json:"id"`
	Key   string `json:"key"`
	Email string `json:"email"`
}

// CreateCustomer creates a customer (a referred one when ReferrerKey or
// ReferrerID is set).
func (c *Client) CreateCustomer(tb TB, in NewCustomer) Customer {
	tb.Helper()
	body := map[string]any{}
	raw, _ := json.Marshal(in)
	_ = json.Unmarshal(raw, &body)
	if in.ReferrerKey != "" || in.ReferrerID != "" {
		ref := map[string]string{}
		if in.ReferrerKey != "" {
			ref["key"] = in.ReferrerKey
		}
		if in.ReferrerID != "" {
			ref["id"] = in.ReferrerID
		}
		body["referring_customer"] = ref
	}
	return data[Customer](c, tb, http.MethodPost, "/v1/customers", body)
}

// Customer reads a customer by id, key or email.
func (c *Client) Customer(tb TB, ref string) Customer {
	tb.Helper()
	return data[Customer](c, tb, http.MethodGet, "/v1/customers/"+url.PathEscape(ref), nil)
}

// Sale is the input of CreateTransaction.
type Sale struct {
	// Customer is the buyer's key.
	Customer string
	// Key is the invoice id; generated when empty.
	Key string
	// Amount is the sale amount in major units.
	Amount float64
	// Units is the currency (the program's when empty).
	Units string
	// Action is "sale" when empty.
	Action string
}

// Transaction is a refer-a-friend transaction: Customer is the referrer's
// id, ReferredCustomer the buyer's.
type Transaction struct {
	Key              string   `json:"key"`
	Action           string   `json:"action"`
	Amount           float64  `json:"amount"`
	AmountUnits      string   `json:"amount_units"`
	Customer         string   `json:"customer"`
	ReferredCustomer string   `json:"referred_customer"`
	CreatedAt        string   `json:"created_at"`
	DeletedAt        *string  `json:"deleted_at"`
	Rewards          []Reward `json:"rewards"`
}

// Reward is what a sale or signup earned.
type Reward struct {
	Key              string  `json:"key"`
	Status           string  `json:"status"`
	Type             string  `json:"type"`
	Customer         string  `json:"customer"`
	ReferredCustomer string  `json:"referred_customer"`
	Amount           float64 `json:"amount"`
	AmountUnits      string  `json:"amount_units"`
}

// CreateTransaction records a sale.
func (c *Client) CreateTransaction(tb TB, s Sale) Transaction {
	tb.Helper()
	body := map[string]any{"customer": map[string]string{"key": s.Customer}, "amount": s.Amount}
	for k, v := range map[string]string{"key": s.Key, "amount_units": s.Units, "action": s.Action} {
		if v != "" {
			body[k] = v
		}
	}
	return data[Transaction](c, tb, http.MethodPost, "/v1/transactions", body)
}

// RefundTransaction deletes the transactions with the key, and their
// rewards.
func (c *Client) RefundTransaction(tb TB, key string) {
	tb.Helper()
	c.call(tb, http.MethodDelete, "/v1/transactions/"+url.PathEscape(key), nil, nil)
}

// Amount is one line of a balance.
type Amount struct {
	Amount     float64 `json:"amount"`
	Units      string  `json:"amount_units"`
	IsCurrency bool    `json:"is_currency"`
}

// Balance is a customer's balance.
type Balance struct {
	Currency    []Amount `json:"currency"`
	NonCurrency []Amount `json:"non_currency"`
}

// UnmarshalJSON reads the balance as Partnero sends it: [] when empty (the
// default balance_format), an object with per-unit lines otherwise.
func (b *Balance) UnmarshalJSON(data []byte) error {
	if t := bytes.TrimSpace(data); bytes.Equal(t, []byte("[]")) {
		*b = Balance{}
		return nil
	}
	type lines Balance
	var l lines
	if err := json.Unmarshal(data, &l); err != nil {
		return fmt.Errorf("testkit reads the balance as [] or an object (balance_format partnero or object): %w", err)
	}
	*b = Balance(l)
	return nil
}

// Of returns the balance in one currency or unit (0 when there is none).
func (b Balance) Of(units string) float64 {
	for _, l := range append(b.Currency, b.NonCurrency...) {
		if strings.EqualFold(l.Units, units) {
			return l.Amount
		}
	}
	return 0
}

// Balance reads a customer's balance.
func (c *Client) Balance(tb TB, ref string) Balance {
	tb.Helper()
	return data[struct {
		Balance Balance `json:"balance"`
	}](c, tb, http.MethodGet, "/v1/customers/"+url.PathEscape(ref)+"/balance", nil).Balance
}

// CreditBalance adds a manual credit and returns the new balance.
func (c *Client) CreditBalance(tb TB, ref string, amount float64, units string) Balance {
	tb.Helper()
	body := map[string]any{"amount": amount, "amount_units": units, "is_currency": true}
	return data[struct {
		Balance Balance `json:"balance"`
	}](c, tb, http.MethodPost, "/v1/customers/"+url.PathEscape(ref)+"/balance/credit", body).Balance
}

// Stats are a customer's referral figures.
type Stats struct {
	Clicks              int     `json:"clicks"`
	Referrals           int     `json:"referrals"`
	SuccessfulReferrals int     `json:"successful_referrals"`
	PendingReferrals    int     `json:"pending_referrals"`
	SalesCount          int     `json:"sales_count"`
	TotalRewards        float64 `json:"total_rewards"`
	Currency            string  `json:"currency"`
}

// Stats reads a customer's stats.
func (c *Client) Stats(tb TB, ref string) Stats {
	tb.Helper()
	return data[Stats](c, tb, http.MethodGet, "/v1/customers/"+url.PathEscape(ref)+"/stats", nil)
}

// ----- Control plane helpers (the tenant of c.APIKey) -----------------------

// Reset returns the tenant to its initial fixtures and clears its journal
// and fault rules.
func (c *Client) Reset(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/reset", nil, nil)
}

// ExportState returns the tenant's whole state.
func (c *Client) ExportState(tb TB) store.Snapshot {
	tb.Helper()
	var snap store.Snapshot
	c.call(tb, http.MethodGet, "/_fake/state", nil, &snap)
	return snap
}

// ImportState replaces the tenant's state; with asInitial, Reset returns to
// it.
func (c *Client) ImportState(tb TB, snap store.Snapshot, asInitial bool) {
	tb.Helper()
	c.call(tb, http.MethodPut, fmt.Sprintf("/_fake/state?initial=%t", asInitial), snap, nil)
}

// SaveSnapshot saves the tenant's state under a name.
func (c *Client) SaveSnapshot(tb TB, name string) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/snapshots/"+url.PathEscape(name), nil, nil)
}

// RestoreSnapshot puts back a saved state.
func (c *Client) RestoreSnapshot(tb TB, name string) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/snapshots/"+url.PathEscape(name)+"/restore", nil, nil)
}

// AllRequests returns the JournalFilter that matches every request of the
// code under test (not those testkit's helpers made; see IncludeTestkit).
func AllRequests() fake.JournalFilter { return fake.JournalFilter{} }

// Requests returns the requests the tenant made ("what did my code
// send?"), oldest first: those of the code under test, and those of
// testkit's helpers only with f.IncludeTestkit. RequestBody decodes their
// bodies.
func (c *Client) Requests(tb TB, f fake.JournalFilter) []fake.JournalEntry {
	tb.Helper()
	q := url.Values{}
	if f.IncludeTestkit {
		q.Set("include_testkit", "true")
	}
	for k, v := range map[string]string{"operation": f.Operation, "path": f.Path, "method": f.Method} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Status != 0 {
		q.Set("status", fmt.Sprint(f.Status))
	}
	return data[[]fake.JournalEntry](c, tb, http.MethodGet, "/_fake/requests?"+q.Encode(), nil)
}

// ClearRequests empties the tenant's journal.
func (c *Client) ClearRequests(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodDelete, "/_fake/requests", nil, nil)
}

// AddFault adds a fault rule and returns it with its id.
func (c *Client) AddFault(tb TB, f fake.Fault) fake.Fault {
	tb.Helper()
	return data[fake.Fault](c, tb, http.MethodPost, "/_fake/faults", f)
}

// Faults lists the tenant's fault rules with their counters.
func (c *Client) Faults(tb TB) []fake.Fault {
	tb.Helper()
	return data[[]fake.Fault](c, tb, http.MethodGet, "/_fake/faults", nil)
}

// ClearFaults removes the tenant's fault rules.
func (c *Client) ClearFaults(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodDelete, "/_fake/faults", nil, nil)
}

// Clock returns the tenant's clock.
func (c *Client) Clock(tb TB) clock.State {
	tb.Helper()
	var st clock.State
	c.call(tb, http.MethodGet, "/_fake/clock", nil, &st)
	return st
}

// FreezeClock stops the tenant's clock at t.
func (c *Client) FreezeClock(tb TB, t time.Time) {
	tb.Helper()
	c.call(tb, http.MethodPut, "/_fake/clock", map[string]any{"now": t, "frozen": true}, nil)
}

// AdvanceClock moves the tenant's clock forward.
func (c *Client) AdvanceClock(tb TB, d time.Duration) {
	tb.Helper()
	c.call(tb, http.MethodPut, "/_fake/clock", map[string]any{"advance": d.String()}, nil)
}

// Invitations returns the invitations the tenant "sent".
func (c *Client) Invitations(tb TB) []store.Invitation {
	tb.Helper()
	return data[[]store.Invitation](c, tb, http.MethodGet, "/_fake/invitations", nil)
}

// SetClicks sets the clicks a customer's stats report.
func (c *Client) SetClicks(tb TB, ref string, n int) {
	tb.Helper()
	c.call(tb, http.MethodPut, "/_fake/customers/"+url.PathEscape(ref)+"/clicks", map[string]int{"clicks": n}, nil)
}

// ----- Webhooks -------------------------------------------------------------

// Webhook is a registered webhook; Signature is its signing secret.
type Webhook struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	URL       string   `json:"url"`
	Events    []string `json:"events"`
	IsActive  bool     `json:"is_active"`
	Signature string   `json:"signature"`
}

// CreateWebhook registers a webhook for events at url.
func (c *Client) CreateWebhook(tb TB, url string, events ...string) Webhook {
	tb.Helper()
	return data[Webhook](c, tb, http.MethodPost, "/v1/webhooks", map[string]any{"name": "testkit", "url": url, "events": events})
}

// WebhookEvents lists the tenant's outbox: events with their deliveries
// and attempts. The filter's Match field is not sent (Go API only).
func (c *Client) WebhookEvents(tb TB, f fake.EventFilter) []fake.WebhookEvent {
	tb.Helper()
	return data[[]fake.WebhookEvent](c, tb, http.MethodGet, "/_fake/webhooks/events?"+eventQuery(f).Encode(), nil)
}

// AwaitWebhook waits up to timeout for an outbox event matching f (use
// Status: fake.DeliveryDelivered to wait until it was delivered) and fails
// the test when none comes.
func (c *Client) AwaitWebhook(tb TB, f fake.EventFilter, timeout time.Duration) fake.WebhookEvent {
	tb.Helper()
	q := eventQuery(f)
	q.Set("timeout", timeout.String())
	r := c.Do(tb, http.MethodGet, "/_fake/webhooks/await?"+q.Encode(), nil)
	if r.Status != http.StatusOK {
		tb.Fatalf("testkit: no webhook event matching %+v within %s: %s", f, timeout, r.Body)
	}
	var env struct{ Data fake.WebhookEvent }
	if err := json.Unmarshal(r.Body, &env); err != nil {
		tb.Fatalf("testkit: decode event: %v", err)
	}
	return env.Data
}

// RedeliverWebhook queues an event's finished deliveries again.
func (c *Client) RedeliverWebhook(tb TB, eventID string) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/events/"+url.PathEscape(eventID)+"/redeliver", nil, nil)
}

// PauseWebhooks holds deliveries; ResumeWebhooks lets them go.
func (c *Client) PauseWebhooks(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/pause", nil, nil)
}

// ResumeWebhooks resumes deliveries.
func (c *Client) ResumeWebhooks(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/resume", nil, nil)
}

// DropNextWebhook makes the next delivery vanish.
func (c *Client) DropNextWebhook(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/next", map[string]string{"action": "drop"}, nil)
}

// DuplicateNextWebhook makes the next delivery arrive twice.
func (c *Client) DuplicateNextWebhook(tb TB) {
	tb.Helper()
	c.call(tb, http.MethodPost, "/_fake/webhooks/next", map[string]string{"action": "duplicate"}, nil)
}

func eventQuery(f fake.EventFilter) url.Values {
	q := url.Values{}
	if f.Type != "" {
		q.Set("type", f.Type)
	}
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	if f.MinAttempts > 0 {
		q.Set("min_attempts", fmt.Sprint(f.MinAttempts))
	}
	for k, v := range f.Data {
		q.Set("data."+k, v)
	}
	return q
}
