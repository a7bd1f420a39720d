package store

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Referral link formats. Partnero calls them "Query" and "Link" in the
// dashboard.
const (
	// LinkFormatQuery builds links as <website>?<param>=<key>.
	LinkFormatQuery = "query"
	// LinkFormatPath builds links as <website>/<param>/<key>.
	LinkFormatPath = "path"
)

// Program is the settings of the tenant's refer-a-friend program.
type Program struct {
	// ID is the program's public id (8 upper-case letters).
	ID string `json:"id"`
	// Name is the program's name.
	Name string `json:"name"`
	// Website is the base of every referral link.
	Website string `json:"website"`
	// LinkFormat is LinkFormatQuery or LinkFormatPath.
	LinkFormat string `json:"referral_link_format"`
	// LinkParam is the referral parameter, "ref" by default.
	LinkParam string `json:"referral_link_parameter"`
	// CookieLifetimeDays is how long the partnero_referral cookie that
	// PartneroJS sets lives: 1 to MaxCookieLifetimeDays days; 0 means
	// DefaultCookieLifetimeDays (see CookieLifetime). Partnero's dashboard
	// offers "30 days" or "lifetime"; the fake's longest is ten years.
	CookieLifetimeDays int `json:"cookie_lifetime_days,omitempty"`
	// Currency is the program's currency: the default amount_units of
	// transactions and of fixed rewards. Default USD.
	Currency string `json:"currency"`
	// Rewards are the reward rules. Nil means DefaultRewards; an empty list
	// means the program rewards nothing.
	Rewards []RewardRule `json:"rewards"`
	// TransactionKeys is TransactionKeysAllow (default) or
	// TransactionKeysReject.
	TransactionKeys string `json:"transaction_keys"`
	// NonReferred is NonReferredAccept (default: recorded, no reward) or
	// NonReferredReject (422): what a transaction for a customer without a
	// referrer gets.
	NonReferred string `json:"non_referred_transactions"`
	// BalanceFormat is how GET /customers/{id}/balance shows the balance:
	// BalancePartnero (default), BalanceObject or BalanceGuide.
	BalanceFormat string `json:"balance_format,omitempty"`
	// CreatedAt is when the program was created.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when its settings last changed.
	UpdatedAt time.Time `json:"updated_at"`
}

// Bounds of Program.CookieLifetimeDays.
const (
	DefaultCookieLifetimeDays = 30
	MaxCookieLifetimeDays     = 3650
)

// defaultProgram backs DefaultProgram.
var defaultProgram = Program{
	Name:       "Refer-a-friend program",
	Website:    "https://example.com",
	LinkFormat: LinkFormatQuery,
	LinkParam:  "ref",
}

// DefaultProgram returns the settings a tenant's program starts with unless
// configured otherwise: name "Refer-a-friend program", website
// https://example.com, links in the query format with parameter "ref".
func DefaultProgram() Program { return defaultProgram }

func (p Program) withDefaults() Program {
	d := defaultProgram
	if p.Name == "" {
		p.Name = d.Name
	}
	if p.Website == "" {
		p.Website = d.Website
	}
	if p.LinkFormat == "" {
		p.LinkFormat = d.LinkFormat
	}
	if p.LinkParam == "" {
		p.LinkParam = d.LinkParam
	}
	if p.Currency == "" {
		p.Currency = "USD"
	}
	if p.Rewards == nil {
		p.Rewards = DefaultRewards()
	}
	rules := make([]RewardRule, len(p.Rewards))
	taken := map[string]bool{}
	for _, r := range p.Rewards {
		taken[r.ID] = r.ID != ""
	}
	n := 0
	for i, r := range p.Rewards {
		if r.ID == "" {
			for { // rule_<n>, skipping ids given explicitly
				n++
				if id := "rule_" + strconv.Itoa(n); !taken[id] {
					r.ID, taken[id] = id, true
					break
				}
			}
		}
		rules[i] = r.withDefaults()
	}
	p.Rewards = rules
	if p.TransactionKeys == "" {
		p.TransactionKeys = TransactionKeysAllow
	}
	if p.NonReferred == "" {
		p.NonReferred = NonReferredAccept
	}
	if p.BalanceFormat == "" {
		p.BalanceFormat = BalancePartnero
	}
	return p
}

// CookieLifetime returns the partnero_referral cookie's lifetime in days:
// CookieLifetimeDays, or DefaultCookieLifetimeDays when it is not set.
func (p Program) CookieLifetime() int {
	if p.CookieLifetimeDays == 0 {
		return DefaultCookieLifetimeDays
	}
	return p.CookieLifetimeDays
}

// LinkURL builds the referral URL for key. base is the link's own
// destination, or "" for the program's website. The query format follows the
// documented examples ("https://yoursite.com?ref=customer_123"): no slash is
// added before the "?", and an existing query string is extended with "&".
func (p Program) LinkURL(base, key string) string {
	if base == "" {
		base = p.Website
	}
	base, fragment, hasFragment := strings.Cut(base, "#")
	if hasFragment {
		fragment = "#" + fragment // the referral parameter goes before it
	}
	if p.LinkFormat == LinkFormatPath {
		return strings.TrimRight(base, "/") + "/" + p.LinkParam + "/" + url.PathEscape(key) + fragment
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + url.QueryEscape(p.LinkParam) + "=" + url.QueryEscape(key) + fragment
}

// ProgramUpdate changes program settings; nil fields stay as they are.
type ProgramUpdate struct {
	Name       *string
	Website    *string
	LinkFormat *string
	LinkParam  *string
	// CookieLifetimeDays is the PartneroJS cookie's lifetime.
	CookieLifetimeDays *int
	// Currency, Rewards, TransactionKeys and NonReferred are the fake-only
	// settings of the money path.
	Currency        *string
	Rewards         *[]RewardRule
	TransactionKeys *string
	NonReferred     *string
	BalanceFormat   *string
}

// Program returns the program's settings.
func (s *Store) Program() Program {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.program.clone()
}

// clone returns p with its own copy of the rules: values handed out never
// share memory with the state (which snapshots and other tenants share).
func (p Program) clone() Program {
	p.Rewards = slices.Clone(p.Rewards)
	return p
}

// ProgramStats are the counts GET /program reports.
type ProgramStats struct {
	Customers          int
	ReferringCustomers int
	ReferredCustomers  int
}

// ProgramWithStats returns the program and its counts under one lock.
func (s *Store) ProgramWithStats() (Program, ProgramStats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	return st.program.clone(), ProgramStats{
		Customers:          st.all.len(),
		ReferringCustomers: st.referrals.len(),
		ReferredCustomers:  st.referred.len(),
	}
}

// UpdateProgram changes the program's settings. It returns ErrInvalid for a
// website that is not an absolute http(s) URL, an unknown link format or an
// empty parameter name.
func (s *Store) UpdateProgram(u ProgramUpdate) (Program, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := *s.st.program
	if u.Name != nil {
		p.Name = *u.Name
	}
	if u.Website != nil {
		p.Website = *u.Website
	}
	if u.LinkFormat != nil {
		p.LinkFormat = *u.LinkFormat
	}
	if u.LinkParam != nil {
		p.LinkParam = *u.LinkParam
	}
	if u.CookieLifetimeDays != nil {
		p.CookieLifetimeDays = *u.CookieLifetimeDays
	}
	if u.Currency != nil {
		p.Currency = strings.ToUpper(*u.Currency) // "eur" is EUR
	}
	if u.Rewards != nil {
		p.Rewards = append([]RewardRule{}, (*u.Rewards)...)
	}
	if u.TransactionKeys != nil {
		p.TransactionKeys = *u.TransactionKeys
	}
	if u.NonReferred != nil {
		p.NonReferred = *u.NonReferred
	}
	if u.BalanceFormat != nil {
		p.BalanceFormat = *u.BalanceFormat
	}
	p = p.withDefaults()
	if err := p.validate(""); err != nil {
		return Program{}, err
	}
	p.UpdatedAt = s.timestamp()
	s.st.program = &p
	return p.clone(), nil
}

// validate checks a program's settings; prefix names the field path in
// errors ("" or "program.").
func (p Program) validate(prefix string) error {
	if !validWebsite(p.Website) {
		return invalid(prefix+"website", RuleFormat)
	}
	if p.LinkFormat != LinkFormatQuery && p.LinkFormat != LinkFormatPath {
		return invalid(prefix+"referral_link_format", RuleIn)
	}
	if p.CookieLifetimeDays < 0 || p.CookieLifetimeDays > MaxCookieLifetimeDays {
		return invalid(prefix+"cookie_lifetime_days", RuleBetween, "min", 1, "max", MaxCookieLifetimeDays)
	}
	return p.validateMoney(prefix)
}

func validWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
