package testkit_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/partnero-fake/partnero-fake/testkit"
)

var frozen = time.Date(2025, 5, 9, 17, 42, 13, 0, time.UTC)

func TestStartOptions(t *testing.T) {
	srv := testkit.Start(t, testkit.WithDemoFixtures(), testkit.WithAPIKey("k"), testkit.WithAllowedAPIKeys("k"), testkit.WithFrozenClock(frozen))
	if r := srv.WithAPIKey("other").Do(t, "GET", "/v1/test", nil); r.Status != 401 {
		t.Errorf("a key outside the allowed ones: %d", r.Status)
	}
	if srv.APIKey != "k" || srv.APIURL != srv.URL+"/v1" || !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("server: %+v", srv.Client)
	}
	if got := srv.Balance(t, "ava").Of("USD"); got != 29.55 {
		t.Errorf("demo balance %v", got)
	}
	// The Go API and the HTTP helpers see the same tenant.
	if got := srv.Fake.Tenant("k").ExportState(); len(got.Customers) != 8 {
		t.Errorf("Fake.ExportState: %d customers", len(got.Customers))
	}
	// Strict response validation is on by default (every response the
	// fake answers is checked against openapi.yaml), and can be turned off.
	if !srv.Fake.StrictResponses() {
		t.Error("testkit.Start: strict response validation is off")
	}
	if lax := testkit.Start(t, testkit.WithStrictResponses(false)); lax.Fake.StrictResponses() {
		t.Error("WithStrictResponses(false): strict response validation is on")
	}
	// HTTPClient reaches the fake.
	resp, err := srv.HTTPClient.Get(srv.URL + "/_fake/ready")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("ready: %d", resp.StatusCode)
	}
	if _, err := testkit.New(testkit.WithFixturesFile("/nonexistent.json")); err == nil {
		t.Error("a missing fixtures file was accepted")
	}
}

func BenchmarkStart(b *testing.B) {
	testkit.Start(b).Close() // the first start parses the spec
	b.ReportAllocs()
	for b.Loop() {
		testkit.Start(b).Close()
	}
}
