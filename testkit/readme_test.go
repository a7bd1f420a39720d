package testkit_test

// The examples of the README's "Use it from Go tests" and "Use it in CI
// with Docker" sections, kept here so that they compile and pass.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/testkit"
)

// signUp stands for the code under test: your backend's sign-up handler,
// which tells Partnero about every new customer.
func signUp(apiURL, apiKey, userID, referralCookie string) error {
	body := `{"key": "` + userID + `"}`
	if referralCookie != "" {
		body = `{"key": "` + userID + `", "referring_customer": {"key": "` + referralCookie + `"}}`
	}
	req, err := http.NewRequest("POST", apiURL+"/customers", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func TestSignUpWithReferralCookie(t *testing.T) {
	srv := testkit.Start(t) // in-process, on 127.0.0.1, closed when the test ends

	srv.CreateCustomer(t, testkit.NewCustomer{Key: "alice"})
	if err := signUp(srv.APIURL, srv.APIKey, "bob", "alice"); err != nil {
		t.Fatal(err)
	}

	// What did my code send?
	sent := srv.Requests(t, fake.JournalFilter{Operation: "createCustomer", Status: 200})
	if len(sent) != 1 {
		t.Fatalf("createCustomer calls: %d", len(sent))
	}
	// And what does Partnero now know?
	if got := srv.Customer(t, "alice").ReferralsCount; got != 1 {
		t.Errorf("alice's referrals = %d, want 1", got)
	}
}

func TestSignUpSurvivesPartneroOutage(t *testing.T) {
	srv := testkit.Start(t)
	srv.AddFault(t, fake.Fault{Operation: "createCustomer", Status: 503, FailFirst: 1})
	if err := signUp(srv.APIURL, srv.APIKey, "carol", ""); err != nil {
		t.Fatal(err)
	}
	if got := srv.Faults(t)[0].Failed; got != 1 {
		t.Errorf("failed calls = %d", got)
	}
}
