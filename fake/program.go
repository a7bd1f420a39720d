package fake

import (
	"strings"
	"unicode"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

type programSummaryJSON struct {
	ID         string    `json:"id"`
	PublicID   string    `json:"public_id"`
	Name       string    `json:"name"`
	Website    string    `json:"website"`
	Type       string    `json:"type"`
	Initial    string    `json:"initial"`
	CreatedAt  timestamp `json:"created_at"`
	LastEdited timestamp `json:"last_edited"`
}

type programSettingsJSON struct {
	WebsiteURL              string           `json:"website_url"`
	ReferralLinkFormat      string           `json:"referral_link_format"`
	ReferralLinkParameter   string           `json:"referral_link_parameter"`
	CookieLifetimeDays      int              `json:"cookie_lifetime_days"`
	Currency                string           `json:"currency"`
	Rewards                 []rewardRuleJSON `json:"rewards"`
	TransactionKeys         string           `json:"transaction_keys"`
	NonReferredTransactions string           `json:"non_referred_transactions"`
	BalanceFormat           string           `json:"balance_format"`
}

type rewardRuleJSON struct {
	ID             string      `json:"id"`
	Trigger        string      `json:"trigger"`
	Type           string      `json:"type"`
	AmountType     string      `json:"amount_type"`
	Amount         store.Money `json:"amount"`
	Currency       *string     `json:"currency"`
	Recipients     string      `json:"recipients"`
	MaxPerReferrer int         `json:"max_rewards_per_referrer"`
	MinSaleAmount  store.Money `json:"min_sale_amount"`
}

type programStatsJSON struct {
	TotalCustomers          int `json:"total_customers"`
	TotalReferringCustomers int `json:"total_referring_customers"`
	TotalReferredCustomers  int `json:"total_referred_customers"`
}

// programType is what /program reports for a refer-a-friend program.
const programType = "Referral"

func programSummary(p store.Program) programSummaryJSON {
	return programSummaryJSON{
		ID: p.ID, PublicID: p.ID, Name: p.Name, Website: p.Website, Type: programType,
		Initial: initials(p.Name), CreatedAt: timestamp(p.CreatedAt), LastEdited: timestamp(p.UpdatedAt),
	}
}

// initials is the two-letter badge Partnero shows for a program.
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		if unicode.IsLetter(r[0]) || unicode.IsDigit(r[0]) {
			b.WriteRune(unicode.ToUpper(r[0]))
		}
		if b.Len() == 2 {
			break
		}
	}
	return b.String()
}

func getProgram(c *call) (any, error) {
	p, st := c.t.store.ProgramWithStats()
	settings := programSettingsJSON{
		WebsiteURL: p.Website, ReferralLinkFormat: p.LinkFormat, ReferralLinkParameter: p.LinkParam, CookieLifetimeDays: p.CookieLifetime(),
		Currency: p.Currency, Rewards: []rewardRuleJSON{}, TransactionKeys: p.TransactionKeys,
		NonReferredTransactions: p.NonReferred, BalanceFormat: p.BalanceFormat,
	}
	for _, r := range p.Rewards {
		settings.Rewards = append(settings.Rewards, rewardRuleJSON{
			ID: r.ID, Trigger: r.Trigger, Type: r.Type, AmountType: r.AmountType, Amount: r.Amount,
			Currency: nullable(r.Currency), Recipients: r.Recipients, MaxPerReferrer: r.MaxPerReferrer,
			MinSaleAmount: r.MinSaleAmount,
		})
	}
	return ok(map[string]any{
		"program":          programSummary(p),
		"program_settings": settings,
		"stats": programStatsJSON{
			TotalCustomers: st.Customers, TotalReferringCustomers: st.ReferringCustomers,
			TotalReferredCustomers: st.ReferredCustomers,
		},
	}), nil
}

type programUpdateInput struct {
	Name                    *string             `json:"name"`
	Website                 *string             `json:"website"`
	ReferralLinkFormat      *string             `json:"referral_link_format"`
	ReferralLinkParameter   *string             `json:"referral_link_parameter"`
	CookieLifetimeDays      *int                `json:"cookie_lifetime_days"`
	Currency                *string             `json:"currency"`
	Rewards                 *[]store.RewardRule `json:"rewards"`
	TransactionKeys         *string             `json:"transaction_keys"`
	NonReferredTransactions *string             `json:"non_referred_transactions"`
	BalanceFormat           *string             `json:"balance_format"`
}

func updateProgram(c *call) (any, error) {
	var in programUpdateInput
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	_, err := c.t.store.UpdateProgram(store.ProgramUpdate{
		Name: in.Name, Website: in.Website, LinkFormat: in.ReferralLinkFormat, LinkParam: in.ReferralLinkParameter, CookieLifetimeDays: in.CookieLifetimeDays,
		Currency: in.Currency, Rewards: in.Rewards, TransactionKeys: in.TransactionKeys,
		NonReferred: in.NonReferredTransactions, BalanceFormat: in.BalanceFormat,
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"status": 1, "message": "Program updated successfully"}, nil
}

func testAPIKey(c *call) (any, error) {
	p := c.t.store.Program()
	return ok(map[string]any{
		"message": "API key is valid",
		"program": map[string]string{"id": p.ID, "name": p.Name, "type": programType},
	}), nil
}
