package testkit_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/testkit"
)

// postJSON is the code under test: a plain HTTP client, unmarked.
func postJSON(t *testing.T, srv *testkit.Server, path, body string) {
	t.Helper()
	req, err := http.NewRequest("POST", srv.APIURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.HTTPClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// TestJournalShowsOnlyTheCodeUnderTest: the helpers' own calls (setup and
// checks) stay out of Requests unless asked for.
func TestJournalShowsOnlyTheCodeUnderTest(t *testing.T) {
	srv := testkit.Start(t)
	srv.CreateCustomer(t, testkit.NewCustomer{Key: "alice"}) // setup
	postJSON(t, srv, "/customers", `{"key": "bob", "referring_customer": {"key": "alice"}}`)
	srv.Customer(t, "alice")                   // a check
	srv.Do(t, "GET", "/v1/customers/bob", nil) // a raw helper call is testkit's too

	sent := srv.Requests(t, fake.JournalFilter{})
	if len(sent) != 1 || sent[0].Operation != "createCustomer" || sent[0].Client != "" {
		t.Fatalf("code under test sent %+v", sent)
	}
	all := srv.Requests(t, fake.JournalFilter{IncludeTestkit: true})
	if len(all) != 4 || all[0].Client != fake.ClientTestkit || all[3].Client != fake.ClientTestkit {
		t.Errorf("with testkit's: %+v", all)
	}
	if got := srv.Fake.Tenant(srv.APIKey).Requests(fake.JournalFilter{}); len(got) != 1 {
		t.Errorf("Go API: %d entries", len(got))
	}

	// Typed bodies.
	in := testkit.RequestBody[struct {
		Key      string `json:"key"`
		Referrer struct {
			Key string `json:"key"`
		} `json:"referring_customer"`
	}](t, sent[0])
	if in.Key != "bob" || in.Referrer.Key != "alice" {
		t.Errorf("request body: %+v", in)
	}
	out := testkit.ResponseBody[testkit.Envelope[testkit.Customer]](t, sent[0])
	if out.Status != 1 || out.Data.Key != "bob" || out.Data.ReferringCustomer == nil || out.Data.ReferringCustomer.Key != "alice" {
		t.Errorf("response body: %+v", out)
	}
}

// TestRequestBodyFailsClearly: a body that does not decode fails the test
// with the entry and the type named.
func TestRequestBodyFailsClearly(t *testing.T) {
	e := fake.JournalEntry{Seq: 3, Method: "POST", Path: "/v1/customers", RequestBody: []byte(`{"key": 5}`)}
	r := &recordingTB{}
	testkit.RequestBody[struct {
		Key string `json:"key"`
	}](r, e)
	if !strings.Contains(r.fatal, "POST /v1/customers (#3)") || !strings.Contains(r.fatal, "struct") {
		t.Errorf("message %q", r.fatal)
	}
	r = &recordingTB{}
	testkit.ResponseBody[map[string]any](r, fake.JournalEntry{Method: "GET", Path: "/v1/x"})
	if !strings.Contains(r.fatal, "no response body") {
		t.Errorf("message %q", r.fatal)
	}
}

// recordingTB records the first Fatalf instead of stopping a test.
type recordingTB struct{ fatal string }

func (r *recordingTB) Helper()        {}
func (r *recordingTB) Cleanup(func()) {}
func (r *recordingTB) Fatalf(format string, args ...any) {
	if r.fatal == "" {
		r.fatal = fmt.Sprintf(format, args...)
	}
}
func (r *recordingTB) Logf(string, ...any) {}

func TestSetRewardRules(t *testing.T) {
	srv := testkit.Start(t)
	srv.CreateCustomer(t, testkit.NewCustomer{Key: "alice"})
	srv.CreateCustomer(t, testkit.NewCustomer{Key: "bob", ReferrerKey: "alice"})
	srv.CreateTransaction(t, testkit.Sale{Customer: "bob", Amount: 100}) // default: 10 %

	fixed, err := store.ParseMoney("2.5")
	if err != nil {
		t.Fatal(err)
	}
	srv.SetRewardRules(t, store.RewardRule{Trigger: store.TriggerEveryPurchase, Amount: fixed, Recipients: store.RecipientBoth})
	if rules := srv.RewardRules(t); len(rules) != 1 || rules[0].ID != "rule_1" || rules[0].Amount != fixed || rules[0].Type != store.RewardCredit {
		t.Fatalf("rules: %+v", rules)
	}
	srv.CreateTransaction(t, testkit.Sale{Customer: "bob", Amount: 100})
	if got := srv.Balance(t, "alice").Of("USD"); got != 12.5 {
		t.Errorf("alice's balance = %v, want 10 + 2.5", got)
	}
	if got := srv.Balance(t, "bob").Of("USD"); got != 2.5 {
		t.Errorf("bob's balance = %v, want 2.5", got)
	}

	srv.SetRewardRules(t) // rewards nothing
	if rules := srv.RewardRules(t); len(rules) != 0 {
		t.Errorf("rules after clearing: %+v", rules)
	}
	srv.CreateTransaction(t, testkit.Sale{Customer: "bob", Amount: 100})
	if got := srv.Balance(t, "alice").Of("USD"); got != 12.5 {
		t.Errorf("alice's balance = %v after a sale without rules", got)
	}
	srv.SetRewardRules(t, store.DefaultRewards()...)
	if rules := srv.RewardRules(t); len(rules) != 1 || rules[0].AmountType != store.AmountPercent {
		t.Errorf("default rules back: %+v", rules)
	}

	r := &recordingTB{}
	srv.SetRewardRules(r, store.RewardRule{Trigger: "birthday", Amount: fixed})
	if !strings.Contains(r.fatal, "status 422") {
		t.Errorf("a bad rule: %q", r.fatal)
	}
}
