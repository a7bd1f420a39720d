package inspector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/fake/internal/browsertest"
	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// The browser tests drive the inspector in headless Chromium against a fake
// with the demo fixtures, served by httptest on 127.0.0.1. With
// PARTNERO_FAKE_SCREENSHOTS=dir they also save screenshots of the main
// views there (the README's come from
// PARTNERO_FAKE_SCREENSHOTS=fake/inspector/testdata/screenshots); without
// it they write nothing.

const tenant = "demo"

var frozen = time.Date(2025, 5, 9, 17, 42, 13, 0, time.UTC)

// serve starts a fake with the demo fixtures (unless opts.Initial is set)
// and a frozen clock.
func serve(t *testing.T, opts fake.Options) (*fake.Server, string) {
	t.Helper()
	if opts.Initial == nil {
		demo, err := fixtures.Demo()
		if err != nil {
			t.Fatal(err)
		}
		opts.Initial = &demo
	}
	if opts.FreezeAt.IsZero() {
		opts.FreezeAt = frozen
	}
	if len(opts.APIKeys) == 0 {
		opts.ListTenantKeys = true // the tenant picker (the default mode asks for a key, as with --api-keys)
	}
	opts.StrictResponses = true
	f, err := fake.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f) // 127.0.0.1
	t.Cleanup(srv.Close)
	t.Cleanup(f.Close)
	return f, srv.URL
}

// browser starts Chromium with a 1200x800 window. A JavaScript exception
// or console error in the page fails the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	ctx := browsertest.New(t, 45*time.Second)
	var mu sync.Mutex
	var errs []string
	chromedp.ListenTarget(ctx, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *cdpruntime.EventExceptionThrown:
			msg = ev.ExceptionDetails.Error()
		case *cdpruntime.EventConsoleAPICalled:
			if ev.Type != cdpruntime.APITypeError {
				return
			}
			for _, a := range ev.Args {
				msg += string(a.Value) + a.Description + " "
			}
		default:
			return
		}
		mu.Lock()
		errs = append(errs, msg)
		mu.Unlock()
	})
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range errs {
			t.Errorf("in the page: %s", e)
		}
	})
	run(t, ctx, chromedp.EmulateViewport(1200, 800, chromedp.EmulateScale(1)))
	return ctx
}

func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// text returns the text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var s string
	run(t, ctx, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// waitText waits until the element matching sel contains want.
func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q); })()`, sel, want)
	err := chromedp.Run(ctx, chromedp.Poll(js, nil, chromedp.WithPollingInterval(50*time.Millisecond)))
	for i := 0; err != nil && (strings.Contains(err.Error(), "Cannot find context") || strings.Contains(err.Error(), "navigated or closed")) && i < 20; i++ {
		// The page navigated while polling: poll the new one.
		time.Sleep(50 * time.Millisecond)
		err = chromedp.Run(ctx, chromedp.Poll(js, nil, chromedp.WithPollingInterval(50*time.Millisecond)))
	}
	if err != nil {
		var got string
		_ = chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || "(no element)"`, sel), &got))
		t.Fatalf("waiting for %q in %s: %v; it holds %q", want, sel, err, got)
	}
}

// screenshot saves the viewport as name.png in $PARTNERO_FAKE_SCREENSHOTS,
// when it is set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("PARTNERO_FAKE_SCREENSHOTS")
	if dir == "" {
		return
	}
	var png []byte
	run(t, ctx, chromedp.Sleep(150*time.Millisecond), chromedp.CaptureScreenshot(&png))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// api calls the fake's API or control plane as a test would.
func api(t *testing.T, method, url, key string, body any) map[string]any {
	t.Helper()
	var rd *strings.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc map[string]any
	_ = json.NewDecoder(res.Body).Decode(&doc)
	if res.StatusCode != 200 {
		t.Fatalf("%s %s: %d %v", method, url, res.StatusCode, doc)
	}
	return doc
}

func TestBrowserOverviewAndReferralTree(t *testing.T) {
	_, url := serve(t, fake.Options{})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(url+"/_fake/ui?tenant="+tenant), chromedp.WaitVisible(`[data-testid=rules]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=program]`, "USD")
	waitText(t, ctx, `[data-testid=rules]`, "10% of the sale")
	screenshot(t, ctx, "overview")

	// Customers, searched on the server; then Ava's tree, three levels down.
	run(t, ctx, chromedp.Click(`nav a:nth-child(2)`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=customer-count]`, "of 8")
	screenshot(t, ctx, "customers")
	run(t, ctx, chromedp.SendKeys(`[data-testid=customer-search]`, "stone", chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=customer-count]`, "1–1 of 1")
	run(t, ctx, chromedp.Click(`[data-testid=customer-demo-ava] a`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=tree]`, "Eli")
	tree := text(t, ctx, `[data-testid=tree]`)
	for _, name := range []string{"Ava Stone", "Ben Ortiz", "Cleo Park", "Dan Reyes", "Hana"} {
		if !strings.Contains(tree, name) {
			t.Errorf("Ava's tree lacks %s: %q", name, tree)
		}
	}
	waitText(t, ctx, `[data-testid=balance]`, "29.55")
	waitText(t, ctx, `[data-testid=links]`, "AVA-SUMMER")
	screenshot(t, ctx, "customer")

	// Follow the tree to Dan: his page shows whom he came through.
	run(t, ctx, chromedp.Click(`//ul[@data-testid="tree"]//a[contains(., "Dan Reyes")]`, chromedp.BySearch))
	waitText(t, ctx, `[data-testid=referrers]`, "Ava Stone›Ben Ortiz›Dan Reyes")
	waitText(t, ctx, `[data-testid=tree]`, "Eli")
	var loc string
	run(t, ctx, chromedp.Location(&loc))
	if !strings.Contains(loc, "tenant=demo") || !strings.Contains(loc, "id=demo-dan") {
		t.Errorf("the URL does not name the tenant and customer: %s", loc)
	}
	// The URL can be shared: loading it again shows the same page.
	run(t, ctx, chromedp.Navigate(loc))
	waitText(t, ctx, `[data-testid=referrers]`, "Ben Ortiz")

	// Transactions: the archived sale is marked, and a refunded one (deleted
	// by the API) is shown from the outbox, struck through.
	api(t, "DELETE", url+"/v1/transactions/order-1001", tenant, nil)
	run(t, ctx, chromedp.Navigate(url+"/_fake/ui?tenant="+tenant+"&view=transactions"))
	waitText(t, ctx, `[data-testid=refunded]`, "order-1001")
	waitText(t, ctx, `[data-testid=refunded] tr.refunded`, "refunded")
	var archived int
	run(t, ctx, chromedp.Evaluate(`document.querySelectorAll("tr.archived").length`, &archived))
	if archived != 1 {
		t.Errorf("archived rows: %d, want the demo's one chargeback", archived)
	}
	screenshot(t, ctx, "transactions")

	// Rewards: the reward of the archived sale is void.
	run(t, ctx, chromedp.Click(`nav a:nth-child(4)`, chromedp.ByQuery))
	waitText(t, ctx, `[data-view=rewards]`, "void (sale archived)")
	waitText(t, ctx, `[data-view=rewards]`, "order-1006")
}

func TestBrowserTenantPicker(t *testing.T) {
	_, url := serve(t, fake.Options{})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(url+"/_fake/ui"), chromedp.WaitVisible(`[data-view=picker]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=tenants]`, "No tenant yet")
	api(t, "GET", url+"/v1/program", "alpha", nil)
	api(t, "POST", url+"/v1/customers", "beta", map[string]any{"key": "b1"})
	run(t, ctx, chromedp.Reload())
	waitText(t, ctx, `[data-testid=tenants]`, "beta")
	if got := text(t, ctx, `[data-testid=tenants] tbody`); !strings.Contains(got, "alpha") || !strings.Contains(got, "9") {
		t.Errorf("tenants: %q", got)
	}
	run(t, ctx, chromedp.Click(`//table[@data-testid="tenants"]//a[.="beta"]`, chromedp.BySearch))
	waitText(t, ctx, `[data-testid=rules]`, "10% of the sale")
	var loc string
	run(t, ctx, chromedp.Location(&loc))
	if !strings.HasSuffix(loc, "/_fake/ui?tenant=beta") {
		t.Errorf("location %s", loc)
	}
	// The header's picker switches tenants.
	run(t, ctx, chromedp.SetValue(`[data-testid=tenant-select]`, "alpha", chromedp.ByQuery)) // fires change
	waitText(t, ctx, `[data-testid=rules]`, "10% of the sale")
	run(t, ctx, chromedp.Location(&loc))
	if !strings.HasSuffix(loc, "tenant=alpha") {
		t.Errorf("after switching: %s", loc)
	}
	// A key typed in opens (and creates) that tenant.
	run(t, ctx, chromedp.Navigate(url+"/_fake/ui"), chromedp.WaitVisible(`input[name=tenant]`, chromedp.ByQuery),
		chromedp.SendKeys(`input[name=tenant]`, "gamma key\n", chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=program]`, "USD")
	run(t, ctx, chromedp.Location(&loc))
	if !strings.HasSuffix(loc, "tenant=gamma+key") && !strings.HasSuffix(loc, "tenant=gamma%20key") {
		t.Errorf("typed tenant: %s", loc)
	}
}

func TestBrowserJournalShowsNewRequest(t *testing.T) {
	_, url := serve(t, fake.Options{})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(url+"/_fake/ui?tenant="+tenant+"&view=journal"), chromedp.WaitVisible(`[data-testid=journal]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=journal]`, "No request yet")

	// An API call made after the page loaded appears without a reload.
	api(t, "POST", url+"/v1/customers", tenant, map[string]any{"key": "zoe", "email": "zoe@example.com", "referring_customer": map[string]any{"key": "ava"}})
	waitText(t, ctx, `[data-testid=journal]`, "createCustomer")
	waitText(t, ctx, `[data-testid=journal]`, "/v1/customers")
	if code := status(t, "GET", url+"/v1/customers/nobody", tenant); code != 404 {
		t.Fatalf("GET unknown customer: %d", code)
	}
	waitText(t, ctx, `[data-testid=journal]`, "getCustomer")

	// Its bodies on click.
	run(t, ctx, chromedp.Click(`[data-testid=req-1]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=journal-detail]`, `"key": "zoe"`)
	waitText(t, ctx, `[data-testid=journal-detail]`, `"referrals_count"`)
	screenshot(t, ctx, "journal")

	// A request that drew a fidelity warning shows its code in the row and
	// its sentence in the detail.
	api(t, "POST", url+"/v1/customers", tenant, map[string]any{"key": "wes", "partner": map[string]any{"key": "p1"}})
	waitText(t, ctx, `[data-testid=journal] tbody`, "partner-ignored")
	run(t, ctx, chromedp.Click(`[data-testid=req-3]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=journal-detail]`, "partner attribution belongs to affiliate programs")

	// Filtered by status on the server: only the 404.
	run(t, ctx, chromedp.SendKeys(`[data-testid=filter-status]`, "404\n", chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=journal-count]`, "1 request")
	if got := text(t, ctx, `[data-testid=journal] tbody`); strings.Contains(got, "createCustomer") || !strings.Contains(got, "getCustomer") {
		t.Errorf("filtered journal: %q", got)
	}
	var loc string
	run(t, ctx, chromedp.Location(&loc))
	if !strings.Contains(loc, "status=404") {
		t.Errorf("the filter is not in the URL: %s", loc)
	}

	// Filtered by operation, and live: a new matching request shows up.
	run(t, ctx, chromedp.Evaluate(`document.querySelector("[data-testid=filter-status]").value = ""`, nil),
		chromedp.SendKeys(`[data-testid=filter-operation]`, "createCustomer\n", chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=journal-count]`, "2 requests") // zoe and wes
	api(t, "POST", url+"/v1/customers", tenant, map[string]any{"key": "yan"})
	api(t, "GET", url+"/v1/program", tenant, nil)
	waitText(t, ctx, `[data-testid=journal-count]`, "3 requests")
	if got := text(t, ctx, `[data-testid=journal] tbody`); !strings.Contains(got, "yan") && strings.Count(got, "createCustomer") != 3 {
		t.Errorf("the new request is not listed: %q", got)
	}
	if got := text(t, ctx, `[data-testid=journal] tbody`); strings.Contains(got, "getProgram") || strings.Contains(got, "getCustomer") {
		t.Errorf("filtered by operation: %q", got)
	}
}

// status sends a request without a body and returns the status code.
func status(t *testing.T, method, url, key string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestBrowserRedeliverFailedWebhook(t *testing.T) {
	var calls atomic.Int32
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(receiver.Close)
	f, url := serve(t, fake.Options{WebhookRetries: -1}) // no retries: the first failure is final
	api(t, "POST", url+"/v1/webhooks", tenant, map[string]any{"name": "shop", "url": receiver.URL + "/hook", "events": []string{"customer.created"}})
	api(t, "POST", url+"/v1/customers", tenant, map[string]any{"key": "zoe"})
	ctx := context.Background()
	ev, err := f.Tenant(tenant).AwaitWebhookEvent(ctx, fake.EventFilter{Status: fake.DeliveryFailed})
	if err != nil {
		t.Fatal(err)
	}

	bctx := browser(t)
	run(t, bctx, chromedp.Navigate(url+"/_fake/ui?tenant="+tenant+"&view=webhooks"), chromedp.WaitVisible(`[data-testid=events]`, chromedp.ByQuery))
	waitText(t, bctx, `[data-testid=event-`+ev.ID+`]`, "failed")
	run(t, bctx, chromedp.Click(`[data-testid=event-`+ev.ID+`]`, chromedp.ByQuery))
	waitText(t, bctx, `[data-testid=event-detail]`, "503")
	waitText(t, bctx, `[data-testid=event-detail]`, ev.Deliveries[0].Signature)
	screenshot(t, bctx, "webhooks")
	run(t, bctx, chromedp.Click(`//section[@data-testid="event-detail"]//button[.="Redeliver"]`, chromedp.BySearch))
	waitText(t, bctx, `[data-testid=attempts] tbody tr:nth-child(2)`, "204")
	waitText(t, bctx, `[data-testid=delivery]`, "delivered")
	if n := calls.Load(); n != 2 {
		t.Errorf("the receiver got %d calls, want 2", n)
	}

	// Pause and resume.
	run(t, bctx, chromedp.Click(`//button[.="Pause deliveries"]`, chromedp.BySearch))
	waitText(t, bctx, `[data-view=webhooks]`, "deliveries paused")
	if !f.Tenant(tenant).Overview().WebhooksPaused {
		t.Error("Pause did not pause the outbox")
	}
	run(t, bctx, chromedp.Click(`//button[.="Resume deliveries"]`, chromedp.BySearch))
	waitText(t, bctx, `[data-view=webhooks]`, "delivering")
	if f.Tenant(tenant).Overview().WebhooksPaused {
		t.Error("Resume did not resume the outbox")
	}
}

func TestBrowserClockAndSnapshots(t *testing.T) {
	f, url := serve(t, fake.Options{})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(url+"/_fake/ui?tenant="+tenant+"&view=controls"), chromedp.WaitVisible(`[data-testid=clock-now]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=clock-now]`, "2025-05-09 17:42:13")

	// Advance the frozen clock by 36h through the form.
	run(t, ctx, chromedp.SetValue(`[data-testid=advance-by]`, "36h", chromedp.ByQuery), chromedp.Click(`[data-testid=advance]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=clock-now]`, "2025-05-11 05:42:13")
	if got := f.Tenant(tenant).Clock().Now(); !got.Equal(frozen.Add(36 * time.Hour)) {
		t.Errorf("clock = %s", got)
	}
	waitText(t, ctx, `[data-testid=header-clock]`, "2025-05-11 05:42:13")

	// Unfreeze and freeze again.
	run(t, ctx, chromedp.Click(`//section[@data-testid="clock"]//button[.="Unfreeze"]`, chromedp.BySearch))
	waitText(t, ctx, `[data-testid=clock]`, "running")
	if f.Tenant(tenant).Clock().State().Frozen {
		t.Error("Unfreeze left the clock frozen")
	}
	run(t, ctx, chromedp.Click(`//section[@data-testid="clock"]//button[.="Freeze"]`, chromedp.BySearch))
	waitText(t, ctx, `[data-testid=clock]`, "frozen")
	if !f.Tenant(tenant).Clock().State().Frozen {
		t.Error("Freeze left the clock running")
	}
	run(t, ctx, chromedp.Click(`//section[@data-testid="clock"]//button[.="+24h"]`, chromedp.BySearch))
	waitText(t, ctx, `[data-testid=controls-msg]`, "Advanced by 24h.")

	// Save a snapshot, change the state through the API, restore it.
	run(t, ctx, chromedp.SendKeys(`[data-testid=snapshot-name]`, "before", chromedp.ByQuery), chromedp.Click(`[data-testid=save-snapshot]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=snapshot-list]`, "before")
	api(t, "POST", url+"/v1/customers", tenant, map[string]any{"key": "zoe"})
	if n := f.Tenant(tenant).Store().Counts().Customers; n != 9 {
		t.Fatalf("customers before restore: %d", n)
	}
	// A fault rule, added and removed.
	run(t, ctx, chromedp.SendKeys(`//input[@aria-label="operation"]`, "getProgram", chromedp.BySearch),
		chromedp.Click(`//button[.="Add rule"]`, chromedp.BySearch))
	waitText(t, ctx, `[data-testid=fault-rules]`, "getProgram")
	if n := len(f.Tenant(tenant).Faults()); n != 1 {
		t.Fatalf("fault rules: %d", n)
	}
	screenshot(t, ctx, "controls")
	run(t, ctx, chromedp.Click(`//table[@data-testid="fault-rules"]//button[.="Remove"]`, chromedp.BySearch))
	waitText(t, ctx, `[data-testid=fault-rules]`, "No fault rule")

	run(t, ctx, chromedp.Click(`[data-testid=restore-before]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=controls-msg]`, "Restored before.")
	if n := f.Tenant(tenant).Store().Counts().Customers; n != 8 {
		t.Errorf("customers after restore: %d, want the 8 of the snapshot", n)
	}

	// Reset asks twice.
	run(t, ctx, chromedp.Click(`[data-testid=reset]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=reset]`, "Really")
	run(t, ctx, chromedp.Click(`[data-testid=reset]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=controls-msg]`, "reset")
	waitText(t, ctx, `[data-testid=clock-now]`, "2025-05-09 17:42:13")
}

func TestBrowserEscapesUserData(t *testing.T) {
	const evil = `<img src=x onerror="window.__xss=1">`
	demo, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	demo.Customers = append(demo.Customers, store.Customer{
		ID: "evil", Key: "evil", Name: evil, Surname: `</script><script>window.__xss=2</script>`, Email: "evil@example.com",
		ReferrerID: "demo-ava", Status: "active", CreatedAt: frozen, UpdatedAt: frozen,
	})
	_, url := serve(t, fake.Options{Initial: &demo})
	ctx := browser(t)
	for _, view := range []string{"customers", "customer&id=evil", "customer&id=demo-ava"} {
		run(t, ctx, chromedp.Navigate(url+"/_fake/ui?tenant="+tenant+"&view="+view))
		waitText(t, ctx, `main`, evil)
		var imgs, scripts int
		var xss any
		run(t, ctx,
			chromedp.Evaluate(`document.querySelectorAll("main img").length`, &imgs),
			chromedp.Evaluate(`document.querySelectorAll("main script").length`, &scripts),
			chromedp.Evaluate(`window.__xss === undefined ? null : window.__xss`, &xss))
		if imgs != 0 || scripts != 0 || xss != nil {
			t.Errorf("%s: a customer's name became markup: %d img, %d script, __xss=%v", view, imgs, scripts, xss)
		}
	}
}

func TestBrowserAPIKeys(t *testing.T) {
	f, url := serve(t, fake.Options{APIKeys: []string{"key-a", "key-b"}})
	api(t, "POST", url+"/v1/customers", "key-b", map[string]any{"key": "only-in-b"})
	ctx := browser(t)
	run(t, ctx, chromedp.Navigate(url+"/_fake/ui"), chromedp.WaitVisible(`[data-view=login]`, chromedp.ByQuery))
	run(t, ctx, chromedp.SendKeys(`input[name=key]`, "wrong\n", chromedp.ByQuery))
	waitText(t, ctx, `[data-view=login]`, "not accepted")
	run(t, ctx, chromedp.Evaluate(`document.querySelector("input[name=key]").value = ""`, nil), chromedp.SendKeys(`input[name=key]`, "key-a\n", chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=rules]`, "10% of the sale")
	var page, loc string
	run(t, ctx, chromedp.Click(`nav a:nth-child(2)`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=customer-count]`, "of 8")
	run(t, ctx, chromedp.Evaluate(`document.documentElement.outerHTML`, &page), chromedp.Location(&loc))
	for _, leak := range []string{"key-b", "only-in-b", "key-a"} {
		if strings.Contains(page, leak) || strings.Contains(loc, leak) {
			t.Errorf("the page or its URL shows %q", leak)
		}
	}
	if n := f.Tenant("key-a").Store().Counts().Customers; n != 8 {
		t.Errorf("key-a's customers: %d", n)
	}
}

// The customers view with 100,000 customers: the first page, a search and
// the last page come from the server a page at a time.
func TestBrowserHundredThousandCustomers(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 100,000 customers")
	}
	snap, err := fixtures.Generate(7, fixtures.Counts{Customers: 100_000, ReferralRatio: 0.6, TransactionsPerReferred: 1})
	if err != nil {
		t.Fatal(err)
	}
	last := snap.Customers[len(snap.Customers)-1]
	_, url := serve(t, fake.Options{Initial: &snap})
	ctx := browser(t)
	start := time.Now()
	run(t, ctx, chromedp.Navigate(url+"/_fake/ui?tenant="+tenant+"&view=customers"))
	waitText(t, ctx, `[data-testid=customer-count]`, "1–25 of 100,000")
	t.Logf("customers view with 100,000 customers shown in %s", time.Since(start).Round(time.Millisecond))

	start = time.Now()
	run(t, ctx, chromedp.Click(`[data-testid=last-page]`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=page]`, "page 4,000 of 4,000")
	waitText(t, ctx, `[data-testid=customers]`, last.Key)
	t.Logf("last page in %s", time.Since(start).Round(time.Millisecond))

	start = time.Now()
	run(t, ctx, chromedp.SendKeys(`[data-testid=customer-search]`, last.Email, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=customer-count]`, "1–1 of 1")
	t.Logf("search in %s", time.Since(start).Round(time.Millisecond))
	run(t, ctx, chromedp.Click(`[data-testid=customers] tbody a`, chromedp.ByQuery))
	waitText(t, ctx, `[data-testid=customer-fields]`, last.Email)
}
