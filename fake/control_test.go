package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// seeded returns a small initial state: one referrer and one friend.
func seeded() *store.Snapshot {
	return &store.Snapshot{
		Version: store.SnapshotVersion,
		Program: store.Program{ID: "TESTPROG"},
		Customers: []store.Customer{
			{ID: "r1", Key: "ref1", Email: "r1@example.com", CreatedAt: frozen, UpdatedAt: frozen},
			{ID: "f1", Key: "friend1", ReferrerID: "r1", CreatedAt: frozen, UpdatedAt: frozen},
		},
	}
}

func TestResetAndState(t *testing.T) {
	e := newEnv(t, Options{Initial: seeded()})
	initial := e.do("GET", "/_fake/state", nil).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "extra"}).want(t, 200)
	e.do("POST", "/_fake/faults", map[string]any{"operation": "getProgram", "status": 500}).want(t, 200)
	e.do("POST", "/_fake/reset", nil).want(t, 200)
	if after := e.do("GET", "/_fake/state", nil); !bytes.Equal(after.raw, initial.raw) {
		t.Errorf("after reset:\n%s\nwant\n%s", after.raw, initial.raw)
	}
	e.do("GET", "/v1/program", nil).want(t, 200) // the fault is gone too
	if n := len(e.fake.Tenant(testKey).Requests(JournalFilter{})); n != 1 {
		t.Errorf("journal after reset has %d entries, want the one request since", n)
	}

	// Export, import, export: byte-identical, through HTTP.
	e.do("POST", "/v1/customers", map[string]any{"key": "k2", "referring_customer": map[string]any{"key": "ref1"}}).want(t, 200)
	e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "k2"}, "amount": 12.34}).want(t, 200)
	e.do("POST", "/v1/customers/ref1/balance/credit", map[string]any{"amount": 1, "amount_units": "points", "is_currency": false}).want(t, 200)
	exported := e.do("GET", "/_fake/state", nil).want(t, 200)
	e.key = "other-tenant"
	e.do("PUT", "/_fake/state", exported.raw).want(t, 200)
	// Byte-identical but for the program's public id, which is the tenant's.
	want := bytes.Replace(exported.raw, []byte(`"id": "`+e.fake.Tenant(testKey).PublicProgramID()+`"`),
		[]byte(`"id": "`+e.fake.Tenant("other-tenant").PublicProgramID()+`"`), 1)
	if again := e.do("GET", "/_fake/state", nil); !bytes.Equal(again.raw, want) {
		t.Errorf("export/import/export differs:\n%s\n%s", want, again.raw)
	}
	// The imported tenant answers the API with the same data.
	if b := e.do("GET", "/v1/customers/ref1/balance", nil).want(t, 200); balanceLines(b) != "USD 1.234" {
		t.Errorf("imported balance: %s", b.raw)
	}

	// Import as initial: reset comes back to it.
	e.do("PUT", "/_fake/state?initial=true", exported.raw).want(t, 200)
	e.do("DELETE", "/v1/customers/ref1", nil).want(t, 200)
	e.do("POST", "/_fake/reset", nil).want(t, 200)
	e.do("GET", "/v1/customers/ref1", nil).want(t, 200)

	// The Go API does the same.
	e.fake.Tenant(testKey).Reset()
	if got := e.fake.Tenant(testKey).ExportState(); len(got.Customers) != 2 {
		t.Errorf("Go Reset: %d customers", len(got.Customers))
	}
	snap := e.fake.Tenant("other-tenant").ExportState()
	if err := e.fake.Tenant("third").ImportState(snap, false); err != nil {
		t.Fatal(err)
	}
	snap.Program.ID = e.fake.Tenant("third").PublicProgramID()
	if !reflect.DeepEqual(e.fake.Tenant("third").ExportState(), snap) {
		t.Error("Go ImportState/ExportState differ")
	}
}

func TestImportRejectsBadDocuments(t *testing.T) {
	e := newEnv(t, Options{Initial: seeded()})
	before := e.do("GET", "/_fake/state", nil).raw
	for name, doc := range map[string]string{
		"not JSON":        `{"version": 1,`,
		"unknown field":   `{"version": 1, "program": {"id": "X"}, "customerz": []}`,
		"wrong version":   `{"version": 9, "program": {"id": "X"}}`,
		"ghost referrer":  `{"version": 1, "program": {"id": "X"}, "customers": [{"id": "a", "key": "a", "referring_customer_id": "ghost"}]}`,
		"duplicate key":   `{"version": 1, "program": {"id": "X"}, "customers": [{"id": "a", "key": "k"}, {"id": "b", "key": "k"}]}`,
		"bad currency":    `{"version": 1, "program": {"id": "X"}, "customers": [{"id": "a", "key": "a"}], "credits": [{"customer_id": "a", "amount": 1, "amount_units": "XXX", "is_currency": true}]}`,
		"negative amount": `{"version": 1, "program": {"id": "X"}, "customers": [{"id": "a", "key": "a"}], "credits": [{"customer_id": "a", "amount": -1, "amount_units": "USD", "is_currency": true}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			e.do("PUT", "/_fake/state", doc).want(t, 422)
			if after := e.do("GET", "/_fake/state", nil).raw; !bytes.Equal(after, before) {
				t.Error("a rejected import changed the state")
			}
		})
	}
}

func TestSnapshots(t *testing.T) {
	e := newEnv(t, Options{Initial: seeded()})
	e.do("POST", "/_fake/snapshots/baseline", nil).want(t, 200)
	base := e.do("GET", "/_fake/state", nil).raw
	e.do("POST", "/v1/customers", map[string]any{"key": "later"}).want(t, 200)
	e.do("DELETE", "/v1/customers/ref1", nil).want(t, 200)
	e.do("POST", "/_fake/snapshots/baseline/restore", nil).want(t, 200)
	if got := e.do("GET", "/_fake/state", nil).raw; !bytes.Equal(got, base) {
		t.Errorf("restored state differs")
	}
	// Restoring twice works; the snapshot is not consumed.
	e.do("POST", "/v1/customers", map[string]any{"key": "again"}).want(t, 200)
	e.do("POST", "/_fake/snapshots/baseline/restore", nil).want(t, 200)
	e.do("GET", "/v1/customers/again", nil).want(t, 404)

	if r := e.do("GET", "/_fake/snapshots", nil).want(t, 200); !reflect.DeepEqual(r.get("data"), []any{"baseline"}) {
		t.Errorf("snapshots: %s", r.raw)
	}
	before := e.do("GET", "/_fake/state", nil).raw
	e.do("POST", "/_fake/snapshots/nope/restore", nil).want(t, 404)
	e.do("POST", "/_fake/snapshots/bad%20name", nil).want(t, 422)
	e.do("DELETE", "/_fake/snapshots/nope", nil).want(t, 404)
	if after := e.do("GET", "/_fake/state", nil).raw; !bytes.Equal(after, before) {
		t.Error("failed snapshot operations changed the state")
	}
	e.do("DELETE", "/_fake/snapshots/baseline", nil).want(t, 200)
	e.do("POST", "/_fake/snapshots/baseline/restore", nil).want(t, 404)

	// Go API.
	if err := e.fake.Tenant(testKey).SaveSnapshot("go"); err != nil {
		t.Fatal(err)
	}
	e.do("POST", "/v1/customers", map[string]any{"key": "x1"}).want(t, 200)
	if err := e.fake.Tenant(testKey).RestoreSnapshot("go"); err != nil {
		t.Fatal(err)
	}
	e.do("GET", "/v1/customers/x1", nil).want(t, 404)
	if err := e.fake.Tenant(testKey).RestoreSnapshot("missing"); err == nil {
		t.Error("restoring a missing snapshot: no error")
	}
	if got := e.fake.Tenant(testKey).Snapshots(); !reflect.DeepEqual(got, []string{"go"}) {
		t.Errorf("Snapshots = %v", got)
	}
}

func TestJournal(t *testing.T) {
	e := newEnv(t, Options{JournalSize: 4})
	e.do("POST", "/v1/customers", map[string]any{"key": "a", "name": "A"}).want(t, 200)
	e.do("GET", "/v1/customers/a", nil).want(t, 200)
	e.do("GET", "/v1/customers/nobody", nil).want(t, 404)
	e.do("GET", "/v1/customers", map[string]any{"limit": 5}).want(t, 200)

	r := e.do("GET", "/_fake/requests?operation=createCustomer", nil).want(t, 200)
	if r.num("data.0.status") != 200 || r.str("data.0.request_body.key") != "a" || r.str("data.0.response_body.data.key") != "a" || r.str("data.0.path") != "/v1/customers" {
		t.Errorf("journal entry: %s", r.raw)
	}
	if r.str("data.0.time") != "2025-05-09T17:42:13Z" {
		t.Errorf("journal time %q is not the tenant's clock", r.str("data.0.time"))
	}
	if r := e.do("GET", "/_fake/requests?status=404", nil); len(r.items()) != 1 || r.str("data.0.path") != "/v1/customers/nobody" {
		t.Errorf("filter by status: %s", r.raw)
	}
	if got := e.fake.Tenant(testKey).Requests(JournalFilter{Operation: "listCustomers"}); len(got) != 1 || got[0].Query.Get("limit") != "5" {
		t.Errorf("the GET body's parameters are in the journal's query: %+v", got)
	}
	// The journal is bounded: the oldest entries go.
	e.do("GET", "/v1/test", nil).want(t, 200)
	all := e.fake.Tenant(testKey).Requests(JournalFilter{})
	if len(all) != 4 || all[0].Operation != "getCustomer" || all[3].Operation != "test" || all[3].Seq != 5 {
		t.Errorf("bounded journal: %+v", all)
	}
	e.do("DELETE", "/_fake/requests", nil).want(t, 200)
	if got := e.fake.Tenant(testKey).Requests(JournalFilter{}); len(got) != 0 {
		t.Errorf("after clear: %d entries", len(got))
	}
	e.do("GET", "/_fake/requests?status=abc", nil).want(t, 422)
	// Another tenant's journal is separate.
	e.key = "other"
	if r := e.do("GET", "/_fake/requests", nil); len(r.items()) != 0 {
		t.Errorf("other tenant sees %s", r.raw)
	}
}

func TestClock(t *testing.T) {
	e := newEnv(t, Options{})
	if r := e.do("GET", "/_fake/clock", nil).want(t, 200); r.str("now") != "2025-05-09T17:42:13Z" || r.get("frozen") != true {
		t.Errorf("clock: %s", r.raw)
	}
	e.do("PUT", "/_fake/clock", map[string]any{"advance": "36h"}).want(t, 200)
	if c := e.do("POST", "/v1/customers", map[string]any{}).want(t, 200); c.str("data.created_at") != "2025-05-11T05:42:13.000000Z" {
		t.Errorf("created_at after advancing 36h = %q", c.str("data.created_at"))
	}
	e.do("PUT", "/_fake/clock", map[string]any{"now": "2030-01-01T00:00:00Z"}).want(t, 200)
	if c := e.do("POST", "/v1/customers", map[string]any{}).want(t, 200); c.str("data.created_at") != "2030-01-01T00:00:00.000000Z" {
		t.Errorf("created_at after set = %q", c.str("data.created_at"))
	}
	r := e.do("PUT", "/_fake/clock", map[string]any{"frozen": false}).want(t, 200)
	if r.get("frozen") != false {
		t.Errorf("unfreeze: %s", r.raw)
	}
	for _, bad := range []string{`{"advance": "soon"}`, `{"now": "tomorrow"}`, `{"speed": 2}`} {
		e.do("PUT", "/_fake/clock", bad).want(t, 422)
	}
	// Go API.
	c := e.fake.Tenant(testKey).Clock()
	c.Freeze()
	c.Set(time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC))
	if r := e.do("GET", "/_fake/clock", nil); r.str("now") != "2031-02-03T04:05:06Z" {
		t.Errorf("clock after Go Set: %s", r.raw)
	}
	// Other tenants keep their own time.
	e.key = "other"
	if r := e.do("GET", "/_fake/clock", nil); r.str("now") != "2025-05-09T17:42:13Z" {
		t.Errorf("other tenant's clock moved: %s", r.raw)
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "a"}).want(t, 200)

	t.Run("status by operation, validated and journaled", func(t *testing.T) {
		f := e.do("POST", "/_fake/faults", map[string]any{"operation": "getCustomer", "status": 503}).want(t, 200)
		id := f.str("data.id")
		r := e.do("GET", "/v1/customers/a", nil).want(t, 503)
		if r.str("message") != "Service Unavailable" || r.header.Get("X-Fake-Fault") != id {
			t.Errorf("fault response: %s %v", r.raw, r.header)
		}
		if j := e.fake.Tenant(testKey).Requests(JournalFilter{Status: 503}); len(j) != 1 || j[0].Fault != id {
			t.Errorf("journal of the fault: %+v", j)
		}
		e.do("DELETE", "/_fake/faults/"+id, nil).want(t, 200)
		e.do("GET", "/v1/customers/a", nil).want(t, 200)
		e.do("DELETE", "/_fake/faults/"+id, nil).want(t, 404)
	})
	t.Run("fail the first two calls, then succeed; nothing applied", func(t *testing.T) {
		e.do("POST", "/_fake/faults", map[string]any{"method": "POST", "path": "/v1/customers", "status": 500, "fail_first": 2}).want(t, 200)
		before := e.state()
		e.do("POST", "/v1/customers", map[string]any{"key": "b"}).want(t, 500)
		e.do("POST", "/v1/customers", map[string]any{"key": "b"}).want(t, 500)
		if !reflect.DeepEqual(before, e.state()) {
			t.Error("a faulted request changed the state")
		}
		e.do("POST", "/v1/customers", map[string]any{"key": "b"}).want(t, 200)
		if fs := e.fake.Tenant(testKey).Faults(); fs[0].Matched != 3 || fs[0].Failed != 2 {
			t.Errorf("counters: %+v", fs[0])
		}
		e.do("DELETE", "/_fake/faults", nil).want(t, 200)
	})
	t.Run("429 with Retry-After", func(t *testing.T) {
		e.do("POST", "/_fake/faults", map[string]any{"path": "/v1/customers*", "status": 429, "retry_after": 7}).want(t, 200)
		r := e.do("GET", "/v1/customers/a/referrals", nil).want(t, 429)
		if r.header.Get("Retry-After") != "7" || r.str("message") != "Too Many Attempts." {
			t.Errorf("429: %v %s", r.header, r.raw)
		}
		e.do("GET", "/v1/program", nil).want(t, 200) // outside the prefix
		e.fake.Tenant(testKey).ClearFaults()
	})
	t.Run("422 in the validation shape", func(t *testing.T) {
		if _, err := e.fake.Tenant(testKey).AddFault(Fault{Operation: "createTransaction", Status: 422, Message: "The customer is blocked."}); err != nil {
			t.Fatal(err)
		}
		r := e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": "a"}, "amount": 1}).want(t, 422)
		if r.str("message") != "The customer is blocked." || r.errorFor("fault") == nil {
			t.Errorf("422 fault: %s", r.raw)
		}
		e.fake.Tenant(testKey).ClearFaults()
	})
	t.Run("latency", func(t *testing.T) {
		e.do("POST", "/_fake/faults", map[string]any{"operation": "test", "latency_ms": 40}).want(t, 200)
		start := time.Now()
		e.do("GET", "/v1/test", nil).want(t, 200)
		if d := time.Since(start); d < 40*time.Millisecond {
			t.Errorf("answered after %v, want at least 40ms", d)
		}
		e.fake.Tenant(testKey).ClearFaults()
	})
	t.Run("probability with a seed is reproducible", func(t *testing.T) {
		pattern := func(key string) string {
			e.key = key
			defer func() { e.key = testKey }()
			e.do("POST", "/_fake/faults", map[string]any{"operation": "test", "status": 500, "probability": 0.5, "seed": 99}).want(t, 200)
			var b strings.Builder
			for range 32 {
				b.WriteString(fmt.Sprint(e.do("GET", "/v1/test", nil).status / 100))
			}
			return b.String()
		}
		a, b := pattern("p1"), pattern("p2")
		if a != b || !strings.Contains(a, "5") || !strings.Contains(a, "2") {
			t.Errorf("seeded probability gave %s and %s", a, b)
		}
	})
	t.Run("malformed rules", func(t *testing.T) {
		for _, bad := range []string{
			`{}`,
			`{"operation": "noSuchOperation", "status": 500}`,
			`{"operation": "test", "status": 200}`,
			`{"operation": "test"}`,
			`{"path": "v1/customers", "status": 500}`,
			`{"operation": "test", "status": 500, "probability": 1.5}`,
			`{"operation": "test", "status": 500, "fail_first": 1, "probability": 0.5}`,
			`{"operation": "test", "status": 500, "statuz": 1}`,
			`[1]`,
		} {
			e.do("POST", "/_fake/faults", bad).want(t, 422)
		}
		if fs := e.fake.Tenant(testKey).Faults(); len(fs) != 0 {
			t.Errorf("malformed rules were stored: %+v", fs)
		}
	})
}

func TestControlPlaneErrors(t *testing.T) {
	e := newEnv(t, Options{APIKeys: []string{testKey}})
	e.do("GET", "/_fake/nothing", nil).want(t, 404)
	e.do("PATCH", "/_fake/state", nil).want(t, 405)
	e.do("GET", "/_fake/health", nil).want(t, 200)
	e.do("GET", "/_fake/ready", nil).want(t, 200)
	e.key = ""
	e.do("POST", "/_fake/reset", nil).want(t, 401)
	e.key = "not-allowed"
	e.do("GET", "/_fake/state", nil).want(t, 401)
}

// TestTenantsInParallel runs tenants side by side on one server: none sees
// another's data, journal, faults or clock.
func TestTenantsInParallel(t *testing.T) {
	f, err := New(Options{Initial: seeded(), FreezeAt: frozen, StrictResponses: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := newEnv(t, Options{}).srv // a server to close with the test
	srv.Config.Handler = f
	var mu sync.Mutex
	for i := range 8 {
		t.Run(fmt.Sprint("tenant", i), func(t *testing.T) {
			t.Parallel()
			e := &env{t: t, fake: f, srv: srv, key: fmt.Sprint("tenant-", i), header: http.Header{}}
			mine := fmt.Sprint("only-", i)
			e.do("POST", "/v1/customers", map[string]any{"key": mine, "referring_customer": map[string]any{"key": "ref1"}}).want(t, 200)
			e.do("POST", "/v1/transactions", map[string]any{"customer": map[string]any{"key": mine}, "amount": 10 * (i + 1)}).want(t, 200)
			e.do("PUT", "/_fake/clock", map[string]any{"advance": fmt.Sprint(i+1, "h")}).want(t, 200)
			if i%2 == 0 {
				e.do("POST", "/_fake/faults", map[string]any{"operation": "getProgram", "status": 500}).want(t, 200)
			}
			e.do("POST", "/_fake/snapshots/s", nil).want(t, 200)

			r := e.do("GET", "/v1/customers", nil).want(t, 200)
			if got := r.ids("key"); !reflect.DeepEqual(got, []string{"ref1", "friend1", mine}) {
				t.Errorf("tenant %d sees %v", i, got)
			}
			if b := balanceLines(e.do("GET", "/v1/customers/ref1/balance", nil)); b != fmt.Sprintf("USD %d", i+1) {
				t.Errorf("tenant %d balance %q", i, b)
			}
			want := frozen.Add(time.Duration(i+1) * time.Hour).Format(time.RFC3339)
			if c := e.do("GET", "/_fake/clock", nil); c.str("now") != want {
				t.Errorf("tenant %d clock %s, want %s", i, c.str("now"), want)
			}
			status := e.do("GET", "/v1/program", nil).status
			if (i%2 == 0) != (status == 500) {
				t.Errorf("tenant %d: program status %d (fault rules leaked?)", i, status)
			}
			j := e.do("GET", "/_fake/requests", nil).items()
			if len(j) != 5 { // the API requests above; control requests are not journaled
				mu.Lock()
				defer mu.Unlock()
				t.Errorf("tenant %d journal has %d entries, want its own 5", i, len(j))
			}
		})
	}
}

// TestFixturesServedValidate serves the demo, a generated program and a
// hand-made one with strict response validation and reads every record
// through the API: every fixture record, as served, matches openapi.yaml.
func TestFixturesServedValidate(t *testing.T) {
	demo, err := fixtures.Demo()
	if err != nil {
		t.Fatal(err)
	}
	gen, err := fixtures.Generate(11, fixtures.Counts{Customers: 60, ReferralRatio: 0.7, TransactionsPerReferred: 2})
	if err != nil {
		t.Fatal(err)
	}
	for name, initial := range map[string]*store.Snapshot{"demo": &demo, "generated": &gen, "seeded": seeded(), "chain": generatedSnapshot(t)} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, Options{Initial: initial})
			walkEverything(t, e)
		})
	}
}

// walkEverything GETs every resource of the tenant; strict mode turns any
// response that breaks openapi.yaml into a failure.
func walkEverything(t *testing.T, e *env) {
	t.Helper()
	snap := e.state()
	for _, c := range snap.Customers {
		for _, p := range []string{"", "/referrals", "/referral_links", "/transactions", "/balance", "/stats"} {
			e.do("GET", "/v1/customers/"+c.ID+p, nil).want(t, 200)
		}
	}
	for _, l := range snap.Links {
		e.do("GET", "/v1/customer_referral_links/"+l.Key, nil).want(t, 200)
	}
	for _, tx := range snap.Transactions {
		e.do("GET", "/v1/transactions/"+tx.Key, nil).want(t, 200)
	}
	for _, w := range snap.Webhooks {
		e.do("GET", "/v1/webhooks/"+w.Key, nil).want(t, 200)
	}
	for _, p := range []string{"/v1/customers?limit=250", "/v1/transactions?limit=250", "/v1/program", "/v1/test", "/v1/webhooks?limit=100"} {
		e.do("GET", p, nil).want(t, 200)
	}
}

func generatedSnapshot(t *testing.T) *store.Snapshot {
	t.Helper()
	// A referral chain with purchases and an archived sale.
	s, err := store.New(store.Config{Seed: 5, Now: func() time.Time { return frozen }})
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i := range 12 {
		in := store.NewCustomer{Key: fmt.Sprint("g", i), Email: fmt.Sprintf("g%d@example.com", i)}
		if prev != "" {
			in.Referrer = store.Ref{Key: prev}
		}
		if _, err := s.CreateCustomer(in); err != nil {
			t.Fatal(err)
		}
		if prev != "" {
			if _, err := s.CreateTransactions(store.TransactionBatch{Customer: store.Ref{Key: in.Key}, Items: []store.NewTransaction{{Key: fmt.Sprint("o", i), Amount: "15.5"}}}); err != nil {
				t.Fatal(err)
			}
		}
		prev = in.Key
	}
	if err := s.ArchiveTransactions("o3"); err != nil {
		t.Fatal(err)
	}
	snap := s.Export()
	raw, _ := json.Marshal(snap)
	var out store.Snapshot
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}
