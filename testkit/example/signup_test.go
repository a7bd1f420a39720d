package signup_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/testkit"
	"github.com/partnero-fake/partnero-fake/testkit/container"

	"example.com/signup"
)

// signUp posts the sign-up form to the handler, as a browser would, with
// the referral cookie when there is one.
func signUp(c *testkit.Client, userID, email, referral string) int {
	h := &signup.Handler{PartneroURL: c.APIURL, APIKey: c.APIKey, Client: http.DefaultClient}
	form := url.Values{"user_id": {userID}, "email": {email}}
	req := httptest.NewRequest("POST", "/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if referral != "" {
		req.AddCookie(&http.Cookie{Name: "partnero_referral", Value: referral})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func TestSignupInProcess(t *testing.T) {
	srv := testkit.Start(t) // in-process, on 127.0.0.1, closed when the test ends
	srv.CreateCustomer(t, testkit.NewCustomer{Key: "alice"})

	if code := signUp(srv.Client, "bob", "bob@example.com", "alice"); code != http.StatusCreated {
		t.Fatalf("sign-up answered %d", code)
	}

	// What did my code send? (testkit's own calls are left out.)
	sent := srv.Requests(t, fake.JournalFilter{Operation: "createCustomer"})
	if len(sent) != 1 {
		t.Fatalf("createCustomer calls: %d", len(sent))
	}
	body := testkit.RequestBody[struct {
		Key      string `json:"key"`
		Referrer struct {
			Key string `json:"key"`
		} `json:"referring_customer"`
	}](t, sent[0])
	if body.Key != "bob" || body.Referrer.Key != "alice" {
		t.Errorf("sent %+v", body)
	}
	// And what does Partnero now know?
	if got := srv.Customer(t, "alice").ReferralsCount; got != 1 {
		t.Errorf("alice's referrals = %d, want 1", got)
	}
}

func TestSignupWhenPartneroIsDown(t *testing.T) {
	srv := testkit.Start(t)
	srv.AddFault(t, fake.Fault{Operation: "createCustomer", Status: 503})

	if code := signUp(srv.Client, "carol", "carol@example.com", ""); code != http.StatusBadGateway {
		t.Errorf("sign-up answered %d, want 502", code)
	}
}

func TestSignupInContainer(t *testing.T) {
	ctr := container.Start(t, testkit.WithDemoFixtures()) // skips the test without Docker

	if code := signUp(ctr.Client, "dora", "dora@example.com", "ava"); code != http.StatusCreated {
		t.Fatalf("sign-up answered %d", code)
	}
	if got := ctr.Customer(t, "ava").ReferralsCount; got != 3 {
		t.Errorf("ava's referrals = %d, want 3 (two in the demo, one new)", got)
	}
}
