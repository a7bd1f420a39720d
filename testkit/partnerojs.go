package testkit

import (
	"net/http"

	"github.com/partnero-fake/partnero-fake/fake/partnerojs"
)

// PublicProgramID returns the public id of the tenant's program: what
// PartneroJS calls carry instead of an API key (po('program', id, 'load')).
// It is derived from the fake's seed and the API key, so it is the same on
// every run, and differs between tenants.
func (c *Client) PublicProgramID(tb TB) string {
	tb.Helper()
	return data[struct {
		PublicID string `json:"public_id"`
	}](c, tb, http.MethodGet, "/_fake/partnerojs", nil).PublicID
}

// ScriptURL returns the URL of the fake's PartneroJS, universal.js: what
// the snippet loads instead of https://app.partnero.com/js/universal.js.
func (c *Client) ScriptURL() string { return c.URL + partnerojs.ScriptPath }

// Snippet returns the PartneroJS snippet for the tenant's program, pointing
// at the fake: paste it into a test page before </head>. The page then
// tracks referral visits (the partnero_referral cookie) and can call
// po('createCustomer', …) and po('renderReferralWidget', …).
func (c *Client) Snippet(tb TB) string {
	tb.Helper()
	return partnerojs.Snippet(c.ScriptURL(), c.URL, c.PublicProgramID(tb))
}
