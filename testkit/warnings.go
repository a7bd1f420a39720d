package testkit

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/testkit/internal/settings"
)

// AllowWarnings lets a test pass although the fake answered some requests
// with fidelity warnings of these codes (X-Partnero-Fake-Warning; the
// README lists every code). Without codes, every warning is allowed.
//
// By default a test fails when any response of its fake carried a
// warning: the fake accepted a request that Partnero may handle otherwise,
// so the test may pass here and fail against Partnero.
func AllowWarnings(codes ...string) Option {
	return func(c *settings.Config) error {
		known := fake.WarningCodes()
		for _, code := range codes {
			if !slices.Contains(known, code) {
				return fmt.Errorf("AllowWarnings: unknown warning code %q (known: %s)", code, strings.Join(known, ", "))
			}
		}
		if len(codes) == 0 {
			codes = []string{"*"}
		}
		c.AllowWarnings = append(c.AllowWarnings, codes...)
		return nil
	}
}

// errorer is the part of testing.TB that reports a failure and goes on.
type errorer interface {
	Errorf(format string, args ...any)
}

// CheckWarnings fails tb for every fidelity warning of the client's tenant
// whose code AllowWarnings does not allow, naming the request and the
// warning, then forgets the tenant's warnings. Start and the container's
// Start call it when the test ends, and Tenant for its tenant.
func (c *Client) CheckWarnings(tb TB) {
	tb.Helper()
	r := data[fake.WarningReport](c, tb, http.MethodGet, "/_fake/warnings", nil)
	c.call(tb, http.MethodDelete, "/_fake/warnings", nil, nil)
	reportWarnings(tb, c.APIKey, r, c.AllowWarnings)
}

// inTest names the test a report is for, when tb knows its name: reports
// run at cleanup, where the failing line is testkit's, not the test's.
func inTest(tb TB) string {
	if n, ok := tb.(interface{ Name() string }); ok {
		return " (in " + n.Name() + ")"
	}
	return ""
}

// reportWarnings fails tb once per warning whose code is not allowed, on
// the requests of the code under test (not testkit's own).
func reportWarnings(tb TB, key string, r fake.WarningReport, allow []string) {
	tb.Helper()
	if slices.Contains(allow, "*") || r.Total == 0 {
		return
	}
	fail := tb.Fatalf
	if e, ok := tb.(errorer); ok {
		fail = e.Errorf
	}
	shownCodes := map[string]bool{}
	for _, e := range r.Requests {
		if e.Client == fake.ClientTestkit {
			continue // testkit's own setup is not the code under test
		}
		for _, w := range e.Warnings {
			if slices.Contains(allow, w.Code) {
				continue
			}
			shownCodes[w.Code] = true
			fail("partnero-fake%s: %s %s (tenant %q, %s in the log) answered %d with fidelity warning %s: %s (the test may pass here and fail against Partnero; allow it with testkit.AllowWarnings(%q))",
				inTest(tb), e.Method, e.Path, key, fake.TenantLabel(key), e.Status, w.Code, w.Message, w.Code)
		}
	}
	// Counts cover every warning, also those past the listed requests and
	// past a response's MaxWarnings: none may go unreported.
	var more []string
	unshown := false
	for code, n := range r.ByCode {
		if !slices.Contains(allow, code) {
			more = append(more, fmt.Sprintf("%s ×%d", code, n))
			unshown = unshown || !shownCodes[code]
		}
	}
	if len(more) > 0 && (unshown || r.Total > len(r.Requests)) {
		slices.Sort(more)
		fail("partnero-fake%s: tenant %q got %d warned requests in all, with unallowed warnings %s; the journal (GET /_fake/requests) shows each",
			inTest(tb), key, r.Total, strings.Join(more, ", "))
	}
}
