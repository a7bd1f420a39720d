package fake

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/partnero-fake/partnero-fake/fake/partnerojs"
	"github.com/partnero-fake/partnero-fake/fake/store"
)

type browserProgramJSON struct {
	ID                    string       `json:"id"`
	Name                  string       `json:"name"`
	Website               string       `json:"website"`
	ReferralLinkFormat    string       `json:"referral_link_format"`
	ReferralLinkParameter string       `json:"referral_link_parameter"`
	Cookie                cookieConfig `json:"cookie"`
}

type cookieConfig struct {
	Name         string `json:"name"`
	Path         string `json:"path"`
	SameSite     string `json:"same_site"`
	LifetimeDays int    `json:"lifetime_days"`
}

func (s *Server) browserProgram(b *browserCall, _ []string) (any, error) {
	p := b.t.store.Program()
	return map[string]any{"data": browserProgramJSON{
		ID: p.ID, Name: p.Name, Website: p.Website, ReferralLinkFormat: p.LinkFormat, ReferralLinkParameter: p.LinkParam,
		Cookie: cookieConfig{Name: partnerojs.CookieName, Path: "/", SameSite: "Lax", LifetimeDays: p.CookieLifetime()},
	}}, nil
}

// cookieJSON is the cookie the script sets after a visit through a
// referral link.
type cookieJSON struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path"`
	MaxAge   int    `json:"max_age"`
	SameSite string `json:"same_site"`
}

type visitJSON struct {
	ReferralKey *string     `json:"referral_key"`
	CustomerKey *string     `json:"customer_key"`
	Cookie      *cookieJSON `json:"cookie"`
}

// browserVisit reads the referral key from the page URL as the program
// defines it. A key of the program counts a click and answers with the
// cookie to set; an unknown key is a 404 and sets nothing; a URL without a
// key answers nulls.
func (s *Server) browserVisit(b *browserCall, _ []string) (any, error) {
	var in struct {
		URL string `json:"url"`
	}
	if err := b.decode(&in); err != nil {
		return nil, err
	}
	if err := checkFields(map[string]string{"url": in.URL}, "url"); err != nil {
		return nil, err
	}
	u, err := url.Parse(in.URL)
	if err != nil || len(in.URL) > maxVisitURL {
		return nil, fieldErrors(map[string][]string{"url": {fmt.Sprintf("The url must be a valid URL of at most %d characters.", maxVisitURL)}})
	}
	p := b.t.store.Program()
	key := referralKey(p, u)
	if key == "" {
		return map[string]any{"data": visitJSON{}}, nil
	}
	if len(key) > maxBrowserField {
		return nil, fieldErrors(map[string][]string{"url": {fmt.Sprintf("The referral key must not be greater than %d characters.", maxBrowserField)}})
	}
	c, err := b.t.store.RecordClick(key)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fail(store.ErrNotFound, "No customer of program %s has the referral key %q.", p.ID, key)
		}
		return nil, err
	}
	return map[string]any{"data": visitJSON{
		ReferralKey: &key, CustomerKey: &c.Key,
		Cookie: &cookieJSON{Name: partnerojs.CookieName, Value: key, Path: "/", MaxAge: p.CookieLifetime() * 86400, SameSite: "Lax"},
	}}, nil
}

// referralKey reads the referral key from a page URL: ?<param>=KEY in the
// query format, /<param>/KEY in the path format (anywhere in the path, so
// a website with a base path works).
func referralKey(p store.Program, u *url.URL) string {
	if p.LinkFormat != store.LinkFormatPath {
		return u.Query().Get(p.LinkParam)
	}
	segs := strings.Split(u.EscapedPath(), "/")
	for i := 0; i+1 < len(segs); i++ {
		if seg, _ := url.PathUnescape(segs[i]); seg == p.LinkParam {
			key, err := url.PathUnescape(segs[i+1])
			if err != nil {
				return ""
			}
			return key
		}
	}
	return ""
}

type browserCustomerJSON struct {
	Key                  string  `json:"key"`
	Email                *string `json:"email"`
	Name                 *string `json:"name"`
	ReferralLink         string  `json:"referral_link"`
	ReferringCustomerKey *string `json:"referring_customer_key"`
}

// browserCreateCustomer creates a customer from the page: po('createCustomer',
// {email, name, key}), referred by referral_key (the cookie) when set.
func (s *Server) browserCreateCustomer(b *browserCall, _ []string) (any, error) {
	var in struct {
		Email       string `json:"email"`
		Name        string `json:"name"`
		Key         string `json:"key"`
		ReferralKey string `json:"referral_key"`
	}
	if err := b.decode(&in); err != nil {
		return nil, err
	}
	if err := checkFields(map[string]string{"email": in.Email, "name": in.Name, "key": in.Key, "referral_key": in.ReferralKey}); err != nil {
		return nil, err
	}
	nc := store.NewCustomer{ID: in.Key, Key: in.Key, Email: in.Email, Name: in.Name}
	if in.ReferralKey != "" {
		nc.Referrer = store.Ref{Key: in.ReferralKey}
	}
	v, err := b.t.store.CreateCustomer(nc)
	if err != nil {
		return nil, err
	}
	out := browserCustomerJSON{Key: v.Key, Email: nullable(v.Email), Name: nullable(v.Name)}
	if len(v.Links) > 0 {
		out.ReferralLink = v.Links[0].URL
	}
	if v.Referrer != nil {
		out.ReferringCustomerKey = &v.Referrer.Key
	}
	return map[string]any{"data": out}, nil
}

type widgetJSON struct {
	CustomerKey  string          `json:"customer_key"`
	Name         *string         `json:"name"`
	ProgramName  string          `json:"program_name"`
	ReferralLink string          `json:"referral_link"`
	Stats        widgetStatsJSON `json:"stats"`
}

type widgetStatsJSON struct {
	Clicks              int              `json:"clicks"`
	Referrals           int              `json:"referrals"`
	SuccessfulReferrals int              `json:"successful_referrals"`
	PendingReferrals    int              `json:"pending_referrals"`
	Rewards             []widgetLineJSON `json:"rewards"`
	// RewardsText is the rewards as the widget shows them: "7.50 USD",
	// lines joined with ", ", "0" for none.
	RewardsText string `json:"rewards_text"`
}

type widgetLineJSON struct {
	Type   string      `json:"type"`
	Amount store.Money `json:"amount"`
	Units  string      `json:"units"`
}

// browserWidget returns what po('renderReferralWidget') shows for a
// customer (by key only: the page knows its customer's key).
func (s *Server) browserWidget(b *browserCall, vars []string) (any, error) {
	key := vars[0]
	if len(key) > maxBrowserField {
		return nil, fail(store.ErrNotFound, "Customer not found.")
	}
	st, v, err := b.t.store.Stats(key)
	if err == nil && v.Key != key {
		err = fail(store.ErrNotFound, "Customer not found.")
	}
	if err != nil {
		return nil, err
	}
	p := b.t.store.Program()
	out := widgetJSON{
		CustomerKey: v.Key, Name: nullable(v.Name), ProgramName: p.Name,
		Stats: widgetStatsJSON{
			Clicks: st.Clicks, Referrals: st.Referrals, SuccessfulReferrals: st.Successful, PendingReferrals: st.Pending,
			Rewards: []widgetLineJSON{},
		},
	}
	if len(v.Links) > 0 {
		out.ReferralLink = v.Links[0].URL
	}
	var text []string
	for _, l := range st.Rewards {
		out.Stats.Rewards = append(out.Stats.Rewards, widgetLineJSON{Type: l.Type, Amount: l.Amount, Units: l.Units})
		text = append(text, l.Amount.String()+" "+l.Units)
	}
	out.Stats.RewardsText = "0"
	if len(text) > 0 {
		out.Stats.RewardsText = strings.Join(text, ", ")
	}
	return map[string]any{"data": out}, nil
}
