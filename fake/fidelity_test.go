package fake

import (
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// warningCodes returns the codes of a response's fidelity warnings.
func (r result) warningCodes() []string {
	var out []string
	for _, h := range r.header.Values(WarningHeader) {
		out = append(out, ParseWarning(h).Code)
	}
	return out
}

// TestEmptyArrayBodyIsEmptyInput: PHP's json_encode([]) is "[]", and the PHP
// SDK sends it on every call without parameters. Laravel reads it as empty
// input on every method (issue 9, defect 1).
func TestEmptyArrayBodyIsEmptyInput(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "alice", "email": "alice@example.com"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "bob", "referring_customer": map[string]any{"key": "alice"}}).want(t, 200)
	e.do("POST", "/v1/customer_referral_links", map[string]any{"key": "extra", "customer": map[string]any{"key": "alice"}}).want(t, 200)
	e.do("POST", "/v1/transactions", map[string]any{"key": "inv1", "action": "sale", "amount": 10, "customer": map[string]any{"key": "bob"}}).want(t, 200)
	e.do("POST", "/v1/webhooks", map[string]any{"key": "wh1", "name": "n", "url": "http://127.0.0.1:1/hook", "events": []string{"customer.created"}}).want(t, 200)
	calls := []struct{ method, path string }{
		{"GET", "/v1/test"},
		{"GET", "/v1/program"},
		{"GET", "/v1/customers"},
		{"GET", "/v1/customers/alice"},
		{"GET", "/v1/customers/alice/stats"},
		{"GET", "/v1/customers/alice/balance"},
		{"GET", "/v1/customers/alice/referrals"},
		{"GET", "/v1/customers/alice/referral_links"},
		{"GET", "/v1/customers/alice/transactions"},
		{"GET", "/v1/customer_referral_links/extra"},
		{"GET", "/v1/transactions"},
		{"GET", "/v1/transactions/inv1"},
		{"GET", "/v1/webhooks"},
		{"GET", "/v1/webhooks/wh1"},
		{"POST", "/v1/transactions/inv1/archive"},
		{"POST", "/v1/transactions/inv1/revoke-archive"},
		{"POST", "/v1/customers/bob/archive"},
		{"POST", "/v1/customers/bob/revoke-archive"},
		{"DELETE", "/v1/webhooks/wh1"},
		{"DELETE", "/v1/customer_referral_links/extra"},
		{"DELETE", "/v1/transactions/inv1"},
		{"DELETE", "/v1/customers/bob"},
	}
	for _, c := range calls {
		r := e.do(c.method, c.path, "[]").want(t, 200)
		if !slices.Contains(r.warningCodes(), WarnEmptyArrayBody) {
			t.Errorf("%s %s: warnings %v, want %s", c.method, c.path, r.warningCodes(), WarnEmptyArrayBody)
		}
	}
	// A non-empty array is still not an object.
	e.do("GET", "/v1/customers", "[1]").want(t, 422)
	e.do("POST", "/v1/customers", `[{"key": "x"}]`).want(t, 422)
	// PUT /program with [] changes nothing, and says so.
	e.do("PUT", "/v1/program", "[]").want(t, 200)
}

// TestPercentEncodedPathSegments: every client escapes "@", spaces and
// non-ASCII in paths; each path parameter is decoded once (defect 2).
func TestPercentEncodedPathSegments(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "ava", "email": "ava.stone@example.com"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "jürgen müller"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "50%off"}).want(t, 200)
	for path, want := range map[string]string{
		"/v1/customers/ava.stone%40example.com":       "ava",
		"/v1/customers/ava.stone@example.com":         "ava",
		"/v1/customers/%61va":                         "ava",
		"/v1/customers/j%C3%BCrgen%20m%C3%BCller":     "jürgen müller",
		"/v1/customers/50%25off":                      "50%off",
		"/v1/customers/ava.stone%40example.com/stats": "",
	} {
		r := e.do("GET", path, nil).want(t, 200)
		if want != "" && r.str("data.key") != want {
			t.Errorf("GET %s: key %q, want %q", path, r.str("data.key"), want)
		}
	}
	// Decoded once, not twice: %2561va is the literal "%61va".
	e.do("GET", "/v1/customers/%2561va", nil).want(t, 404)
	// Writes by an encoded path.
	e.do("PUT", "/v1/customers/j%C3%BCrgen%20m%C3%BCller", map[string]any{"update": map[string]any{"name": "Jürgen"}}).want(t, 200)
	e.do("POST", "/v1/customers/j%C3%BCrgen%20m%C3%BCller/archive", nil).want(t, 200)
	e.do("DELETE", "/v1/customers/ava.stone%40example.com", nil).want(t, 200)
	e.do("GET", "/v1/customers/ava", nil).want(t, 404)
}

// TestIDDefaultsToKey: seeds 001 and 002 create {"key": "customer_123"} and
// answer "id": "customer_123" (defect 3).
func TestIDDefaultsToKey(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("POST", "/v1/customers", map[string]any{"key": "customer_123", "email": "alice@example.com", "name": "Alice"}).want(t, 200)
	if r.str("data.id") != "customer_123" {
		t.Fatalf("id = %q, want customer_123", r.str("data.id"))
	}
	// Lookups by id find it: referring_customer.id, a transaction's customer.id, paths.
	r = e.do("POST", "/v1/customers", map[string]any{"key": "customer_456", "referring_customer": map[string]any{"id": "customer_123"}}).want(t, 200)
	if r.str("data.referring_customer.id") != "customer_123" || r.str("data.id") != "customer_456" {
		t.Fatalf("referred: %s", r.raw)
	}
	e.do("POST", "/v1/transactions", map[string]any{"key": "inv", "action": "sale", "amount": 100, "customer": map[string]any{"id": "customer_456"}}).want(t, 200)
	e.do("GET", "/v1/customers/customer_123/balance", nil).want(t, 200)

	// Both absent: one generated value for both.
	r = e.do("POST", "/v1/customers", map[string]any{"email": "nokey@example.com"}).want(t, 200)
	if id := r.str("data.id"); id == "" || id != r.str("data.key") {
		t.Fatalf("id %q key %q, want one generated value for both", id, r.str("data.key"))
	}
	// An explicit id still wins; the key is generated.
	r = e.do("POST", "/v1/customers", map[string]any{"id": "acct_9"}).want(t, 200)
	if r.str("data.id") != "acct_9" || r.str("data.key") == "" || r.str("data.key") == "acct_9" {
		t.Fatalf("explicit id: %s", r.raw)
	}
	// Both stay unique: a key equal to another customer's id is refused
	// (its id would be taken), and nothing is created.
	before := e.state()
	r = e.do("POST", "/v1/customers", map[string]any{"key": "acct_9"}).want(t, 422)
	if r.errorFor("id") == nil {
		t.Errorf("errors = %v, want id", r.get("errors"))
	}
	if !reflect.DeepEqual(before, e.state()) {
		t.Error("rejected create changed the state")
	}
}

// TestNonReferredPurchase: seed 003 says to create a transaction "when any
// customer makes a purchase": accepted by default, recorded, no reward,
// listed and counted; rejection stays a program option (defect 4).
func TestNonReferredPurchase(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "solo"}).want(t, 200)
	r := e.do("POST", "/v1/transactions", map[string]any{"key": "inv1", "action": "sale", "amount": 40, "customer": map[string]any{"key": "solo"}}).want(t, 200)
	if n := len(r.get("data.rewards").([]any)); n != 0 {
		t.Errorf("rewards = %d, want none", n)
	}
	if r.str("data.referred_customer") != "solo" || r.get("data.customer") != nil {
		t.Errorf("transaction = %s", r.raw)
	}
	if got := e.do("GET", "/v1/transactions?key=inv1", nil).want(t, 200).items(); len(got) != 1 {
		t.Errorf("listed %d, want 1", len(got))
	}
	e.do("GET", "/v1/transactions/inv1", nil).want(t, 200)
	if n := len(e.fake.Tenant(testKey).ExportState().Rewards); n != 0 {
		t.Errorf("store has %d rewards, want 0", n)
	}

	rej := newEnv(t, Options{Program: store.Program{NonReferred: store.NonReferredReject}})
	rej.do("POST", "/v1/customers", map[string]any{"key": "solo"}).want(t, 200)
	rej.do("POST", "/v1/transactions", map[string]any{"key": "inv1", "action": "sale", "amount": 40, "customer": map[string]any{"key": "solo"}}).want(t, 422)
	// The option is also a program setting.
	e.do("PUT", "/v1/program", map[string]any{"non_referred_transactions": "reject"}).want(t, 200)
	e.do("POST", "/v1/transactions", map[string]any{"key": "inv2", "action": "sale", "amount": 40, "customer": map[string]any{"key": "solo"}}).want(t, 422)
}

// TestFidelityWarnings: requests the fake accepts but Partnero's handling
// of which is undocumented, or documented otherwise, are answered normally
// with a warning in the header and the journal.
func TestFidelityWarnings(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "alice"}).want(t, 200)
	cases := []struct {
		name, method, path string
		body               any
		want               []string
	}{
		{"clean create", "POST", "/v1/customers", map[string]any{"key": "a1", "email": "a1@example.com"}, nil},
		{"partner attribution", "POST", "/v1/customers", map[string]any{"key": "a2", "partner": map[string]any{"key": "alice"}}, []string{WarnPartnerIgnored}},
		{"unknown body field", "POST", "/v1/customers", map[string]any{"key": "a3", "nickname": "x"}, []string{WarnIgnoredField}},
		{"unknown nested field", "POST", "/v1/customers", map[string]any{"key": "a4", "referring_customer": map[string]any{"key": "alice", "ref": "x"}}, []string{WarnIgnoredField}},
		{"unknown filter", "GET", "/v1/customers?partner_key=alice", nil, []string{WarnPartnerIgnored}},
		{"unknown query", "GET", "/v1/customers?colour=blue", nil, []string{WarnIgnoredParameter}},
		{"known filter spelled with brackets", "GET", "/v1/transactions?customer[key]=alice", nil, nil},
		{"transaction without key and action", "POST", "/v1/transactions", map[string]any{"amount": 5, "customer": map[string]any{"key": "alice"}}, []string{WarnMissingRequired}},
		{"credit without is_currency", "POST", "/v1/customers/alice/balance/credit", map[string]any{"amount": 5, "amount_units": "usd"}, []string{WarnMissingRequired}},
		{"documented credit", "POST", "/v1/customers/alice/balance/credit", map[string]any{"amount": 5, "amount_units": "usd", "is_currency": true}, nil},
		{"flat update", "PUT", "/v1/customers/alice", map[string]any{"name": "Al"}, []string{WarnMissingRequired}},
		{"wrapped update", "PUT", "/v1/customers/alice", map[string]any{"update": map[string]any{"name": "Al"}}, nil},
		{"empty string", "POST", "/v1/customers", map[string]any{"key": "a5", "email": ""}, []string{WarnEmptyString}},
		{"empty array body", "GET", "/v1/customers/alice", "[]", []string{WarnEmptyArrayBody}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.method, tc.path, tc.body).want(t, 200)
			got := slices.Compact(slices.Sorted(slices.Values(r.warningCodes())))
			if !slices.Equal(got, tc.want) {
				t.Errorf("warnings %v, want %v; headers %q", got, tc.want, r.header.Values(WarningHeader))
			}
			for _, h := range r.header.Values(WarningHeader) {
				if w := ParseWarning(h); w.Message == "" || !strings.HasSuffix(w.Message, ".") {
					t.Errorf("warning %q is not a code and a sentence", h)
				}
			}
			j := e.fake.Tenant(testKey).Requests(JournalFilter{})
			last := j[len(j)-1]
			var codes []string
			for _, w := range last.Warnings {
				codes = append(codes, w.Code)
			}
			if !slices.Equal(slices.Compact(slices.Sorted(slices.Values(codes))), tc.want) {
				t.Errorf("journal warnings %v, want %v", codes, tc.want)
			}
		})
	}
	// The header survives an error response too, and a 4xx still changes nothing.
	r := e.do("POST", "/v1/customers", map[string]any{"key": "alice", "partner": map[string]any{"key": "x"}}).want(t, 422)
	if !slices.Contains(r.warningCodes(), WarnPartnerIgnored) {
		t.Errorf("422 warnings %v", r.warningCodes())
	}
	if r.header.Get("Content-Type") != "application/json" {
		t.Errorf("content type %q", r.header.Get("Content-Type"))
	}
	_ = http.StatusOK
}

// TestTenantsGenerateDifferentIDs: every tenant was seeded alike, so the
// first generated customer id, webhook key and signing secret were the same
// in every tenant; tests that mixed up two tenants passed by accident
// (defect 8). Each tenant is now seeded from the seed and its API key.
func TestTenantsGenerateDifferentIDs(t *testing.T) {
	firsts := func(e *env, key string) [3]string {
		e.key = key
		c := e.do("POST", "/v1/customers", map[string]any{"email": "x@example.com"}).want(t, 200)
		w := e.do("POST", "/v1/webhooks", map[string]any{"name": "n", "url": "http://127.0.0.1:1/h", "events": []string{"customer.created"}}).want(t, 200)
		return [3]string{c.str("data.id"), w.str("data.key"), w.str("data.signature")}
	}
	e := newEnv(t, Options{})
	a, b := firsts(e, "tenant_a"), firsts(e, "tenant_b")
	for i, what := range []string{"customer id", "webhook key", "webhook secret"} {
		if a[i] == "" || a[i] == b[i] {
			t.Errorf("%s: tenant_a %q, tenant_b %q; want different", what, a[i], b[i])
		}
	}
	// Still reproducible: the same seed and key give the same values.
	again := firsts(newEnv(t, Options{}), "tenant_a")
	if again != a {
		t.Errorf("same seed and key: %v then %v", a, again)
	}
	if other := firsts(newEnv(t, Options{Seed: 7}), "tenant_a"); other == a {
		t.Errorf("another seed gave the same values %v", a)
	}
}

// TestMetadataKeepsScalarKeys: seed 000 updates "metadata": {"plan":
// "premium"}; the fake dropped every key but date_of_birth (defect 5).
func TestMetadataKeepsScalarKeys(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "cust_123", "metadata": map[string]any{"tier": 2, "vip": true}}).want(t, 200)
	r := e.do("PUT", "/v1/customers/cust_123", map[string]any{"name": "Jane Smith", "metadata": map[string]any{"plan": "premium"}}).want(t, 200)
	want := `{"date_of_birth":null,"plan":"premium","tier":2,"vip":true}`
	if got := string(mustJSON(t, r.get("data.metadata"))); got != want {
		t.Errorf("metadata = %s, want %s", got, want)
	}
	if !strings.Contains(string(r.raw), `"metadata":{"date_of_birth":null,"plan":"premium","tier":2,"vip":true}`) {
		t.Errorf("wire form: %s", r.raw)
	}
	e.do("PUT", "/v1/customers/cust_123", map[string]any{"update": map[string]any{"metadata": map[string]any{"date_of_birth": "1990-01-15", "plan": "basic"}}}).want(t, 200)
	r = e.do("GET", "/v1/customers/cust_123", nil).want(t, 200)
	if r.str("data.metadata.plan") != "basic" || r.str("data.metadata.date_of_birth") != "1990-01-15" || r.get("data.metadata.vip") != true {
		t.Errorf("after update: %v", r.get("data.metadata"))
	}
	// Exported and imported with the rest of the state.
	snap := e.fake.Tenant(testKey).ExportState()
	other := newEnv(t, Options{})
	if err := other.fake.Tenant(testKey).ImportState(snap, false); err != nil {
		t.Fatal(err)
	}
	if got := other.do("GET", "/v1/customers/cust_123", nil).want(t, 200); !reflect.DeepEqual(got.get("data.metadata"), r.get("data.metadata")) {
		t.Errorf("imported metadata %v, want %v", got.get("data.metadata"), r.get("data.metadata"))
	}

	// Bounds and shapes: 422 naming the field, nothing changed.
	many := map[string]any{}
	for i := range store.MaxMetadataKeys + 1 {
		many["k"+strconv.Itoa(i)] = i
	}
	for name, md := range map[string]any{
		"nested object": map[string]any{"address": map[string]any{"city": "Vilnius"}},
		"array":         map[string]any{"tags": []string{"a"}},
		"too many keys": many,
		"long value":    map[string]any{"bio": strings.Repeat("x", 2000)},
	} {
		t.Run(name, func(t *testing.T) {
			before := e.state()
			r := e.do("PUT", "/v1/customers/cust_123", map[string]any{"update": map[string]any{"metadata": md}}).want(t, 422)
			if !strings.Contains(string(r.raw), "metadata") {
				t.Errorf("error does not name metadata: %s", r.raw)
			}
			e.do("POST", "/v1/customers", map[string]any{"key": "new_one", "metadata": md}).want(t, 422)
			if !reflect.DeepEqual(before, e.state()) {
				t.Error("rejected request changed the state")
			}
		})
	}
	// The Go API enforces the same bounds.
	if _, err := e.fake.Tenant(testKey).Store().CreateCustomer(store.NewCustomer{Key: "go", Metadata: store.Metadata{"x": []byte(`{"a":1}`)}}); err == nil {
		t.Error("store accepted an object value")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEmptyBalanceIsAnArray: seed 003's real response for a customer
// without rewards is "balance": [] (defect 7); the object form and the
// guide's flat form (seed 000) are program options.
func TestEmptyBalanceIsAnArray(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "referring_customer", "email": "customer@partnero.com", "name": "Customer"}).want(t, 200)
	r := e.do("GET", "/v1/customers/referring_customer/balance", nil).want(t, 200)
	if !strings.Contains(string(r.raw), `"balance":[]`) {
		t.Fatalf("empty balance: %s", r.raw)
	}
	e.do("POST", "/v1/customers/referring_customer/balance/credit", map[string]any{"amount": 10, "is_currency": true, "amount_units": "usd"}).want(t, 200)
	r = e.do("GET", "/v1/customers/referring_customer/balance", nil).want(t, 200)
	if !strings.Contains(string(r.raw), `"balance":{"currency":[{"amount":10,"amount_units":"USD","is_currency":true}],"non_currency":[]}`) {
		t.Fatalf("balance: %s", r.raw)
	}

	obj := newEnv(t, Options{Program: store.Program{BalanceFormat: store.BalanceObject}})
	obj.do("POST", "/v1/customers", map[string]any{"key": "c"}).want(t, 200)
	if r := obj.do("GET", "/v1/customers/c/balance", nil).want(t, 200); !strings.Contains(string(r.raw), `"balance":{"currency":[],"non_currency":[]}`) {
		t.Errorf("object form: %s", r.raw)
	}

	e.do("PUT", "/v1/program", map[string]any{"balance_format": "guide"}).want(t, 200)
	r = e.do("GET", "/v1/customers/referring_customer/balance", nil).want(t, 200)
	if !strings.Contains(string(r.raw), `"balance":10,"currency":"USD","pending":0}`) {
		t.Errorf("guide form: %s", r.raw)
	}
	e.do("PUT", "/v1/program", map[string]any{"balance_format": "flat"}).want(t, 422)
}

// TestRewardRulesInTheGuidesWords: seed 000 describes rewards as
// {"reward_type", "amount", "currency"|"unit"}, with triggers signup,
// purchase ("when referred friend makes first purchase") and subscription.
// The discount example was stored as a fixed 20 USD credit and paid 20 USD
// per sale (defect 6).
func TestRewardRulesInTheGuidesWords(t *testing.T) {
	sale := func(e *env, key string, amount float64) result {
		return e.do("POST", "/v1/transactions", map[string]any{"key": key, "action": "sale", "amount": amount, "customer": map[string]any{"key": "friend"}}).want(t, 200)
	}
	setup := func(rules ...map[string]any) *env {
		e := newEnv(t, Options{})
		e.do("PUT", "/v1/program", map[string]any{"rewards": rules}).want(t, 200)
		e.do("POST", "/v1/customers", map[string]any{"key": "referrer"}).want(t, 200)
		e.do("POST", "/v1/customers", map[string]any{"key": "friend", "referring_customer": map[string]any{"key": "referrer"}}).want(t, 200)
		return e
	}
	rewards := func(r result) []map[string]any {
		var out []map[string]any
		for _, x := range r.get("data.rewards").([]any) {
			out = append(out, x.(map[string]any))
		}
		return out
	}

	// The discount example: 20% of the first purchase, as a discount.
	e := setup(map[string]any{"reward_type": "discount", "amount": 20, "unit": "percentage", "trigger": "purchase"})
	rs := rewards(sale(e, "inv1", 50))
	if len(rs) != 1 || rs[0]["type"] != "discount" || rs[0]["amount"] != 10.0 || rs[0]["credit"] != false {
		t.Errorf("first purchase rewards = %v, want one discount of 10 (20%% of 50)", rs)
	}
	if rs := rewards(sale(e, "inv2", 50)); len(rs) != 0 {
		t.Errorf("second purchase rewards = %v, want none: purchase means the first purchase", rs)
	}
	p := e.do("GET", "/v1/program", nil).want(t, 200)
	if r := p.get("data.program_settings.rewards").([]any)[0].(map[string]any); r["type"] != "discount" || r["amount_type"] != "percent" || r["trigger"] != "purchase" {
		t.Errorf("stored rule = %v", r)
	}

	// Credit and cash examples as written (no trigger: the first purchase).
	e = setup(map[string]any{"reward_type": "credit", "amount": 10, "currency": "USD"}, map[string]any{"reward_type": "cash", "amount": 25, "currency": "USD"})
	rs = rewards(sale(e, "inv1", 500))
	if len(rs) != 2 || rs[0]["type"] != "credit" || rs[0]["amount"] != 10.0 || rs[1]["type"] != "cash" || rs[1]["amount"] != 25.0 {
		t.Errorf("rewards = %v, want credit 10 and cash 25", rs)
	}
	if rs := rewards(sale(e, "inv2", 500)); len(rs) != 0 {
		t.Errorf("second purchase rewards = %v, want none", rs)
	}

	// A rule that pays every sale has a name of its own.
	e = setup(map[string]any{"reward_type": "credit", "amount": 10, "unit": "percentage", "trigger": "every_purchase"})
	sale(e, "inv1", 100)
	if rs := rewards(sale(e, "inv2", 100)); len(rs) != 1 || rs[0]["amount"] != 10.0 {
		t.Errorf("every_purchase second sale rewards = %v", rs)
	}
	// Signup trigger, in the guide's words.
	e = setup(map[string]any{"reward_type": "credit", "amount": 5, "currency": "USD", "trigger": "signup"})
	if b := e.do("GET", "/v1/customers/referrer/balance", nil).want(t, 200); !strings.Contains(string(b.raw), `"amount":5,"amount_units":"USD"`) {
		t.Errorf("signup reward balance: %s", b.raw)
	}

	// What the fake cannot honour is a 422 naming the field, and nothing changes.
	for name, tc := range map[string]struct {
		rule  map[string]any
		field string
	}{
		"unknown field":          {map[string]any{"reward_type": "credit", "amount": 10, "points_multiplier": 2}, "rewards.0.points_multiplier"},
		"unknown unit":           {map[string]any{"reward_type": "credit", "amount": 10, "unit": "percentile"}, "rewards.0.unit"},
		"unknown reward type":    {map[string]any{"reward_type": "voucher", "amount": 10}, "rewards.0.reward_type"},
		"unknown trigger":        {map[string]any{"reward_type": "credit", "amount": 10, "trigger": "renewal"}, "rewards.0.trigger"},
		"type and reward_type":   {map[string]any{"type": "cash", "reward_type": "credit", "amount": 10}, "rewards.0.reward_type"},
		"unit against type":      {map[string]any{"amount_type": "fixed", "unit": "percentage", "amount": 10}, "rewards.0.unit"},
		"unit against currency":  {map[string]any{"unit": "EUR", "currency": "USD", "amount": 10}, "rewards.0.unit"},
		"percentage over 100":    {map[string]any{"reward_type": "discount", "unit": "percentage", "amount": 120}, "rewards.0.amount"},
		"percentage on a signup": {map[string]any{"reward_type": "credit", "unit": "percentage", "amount": 5, "trigger": "signup"}, "rewards.0.amount_type"},
		"missing amount":         {map[string]any{"reward_type": "credit", "currency": "USD"}, "rewards.0.amount"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, Options{})
			before := e.state()
			r := e.do("PUT", "/v1/program", map[string]any{"rewards": []any{tc.rule}}).want(t, 422)
			if r.errorFor(tc.field) == nil {
				t.Errorf("errors = %v, want %s", r.get("errors"), tc.field)
			}
			if !reflect.DeepEqual(before, e.state()) {
				t.Error("rejected program change changed the state")
			}
		})
	}
}

// TestReadmeDocumentsEveryWarningCode: each fidelity warning code has a row
// in the README's table.
func TestReadmeDocumentsEveryWarningCode(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range WarningCodes() {
		if !strings.Contains(string(readme), "| `"+code+"` |") {
			t.Errorf("README has no row for warning %q", code)
		}
	}
}

// TestRootPointsTheWay: GET / named an empty route ("The route  could not
// be found."); it now says where the API and the inspector are.
func TestRootPointsTheWay(t *testing.T) {
	e := newEnv(t, Options{})
	r := e.do("GET", "/", nil).want(t, 404)
	if msg := r.str("message"); !strings.Contains(msg, "/v1") || !strings.Contains(msg, "/_fake/ui") {
		t.Errorf("message %q", msg)
	}
}
