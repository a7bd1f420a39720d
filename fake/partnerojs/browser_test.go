package partnerojs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/fake/internal/browsertest"
	"github.com/partnero-fake/partnero-fake/testkit"
)

// These tests drive a real headless Chromium through the referral flow of
// seeds 001 and 003: a friend opens the shop through a referral link,
// PartneroJS (the fake's universal.js, loaded by the unchanged snippet)
// sets the partnero_referral cookie, the shop's backend reads it at
// sign-up and creates the customer through the fake's API, a purchase
// rewards the referrer, and the referrer's page shows the widget. Every
// request goes to 127.0.0.1: the shop and the fake.

// browserTimeout bounds each test's browser actions.
const browserTimeout = 60 * time.Second

// shop is a tiny web shop: pages with the PartneroJS snippet, and a backend
// holding the API key, which the browser never sees.
type shop struct {
	*httptest.Server
	fake    *testkit.Server
	snippet template.HTML
}

var pages = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
{{.Snippet}}</head><body>{{end}}

{{define "landing"}}{{template "head" .}}
<h1>Welcome to the shop</h1>
<form method="post" action="/signup">
  <input id="email" name="email" type="email">
  <input id="name" name="name">
  <button id="signup" type="submit">Sign up</button>
</form>
<div id="page-widget"></div>
</body></html>{{end}}

{{define "account"}}{{template "head" .}}
<h1 id="welcome">Hello {{.Key}}</h1>
{{if .Bought}}<p id="thanks">Thank you for your order</p>{{end}}
<form method="post" action="/buy"><input type="hidden" name="customer" value="{{.Key}}">
  <button id="buy" type="submit">Buy for 75 USD</button></form>
<div id="referral-widget"></div>
<script>
  po('renderReferralWidget', {container: '#referral-widget', customer_key: {{.Key}}, theme: 'light', show_stats: true});
</script>
</body></html>{{end}}
`))

// newShop starts the shop for the fake's tenant, and points the program's
// website at it (links in the query or path format).
func newShop(t *testing.T, f *testkit.Server, linkFormat string) *shop {
	t.Helper()
	s := &shop{fake: f, snippet: template.HTML(f.Snippet(t))}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /favicon.ico", http.NotFound)
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, "landing", nil)
	})
	mux.HandleFunc("POST /signup", s.signup)
	mux.HandleFunc("GET /account", func(w http.ResponseWriter, r *http.Request) {
		s.render(w, "account", map[string]any{"Key": r.URL.Query().Get("customer"), "Bought": r.URL.Query().Has("bought")})
	})
	mux.HandleFunc("POST /buy", s.buy)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	r := f.Do(t, http.MethodPut, "/v1/program", map[string]any{"website": s.URL + "/", "referral_link_format": linkFormat})
	if r.Status != http.StatusOK {
		t.Fatalf("set the program's website: %d %s", r.Status, r.Body)
	}
	return s
}

func (s *shop) render(w http.ResponseWriter, name string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["Snippet"] = s.snippet
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// signup is the backend of seed 001, step 2: read the cookie, create the
// customer, referred when the cookie is set.
func (s *shop) signup(w http.ResponseWriter, r *http.Request) {
	key := strings.ToLower(r.FormValue("name"))
	body := map[string]any{"key": key, "email": r.FormValue("email"), "name": r.FormValue("name")}
	if c, err := r.Cookie("partnero_referral"); err == nil && c.Value != "" {
		body["referring_customer"] = map[string]string{"key": c.Value}
	}
	if err := s.api(http.MethodPost, "/customers", body); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, "/account?customer="+key, http.StatusSeeOther)
}

// buy records the purchase (seed 001, step 3).
func (s *shop) buy(w http.ResponseWriter, r *http.Request) {
	key := r.FormValue("customer")
	body := map[string]any{"key": "order-" + key, "customer": map[string]string{"key": key}, "amount": 75, "action": "sale"}
	if err := s.api(http.MethodPost, "/transactions", body); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, "/account?bought=1&customer="+key, http.StatusSeeOther)
}

// api calls the fake's Partnero API with the shop's API key.
func (s *shop) api(method, path string, body any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, s.fake.APIURL+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.fake.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.fake.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, out)
	}
	return nil
}

// start returns a fake with alice, a shop and a browser.
func start(t *testing.T, linkFormat string) (*testkit.Server, *shop, context.Context) {
	f := testkit.Start(t)
	f.CreateCustomer(t, testkit.NewCustomer{ID: "alice", Key: "alice", Email: "alice@example.com", Name: "Alice"})
	s := newShop(t, f, linkFormat)
	ctx := browsertest.New(t, browserTimeout)
	failOnPageErrors(t, ctx)
	return f, s, ctx
}

// failOnPageErrors fails the test when a page throws (uncaught exceptions
// and unhandled promise rejections alike).
func failOnPageErrors(t *testing.T, ctx context.Context) {
	var mu sync.Mutex
	var thrown []string
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			defer mu.Unlock()
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			thrown = append(thrown, msg)
		}
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range thrown {
			t.Errorf("the page threw: %s", m)
		}
	})
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// referralCookie returns the shop's partnero_referral cookie as the browser
// holds it, or nil.
func referralCookie(t *testing.T, ctx context.Context, s *shop) *network.Cookie {
	t.Helper()
	var cookies []*network.Cookie
	run(t, ctx, "read cookies", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		cookies, err = network.GetCookies().WithURLs([]string{s.URL}).Do(ctx)
		return err
	}))
	for _, c := range cookies {
		if c.Name == "partnero_referral" {
			return c
		}
	}
	return nil
}

// checkCookie checks the cookie PartneroJS set on the shop's origin.
func checkCookie(t *testing.T, ctx context.Context, s *shop, want string, days int) {
	t.Helper()
	c := referralCookie(t, ctx, s)
	if c == nil {
		t.Fatal("no partnero_referral cookie")
	}
	lifetime := time.Until(time.Unix(int64(c.Expires), 0))
	if c.Value != want || c.Path != "/" || c.SameSite != network.CookieSameSiteLax || c.Domain != "127.0.0.1" || c.HTTPOnly ||
		math.Abs(lifetime.Hours()-float64(days*24)) > 1 {
		t.Errorf("cookie = %+v (lifetime %s), want %s on 127.0.0.1, path /, SameSite=Lax, %d days", c, lifetime, want, days)
	}
}

// awaitVisit waits until the fake's journal holds n PartneroJS visits and
// returns them.
func awaitVisit(t *testing.T, f *testkit.Server, n int) []fake.JournalEntry {
	t.Helper()
	deadline := time.Now().Add(browserTimeout)
	for {
		v := f.Requests(t, fake.JournalFilter{Operation: "partnerojs.visit"})
		if len(v) >= n || time.Now().After(deadline) {
			if len(v) < n {
				t.Fatalf("%d visits in the journal, want %d", len(v), n)
			}
			return v
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// settle waits until PartneroJS has loaded and run every command queued so
// far: once loaded, po(...) returns a Promise that settles after the calls
// before it.
func settle(t *testing.T, ctx context.Context) {
	t.Helper()
	var done bool
	run(t, ctx, "wait for PartneroJS",
		chromedp.Poll(`!!(window.po && window.po.q && window.po.q.__partneroFake)`, nil),
		chromedp.Evaluate(`po('settings', 'assets_host', location.origin).then(() => true)`, &done,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if !done {
		t.Fatal("PartneroJS did not settle")
	}
}

// signUp fills the shop's form and waits for the account page.
func signUp(t *testing.T, ctx context.Context, email, name string) {
	t.Helper()
	run(t, ctx, "sign up",
		chromedp.SendKeys("#email", email, chromedp.ByQuery),
		chromedp.SendKeys("#name", name, chromedp.ByQuery),
		chromedp.Click("#signup", chromedp.ByQuery),
		chromedp.WaitVisible("#welcome", chromedp.ByQuery),
	)
}

// widget reads the widget rendered on the page.
type widget struct {
	Link, Clicks, Referrals, Successful, Rewards string
	Stats                                        bool
}

func readWidget(t *testing.T, ctx context.Context, container string) widget {
	t.Helper()
	var w widget
	sel := container + " .po-widget"
	run(t, ctx, "read the widget",
		chromedp.WaitVisible(sel, chromedp.ByQuery),
		chromedp.Value(sel+" .po-link", &w.Link, chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(`(() => {
			const q = s => { const e = document.querySelector(%q + ' ' + s); return e ? e.textContent : ''; };
			return {Clicks: q('.po-stat-clicks'), Referrals: q('.po-stat-referrals'), Successful: q('.po-stat-successful'),
				Rewards: q('.po-stat-rewards'), Stats: !!document.querySelector(%q + ' .po-stats')};
		})()`, sel, sel), &w),
	)
	return w
}

// referralFlow is the whole flow: visit through alice's link, sign up, buy,
// and alice's widget.
func referralFlow(t *testing.T, linkFormat, landing, wantLink string) {
	start0 := time.Now()
	f, s, ctx := start(t, linkFormat)
	run(t, ctx, "open the referral link", chromedp.Navigate(s.URL+landing),
		chromedp.Poll(`document.cookie.includes('partnero_referral=alice')`, nil))
	checkCookie(t, ctx, s, "alice", 30)
	if v := awaitVisit(t, f, 1); v[0].Status != http.StatusOK {
		t.Errorf("visit: %+v", v[0])
	}
	if st := f.Stats(t, "alice"); st.Clicks != 1 {
		t.Errorf("alice's clicks = %d, want 1", st.Clicks)
	}

	signUp(t, ctx, "bob@example.com", "Bob")
	if bob := f.Customer(t, "bob"); bob.ReferringCustomer == nil || bob.ReferringCustomer.Key != "alice" {
		t.Fatalf("bob's referrer: %+v", bob.ReferringCustomer)
	}

	run(t, ctx, "buy", chromedp.Click("#buy", chromedp.ByQuery), chromedp.WaitVisible("#thanks", chromedp.ByQuery))
	if got := f.Balance(t, "alice").Of("USD"); got != 7.5 {
		t.Errorf("alice's balance = %v, want 7.5 (10%% of 75)", got)
	}

	run(t, ctx, "open alice's page", chromedp.Navigate(s.URL+"/account?customer=alice"))
	w := readWidget(t, ctx, "#referral-widget")
	want := widget{Link: s.URL + wantLink, Clicks: "1", Referrals: "1", Successful: "1", Rewards: "7.5 USD", Stats: true}
	if w != want {
		t.Errorf("widget = %+v, want %+v", w, want)
	}
	var copied string
	run(t, ctx, "copy the link",
		chromedp.Click("#referral-widget .po-copy", chromedp.ByQuery),
		chromedp.Poll(`document.querySelector('#referral-widget .po-copy').textContent !== 'Copy'`, nil),
		chromedp.Text("#referral-widget .po-copy", &copied, chromedp.ByQuery))
	if copied != "Copied!" {
		t.Errorf("copy button says %q", copied)
	}
	t.Logf("flow in %s", time.Since(start0).Round(time.Millisecond))
}

func TestBrowserReferralFlowQuery(t *testing.T) {
	referralFlow(t, "query", "/?ref=alice", "/?ref=alice")
}

func TestBrowserReferralFlowPath(t *testing.T) {
	referralFlow(t, "path", "/ref/alice", "/ref/alice")
}

func TestBrowserUnknownReferralKey(t *testing.T) {
	f, s, ctx := start(t, "query")
	run(t, ctx, "open a link with an unknown key", chromedp.Navigate(s.URL+"/?ref=nobody"))
	settle(t, ctx)
	v := awaitVisit(t, f, 1)
	if v[0].Status != http.StatusNotFound || !strings.Contains(string(v[0].RequestBody), "ref=nobody") {
		t.Errorf("visit: %d %s", v[0].Status, v[0].RequestBody)
	}
	if c := referralCookie(t, ctx, s); c != nil {
		t.Fatalf("an unknown key set a cookie: %+v", c)
	}
	signUp(t, ctx, "dan@example.com", "Dan")
	if dan := f.Customer(t, "dan"); dan.ReferringCustomer != nil {
		t.Errorf("dan is referred by %+v", dan.ReferringCustomer)
	}
	if st := f.Stats(t, "alice"); st.Clicks != 0 || st.Referrals != 0 {
		t.Errorf("alice's stats: %+v", st)
	}
}

func TestBrowserCreateCustomerFromPage(t *testing.T) {
	f, s, ctx := start(t, "query")
	f.Do(t, http.MethodPut, "/v1/program", map[string]any{"cookie_lifetime_days": 7})
	var created struct {
		Key                  string `json:"key"`
		ReferralLink         string `json:"referral_link"`
		ReferringCustomerKey string `json:"referring_customer_key"`
	}
	await := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }
	run(t, ctx, "open the link and sign up from the page",
		chromedp.Navigate(s.URL+"/?ref=alice"),
		chromedp.Poll(`document.cookie.includes('partnero_referral=alice')`, nil),
		chromedp.Evaluate(`po('createCustomer', {email: 'carol@example.com', name: 'Carol', key: 'carol'})`, &created, await),
	)
	checkCookie(t, ctx, s, "alice", 7)
	if created.Key != "carol" || created.ReferringCustomerKey != "alice" || created.ReferralLink != s.URL+"/?ref=carol" {
		t.Errorf("po('createCustomer') = %+v", created)
	}
	if carol := f.Customer(t, "carol"); carol.ReferringCustomer == nil || carol.ReferringCustomer.Key != "alice" || carol.Email != "carol@example.com" {
		t.Errorf("carol: %+v", carol)
	}

	// A failing call rejects with the fake's message; the page goes on.
	var msg string
	run(t, ctx, "create a duplicate", chromedp.Evaluate(
		`po('createCustomer', {key: 'carol'}).then(() => 'created', e => e.message)`, &msg, await))
	if !strings.Contains(msg, "taken") {
		t.Errorf("duplicate customer: %q", msg)
	}

	// The widget without stats, in the dark theme.
	var dark bool
	run(t, ctx, "render carol's widget", chromedp.Evaluate(
		`po('renderReferralWidget', {container: '#page-widget', customer_key: 'carol', theme: 'dark', show_stats: false})`, nil, await),
		chromedp.Evaluate(`!!document.querySelector('#page-widget .po-theme-dark')`, &dark))
	w := readWidget(t, ctx, "#page-widget")
	if !dark || w.Stats || w.Link != s.URL+"/?ref=carol" {
		t.Errorf("dark widget without stats: dark=%v %+v", dark, w)
	}
	if n := len(f.Requests(t, fake.JournalFilter{Operation: "partnerojs.createCustomer"})); n != 2 {
		t.Errorf("%d createCustomer calls in the journal, want 2", n)
	}
}

// TestBrowserPartneroDown: when PartneroJS's calls fail (a fault rule on
// the browser endpoints), the page goes on without errors, no cookie is
// set, and the sign-up still works, unreferred.
func TestBrowserPartneroDown(t *testing.T) {
	f, s, ctx := start(t, "query")
	f.AddFault(t, fake.Fault{Path: "/partnerojs/*", Status: http.StatusServiceUnavailable})
	run(t, ctx, "open the referral link", chromedp.Navigate(s.URL+"/?ref=alice"))
	settle(t, ctx)
	if v := awaitVisit(t, f, 1); v[0].Status != http.StatusServiceUnavailable {
		t.Errorf("visit: %d", v[0].Status)
	}
	if c := referralCookie(t, ctx, s); c != nil {
		t.Fatalf("a failed visit set a cookie: %+v", c)
	}
	signUp(t, ctx, "erin@example.com", "Erin")
	if erin := f.Customer(t, "erin"); erin.ReferringCustomer != nil {
		t.Errorf("erin is referred by %+v", erin.ReferringCustomer)
	}
	if st := f.Stats(t, "alice"); st.Clicks != 0 {
		t.Errorf("alice's clicks = %d", st.Clicks)
	}
}
