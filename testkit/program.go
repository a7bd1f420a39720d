package testkit

import (
	"net/http"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// SetRewardRules replaces the tenant's reward rules while the test runs
// (PUT /v1/program with the fake-only "rewards" setting); no rules means
// the program rewards nothing, and store.DefaultRewards() puts back the
// default 10 % of each purchase. Rules apply to events from then on;
// rewards already earned stay. To start every tenant with rules, use
// WithProgram.
func (c *Client) SetRewardRules(tb TB, rules ...store.RewardRule) {
	tb.Helper()
	if rules == nil {
		rules = []store.RewardRule{}
	}
	c.call(tb, http.MethodPut, "/v1/program", map[string]any{"rewards": rules}, nil)
}

// RewardRules returns the tenant's reward rules, as GET /v1/program
// reports them (with their ids and defaults filled in).
func (c *Client) RewardRules(tb TB) []store.RewardRule {
	tb.Helper()
	type settings struct {
		Rewards []store.RewardRule `json:"rewards"`
	}
	return data[struct {
		Settings settings `json:"program_settings"`
	}](c, tb, http.MethodGet, "/v1/program", nil).Settings.Rewards
}
