package fake

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/fixtures"
)

func demoEnv(t *testing.T, opts Options) *env {
	t.Helper()
	demo, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	opts.Initial = &demo
	return newEnv(t, opts)
}

func TestTenantsList(t *testing.T) {
	e := demoEnv(t, Options{ListTenantKeys: true})
	if got := e.do("GET", "/_fake/tenants", nil).want(t, 200); len(got.items()) != 0 {
		t.Errorf("tenants before any request: %s", got.raw)
	}
	e.do("GET", "/v1/program", nil).want(t, 200)
	e.key = "b-tenant"
	e.do("POST", "/v1/customers", map[string]any{"key": "x"}).want(t, 200)
	// No key needed with ListTenantKeys (and without --api-keys).
	e.key = ""
	got := e.do("GET", "/_fake/tenants", nil).want(t, 200)
	if s := fmt.Sprint(got.ids("key")); s != "[b-tenant test_key]" {
		t.Errorf("tenants: %s", got.raw)
	}
	if n := got.items()[0]["customers"]; n != float64(9) {
		t.Errorf("b-tenant's customers: %v", n)
	}
	if len(e.fake.ListTenants()) != 2 {
		t.Error("listing tenants created one")
	}
}

// TestTenantsListByDefaultShowsOnlyYours: by default the listing needs the
// caller's key and shows only its tenant: on a shared fake, no job learns
// another job's key (found in review: every key was listed to anyone).
func TestTenantsListByDefaultShowsOnlyYours(t *testing.T) {
	e := demoEnv(t, Options{})
	e.key = "job-b-secret"
	e.do("GET", "/v1/program", nil).want(t, 200)
	e.key = ""
	e.do("GET", "/_fake/tenants", nil).want(t, 401)
	e.key = "job-a"
	got := e.do("GET", "/_fake/tenants", nil).want(t, 200)
	if strings.Contains(string(got.raw), "job-b-secret") || fmt.Sprint(got.ids("key")) != "[job-a]" || got.get("api_keys") != true {
		t.Errorf("tenants for job-a: %s", got.raw)
	}
	if len(e.fake.ListTenants()) != 1 {
		t.Error("listing tenants created one")
	}
}

func TestTenantsListWithAPIKeysShowsOnlyYours(t *testing.T) {
	e := demoEnv(t, Options{APIKeys: []string{"key-a", "key-b"}})
	e.key = "key-b"
	e.do("GET", "/v1/program", nil).want(t, 200)
	e.key = ""
	e.do("GET", "/_fake/tenants", nil).want(t, 401)
	e.key = "not-a-key"
	e.do("GET", "/_fake/tenants", nil).want(t, 401)
	e.key = "key-a"
	got := e.do("GET", "/_fake/tenants", nil).want(t, 200)
	if strings.Contains(string(got.raw), "key-b") || fmt.Sprint(got.ids("key")) != "[key-a]" {
		t.Errorf("tenants for key-a: %s", got.raw)
	}
}

func TestInspectCustomers(t *testing.T) {
	e := demoEnv(t, Options{})
	all := e.do("GET", "/_fake/customers?limit=3", nil).want(t, 200)
	if all.num("meta.total") != 8 || !all.get("meta.has_more").(bool) || fmt.Sprint(all.ids("key")) != "[ava ben cleo]" {
		t.Errorf("first page: %s", all.raw)
	}
	p3 := e.do("GET", "/_fake/customers?limit=3&page=3", nil).want(t, 200)
	if fmt.Sprint(p3.ids("key")) != "[gus hana]" || p3.get("meta.has_more").(bool) {
		t.Errorf("last page: %s", p3.raw)
	}
	desc := e.do("GET", "/_fake/customers?limit=2&order=desc", nil).want(t, 200)
	if fmt.Sprint(desc.ids("key")) != "[hana gus]" {
		t.Errorf("newest first: %s", desc.raw)
	}
	for q, want := range map[string]string{
		"STONE": "[ava]", "ortiz": "[ben]", "demo-da": "[dan]", "@example.com": "[ava ben cleo dan eli fay gus hana]",
		"Cleo Park": "[cleo]", "nobody": "[]",
	} {
		got := e.do("GET", "/_fake/customers?q="+strings.ReplaceAll(q, " ", "+"), nil).want(t, 200)
		if s := fmt.Sprint(got.ids("key")); s != want {
			t.Errorf("q=%s: %s, want %s", q, s, want)
		}
	}
	for _, bad := range []string{"page=0", "limit=101", "limit=x", "order=up", "q=" + strings.Repeat("a", 201)} {
		e.do("GET", "/_fake/customers?"+bad, nil).want(t, 422)
	}
	if n := len(e.fake.Tenant(testKey).Requests(JournalFilter{})); n != 0 {
		t.Errorf("looking added %d journal entries", n)
	}
}

func TestInspectCustomer(t *testing.T) {
	e := demoEnv(t, Options{})
	// A fault rule on the API does not touch the control plane.
	e.do("POST", "/_fake/faults", map[string]any{"path": "/v1/*", "status": 500}).want(t, 200)
	dan := e.do("GET", "/_fake/customers/dan", nil).want(t, 200)
	if got := fmt.Sprint(dan.get("data.referrers")); !strings.Contains(got, "demo-ava") || !strings.Contains(got, "demo-ben") {
		t.Errorf("Dan's referrers: %s", got)
	}
	if dan.str("data.referrers.0.key") != "ava" || dan.str("data.referrers.1.key") != "ben" {
		t.Errorf("referrers not top first: %s", dan.raw)
	}
	ava := e.do("GET", "/_fake/customers/ava.stone@example.com?depth=3", nil).want(t, 200)
	if ava.str("data.tree.referrals.0.key") != "ben" || ava.str("data.tree.referrals.0.referrals.0.referrals.0.key") != "eli" {
		t.Errorf("Ava's tree: %s", ava.get("data.tree"))
	}
	shallow := e.do("GET", "/_fake/customers/ava?depth=1&width=1", nil).want(t, 200)
	if n := len(shallow.get("data.tree.referrals").([]any)); n != 1 || shallow.num("data.tree.referrals_count") != 2 ||
		len(shallow.get("data.tree.referrals.0.referrals").([]any)) != 0 {
		t.Errorf("depth 1, width 1: %s", shallow.get("data.tree"))
	}
	if ava.str("data.balance.currency.0.amount") != "29.55" && fmt.Sprint(ava.get("data.balance.currency.0.amount")) != "29.55" {
		t.Errorf("Ava's balance: %v", ava.get("data.balance"))
	}
	if ava.num("data.stats.referrals") != 2 || ava.num("data.rewards_count") != 3 || len(ava.get("data.referred_sales").([]any)) != 3 {
		t.Errorf("Ava's stats, rewards, sales: %v %v", ava.get("data.stats"), ava.get("data.rewards_count"))
	}
	if len(ava.get("data.referral_links").([]any)) != 2 {
		t.Errorf("Ava's links: %v", ava.get("data.referral_links"))
	}
	if ben := e.do("GET", "/_fake/customers/ben", nil).want(t, 200); ben.num("data.purchases_count") != 2 {
		t.Errorf("Ben's purchases: %v", ben.get("data.purchases_count"))
	}
	e.do("GET", "/_fake/customers/nobody", nil).want(t, 404)
	e.do("GET", "/_fake/customers/ava?depth=6", nil).want(t, 422)
	e.do("GET", "/_fake/customers/ava?width=0", nil).want(t, 422)
}

func TestInspectTransactionsAndRewards(t *testing.T) {
	e := demoEnv(t, Options{})
	txs := e.do("GET", "/_fake/transactions?order=desc&limit=2", nil).want(t, 200)
	if txs.num("meta.total") != 6 || txs.str("data.0.key") != "order-1006" || txs.get("data.0.deleted_at") == nil {
		t.Errorf("transactions: %s", txs.raw)
	}
	if ben := e.do("GET", "/_fake/transactions?customer=ben", nil).want(t, 200); ben.num("meta.total") != 2 {
		t.Errorf("Ben's purchases: %s", ben.raw)
	}
	rw := e.do("GET", "/_fake/rewards?limit=100", nil).want(t, 200)
	void := 0
	for _, r := range rw.items() {
		if r["deleted_at"] != nil {
			void++
			if r["transaction_key"] != "order-1006" {
				t.Errorf("void reward of %v", r["transaction_key"])
			}
		}
	}
	if rw.num("meta.total") != 6 || void != 1 {
		t.Errorf("rewards: total %d, void %d: %s", rw.num("meta.total"), void, rw.raw)
	}
	if ava := e.do("GET", "/_fake/rewards?customer=ava", nil).want(t, 200); ava.num("meta.total") != 3 {
		t.Errorf("Ava's rewards: %s", ava.raw)
	}
	e.do("GET", "/_fake/rewards?customer=nobody", nil).want(t, 404)
	e.do("GET", "/_fake/transactions?customer=nobody", nil).want(t, 404)
}

func TestOverview(t *testing.T) {
	e := demoEnv(t, Options{})
	e.do("POST", "/v1/webhooks", map[string]any{"name": "n", "url": "http://127.0.0.1:1/h", "events": []string{"customer.created"}}).want(t, 200)
	e.do("POST", "/_fake/snapshots/s1", nil).want(t, 200)
	e.do("POST", "/_fake/webhooks/pause", nil).want(t, 200)
	o := e.do("GET", "/_fake/overview", nil).want(t, 200)
	if o.str("data.program.name") != "Demo refer-a-friend program" || o.num("data.counts.customers") != 8 ||
		o.num("data.counts.webhooks") != 1 || !o.get("data.webhooks_paused").(bool) || o.str("data.snapshots.0") != "s1" ||
		!o.get("data.clock.frozen").(bool) || o.str("data.program.rewards.0.trigger") == "" || o.str("data.program.rewards.0.id") != "rule_1" {
		t.Errorf("overview: %s", o.raw)
	}
}

func TestRequestsAfter(t *testing.T) {
	e := newEnv(t, Options{})
	for range 3 {
		e.do("GET", "/v1/program", nil).want(t, 200)
	}
	got := e.do("GET", "/_fake/requests?after=1", nil).want(t, 200)
	if fmt.Sprint(got.ids("seq")) != "[2 3]" || len(e.do("GET", "/_fake/requests?after=0", nil).want(t, 200).items()) != 3 {
		t.Errorf("after=1: %s", got.raw)
	}
	e.do("GET", "/_fake/requests?after=-1", nil).want(t, 422)
	if r := e.do("GET", "/_fake/requests?after=x&status=y", nil).want(t, 422); !bytes.Contains(r.raw, []byte(`"after"`)) || bytes.Contains(r.raw, []byte(`"status":[`)) {
		t.Errorf("a bad after and a bad status: %s (after is checked first)", r.raw)
	}
	if got := e.do("GET", "/_fake/requests?after=1&path=/v1/program&method=GET", nil).want(t, 200); fmt.Sprint(got.ids("seq")) != "[2 3]" {
		t.Errorf("after=1 with filters: %s", got.raw)
	}
}

func TestInspectorIsServed(t *testing.T) {
	e := newEnv(t, Options{APIKeys: []string{"k"}})
	get := func(method, p string) *http.Response {
		req, _ := http.NewRequest(method, e.srv.URL+p, nil) // no key needed: the page asks for one
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	for _, p := range []string{"/_fake/ui", "/_fake/ui/", "/_fake/ui/app.js", "/_fake/ui/views/customer.js", "/_fake/ui/style.css"} {
		r := get("GET", p)
		if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("GET %s: %d %v", p, r.StatusCode, r.Header)
		}
	}
	if ct := get("GET", "/_fake/ui/app.js").Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("app.js Content-Type %q", ct)
	}
	for _, p := range []string{"/_fake/ui/nope.js", "/_fake/ui/../control.go", "/_fake/ui/views/../../inspector.go", "/_fake/ui/.hidden"} {
		if r := get("GET", p); r.StatusCode != 404 {
			t.Errorf("GET %s: %d", p, r.StatusCode)
		}
	}
	if r := get("POST", "/_fake/ui"); r.StatusCode != 405 || r.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST /_fake/ui: %d", r.StatusCode)
	}
	// Other /_fake paths are still the control plane.
	if r := get("GET", "/_fake/uix"); r.StatusCode != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("GET /_fake/uix: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}

func TestWebhookEventsLast(t *testing.T) {
	e := newEnv(t, Options{})
	for i := range 3 {
		e.do("POST", "/v1/customers", map[string]any{"key": fmt.Sprint("c", i)}).want(t, 200)
	}
	got := e.do("GET", "/_fake/webhooks/events?last=2&type=customer.created", nil).want(t, 200)
	if fmt.Sprint(got.ids("id")) != "[evt_2 evt_3]" || got.num("total") != 3 {
		t.Errorf("last=2: %s", got.raw)
	}
	if all := e.do("GET", "/_fake/webhooks/events", nil).want(t, 200); len(all.items()) != 3 {
		t.Errorf("without last: %s", all.raw)
	}
	e.do("GET", "/_fake/webhooks/events?last=0", nil).want(t, 422)
	e.do("GET", "/_fake/webhooks/events?last=10001", nil).want(t, 422)
}
