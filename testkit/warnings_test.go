package testkit_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/testkit"
)

// cleanupTB records failures and runs its cleanups when asked, so a test
// can see what testkit reports when another test ends.
type cleanupTB struct {
	testing.TB
	cleanups []func()
	errors   []string
	fatal    string
}

func (c *cleanupTB) Helper()             {}
func (c *cleanupTB) Cleanup(f func())    { c.cleanups = append(c.cleanups, f) }
func (c *cleanupTB) Logf(string, ...any) {}
func (c *cleanupTB) Errorf(format string, args ...any) {
	c.errors = append(c.errors, fmt.Sprintf(format, args...))
}
func (c *cleanupTB) Fatalf(format string, args ...any) {
	if c.fatal == "" {
		c.fatal = fmt.Sprintf(format, args...)
	}
}
func (c *cleanupTB) end() {
	for i := len(c.cleanups) - 1; i >= 0; i-- {
		c.cleanups[i]()
	}
}

// signUpWithPartner is code under test that sends affiliate attribution to
// a refer-a-friend program, as three official clients do.
func signUpWithPartner(t *testing.T, apiURL, key string) {
	req, _ := http.NewRequest("POST", apiURL+"/customers", strings.NewReader(`{"key": "cust_1", "partner": {"key": "p1"}}`))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestWarningsFailTheTest(t *testing.T) {
	tb := &cleanupTB{TB: t}
	srv := testkit.Start(tb)
	signUpWithPartner(t, srv.APIURL, srv.APIKey)
	srv.CreateTransaction(tb, testkit.Sale{Customer: "cust_1", Amount: 10}) // testkit's own request: not reported
	tb.end()
	if len(tb.errors) != 1 || !strings.Contains(tb.errors[0], "partner-ignored") || !strings.Contains(tb.errors[0], "POST /v1/customers") ||
		!strings.Contains(tb.errors[0], `testkit.AllowWarnings("partner-ignored")`) {
		t.Fatalf("errors = %q, want one naming partner-ignored on POST /v1/customers", tb.errors)
	}

	// Another tenant's warnings are reported too, under its key.
	tb = &cleanupTB{TB: t}
	srv = testkit.Start(tb)
	signUpWithPartner(t, srv.APIURL, "other_key")
	tb.end()
	if len(tb.errors) != 1 || !strings.Contains(tb.errors[0], `"other_key"`) {
		t.Fatalf("errors = %q", tb.errors)
	}
}

func TestAllowWarnings(t *testing.T) {
	for _, opt := range []testkit.Option{testkit.AllowWarnings("partner-ignored"), testkit.AllowWarnings()} {
		tb := &cleanupTB{TB: t}
		srv := testkit.Start(tb, opt)
		signUpWithPartner(t, srv.APIURL, srv.APIKey)
		tb.end()
		if len(tb.errors) != 0 || tb.fatal != "" {
			t.Errorf("allowed warnings reported: %q %q", tb.errors, tb.fatal)
		}
	}
	// An allowed code does not allow the others.
	tb := &cleanupTB{TB: t}
	srv := testkit.Start(tb, testkit.AllowWarnings("empty-string"))
	signUpWithPartner(t, srv.APIURL, srv.APIKey)
	tb.end()
	if len(tb.errors) != 1 {
		t.Errorf("errors = %q, want partner-ignored reported", tb.errors)
	}
	// A code that does not exist is a mistake in the test.
	tb = &cleanupTB{TB: t}
	testkit.Start(tb, testkit.AllowWarnings("partner_ignored"))
	if !strings.Contains(tb.fatal, "unknown warning code") {
		t.Errorf("fatal = %q", tb.fatal)
	}
}

func TestTenantChecksItsWarnings(t *testing.T) {
	srv := testkit.Start(t)
	tb := &namedTB{cleanupTB: cleanupTB{TB: t}, name: t.Name() + "/tenant"}
	c := srv.Tenant(tb)
	signUpWithPartner(t, c.APIURL, c.APIKey)
	tb.end()
	if len(tb.errors) != 1 || !strings.Contains(tb.errors[0], "partner-ignored") {
		t.Fatalf("errors = %q", tb.errors)
	}
}

type namedTB struct {
	cleanupTB
	name string
}

func (n *namedTB) Name() string { return n.name }

// TestTenantKeysDifferByPackage: two packages sharing one fake (go test
// runs packages in parallel) with tests of the same name get different
// tenants, so one package's cleanup never deletes the other's.
func TestTenantKeysDifferByPackage(t *testing.T) {
	srv := testkit.Start(t)
	a := srv.Tenant(&namedTB{cleanupTB: cleanupTB{TB: t}, name: "TestSignup"})
	if !strings.HasPrefix(a.APIKey, "test:testkit:") || !strings.HasSuffix(a.APIKey, ":TestSignup") {
		t.Errorf("tenant key %q, want test:<package binary>:TestSignup", a.APIKey)
	}
}
