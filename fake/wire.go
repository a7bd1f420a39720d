package fake

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
)

// timestamp marshals as Laravel does: 2025-05-09T17:42:13.000000Z.
type timestamp time.Time

// laravelTime is the layout of every timestamp in responses.
const laravelTime = "2006-01-02T15:04:05.000000Z"

// MarshalText makes a timestamp a JSON string. (A MarshalJSON would have
// encoding/json scan and compact its output; a text needs neither.)
func (t timestamp) MarshalText() ([]byte, error) {
	return t.appendText(make([]byte, 0, len(laravelTime))), nil
}

// appendText appends t in laravelTime's layout: by hand for years 0 to
// 9999 (AppendFormat interprets the layout on every call), by AppendFormat
// otherwise.
func (t timestamp) appendText(b []byte) []byte {
	u := time.Time(t).UTC()
	year, month, day := u.Date()
	if year < 0 || year > 9999 {
		return u.AppendFormat(b, laravelTime)
	}
	hour, minute, sec := u.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	b = append(b, '.')
	b = appendDigits(b, u.Nanosecond()/1000, 6)
	return append(b, 'Z')
}

// appendDigits appends n, 0 <= n < 10^width, in exactly width digits.
func appendDigits(b []byte, n, width int) []byte {
	start := len(b)
	for range width {
		b = append(b, '0')
	}
	for i := len(b) - 1; i >= start && n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return b
}

// nullable renders "" as JSON null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nonEmpty is nullable for a string that already has a place in memory:
// nil for "", else p.
func nonEmpty(p *string) *string {
	if *p == "" {
		return nil
	}
	return p
}

// envelope is Partnero's success wrapper.
type envelope struct {
	Data   any `json:"data"`
	Status int `json:"status"`
}

func ok(data any) envelope { return envelope{Data: data, Status: 1} }

// statusOnly is the body of action endpoints: {"status":1}.
var statusOnly = map[string]int{"status": 1}

type customerJSON struct {
	ID                string               `json:"id"`
	Key               string               `json:"key"`
	Email             *string              `json:"email"`
	Name              *string              `json:"name"`
	Surname           *string              `json:"surname"`
	Status            string               `json:"status"`
	Approved          bool                 `json:"approved"`
	ReferringCustomer *customerSummaryJSON `json:"referring_customer"`
	ReferralsCount    int                  `json:"referrals_count"`
	Metadata          customerMetadataJSON `json:"metadata"`
	ReferralLink      string               `json:"referral_link"`
	ReferralLinks     []string             `json:"referral_links"`
	CustomFields      struct{}             `json:"custom_fields"`
	CreatedAt         timestamp            `json:"created_at"`
	UpdatedAt         timestamp            `json:"updated_at"`
}

type customerSummaryJSON struct {
	ID      string  `json:"id"`
	Key     string  `json:"key"`
	Email   *string `json:"email"`
	Name    *string `json:"name"`
	Surname *string `json:"surname"`
}

// customerMetadataJSON is date_of_birth (always present, null when unset)
// followed by the other metadata keys in sorted order.
type customerMetadataJSON struct {
	DateOfBirth *string
	Other       store.Metadata
}

// MarshalJSON writes date_of_birth first, then the other keys sorted
// (appendJSON, wire_json.go).
func (m customerMetadataJSON) MarshalJSON() ([]byte, error) {
	return m.appendJSON(make([]byte, 0, 64)), nil
}

// customerWire is a customer as the API shows it. Referral customers are
// always approved: refer-a-friend programs have no approval step.
func customerWire(v store.CustomerView) customerJSON {
	// The nullable strings share one allocation: a customer is rendered
	// by most requests (one GET, fifteen for a page).
	var out customerJSON
	customerWireInto(&out, &v, &customerMemory{})
	return out
}

// customerMemory is what a customer's wire form points into: its nullable
// strings, its referral links' array and its referrer's summary.
type customerMemory struct {
	strs    [7]string
	links   [2]string
	summary customerSummaryJSON
}

// customerWireInto writes v's wire form into out, pointing into m, which
// must outlive out.
func customerWireInto(out *customerJSON, v *store.CustomerView, m *customerMemory) {
	strs := &m.strs
	*strs = [7]string{v.Email, v.Name, v.Surname, v.DateOfBirth}
	links := m.links[:0]
	if len(v.Links) > len(m.links) {
		links = make([]string, 0, len(v.Links))
	}
	*out = customerJSON{
		ID: v.ID, Key: v.Key, Email: nonEmpty(&strs[0]), Name: nonEmpty(&strs[1]), Surname: nonEmpty(&strs[2]),
		Status: v.Status, Approved: true, ReferralsCount: v.ReferralsCount,
		Metadata:  customerMetadataJSON{DateOfBirth: nonEmpty(&strs[3]), Other: v.Metadata},
		CreatedAt: timestamp(v.CreatedAt), UpdatedAt: timestamp(v.UpdatedAt),
	}
	for _, l := range v.Links {
		links = append(links, l.URL)
		if l.Default {
			out.ReferralLink = l.URL
		}
	}
	out.ReferralLinks = links
	if r := v.Referrer; r != nil {
		strs[4], strs[5], strs[6] = r.Email, r.Name, r.Surname
		m.summary = customerSummaryJSON{
			ID: r.ID, Key: r.Key, Email: nonEmpty(&strs[4]), Name: nonEmpty(&strs[5]), Surname: nonEmpty(&strs[6]),
		}
		out.ReferringCustomer = &m.summary
	}
}

type linkJSON struct {
	ID                        string  `json:"id"`
	Key                       string  `json:"key"`
	URL                       string  `json:"url"`
	Default                   bool    `json:"default"`
	IsAdditional              bool    `json:"is_additional"`
	DirectTracking            bool    `json:"direct_tracking"`
	DirectTrackingRedirect    bool    `json:"direct_tracking_redirect"`
	DirectTrackingRedirectURL *string `json:"direct_tracking_redirect_url"`
}

// linkWire is a referral link as the API shows it; its id is its key.
func linkWire(l store.LinkView) linkJSON {
	return linkJSON{
		ID: l.Key, Key: l.Key, URL: l.URL, Default: l.Default, IsAdditional: l.IsAdditional,
		DirectTracking: l.DirectTracking, DirectTrackingRedirect: l.DirectTrackingRedirect,
		DirectTrackingRedirectURL: nullable(l.DirectTrackingRedirectURL),
	}
}

// listJSON is Laravel's simple-paginator resource collection.
type listJSON struct {
	Data   any       `json:"data"`
	Links  pageLinks `json:"links"`
	Meta   pageMeta  `json:"meta"`
	Status int       `json:"status"`
}

type pageLinks struct {
	First string  `json:"first"`
	Last  *string `json:"last"`
	Prev  *string `json:"prev"`
	Next  *string `json:"next"`
}

type pageMeta struct {
	CurrentPage int    `json:"current_page"`
	From        *int   `json:"from"`
	Path        string `json:"path"`
	PerPage     int    `json:"per_page"`
	To          *int   `json:"to"`
}

// paging reads limit, page and sort; the spec has already checked them.
func (c *call) paging() store.Paging {
	p := store.Paging{Page: 1, Limit: 15, Desc: c.query.Get("sort") == "desc"}
	if n, err := strconv.Atoi(c.query.Get("page")); err == nil && n > 0 {
		p.Page = n
	}
	if n, err := strconv.Atoi(c.query.Get("limit")); err == nil && n > 0 {
		p.Limit = n
	}
	return p
}

// list builds a paginated response. links and meta.path use the request's
// own scheme and host (clients such as n8n follow links.next verbatim), and
// links keep every other parameter of the request, so following next walks
// the same list.
func list[T, W any](c *call, p store.Page[T], conv func(T) W) listJSON {
	data := make([]W, 0, len(p.Items))
	for _, it := range p.Items {
		data = append(data, conv(it))
	}
	base := baseURL(c.r) + c.r.URL.Path
	pageURL := func(n int) *string {
		q := url.Values{}
		for k, v := range c.query {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(n))
		u := base + "?" + q.Encode()
		return &u
	}
	out := listJSON{
		Data:   data,
		Links:  pageLinks{First: *pageURL(1)},
		Meta:   pageMeta{CurrentPage: p.Page, Path: base, PerPage: p.Limit},
		Status: 1,
	}
	if p.Page > 1 {
		out.Links.Prev = pageURL(p.Page - 1)
	}
	if p.HasMore {
		out.Links.Next = pageURL(p.Page + 1)
	}
	if len(data) > 0 {
		from := (p.Page-1)*p.Limit + 1
		to := from + len(data) - 1
		out.Meta.From, out.Meta.To = &from, &to
	}
	return out
}

// baseURL is the scheme and host the client used, honouring the
// X-Forwarded-Proto and X-Forwarded-Host headers of a reverse proxy.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		host = strings.TrimSpace(strings.Split(h, ",")[0])
	}
	return scheme + "://" + host
}

type rewardJSON struct {
	Key              string      `json:"key"`
	Action           string      `json:"action"`
	Status           string      `json:"status"`
	Type             string      `json:"type"`
	Customer         string      `json:"customer"`
	ReferredCustomer string      `json:"referred_customer"`
	Amount           store.Money `json:"amount"`
	AmountUnits      string      `json:"amount_units"`
	IsCurrency       bool        `json:"is_currency"`
	Credit           bool        `json:"credit"`
	CreatedAt        timestamp   `json:"created_at"`
	DeletedAt        *timestamp  `json:"deleted_at"`
}

func rewardWire(r store.Reward) rewardJSON {
	out := rewardJSON{
		Key: r.Key, Action: r.Action, Status: "ok", Type: r.Type, Customer: r.CustomerID,
		ReferredCustomer: r.ReferredID, Amount: r.Amount, AmountUnits: r.Units, IsCurrency: r.IsCurrency,
		Credit: r.Type == store.RewardCredit, CreatedAt: timestamp(r.CreatedAt),
	}
	if r.DeletedAt != nil {
		out.Status = "archived"
		t := timestamp(*r.DeletedAt)
		out.DeletedAt = &t
	}
	return out
}

// transactionJSON is a refer-a-friend transaction: `customer` is the
// referrer and `referred_customer` the buyer, as Partnero documents.
type transactionJSON struct {
	Key              string       `json:"key"`
	Action           string       `json:"action"`
	Amount           store.Money  `json:"amount"`
	AmountUnits      string       `json:"amount_units"`
	IsCurrency       bool         `json:"is_currency"`
	Credit           bool         `json:"credit"`
	Customer         *string      `json:"customer"`
	ReferredCustomer string       `json:"referred_customer"`
	ProductID        *string      `json:"product_id"`
	ProductType      *string      `json:"product_type"`
	Rewardable       bool         `json:"rewardable"`
	CreatedAt        timestamp    `json:"created_at"`
	DeletedAt        *timestamp   `json:"deleted_at"`
	Rewards          []rewardJSON `json:"rewards"`
}

func transactionWire(v store.TransactionView) transactionJSON {
	var out transactionJSON
	transactionWireInto(&out, &v, nil)
	return out
}

// transactionMemory is what a transaction's wire form points into: its
// nullable strings and its rewards' array.
type transactionMemory struct {
	strs    [3]string
	rewards [2]rewardJSON
}

// transactionWireInto writes v's wire form into out, pointing into m,
// which must outlive out; with m nil, into memory of its own.
func transactionWireInto(out *transactionJSON, v *store.TransactionView, m *transactionMemory) {
	var rewards []rewardJSON
	if m != nil && len(v.Rewards) <= len(m.rewards) {
		rewards = m.rewards[:0]
	} else {
		rewards = make([]rewardJSON, 0, len(v.Rewards))
	}
	*out = transactionJSON{
		Key: v.Key, Action: v.Action, Amount: v.Amount, AmountUnits: v.Units, IsCurrency: v.IsCurrency,
		ReferredCustomer: v.CustomerID, Rewardable: v.Rewardable,
		CreatedAt: timestamp(v.CreatedAt),
	}
	if v.ReferrerID != "" || v.ProductID != "" || v.ProductType != "" {
		var strs *[3]string // one allocation for the nullable strings, unless m has them
		if m != nil {
			strs = &m.strs
		} else {
			strs = new([3]string)
		}
		*strs = [3]string{v.ReferrerID, v.ProductID, v.ProductType}
		out.Customer, out.ProductID, out.ProductType = nonEmpty(&strs[0]), nonEmpty(&strs[1]), nonEmpty(&strs[2])
	}
	if v.ArchivedAt != nil {
		t := timestamp(*v.ArchivedAt)
		out.DeletedAt = &t
	}
	for _, r := range v.Rewards {
		rewards = append(rewards, rewardWire(r))
		out.Credit = out.Credit || r.Type == store.RewardCredit
	}
	out.Rewards = rewards
}

type balanceJSON struct {
	Customer customerJSON `json:"customer"`
	// Balance is balanceLinesJSON, [] or a number, by the program's
	// balance_format.
	Balance  any          `json:"balance"`
	Currency *string      `json:"currency,omitempty"`
	Pending  *store.Money `json:"pending,omitempty"`
}

type balanceLinesJSON struct {
	Currency    []store.AmountLine `json:"currency"`
	NonCurrency []store.AmountLine `json:"non_currency"`
}

// balanceWire shows a balance in the program's balance_format.
func balanceWire(v store.BalanceView, p store.Program) balanceJSON {
	out := balanceJSON{Customer: customerWire(v.Customer)}
	switch {
	case p.BalanceFormat == store.BalanceGuide:
		var total, pending store.Money
		for _, l := range v.Lines {
			if l.IsCurrency && l.Units == p.Currency {
				total = total.Add(l.Amount)
			}
		}
		out.Balance, out.Currency, out.Pending = total, &p.Currency, &pending
	case len(v.Lines) == 0 && p.BalanceFormat == store.BalancePartnero:
		out.Balance = []struct{}{}
	default:
		lines := balanceLinesJSON{Currency: []store.AmountLine{}, NonCurrency: []store.AmountLine{}}
		for _, l := range v.Lines {
			if l.IsCurrency {
				lines.Currency = append(lines.Currency, l)
			} else {
				lines.NonCurrency = append(lines.NonCurrency, l)
			}
		}
		out.Balance = lines
	}
	return out
}

type revenueJSON struct {
	Currency   string      `json:"currency"`
	Amount     store.Money `json:"amount"`
	IsCurrency bool        `json:"is_currency"`
}

type statsJSON struct {
	Clicks              int                `json:"clicks"`
	Signups             int                `json:"signups"`
	Referrals           int                `json:"referrals"`
	ReferralsCount      int                `json:"referrals_count"`
	TotalReferrals      int                `json:"total_referrals"`
	SuccessfulReferrals int                `json:"successful_referrals"`
	PendingReferrals    int                `json:"pending_referrals"`
	SalesCount          int                `json:"sales_count"`
	Revenue             []revenueJSON      `json:"revenue"`
	Rewards             []store.RewardLine `json:"rewards"`
	TotalRewards        store.Money        `json:"total_rewards"`
	Currency            string             `json:"currency"`
}

// statsWire is a superset of the figures Partnero's guides and clients
// mention: signups/referrals/referrals_count/total_referrals all count the
// referred customers; total_rewards sums the live rewards in the program
// currency.
func statsWire(st store.Stats) statsJSON {
	out := statsJSON{
		Clicks: st.Clicks, Signups: st.Referrals, Referrals: st.Referrals, ReferralsCount: st.Referrals,
		TotalReferrals: st.Referrals, SuccessfulReferrals: st.Successful, PendingReferrals: st.Pending,
		SalesCount: st.SalesCount, Revenue: []revenueJSON{}, Rewards: []store.RewardLine{}, Currency: st.Currency,
		TotalRewards: st.TotalRewards,
	}
	for _, l := range st.Revenue {
		out.Revenue = append(out.Revenue, revenueJSON{Currency: l.Units, Amount: l.Amount, IsCurrency: l.IsCurrency})
	}
	out.Rewards = append(out.Rewards, st.Rewards...)
	return out
}
