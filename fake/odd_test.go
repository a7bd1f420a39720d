package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestOddInputsNeverPanicOr500(t *testing.T) {
	e := newEnv(t, Options{})
	e.do("POST", "/v1/customers", map[string]any{"key": "alice"}).want(t, 200)
	e.do("POST", "/v1/customers", map[string]any{"key": "bob", "referring_customer": map[string]any{"key": "alice"}}).want(t, 200)
	cases := []struct{ method, path, body string }{
		{"POST", "/v1/customers", `null`},
		{"POST", "/v1/customers", `[]`},
		{"POST", "/v1/customers", `"   "`},
		{"POST", "/v1/customers", `{"referring_customer": {"key": ""}}`},
		{"POST", "/v1/customers", `{"referring_customer": []}`},
		{"POST", "/v1/customers", `{"metadata": null, "key": "m1"}`},
		{"POST", "/v1/transactions", `{"customer": {"key": "bob"}, "transactions": [null]}`},
		{"POST", "/v1/transactions", `{"customer": {"key": "bob"}, "transactions": [{}]}`},
		{"POST", "/v1/transactions", `{"customer": {"key": "bob"}, "amount": 1e400}`},
		{"POST", "/v1/transactions", `{"customer": {"key": "bob"}, "amount": 1e-400}`},
		{"POST", "/v1/transactions", `{"customer": {"key": "bob"}, "amount": 123456789012345678901234567890}`},
		{"POST", "/v1/transactions", `{"customer": {"key": "bob"}, "amount": 5, "created_at": "0001-01-01T00:00:00Z"}`},
		{"POST", "/v1/transactions", `{"customer": {"key": "bob"}, "amount": 5, "is_currency": false}`},
		{"POST", "/v1/transactions", `{"customer": {"key": "bob"}, "amount": 5, "amount_units": "ab\u0000c"}`},
		{"PUT", "/v1/program", `{"rewards": [{"trigger": "purchase", "amount": 1e-7}]}`},
		{"PUT", "/v1/program", `{"rewards": [{"id": "rule_2", "trigger": "purchase", "amount": 1}, {"trigger": "signup", "amount": 1}]}`},
		{"PUT", "/v1/program", `{"referral_link_parameter": "a b&c"}`},
		{"PUT", "/v1/program", `{"website": "https://x.test/?q=1#frag"}`},
		{"GET", "/v1/customers?limit=250&page=36893488147419103232", ""},
		{"GET", "/v1/customers:search?email=ALICE@x", ""},
		{"POST", "/v1/customers/alice/balance/credit", `{"amount": 1, "amount_units": "pts", "is_currency": false}`},
		{"PUT", "/v1/customers", `{"email": "nobody@x.test"}`},
		{"PUT", "/v1/customers", `{"update": {"name": "x"}}`},
		{"DELETE", "/v1/customers", `{"customer": {"key": "x"}}`},
		{"POST", "/v1/customer_referral_links", `{"customer": {"key": "alice"}, "key": "alice"}`},
		{"PUT", "/v1/customer_referral_links/alice", `{"key": "ALICE2"}`},
		{"POST", "/v1/webhooks", `{"name": "w", "url": "http://[::1", "events": ["customer.created"]}`},
		{"POST", "/v1/webhooks", `{"name": "w", "url": "http://h.test", "events": ["customer.created", "customer.created"]}`},
		{"POST", "/v1/customers:invite", `{"email": "a@b.c", "personalization": {"a": {"b": 1}}}`},
		{"GET", "/v1/transactions?customer[key]=bob&key=zzz", ""},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, e.srv.URL+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+testKey)
		if c.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 || !json.Valid(b) {
			t.Errorf("%s %s %s -> %d %s", c.method, c.path, c.body, resp.StatusCode, b)
		}
	}
}
